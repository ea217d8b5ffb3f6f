//! The fast path against the event path (issue 12): same person, same burn-in from age 41,
//! same doses; every state and output column on the grid.
//!
//! Oracle: the event path (`k2bone_sim::Simulator`, diffsol BDF restarted at every dose),
//! which the R/deSolve reference checks in `crates/sim/tests/`. Both run at rtol 1e-10 /
//! atol 1e-12, so what is compared is the method, not the tolerance. Agreement per column:
//! $\max_t |fast - event| \le 10^{-6} \max(\max_t |event|, 10^{-6})$ (relative to the column's
//! largest value; a column that stays within 1e-6 of zero, like a % change of an untreated
//! arm, is compared at 1e-12 absolute).
//!
//! The burn-in of the fast path is `burn_in` (an untreated fast run); the event path ages the
//! person inside the same run (`run_arms`), so the test also shows that starting from the
//! burned-in state equals the continuous run.

use k2bone_physiology::BoneHealthModel;
use k2bone_sim::{run_arms, DoseEvent, FastSimulator, Simulator, Trajectory};

const SCENARIOS: [(&str, &str, &str); 6] = [
    ("untreated-3y", "3 years", ""),
    ("mk7-180-daily-3y", "3 years", "mk7 = \"180 ug daily\""),
    (
        "mk4-15mg-3x-daily-2y",
        "2 years",
        "mk4 = \"15 mg 3 times daily\"",
    ),
    (
        "k1-5mg-ca-1000mg-d3-800iu-daily-2y",
        "2 years",
        "k1 = \"5 mg daily\"\ncalcium = \"1000 mg daily\"\nd3 = \"800 IU daily\"",
    ),
    (
        "denosumab-60mg-q26w-3y",
        "3 years",
        "[[arms.x.drug]]\nagent = \"denosumab\"\ndose = \"60 mg\"\nschedule = \"every 26 weeks\"",
    ),
    (
        "warfarin-mk7-180-daily-3y",
        "3 years",
        "mk7 = \"180 ug daily\"",
    ),
];

fn plan(name: &str, duration: &str, arm: &str) -> k2bone_scenario::Plan {
    let person = if name.starts_with("warfarin") {
        "age_years = 70\nanticoagulant = \"warfarin\"\ninr = 2.0"
    } else {
        "age_years = 62"
    };
    let text = format!(
        "schema = 1\ncontrol_arm = false\n[person]\nsex = \"female\"\n{person}\n\
         [simulation]\nduration = \"{duration}\"\noutput_every = \"28 days\"\n[arms.x]\n{arm}\n"
    );
    k2bone_scenario::Scenario::from_str(&text, name)
        .unwrap()
        .build(None)
        .unwrap()
}

fn worst(fast: &Trajectory, event: &Trajectory) -> (f64, String) {
    assert_eq!(fast.times_h, event.times_h);
    let mut w = (0.0, String::new());
    for (a, b) in fast.columns.iter().zip(&event.columns) {
        assert_eq!(a.name, b.name);
        let scale = b
            .values
            .iter()
            .map(|v| v.abs())
            .fold(0.0, f64::max)
            .max(1e-6);
        let e = a
            .values
            .iter()
            .zip(&b.values)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
            / scale;
        if e > w.0 {
            w = (e, b.name.clone());
        }
    }
    w
}

fn fast_run(p: &k2bone_scenario::Plan, sim: &FastSimulator) -> Trajectory {
    let m: &BoneHealthModel = &p.model;
    let aged = sim
        .run_from(m, &m.initial_state(), &[], &[0.0, p.burn_in_h])
        .unwrap();
    let y0: Vec<f64> = aged.columns[..m.n_states()]
        .iter()
        .map(|c| c.values[1])
        .collect();
    // Treatment goes on on the model's clock (the core ages), as in `run_arms`.
    let b = p.burn_in_h;
    let doses: Vec<_> = p.arms[0]
        .doses
        .iter()
        .map(|d| DoseEvent {
            time_h: d.time_h + b,
            ..*d
        })
        .collect();
    let grid: Vec<f64> = p.grid_h.iter().map(|t| t + b).collect();
    let mut tr = sim.run_from_time(m, b, &y0, &doses, &grid).unwrap();
    for t in &mut tr.times_h {
        *t -= b;
    }
    tr
}

#[test]
fn fast_path_equals_event_path_to_1e6_on_every_output() {
    let tight_event = Simulator {
        rtol: 1e-10,
        atol: 1e-12,
        ..Simulator::default()
    };
    let tight_fast = FastSimulator {
        rtol: 1e-10,
        atol: 1e-12,
        ..FastSimulator::default()
    };
    let results: Vec<(String, f64, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = SCENARIOS
            .iter()
            .map(|(name, duration, arm)| {
                s.spawn(move || {
                    let p = plan(name, duration, arm);
                    let event =
                        run_arms(&tight_event, &p.model, p.burn_in_h, &p.arms, &p.grid_h).unwrap();
                    let fast = fast_run(&p, &tight_fast);
                    let (e, col) = worst(&fast, &event[0].trajectory);
                    (name.to_string(), e, col)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (name, e, col) in &results {
        eprintln!("{name}: worst relative difference {e:.2e} ({col})");
    }
    for (name, e, col) in &results {
        assert!(*e <= 1e-6, "{name}: {col} differs by {e:e} relative");
    }
}

#[test]
fn a_vitamin_k_dose_does_not_restart_the_stiff_solver() {
    // 1,095 daily MK-7 doses: the fast path's steps stay far below one per dose, while the
    // event path restarts at each (hundreds of steps per dose).
    let p = plan("mk7", "3 years", "mk7 = \"180 ug daily\"");
    let m = &p.model;
    let fast = FastSimulator::default()
        .run_from(m, &m.initial_state(), &p.arms[0].doses, &p.grid_h)
        .unwrap();
    assert!(
        fast.stats.steps < p.arms[0].doses.len() * 20,
        "{} steps for {} doses",
        fast.stats.steps,
        p.arms[0].doses.len()
    );
    let event = Simulator::default()
        .run_from(m, &m.initial_state(), &p.arms[0].doses, &p.grid_h)
        .unwrap();
    assert!(event.stats.steps > 10 * fast.stats.steps);
}
