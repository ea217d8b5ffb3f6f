//! Whole runs of the core model, the workloads issue 2 compares with the R/deSolve reference
//! (`validation/bench_reference.R` times the same runs with LSODA at the same tolerances).
//!
//! - `solve/baseline-10y`: no dosing, 10 years, weekly output, rtol = atol = 1e-10.
//! - `solve/denosumab-60mg-q6m-4y`: 60 mg every 6 × 28 days for 4 years (8 doses), output every
//!   24 h, rtol = atol = 1e-8.
use criterion::{criterion_group, criterion_main, Criterion};
use k2bone_physiology::CalciumBoneModel;
use k2bone_sim::{builtins, grid, parse_dose_table, Simulator};

fn bench(c: &mut Criterion) {
    let m = CalciumBoneModel::default();
    let weekly = grid(10.0 * 365.0 * 24.0, 24.0 * 7.0);
    let tight = Simulator {
        rtol: 1e-10,
        atol: 1e-10,
        ..Default::default()
    };
    c.bench_function("solve/baseline-10y", |b| {
        b.iter(|| tight.run(&m, &[], &weekly).unwrap())
    });

    let b = builtins::find("pr2012-60mg-q6m-x8").unwrap();
    let doses = parse_dose_table(b.doses_csv, b.name, &m).unwrap();
    let daily = grid(48.0 * builtins::MONTH_H, 24.0);
    let loose = Simulator {
        rtol: 1e-8,
        atol: 1e-8,
        ..Default::default()
    };
    c.bench_function("solve/denosumab-60mg-q6m-4y", |bch| {
        bch.iter(|| loose.run(&m, &doses, &daily).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
