//! Throughput of random-effects fits: 10,000 REML fits (metafor `rma(yi, vi, method = "REML")`,
//! no τ² CI, as `rma` computes none) of 30 studies each, on deterministic data that
//! `validation/metafor/bench.R` generates identically, so fits/s can be put beside metafor's.
//! Criterion's throughput line ("elem/s") is fits per second. IDs: `meta_fit/{method}_k30`.
//!
//! `meta_large/{method}_k{k}`: one fit of k = 1,000 to 100,000 studies with the Q-profile τ² CI,
//! as `k2bone meta` runs it; the time must grow linearly in k (issue 15: the k × k projection
//! made k = 30,000 take over a minute).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use k2bone_evidence::{fit, EffectSize, FitOptions, Tau2Method, Test};

/// Number of datasets (fits per iteration).
const DATASETS: usize = 10_000;
/// Studies per dataset.
const K: usize = 30;

/// Dataset `d`, study `i`: the same formula as `validation/metafor/bench.R` (fixed "seed").
fn dataset(d: usize) -> Vec<EffectSize> {
    (0..K)
        .map(|i| {
            let (df, fi) = (d as f64, i as f64);
            let yi = 0.3 + 0.5 * (1.7 * df + 2.3 * fi).sin() + 0.2 * (0.37 * df * fi + fi).cos();
            let vi = 0.01 + 0.2 * (0.5 + 0.5 * (0.91 * df + 1.3 * fi + 0.5).sin()).powi(2);
            EffectSize::new(format!("s{i}"), yi, vi)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let data: Vec<Vec<EffectSize>> = (0..DATASETS).map(dataset).collect();
    let mut g = c.benchmark_group("meta_fit");
    g.sample_size(10);
    g.throughput(Throughput::Elements(DATASETS as u64));
    for method in [Tau2Method::REML, Tau2Method::DL] {
        let opts = FitOptions {
            method,
            test: Test::Z,
            level: 95.0,
            tau2_ci: false,
        };
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{method}_k30")),
            &data,
            |b, data| {
                b.iter(|| {
                    let mut acc = 0.0;
                    for es in data {
                        acc += fit(es, &opts).expect("fit").estimate;
                    }
                    acc
                })
            },
        );
    }
    g.finish();
}

fn bench_large(c: &mut Criterion) {
    let mut g = c.benchmark_group("meta_large");
    g.sample_size(10);
    for k in [1_000usize, 10_000, 100_000] {
        let es: Vec<EffectSize> = (0..k)
            .map(|i| {
                let f = i as f64;
                let yi = 0.3 + 0.5 * (1.7 * f).sin() + 0.2 * (0.37 * f).cos();
                let vi = 0.01 + 0.2 * (0.5 + 0.5 * (0.91 * f + 0.5).sin()).powi(2);
                EffectSize::new(format!("s{i}"), yi, vi)
            })
            .collect();
        g.throughput(Throughput::Elements(k as u64));
        for method in [Tau2Method::REML, Tau2Method::DL, Tau2Method::PM] {
            let opts = FitOptions {
                method,
                test: Test::Knha,
                level: 95.0,
                tau2_ci: true,
            };
            g.bench_with_input(
                BenchmarkId::from_parameter(format!("{method}_k{k}")),
                &es,
                |b, es| b.iter(|| fit(es, &opts).expect("fit").estimate),
            );
        }
    }
    g.finish();
}

criterion_group!(benches, bench, bench_large);
criterion_main!(benches);
