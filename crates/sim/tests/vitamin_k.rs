//! Mechanism properties of the vitamin K / D extension (issue 3), each something the model
//! could get wrong, checked on the full model with the simulator.

use k2bone_physiology::{
    Agent, BoneHealthModel, CalciumBoneModel, ExtState, KParamFile, PersonInputs, RateEffects,
    N_CORE, N_FULL,
};
use k2bone_sim::{grid, DoseEvent, OdeModel, Simulator};

fn daily(
    model: &BoneHealthModel,
    agent: &str,
    amount: f64,
    unit: &str,
    days: usize,
) -> Vec<DoseEvent<Agent>> {
    let (a, x) = model.resolve_dose(agent, amount, unit).unwrap();
    (0..days)
        .map(|d| DoseEvent {
            time_h: d as f64 * 24.0,
            drug: a,
            amount: x,
            duration_h: None,
        })
        .collect()
}

fn sim() -> Simulator {
    Simulator {
        rtol: 1e-8,
        atol: 1e-10,
        ..Simulator::default()
    }
}

fn end(tr: &k2bone_sim::Trajectory, name: &str) -> f64 {
    let c = tr.column(name).unwrap();
    c[c.len() - 1]
}

#[test]
fn the_extension_at_baseline_leaves_the_core_equations_unchanged() {
    // Exact identity: at any core state, with the extension at its baseline, the core part of
    // the full right-hand side equals the core model's right-hand side.
    let full = BoneHealthModel::default();
    let core = CalciumBoneModel::default();
    let mut y = full.initial_state();
    for (i, v) in y.iter_mut().take(N_CORE).enumerate() {
        *v *= 1.0 + 0.01 * ((i * 7919) % 13) as f64 / 13.0; // a state away from baseline
    }
    let mut d_full = vec![0.0; N_FULL];
    full.rhs(0.0, &y, &full.default_inputs(), &mut d_full);
    let mut d_core = vec![0.0; N_CORE];
    core.rhs_generic(
        0.0,
        &y[..N_CORE],
        &core.default_inputs(),
        &RateEffects::none(),
        &mut d_core,
    );
    assert_eq!(&d_full[..N_CORE], &d_core[..]);
}

#[test]
fn without_supplements_the_full_model_reproduces_the_core_over_ten_years() {
    let full = BoneHealthModel::default();
    let core = CalciumBoneModel::default();
    let g = grid(10.0 * 8760.0, 30.0 * 24.0);
    let s = Simulator::default();
    let a = s.run(&full, &[], &g).unwrap();
    let b = s.run(&core, &[], &g).unwrap();
    for name in core.state_names() {
        let (x, y) = (a.column(name).unwrap(), b.column(name).unwrap());
        for (u, v) in x.iter().zip(y) {
            assert!(
                (u - v).abs() <= 1e-8 * v.abs().max(1e-12),
                "{name}: {u} vs {v}"
            );
        }
    }
    // …and the extension stays at its baseline: carboxylation unchanged without K2.
    let f = a.column("OC_carboxylated_fraction").unwrap();
    assert!(
        f.iter().all(|v| (v - f[0]).abs() < 1e-9),
        "carboxylation drifted"
    );
    // The index grows at its baseline rate; the core's published rounding residuals (spec
    // §10.1) move Ca×PO4 by < 0.1%, so the end value is within 0.1% of 1 + 10·rate.
    let ci = a.column("CI").unwrap();
    let expected = 1.0 + 10.0 * full.k_params().ci_growth_per_year;
    assert!(
        (ci[ci.len() - 1] - expected).abs() < 1e-3 * expected,
        "{}",
        ci[ci.len() - 1]
    );
}

#[test]
fn more_mk7_lowers_ucoc_monotonically_and_saturates() {
    let m = BoneHealthModel::default();
    let g = grid(84.0 * 24.0, 84.0 * 24.0);
    // Doses ×4 apart up to the pharmacological range (MK-4 is used at 45 mg/d).
    let doses = [
        0.0, 45.0, 180.0, 720.0, 2880.0, 11520.0, 46080.0, 184320.0, 737280.0,
    ];
    let uc: Vec<f64> = doses
        .iter()
        .map(|&d| {
            let ev = if d > 0.0 {
                daily(&m, "mk7", d, "ug", 84)
            } else {
                vec![]
            };
            end(&sim().run(&m, &ev, &g).unwrap(), "ucOC_fraction_pct_change")
        })
        .collect();
    // No K2, no change beyond the core's baseline drift (osteoblasts move by ~1e-4, spec §10.1).
    assert!(uc[0].abs() < 0.05, "no K2, no change: {}", uc[0]);
    for w in uc.windows(2) {
        assert!(w[1] < w[0], "not monotone: {uc:?}");
    }
    // Saturation: the gain per ×4 step peaks and then shrinks, and the fraction never goes
    // below -100%.
    let steps: Vec<f64> = uc.windows(2).map(|w| w[0] - w[1]).collect();
    let peak = (0..steps.len())
        .max_by(|&i, &j| steps[i].total_cmp(&steps[j]))
        .unwrap();
    assert!(peak < steps.len() - 1, "not saturating: {uc:?}");
    for w in steps[peak..].windows(2) {
        assert!(w[1] < w[0], "not saturating after the peak: {uc:?}");
    }
    assert!(uc[uc.len() - 1] > -100.0);
}

fn apparent_half_life_h(m: &BoneHealthModel, agent: &str, output: &str) -> f64 {
    let g = grid(96.0, 0.25);
    let tr = sim().run(m, &daily(m, agent, 1.0, "mg", 1), &g).unwrap();
    let c = tr.column(output).unwrap();
    let base = c[0];
    let imax = (0..c.len()).max_by(|&i, &j| c[i].total_cmp(&c[j])).unwrap();
    // Time for the increment over baseline to halve after the peak.
    let half = (imax..c.len())
        .find(|&i| c[i] - base <= 0.5 * (c[imax] - base))
        .unwrap_or(c.len() - 1);
    g[half] - g[imax]
}

#[test]
fn mk7_lives_longer_than_mk4_and_k1() {
    let m = BoneHealthModel::default();
    let mk7 = apparent_half_life_h(&m, "mk7", "MK7_ng_mL");
    let mk4 = apparent_half_life_h(&m, "mk4", "MK4_ng_mL");
    let k1 = apparent_half_life_h(&m, "k1", "K1_ng_mL");
    assert!(
        mk7 > 5.0 * mk4 && mk7 > 5.0 * k1,
        "MK-7 {mk7} h, MK-4 {mk4} h, K1 {k1} h"
    );
}

#[test]
fn vitamin_d_deficiency_lowers_calcium_absorption_and_raises_pth() {
    let k = KParamFile::shipped().params;
    let replete = BoneHealthModel::default();
    let deficient = BoneHealthModel::new(
        CalciumBoneModel::default(),
        k,
        PersonInputs {
            d25_nmol_l: 20.0,
            ..PersonInputs::default()
        },
    )
    .unwrap();
    let g = grid(365.0 * 24.0, 30.0 * 24.0);
    let a = sim().run(&replete, &[], &g).unwrap();
    let b = sim().run(&deficient, &[], &g).unwrap();
    // R is the core's gut-absorption state (spec §5.5: absorption J40 ∝ R).
    assert!(
        end(&b, "R") < end(&a, "R"),
        "absorption {} vs {}",
        end(&b, "R"),
        end(&a, "R")
    );
    assert!(end(&b, "PTHpm") > end(&a, "PTHpm"));
    assert!(end(&b, "calcitriol_pM") < end(&a, "calcitriol_pM"));
}

#[test]
fn d3_supplement_raises_25ohd_towards_its_steady_state() {
    let m = BoneHealthModel::default();
    let g = grid(365.0 * 24.0, 24.0);
    let tr = sim()
        .run(&m, &daily(&m, "d3", 1000.0, "IU", 365), &g)
        .unwrap();
    let expected =
        k2bone_physiology::vitamin_d::steady_state(m.k_params(), m.person().d25_nmol_l, 25.0);
    let d25 = end(&tr, "D25");
    // After 24 half-lives of 15 days the mean level is at steady state (daily swings are small).
    assert!(
        (d25 - expected).abs() < 0.02 * (expected - m.person().d25_nmol_l),
        "{d25} vs {expected}"
    );
}

#[test]
fn warfarin_lowers_carboxylation_and_makes_it_depend_on_intake() {
    let k = KParamFile::shipped().params;
    let on_vka = BoneHealthModel::new(
        CalciumBoneModel::default(),
        k,
        PersonInputs {
            vka_inhibition: 0.9,
            ..PersonInputs::default()
        },
    )
    .unwrap();
    let free = BoneHealthModel::default();
    let g = grid(28.0 * 24.0, 24.0);
    let run = |m: &BoneHealthModel, ug: f64| {
        let ev = if ug > 0.0 {
            daily(m, "mk7", ug, "ug", 28)
        } else {
            vec![]
        };
        end(&sim().run(m, &ev, &g).unwrap(), "hepatic_carboxylation_pct")
    };
    let (vka0, vka45) = (run(&on_vka, 0.0), run(&on_vka, 45.0));
    let (free0, free45) = (run(&free, 0.0), run(&free, 45.0));
    assert!(vka0 < free0);
    // 45 µg/d MK-7 moves hepatic carboxylation much more on a VKA than off it
    // (Theuwissen 2013: INR shifts on acenocoumarol at 10–45 µg/d).
    assert!(
        vka45 - vka0 > 3.0 * (free45 - free0),
        "on VKA {vka0}->{vka45}, off {free0}->{free45}"
    );
}

#[test]
fn jacobian_matches_finite_differences() {
    let m = BoneHealthModel::default();
    let mut y = m.initial_state();
    y[ExtState::Mk7Gut.idx()] += 500.0;
    y[ExtState::D3Pool.idx()] += 20.0;
    let inputs = m.default_inputs();
    let mut f0 = vec![0.0; N_FULL];
    m.rhs(1.0, &y, &inputs, &mut f0);
    for col in N_CORE..N_FULL {
        let mut v = vec![0.0; N_FULL];
        v[col] = 1.0;
        let mut jv = vec![0.0; N_FULL];
        m.jvp(1.0, &y, &v, &inputs, &mut jv);
        let h = 1e-6 * y[col].abs().max(1e-3);
        let mut yp = y.clone();
        yp[col] += h;
        let mut fp = vec![0.0; N_FULL];
        m.rhs(1.0, &yp, &inputs, &mut fp);
        for row in 0..N_FULL {
            let fd = (fp[row] - f0[row]) / h;
            assert!(
                (fd - jv[row]).abs() <= 1e-4 * fd.abs().max(jv[row].abs()).max(1e-9),
                "d{row}/d{col}: fd {fd} vs {}",
                jv[row]
            );
        }
    }
}
