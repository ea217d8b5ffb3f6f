//! `k2bone validate`: simulates the trial results the model was not fitted to and prints
//! simulated vs reported, without refitting.

use std::path::PathBuf;

use clap::Args;

use k2bone_calibration::{evaluate, TargetFile};
use k2bone_physiology::{CalciumBoneModel, KParamFile};
use k2bone_report::disclaimer::DISCLAIMER;

use crate::exit::bad_input;

/// The shipped validation set (data/validation/trials.toml).
const SHIPPED: &str = include_str!("../../../../data/validation/trials.toml");

/// Compare the model with trial results it was not calibrated to.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone validate
  k2bone validate --format json")]
pub struct ValidateArgs {
    /// Validation files (default: the shipped data/validation/trials.toml).
    #[arg(long, num_args = 1..)]
    targets: Vec<PathBuf>,
    /// text or json.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

pub fn run(args: ValidateArgs) -> anyhow::Result<()> {
    let mut files = Vec::new();
    if args.targets.is_empty() {
        files.push(
            TargetFile::from_toml_str(SHIPPED, "data/validation/trials.toml").map_err(bad_input)?,
        );
    }
    for p in &args.targets {
        let text = std::fs::read_to_string(p)
            .map_err(|e| bad_input(format!("cannot read {}: {e}", p.display())))?;
        files.push(TargetFile::from_toml_str(&text, &p.display().to_string()).map_err(bad_input)?);
    }
    let all = TargetFile::merge(files).map_err(bad_input)?;
    let core = CalciumBoneModel::default();
    let k = KParamFile::shipped().params;
    let mut rows = Vec::new();
    for t in &all.targets {
        let e = evaluate(&core, &k, t)?;
        let in_ci = t
            .reported_ci
            .map(|[lo, hi]| (lo..=hi).contains(&e.simulated));
        rows.push((t, e, in_ci));
    }
    if args.format == "json" {
        let v: Vec<_> = rows
            .iter()
            .map(|(t, e, in_ci)| {
                serde_json::json!({
                    "name": e.name, "output": t.output, "reported": e.target,
                    "reported_ci": t.reported_ci, "simulated": e.simulated,
                    "within_reported_ci": in_ci, "near": e.within_tolerance(), "source": e.source,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "validation": v, "disclaimer": DISCLAIMER })
            )?
        );
        return Ok(());
    }
    println!(
        "{:<34} {:>10} {:>18} {:>10}  verdict",
        "trial result", "reported", "95% CI", "simulated"
    );
    for (t, e, in_ci) in &rows {
        let ci = t
            .reported_ci
            .map_or("—".to_string(), |[lo, hi]| format!("[{lo:.2}, {hi:.2}]"));
        let verdict = match in_ci {
            Some(true) => "inside the CI",
            Some(false) => "OUTSIDE the CI",
            None if e.within_tolerance() => "near (no CI reported)",
            None => "MISS (no CI reported)",
        };
        println!(
            "{:<34} {:>10.3} {:>18} {:>10.3}  {verdict}",
            e.name, e.target, ci, e.simulated
        );
    }
    println!("\nSources: data/validation/trials.toml. Nothing here was used to fit the model.\n{DISCLAIMER}");
    Ok(())
}
