//! Runs of the full model (core + vitamin K/D extension), the workloads behind issue 3's
//! speed figures and `k2bone demo` (the built-in scenario `mk7-180-3y`):
//!
//! - `full/mk7-180-12wk`: 84 daily doses of MK-7 180 µg from the model's baseline, daily output,
//!   rtol 1e-7 / atol 1e-9 (the calibration's settings: one Dalmeijer 2012 target).
//! - `full/mk7-180-3y-one-arm`: one arm of the built-in study: 19 years of ageing (burn-in),
//!   then 1,095 daily doses, weekly output, rtol 1e-8 / atol 1e-10 (the scenario's settings).
//! - `full/mk7-180-3y-study`: the whole built-in study, 4 arms run side by side.
//! - `patient-3y-mk7-180-daily/{event,fast}` and `patient-2y-mk4-15mg-3x-daily/{event,fast}`
//!   (issue 12): one patient from enrolment (already aged to 60), 3 (2) years of daily doses,
//!   visits only (0, 12, 24, 36 months), at the scenario's tolerances (rtol 1e-8, atol 1e-10)
//!   for both paths. Patient-years per second = years / time.
use criterion::{criterion_group, criterion_main, Criterion};
use k2bone_physiology::{Agent, BoneHealthModel};
use k2bone_sim::{grid, run_arms, DoseEvent, FastSimulator, OdeModel, Simulator};

fn bench(c: &mut Criterion) {
    let model = BoneHealthModel::default();
    let (agent, amount) = model.resolve_dose("mk7", 180.0, "ug").unwrap();
    let doses: Vec<DoseEvent<Agent>> = (0..84)
        .map(|d| DoseEvent {
            time_h: d as f64 * 24.0,
            drug: agent,
            amount,
            duration_h: None,
        })
        .collect();
    let times = grid(84.0 * 24.0, 24.0);
    let calib = Simulator {
        rtol: 1e-7,
        atol: 1e-9,
        ..Simulator::default()
    };
    c.bench_function("full/mk7-180-12wk", |b| {
        b.iter(|| calib.run(&model, &doses, &times).unwrap())
    });

    let t = k2bone_scenario::templates::template("mk7-180-3y").unwrap();
    let plan = k2bone_scenario::Scenario::from_str(t.toml, "mk7-180-3y.toml")
        .unwrap()
        .build(None)
        .unwrap();
    let mut group = c.benchmark_group("full");
    group.sample_size(10);
    group.bench_function("mk7-180-3y-one-arm", |b| {
        b.iter(|| {
            run_arms(
                &plan.sim,
                &plan.model,
                plan.burn_in_h,
                &plan.arms[1..2],
                &plan.grid_h,
            )
            .unwrap()
        })
    });
    group.bench_function("mk7-180-3y-study", |b| {
        b.iter(|| {
            run_arms(
                &plan.sim,
                &plan.model,
                plan.burn_in_h,
                &plan.arms,
                &plan.grid_h,
            )
            .unwrap()
        })
    });
    group.finish();

    for (id, years, arm) in [
        ("patient-3y-mk7-180-daily", 3.0, "mk7 = \"180 ug daily\""),
        (
            "patient-2y-mk4-15mg-3x-daily",
            2.0,
            "mk4 = \"15 mg 3 times daily\"",
        ),
    ] {
        let text = format!(
            "schema = 1\ncontrol_arm = false\n[person]\nage_years = 60\n[simulation]\nduration = \"{years} years\"\n[arms.x]\n{arm}\n"
        );
        let plan = k2bone_scenario::Scenario::from_str(&text, id)
            .unwrap()
            .build(None)
            .unwrap();
        let m = &plan.model;
        let fast = FastSimulator {
            rtol: plan.sim.rtol,
            atol: plan.sim.atol,
            ..FastSimulator::default()
        };
        let aged = fast
            .run_from(m, &m.initial_state(), &[], &[0.0, plan.burn_in_h])
            .unwrap();
        let y0: Vec<f64> = aged.columns[..m.n_states()]
            .iter()
            .map(|c| c.values[1])
            .collect();
        let visits: Vec<f64> = (0..=(years as usize))
            .map(|y| y as f64 * 365.0 * 24.0)
            .collect();
        let doses = &plan.arms[0].doses;
        let mut g = c.benchmark_group(id);
        g.sample_size(10);
        g.bench_function("event", |b| {
            b.iter(|| plan.sim.run_from(m, &y0, doses, &visits).unwrap())
        });
        g.bench_function("fast", |b| {
            b.iter(|| fast.run_from(m, &y0, doses, &visits).unwrap())
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
