//! Conservation and positivity along real simulations (oracles: a conservation law and the
//! physics of amounts).
//!
//! Total body calcium `P + T + Q + Qbone` changes only by oral calcium entering the gut pool
//! and calcium leaving in urine (`UCA` accumulates the latter). With oral calcium set to zero,
//! `P + T + Q + Qbone + UCA` is constant for any dosing that adds no calcium.

use k2bone_physiology::{CalciumBoneModel, Inputs};
use k2bone_sim::{grid, parse_dose_table, OdeModel, Simulator};

/// The core model with oral calcium switched off.
struct NoIntake(CalciumBoneModel);

impl OdeModel for NoIntake {
    type Drug = <CalciumBoneModel as OdeModel>::Drug;
    type Inputs = Inputs;
    fn n_states(&self) -> usize {
        self.0.n_states()
    }
    fn state_names(&self) -> Vec<&'static str> {
        OdeModel::state_names(&self.0)
    }
    fn output_names(&self) -> Vec<(&'static str, &'static str)> {
        OdeModel::output_names(&self.0)
    }
    fn initial_state(&self) -> Vec<f64> {
        self.0.initial_state()
    }
    fn default_inputs(&self) -> Inputs {
        let mut i = self.0.default_inputs();
        i.oral_ca_mmol_per_h = 0.0;
        i
    }
    fn rhs(&self, t: f64, y: &[f64], i: &Inputs, dy: &mut [f64]) {
        OdeModel::rhs(&self.0, t, y, i, dy)
    }
    fn jvp(&self, t: f64, y: &[f64], v: &[f64], i: &Inputs, o: &mut [f64]) {
        OdeModel::jvp(&self.0, t, y, v, i, o)
    }
    fn outputs(&self, y: &[f64], o: &mut [f64]) {
        OdeModel::outputs(&self.0, y, o)
    }
    fn apply_bolus(&self, d: Self::Drug, a: f64, y: &mut [f64]) {
        OdeModel::apply_bolus(&self.0, d, a, y)
    }
    fn add_infusion(&self, d: Self::Drug, r: f64, i: &mut Inputs) {
        OdeModel::add_infusion(&self.0, d, r, i)
    }
    fn resolve_dose(&self, d: &str, a: f64, u: &str) -> Result<(Self::Drug, f64), String> {
        self.0.resolve_dose(d, a, u)
    }
}

fn total_calcium(tr: &k2bone_sim::Trajectory, i: usize) -> f64 {
    ["P", "T", "Q", "Qbone", "UCA"]
        .iter()
        .map(|n| tr.column(n).unwrap()[i])
        .sum()
}

#[test]
fn body_calcium_is_conserved_without_intake_under_denosumab() {
    let model = NoIntake(CalciumBoneModel::default());
    let doses = parse_dose_table(
        "time_h,drug,amount,unit,ii_h,addl\n0,denosumab,60,mg,4032,1\n",
        "t",
        &model,
    )
    .unwrap();
    let tr = Simulator {
        rtol: 1e-10,
        atol: 1e-10,
        ..Default::default()
    }
    .run(&model, &doses, &grid(365.0 * 24.0, 24.0))
    .unwrap();
    let start = total_calcium(&tr, 0);
    for i in 0..tr.times_h.len() {
        let rel = (total_calcium(&tr, i) - start).abs() / start;
        assert!(
            rel < 1e-8,
            "day {}: total Ca drifted by {rel:.2e}",
            tr.times_h[i] / 24.0
        );
    }
    // The run did something: urine took calcium out of plasma and bone.
    let uca = *tr.column("UCA").unwrap().last().unwrap();
    assert!(uca > 10.0, "urinary Ca over the year: {uca} mmol");
}

#[test]
fn rhs_balance_holds_at_perturbed_states() {
    // d/dt (P + T + Q + Qbone) = oral Ca into the gut pool − urine, at any state.
    let m = CalciumBoneModel::default();
    let inputs = m.default_inputs();
    let y0 = m.initial_state();
    for k in 0..20 {
        let y: Vec<f64> = y0
            .iter()
            .enumerate()
            .map(|(i, v)| v * (1.0 + 0.3 * ((i * 7 + k * 13) as f64).sin()))
            .collect();
        let mut dy = vec![0.0; y.len()];
        m.rhs_generic(
            0.0,
            &y,
            &inputs,
            &k2bone_physiology::RateEffects::none(),
            &mut dy,
        );
        let idx = |n: &str| k2bone_physiology::StateId::from_name(n).unwrap().idx();
        let d_total = dy[idx("P")] + dy[idx("T")] + dy[idx("Q")] + dy[idx("Qbone")];
        let (oral_in, urine) = m.calcium_in_out(0.0, &y, &inputs);
        assert!(
            (d_total - (oral_in - urine)).abs() < 1e-12 * (1.0 + dy[idx("Q")].abs()),
            "{d_total} vs {}",
            oral_in - urine
        );
        assert!((dy[idx("UCA")] - urine).abs() < 1e-15);
    }
}

#[test]
fn amounts_stay_non_negative_in_every_reference_scenario() {
    let m = CalciumBoneModel::default();
    for b in k2bone_sim::builtins::BUILTINS {
        let doses = if b.doses_csv.is_empty() {
            vec![]
        } else {
            parse_dose_table(b.doses_csv, b.name, &m).unwrap()
        };
        let tr = Simulator {
            rtol: 1e-8,
            atol: 1e-10,
            ..Default::default()
        }
        .run(
            &m,
            &doses,
            &grid(b.default_duration_h, b.default_every_h.max(1.0)),
        )
        .unwrap();
        for c in &tr.columns[..tr.n_states()] {
            let min = c.values.iter().cloned().fold(f64::MAX, f64::min);
            assert!(
                min >= -1e-9,
                "{}: state {} went negative ({min})",
                b.name,
                c.name
            );
        }
    }
}

#[test]
fn a_calcium_bolus_adds_exactly_its_absorbed_fraction_to_body_calcium() {
    // 500 mg elemental Ca at t = 0 with diet intake off: body Ca + urine rises by
    // 500 / 40.078 mmol × T85 (the oral fraction entering the gut pool, spec §6), then is conserved.
    let model = NoIntake(CalciumBoneModel::default());
    let doses =
        parse_dose_table("time_h,drug,amount,unit\n0,calcium,500,mg\n", "t", &model).unwrap();
    let tr = Simulator::default()
        .run(&model, &doses, &grid(72.0, 1.0))
        .unwrap();
    let base = model.0.initial_state();
    let base_total: f64 = ["P", "T", "Q", "Qbone", "UCA"]
        .iter()
        .map(|n| base[k2bone_physiology::StateId::from_name(n).unwrap().idx()])
        .sum();
    let added = 500.0 * model.0.dose_factor(k2bone_physiology::Drug::Calcium, &base);
    assert!((added - 500.0 / 40.078 * 0.1499974).abs() < 1e-6, "{added}");
    for i in 0..tr.times_h.len() {
        let rel = (total_calcium(&tr, i) - (base_total + added)).abs() / base_total;
        assert!(rel < 1e-9, "t = {} h: {rel:e}", tr.times_h[i]);
    }
    // The absorbed calcium raises serum calcium and suppresses PTH within hours.
    let ca = tr.column("CaC").unwrap();
    let pth = tr.column("PTHpm").unwrap();
    assert!(
        ca[4] > ca[0] + 0.01 && pth[4] < pth[0] * 0.95,
        "Ca {} -> {}, PTH {} -> {}",
        ca[0],
        ca[4],
        pth[0],
        pth[4]
    );
}

#[test]
fn calcitriol_bolus_and_calcium_infusion_act_in_the_expected_direction() {
    let m = CalciumBoneModel::default();
    // 1 µg calcitriol: plasma calcitriol jumps by 1e6/416.64/14 ≈ 171 pM, then gut absorption rises.
    let doses = parse_dose_table("time_h,drug,amount,unit\n0,calcitriol,1,ug\n", "t", &m).unwrap();
    let tr = Simulator::default()
        .run(&m, &doses, &grid(48.0, 1.0))
        .unwrap();
    let c = tr.column("calcitriol_pM").unwrap();
    assert!((c[0] - 90.0 - 1e6 / 416.64 / 14.0).abs() < 1e-6, "{}", c[0]);
    assert!(
        tr.column("R").unwrap()[24] > 0.5,
        "absorption capacity R rises with calcitriol"
    );
    // 1 g/day oral calcium as a 30-day infusion: more calcium absorbed, more in urine.
    let doses = parse_dose_table(
        "time_h,drug,amount,unit,dur_h\n0,calcium,30,g,720\n",
        "t",
        &m,
    )
    .unwrap();
    let tr = Simulator::default()
        .run(&m, &doses, &grid(1440.0, 24.0))
        .unwrap();
    let uca = tr.column("UCA").unwrap();
    let base = Simulator::default()
        .run(&m, &[], &grid(1440.0, 24.0))
        .unwrap();
    let uca0 = base.column("UCA").unwrap();
    assert!(
        uca[30] > uca0[30] + 1.0,
        "urine Ca {} vs {}",
        uca[30],
        uca0[30]
    );
    // After the infusion stops, the extra urinary calcium per day returns to baseline.
    let extra_late = (uca[60] - uca[59]) - (uca0[60] - uca0[59]);
    let extra_during = (uca[20] - uca[19]) - (uca0[20] - uca0[19]);
    assert!(
        extra_late.abs() < 0.2 * extra_during,
        "{extra_late} vs {extra_during}"
    );
}
