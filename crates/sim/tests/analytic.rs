//! The solver and the dosing loop against closed-form solutions (oracle: the formulas in
//! `k2bone_sim::test_models`): doses on and between grid points, repeated doses, infusions.

use k2bone_sim::test_models::{ExponentialDecay, OneCompartmentOral, TestDose};
use k2bone_sim::{grid, DoseEvent, Simulator};

fn bolus(t: f64, a: f64) -> DoseEvent<TestDose> {
    DoseEvent {
        time_h: t,
        drug: TestDose,
        amount: a,
        duration_h: None,
    }
}

#[test]
fn decay_with_boluses_on_and_between_grid_points() {
    let m = ExponentialDecay {
        k_per_h: 0.3,
        y0: 2.0,
    };
    // 5.0 is on the grid, 7.3 between grid points, 0 at the start.
    let doses = [bolus(0.0, 1.0), bolus(5.0, 3.0), bolus(7.3, 0.5)];
    let g = grid(20.0, 0.5);
    let tr = Simulator {
        rtol: 1e-10,
        atol: 1e-12,
        ..Default::default()
    }
    .run(&m, &doses, &g)
    .unwrap();
    let y = tr.column("y").unwrap();
    let b: Vec<(f64, f64)> = doses.iter().map(|d| (d.time_h, d.amount)).collect();
    for (t, v) in tr.times_h.iter().zip(y) {
        let want = m.exact(*t, &b);
        assert!(
            (v - want).abs() <= 1e-7 * want.abs().max(1e-3),
            "t={t}: {v} vs {want}"
        );
    }
    // The sample at a dose time is post-dose (mrgsolve's convention).
    let i5 = tr.times_h.iter().position(|t| *t == 5.0).unwrap();
    assert!(y[i5] > y[i5 - 1] + 2.5);
}

#[test]
fn infusion_reaches_rate_over_k() {
    let m = ExponentialDecay {
        k_per_h: 0.5,
        y0: 0.0,
    };
    // 10 units over 10 h from t = 2: rate 1/h; during it y = (1/k)(1 - e^{-k (t-2)}).
    let doses = [DoseEvent {
        time_h: 2.0,
        drug: TestDose,
        amount: 10.0,
        duration_h: Some(10.0),
    }];
    let tr = Simulator::default()
        .run(&m, &doses, &grid(20.0, 1.0))
        .unwrap();
    let y = tr.column("y").unwrap();
    for (t, v) in tr.times_h.iter().zip(y) {
        let want = if *t <= 2.0 {
            0.0
        } else if *t <= 12.0 {
            2.0 * (1.0 - (-0.5 * (t - 2.0)).exp())
        } else {
            2.0 * (1.0 - (-5.0f64).exp()) * (-0.5 * (t - 12.0)).exp()
        };
        assert!((v - want).abs() < 1e-7, "t={t}: {v} vs {want}");
    }
}

#[test]
fn one_compartment_oral_matches_bateman_with_repeated_doses() {
    let m = OneCompartmentOral {
        ka_per_h: 1.2,
        ke_per_h: 0.1,
        volume_l: 10.0,
    };
    let doses: Vec<_> = (0..5).map(|k| bolus(12.0 * k as f64, 100.0)).collect();
    let tr = Simulator::default()
        .run(&m, &doses, &grid(96.0, 0.25))
        .unwrap();
    let central = tr.column("central").unwrap();
    let conc = tr.column("conc").unwrap();
    let b: Vec<(f64, f64)> = doses.iter().map(|d| (d.time_h, d.amount)).collect();
    for (i, t) in tr.times_h.iter().enumerate() {
        let want = m.exact_central(*t, &b);
        assert!(
            (central[i] - want).abs() < 1e-6 * want.max(1.0),
            "t={t}: {} vs {want}",
            central[i]
        );
        assert!((conc[i] - central[i] / 10.0).abs() < 1e-12);
    }
}

#[test]
fn bad_grids_are_refused() {
    let m = ExponentialDecay {
        k_per_h: 0.3,
        y0: 2.0,
    };
    let s = Simulator::default();
    assert!(s.run(&m, &[], &[]).is_err());
    assert!(s
        .run(&m, &[], &[0.0, 2.0, 1.0])
        .unwrap_err()
        .to_string()
        .contains("increase"));
    assert!(s.run(&m, &[], &[-1.0, 2.0]).is_err());
    assert!(s.run(&m, &[], &[0.0, f64::NAN]).is_err());
}

#[test]
fn a_blow_up_is_an_error_with_time_and_state_never_nan() {
    // y' = 50 y grows past f64 range by t ≈ 14 h: the run must fail, saying when and where.
    let m = ExponentialDecay {
        k_per_h: -50.0,
        y0: 1.0,
    };
    let err = Simulator::default()
        .run(&m, &[], &grid(100.0, 1.0))
        .unwrap_err();
    let msg = err.to_string();
    let t = match &err {
        k2bone_sim::SimError::NonFinite { t_h, .. } | k2bone_sim::SimError::Solver { t_h, .. } => {
            *t_h
        }
        other => panic!("unexpected error {other}"),
    };
    assert!(t > 5.0 && t < 16.0, "failed at {t} h: {msg}");
    assert!(msg.contains("state there: y="), "{msg}");
}

#[test]
fn step_budget_is_enforced() {
    let m = OneCompartmentOral {
        ka_per_h: 1.2,
        ke_per_h: 0.1,
        volume_l: 10.0,
    };
    let doses: Vec<_> = (0..50).map(|k| bolus(1.0 * k as f64, 1.0)).collect();
    let err = Simulator {
        max_steps: 20,
        ..Default::default()
    }
    .run(&m, &doses, &grid(60.0, 1.0))
    .unwrap_err();
    assert!(
        err.to_string().contains("more than 20 solver steps"),
        "{err}"
    );
}
