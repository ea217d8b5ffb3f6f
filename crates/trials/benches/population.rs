//! Trial-scale timings (issue 12), a bench binary that prints one table (criterion would
//! repeat a minutes-long trial many times):
//!
//! - `trial-<n>x<years>y-mk7-180-daily-<k>draws/fast`: the Knapen 2013 design
//!   (`examples/trials`), `n` patients in total and `k` posterior draws of the bone response
//!   pooled per patient (one ODE solve each), end to end (draws, burn-ins, treatment, bone
//!   response × k, Parquet, summary), wall time, patient-years per second and peak resident
//!   memory (VmHWM) of a fresh process per case.
//!
//! `cargo bench -p k2bone-trials --bench population -- [N[:K] ...]` (default: 200:1 200:50).
//! Each case runs in a child process so its peak memory is its own. Set `RAYON_NUM_THREADS` to
//! pin the worker count (default: one per core).
use std::path::Path;
use std::time::Instant;

use k2bone_trials::{run_trial, RunOptions, TrialDesign};

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn one(n: usize, draws: usize) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/trials/knapen-2013.toml");
    let mut d = TrialDesign::from_file(&path)
        .unwrap()
        .with_draws(draws)
        .unwrap();
    d.n_per_arm = n.div_ceil(d.arms.len());
    let out = tempfile::tempdir().unwrap();
    let t0 = Instant::now();
    let r = run_trial(&d, &RunOptions::default(), out.path()).unwrap();
    let secs = t0.elapsed().as_secs_f64();
    let n = r.summary.n_patients;
    let py = n as f64 * d.duration_days / 365.0;
    println!(
        "trial-{n}x{:.0}y-mk7-180-daily-{draws}draws/fast | {secs:9.2} s | {:8.1} patient-years/s | {:6.1} ms/patient | peak RSS {:7.1} MiB | threads {}",
        d.duration_days / 365.0,
        py / secs,
        1e3 * secs / n as f64,
        peak_rss_kib() as f64 / 1024.0,
        rayon::current_num_threads(),
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let case = |a: &str| -> Option<(usize, usize)> {
        match a.split_once(':') {
            Some((n, k)) => Some((n.parse().ok()?, k.parse().ok()?)),
            None => Some((a.parse().ok()?, 1)),
        }
    };
    if let Some((n, k)) = std::env::var("K2BONE_TRIAL_BENCH_CHILD")
        .ok()
        .and_then(|v| case(&v))
    {
        one(n, k);
        return;
    }
    let cases: Vec<(usize, usize)> = if args.is_empty() {
        vec![(200, 1), (200, 50)]
    } else {
        args.iter().filter_map(|a| case(a)).collect()
    };
    let exe = std::env::current_exe().unwrap();
    for (n, k) in cases {
        let status = std::process::Command::new(&exe)
            .env("K2BONE_TRIAL_BENCH_CHILD", format!("{n}:{k}"))
            .status()
            .unwrap();
        assert!(status.success());
    }
}
