//! Runs of the full model (core + vitamin K/D extension), the workloads behind issue 3's
//! speed figures and `k2bone demo` (the built-in scenario `mk7-180-3y`):
//!
//! - `full/mk7-180-12wk`: 84 daily doses of MK-7 180 µg from the model's baseline, daily output,
//!   rtol 1e-7 / atol 1e-9 (the calibration's settings: one Dalmeijer 2012 target).
//! - `full/mk7-180-3y-one-arm`: one arm of the built-in study: 19 years of ageing (burn-in),
//!   then 1,095 daily doses, weekly output, rtol 1e-8 / atol 1e-10 (the scenario's settings).
//! - `full/mk7-180-3y-study`: the whole built-in study, 4 arms run side by side.
use criterion::{criterion_group, criterion_main, Criterion};
use k2bone_physiology::{Agent, BoneHealthModel};
use k2bone_sim::{grid, run_arms, DoseEvent, OdeModel, Simulator};

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
}

criterion_group!(benches, bench);
criterion_main!(benches);
