//! RHS, Jacobian-vector product and dense Jacobian evaluations per second.
use criterion::{criterion_group, criterion_main, Criterion};
use k2bone_physiology::{CalciumBoneModel, N_CORE};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let m = CalciumBoneModel::default();
    let y = m.initial_state();
    let inputs = m.default_inputs();
    let v = vec![1.0; N_CORE];
    let mut out = vec![0.0; N_CORE];
    c.bench_function("rhs/core", |b| {
        b.iter(|| m.rhs(black_box(1.0), black_box(&y), &mut out))
    });
    c.bench_function("jvp/core", |b| {
        b.iter(|| m.jvp(1.0, black_box(&y), black_box(&v), &inputs, &mut out))
    });
    c.bench_function("jacobian/core-dense", |b| {
        b.iter(|| m.jacobian(1.0, black_box(&y), &inputs))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
