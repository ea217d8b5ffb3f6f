//! The cost of the bone response's calibration (issue 10), on this machine:
//! - `one posterior sample`: one parameter draw through every fitted calibration target (what each
//!   walker step of the MCMC costs, designs already simulated);
//! - `one study's bone response`: one draw's daily BMD for both sites over a 3-year arm;
//! - `design runs` (printed once): simulating every calibration design with the full model, the
//!   fixed cost before sampling. A full calibration is design runs + walkers × iterations samples
//!   (the `[bone_fit]` walkers × iterations of data/calibration/bone.toml), printed as an estimate
//!   beside the measured parts.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use k2bone_calibration::bone::{predict, run_designs, shipped_design_dir};
use k2bone_calibration::TargetFile;
use k2bone_physiology::bone_posterior::BonePosterior;
use k2bone_physiology::bone_response::Site;

fn bench(c: &mut Criterion) {
    let cal = TargetFile::from_toml_str(
        include_str!("../../../data/calibration/bone.toml"),
        "data/calibration/bone.toml",
    )
    .unwrap();
    let settings = cal.bone_fit.clone().unwrap();
    let targets: Vec<_> = cal
        .bone_targets
        .iter()
        .filter(|t| !settings.exclude.contains(&t.name))
        .collect();
    let names: Vec<&str> = targets.iter().map(|t| t.design.as_str()).collect();
    let t0 = Instant::now();
    let designs = run_designs(&shipped_design_dir(), &names, &|_, _| {}).unwrap();
    let design_s = t0.elapsed().as_secs_f64();
    let posterior = BonePosterior::shipped();
    let draw = posterior.draws[0];
    let one = || {
        targets
            .iter()
            .map(|t| predict(t, &draw, &designs[&t.design]).unwrap())
            .sum::<f64>()
    };
    let t1 = Instant::now();
    let reps = 200;
    for _ in 0..reps {
        std::hint::black_box(one());
    }
    let sample_s = t1.elapsed().as_secs_f64() / reps as f64;
    let evals = (settings.walkers * settings.iterations) as f64;
    eprintln!(
        "bone calibration: {} designs simulated in {design_s:.1} s; one posterior sample {:.3} ms; \
         {} walkers x {} iterations = {evals:.0} samples -> about {:.0} s of sampling on one core \
         (+ the mode search), {:.0} s in all",
        designs.len(),
        sample_s * 1e3,
        settings.walkers,
        settings.iterations,
        evals * sample_s,
        design_s + evals * sample_s
    );
    c.bench_function("one posterior sample (all fitted bone targets)", |b| {
        b.iter(|| std::hint::black_box(one()))
    });
    let freedom = &designs["freedom"];
    let days = &freedom.arms[0].days;
    c.bench_function(
        "one study's bone response (one draw, 2 sites, 3 years)",
        |b| {
            b.iter(|| {
                let ls = draw.bmd_pct_change(Site::LumbarSpine, &freedom.subject, days);
                let fn_ = draw.bmd_pct_change(Site::FemoralNeck, &freedom.subject, days);
                std::hint::black_box((ls, fn_))
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
