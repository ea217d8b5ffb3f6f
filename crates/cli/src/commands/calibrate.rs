//! `k2bone calibrate`: fits the extension's calibrated parameters to the calibration targets
//! and writes the fitted parameter file plus a report.

use std::path::PathBuf;

use clap::Args;
use k2bone_app::calibrate::{calibrate, CalibrateRequest};
use k2bone_app::cross_validation::{cross_validate, CrossValidateRequest};
use k2bone_app::{AppResult, Cancel};

use crate::format::{print_json, print_report, Format};
use crate::progress::Bar;

/// Fit the vitamin K extension to its calibration targets.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone calibrate --targets data/calibration/*.toml --out out/calibration
  k2bone calibrate --targets data/calibration/pk.toml --check
  k2bone calibrate --targets data/calibration/bone.toml --out out/bone   (MCMC, minutes)
  k2bone calibrate --targets data/calibration/bone.toml --leave-one-trial-out --format json")]
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
    /// Only evaluate the targets with the starting parameters; fit nothing, write nothing.
    #[arg(long)]
    check: bool,
    /// Iterations of the bone response's MCMC instead of the file's [bone_fit] value (a quick
    /// look: the shipped posterior used the file's value).
    #[arg(long)]
    bone_iterations: Option<usize>,
    /// Replace an earlier fit in --out.
    #[arg(long)]
    force: bool,
    /// Cross-validate the bone fit instead: refit without each calibration trial in turn and
    /// predict it and the validation set (writes nothing). --bone-iterations sets each fit's
    /// chain after its posterior mode (default 400; 0: the mode only).
    #[arg(long, conflicts_with_all = ["check", "force", "params"])]
    leave_one_trial_out: bool,
    /// Validation files the cross-validation predicts (default: the shipped
    /// data/validation/bone.toml); never fitted.
    #[arg(long, num_args = 1.., requires = "leave_one_trial_out")]
    validation: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: CalibrateArgs) -> AppResult<()> {
    let format = args.format.no_csv()?;
    if args.leave_one_trial_out {
        let req = CrossValidateRequest {
            targets: args.targets,
            validation: args.validation,
            iterations: args.bone_iterations,
        };
        let cv = cross_validate(&req, &Bar::new(format == Format::Json), &Cancel::new())?;
        return if format == Format::Json {
            print_json(&cv)
        } else {
            print_report(&cv)
        };
    }
    let req = CalibrateRequest {
        targets: args.targets,
        params: args.params,
        out: args.out,
        check_only: args.check,
        bone_iterations: args.bone_iterations,
        force: args.force,
    };
    let c = calibrate(&req, &Bar::new(format == Format::Json), &Cancel::new())?;
    if format == Format::Json {
        return print_json(&c);
    }
    print_report(&c.targets_table())?;
    if let Some(b) = &c.bone {
        print_report(&b.report())?;
    }
    if !c.written.is_empty() {
        let written: Vec<String> = c.written.iter().map(|p| p.display().to_string()).collect();
        eprintln!("wrote {}", written.join(" and "));
    }
    Ok(())
}
