//! `k2bone calibrate`: fits the extension's calibrated parameters to the calibration targets
//! and writes the fitted parameter file plus a report.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use k2bone_calibration::{evaluate, fit_group, Evaluation, TargetFile};
use k2bone_physiology::{CalciumBoneModel, KParamFile};

use crate::exit::bad_input;

/// Fit the vitamin K extension to its calibration targets.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone calibrate --targets data/calibration/*.toml --out out/calibration
  k2bone calibrate --targets data/calibration/pk.toml --check")]
pub struct CalibrateArgs {
    /// Target files (TOML: [[target]] and [[fit]] tables).
    #[arg(long, num_args = 1.., required = true)]
    targets: Vec<PathBuf>,
    /// Starting extension parameters (default: the shipped data/model/vitamin-k-params.toml).
    #[arg(long)]
    params: Option<PathBuf>,
    /// Output directory for vitamin-k-params.toml and calibration-report.md.
    #[arg(long, default_value = "out/calibration")]
    out: PathBuf,
    /// Only evaluate the targets with the starting parameters; fit nothing.
    #[arg(long)]
    check: bool,
}

pub fn run(args: CalibrateArgs) -> anyhow::Result<()> {
    let file = match &args.params {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| bad_input(format!("cannot read {}: {e}", p.display())))?;
            KParamFile::from_toml_str(&text, &p.display().to_string()).map_err(bad_input)?
        }
        None => KParamFile::shipped(),
    };
    let mut files = Vec::new();
    for path in &args.targets {
        let text = std::fs::read_to_string(path)
            .map_err(|e| bad_input(format!("cannot read {}: {e}", path.display())))?;
        files.push(
            TargetFile::from_toml_str(&text, &path.display().to_string()).map_err(bad_input)?,
        );
    }
    let all = TargetFile::merge(files).map_err(bad_input)?;
    let core = CalciumBoneModel::default();
    let mut k = file.params.clone();
    let mut report = String::from("# k2bone calibration report\n\n");
    if !args.check {
        for group in &all.groups {
            let targets: Vec<_> = group
                .targets
                .iter()
                .map(|n| all.target(n).expect("merge checked the names"))
                .collect();
            eprintln!(
                "fitting {} ({} parameters, {} targets) …",
                group.name,
                group.parameters.len(),
                targets.len()
            );
            let (fitted, r) = fit_group(&core, &k, group, &targets)?;
            report.push_str(&format!(
                "## {}\n\ncost {:.4} → {:.4} after {} iterations{}\n\n| parameter | start | fitted |\n|---|---|---|\n",
                r.group,
                r.cost_before,
                r.cost_after,
                r.iterations,
                if r.kept_start {
                    format!(
                        " (start kept: the fit improved the cost by less than {})",
                        k2bone_calibration::MIN_IMPROVEMENT
                    )
                } else {
                    String::new()
                }
            ));
            for (name, before, after) in &r.parameters {
                report.push_str(&format!("| `{name}` | {before:.6} | {after:.6} |\n"));
            }
            report.push('\n');
            k = fitted;
        }
    }
    let evals: Vec<Evaluation> = all
        .targets
        .iter()
        .map(|t| evaluate(&core, &k, t))
        .collect::<Result<_, _>>()?;
    let table = evaluation_table(&evals);
    report.push_str("## Targets\n\n");
    report.push_str(&table);
    print!("{table}");
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let params_path = args.out.join("vitamin-k-params.toml");
    std::fs::write(&params_path, file.to_toml_string(&k))?;
    let report_path = args.out.join("calibration-report.md");
    std::fs::write(&report_path, report)?;
    eprintln!(
        "wrote {} and {}",
        params_path.display(),
        report_path.display()
    );
    Ok(())
}

fn evaluation_table(evals: &[Evaluation]) -> String {
    let mut s = String::from("| target | published | simulated | tolerance | residual/tol | within |\n|---|---|---|---|---|---|\n");
    for e in evals {
        s.push_str(&format!(
            "| {} | {:.3} | {:.3} | {:.3} | {:+.2} | {} |\n",
            e.name,
            e.target,
            e.simulated,
            e.tolerance,
            e.scaled_residual,
            if e.within_tolerance() { "yes" } else { "NO" }
        ));
    }
    s
}
