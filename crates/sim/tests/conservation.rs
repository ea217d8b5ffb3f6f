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
