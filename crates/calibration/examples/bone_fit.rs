//! Development driver until the `calibrate`/`validate` commands call the bone calibration:
//! `cargo run --release -p k2bone-calibration --example bone_fit [iterations]`.
use std::collections::HashMap;
use std::path::Path;

use k2bone_calibration::bone::{self, BoneFit, Posterior};
use k2bone_calibration::TargetFile;
use k2bone_physiology::bone_response::BoneParamFile;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read = |p: &str| -> Result<TargetFile, Box<dyn std::error::Error>> {
        let path = root.join(p);
        Ok(TargetFile::from_toml_str(
            &std::fs::read_to_string(&path)?,
            p,
        )?)
    };
    let cal = read("data/calibration/bone.toml")?;
    let val = read("data/validation/bone.toml")?;
    let mut settings = cal.bone_fit.clone().expect("[bone_fit]");
    if let Some(n) = std::env::args().nth(1) {
        settings.iterations = n.parse()?;
        settings.burn_in = settings.iterations / 3;
    }
    let dir = bone::shipped_design_dir();
    let mut names: Vec<&str> = cal
        .bone_targets
        .iter()
        .chain(&val.bone_targets)
        .map(|t| t.design.as_str())
        .collect();
    names.sort();
    names.dedup();
    let t0 = std::time::Instant::now();
    let mut designs = HashMap::new();
    for n in names {
        designs.insert(n.to_string(), bone::run_design(&dir, n)?);
    }
    eprintln!(
        "{} designs simulated in {:.1} s",
        designs.len(),
        t0.elapsed().as_secs_f64()
    );
    let fit = BoneFit {
        targets: cal
            .bone_targets
            .iter()
            .filter(|t| !settings.exclude.contains(&t.name))
            .collect(),
        priors: &cal.bone_prior,
        settings: &settings,
        designs: &designs,
        fixed: BoneParamFile::shipped().params,
    };
    let t1 = std::time::Instant::now();
    let res = fit.sample(&|it, n| {
        if it % 500 == 0 {
            eprintln!("  iteration {it}/{n}");
        }
    });
    eprintln!(
        "sampled in {:.1} s, acceptance {:.2}, {} draws",
        t1.elapsed().as_secs_f64(),
        res.acceptance,
        res.posterior.draws.len()
    );
    // Keep 400 evenly spaced draws.
    let step = (res.posterior.draws.len() / 400).max(1);
    let post = Posterior {
        draws: res.posterior.draws.iter().step_by(step).copied().collect(),
        tau: res.posterior.tau.iter().step_by(step).copied().collect(),
    };
    std::fs::write(
        "/tmp/bone-posterior.csv",
        post.to_csv("bone response posterior (development run)"),
    )?;
    let med = post.median();
    for (n, v) in k2bone_physiology::bone_response::BONE_PARAM_NAMES
        .iter()
        .zip(med.to_vec())
    {
        eprintln!("  {n:42} {v:10.4}");
    }
    let tau = bone::quantile(&post.tau, 0.5);
    eprintln!("  tau (median) {tau:.3}");
    for (label, file) in [("CAL", &cal), ("VAL", &val)] {
        let mut inside = 0;
        for t in &file.bone_targets {
            let r = bone::evaluate_target(t, &post, &designs[&t.design])?;
            inside += r.inside as usize;
            println!(
                "{label} {} {:38} sim {:7.2} [{:6.2}, {:6.2}]  reported {:>15} accept [{:.2}, {:.2}]",
                if r.inside { "in  " } else { "MISS" },
                r.name, r.simulated, r.sim_lower, r.sim_upper, r.reported_text, r.accept_lower, r.accept_upper.unwrap_or(f64::INFINITY)
            );
        }
        println!("{label} {inside} / {}", file.bone_targets.len());
    }
    Ok(())
}
