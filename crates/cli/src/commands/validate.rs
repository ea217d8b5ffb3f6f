//! `k2bone validate`: simulates the trial results the model was not fitted to and prints
//! simulated vs reported, without refitting.

use std::path::PathBuf;

use clap::Args;
use k2bone_app::validate::{validate, ValidateRequest};
use k2bone_app::{AppResult, Cancel};
use k2bone_report::disclaimer::DISCLAIMER;

use crate::format::{print_json, Format};
use crate::progress::Bar;

/// Compare the model with trial results it was not calibrated to.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone validate
  k2bone validate --format json")]
pub struct ValidateArgs {
    /// Validation files (default: the shipped data/validation/trials.toml and bone.toml).
    #[arg(long, num_args = 1..)]
    targets: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: ValidateArgs) -> AppResult<()> {
    let format = args.format.no_csv()?;
    let req = ValidateRequest {
        targets: args.targets,
    };
    let v = validate(&req, &Bar::new(format == Format::Json), &Cancel::new())?;
    if format == Format::Json {
        return print_json(&v);
    }
    println!(
        "{:<34} {:>10} {:>18} {:>10}  verdict",
        "trial result", "reported", "95% CI", "simulated"
    );
    for r in &v.validation {
        let ci = r
            .reported_ci
            .map_or("—".to_string(), |[lo, hi]| format!("[{lo:.2}, {hi:.2}]"));
        let verdict = match (r.within_reported_ci, r.near) {
            (Some(true), _) => "inside the CI",
            (Some(false), _) => "OUTSIDE the CI",
            (None, true) => "near (no CI reported)",
            (None, false) => "MISS (no CI reported)",
        };
        println!(
            "{:<34} {:>10.3} {:>18} {:>10.3}  {verdict}",
            r.name, r.reported, ci, r.simulated
        );
    }
    let b = &v.bone;
    println!(
        "\nBone mineral density ({} posterior draws; acceptance = the reported 95% CI, or for a null what a trial of that size could see)",
        b.draws
    );
    println!(
        "{:<44} {:>9} {:>17} {:>9} {:>17}  verdict",
        "trial result", "reported", "acceptance", "simulated", "95% interval"
    );
    for t in &b.targets {
        let mut verdict = if t.inside {
            "inside".to_string()
        } else {
            format!("MISS by {:+.2} {}", t.miss, t.unit)
        };
        if !t.shares_evidence_with.is_empty() {
            verdict.push_str(" (shares data with a calibration target: in sample)");
        }
        println!(
            "{:<44} {:>9} {:>17} {:>9.2} {:>17}  {verdict}",
            t.name,
            t.reported
                .map_or(t.reported_text.clone(), |r| format!("{r:.2}")),
            format!(
                "[{:.2}, {}]",
                t.accept_lower,
                t.accept_upper
                    .map_or("∞".to_string(), |u| format!("{u:.2}"))
            ),
            t.simulated,
            format!("[{:.2}, {:.2}]", t.sim_lower, t.sim_upper),
        );
    }
    println!(
        "{} of {} out-of-sample bone targets inside ({} of {} with the {} that share data with a calibration target).",
        b.independent_inside,
        b.independent,
        b.inside,
        b.total,
        b.total - b.independent
    );
    println!("\nSources: data/validation/trials.toml and data/validation/bone.toml (designs in data/bone/designs). Nothing here was used to fit the model.\n{DISCLAIMER}");
    Ok(())
}
