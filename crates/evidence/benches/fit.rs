//! Throughput of random-effects fits: 10,000 REML fits (metafor `rma(yi, vi, method = "REML")`,
//! no τ² CI, as `rma` computes none) of 30 studies each, on deterministic data that
//! `validation/metafor/bench.R` generates identically, so fits/s can be put beside metafor's.
//! Criterion's throughput line ("elem/s") is fits per second. IDs: `meta_fit/{method}_k30`.

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

criterion_group!(benches, bench);
criterion_main!(benches);
