//! `k2bone calibrate`: fits the extension's calibrated parameters to the calibration targets
//! and writes the fitted parameter file plus a report.

use std::path::PathBuf;

use clap::Args;
use k2bone_app::calibrate::{calibrate, CalibrateRequest};
use k2bone_app::{AppResult, Cancel};

use crate::format::print_report;
use crate::progress::Bar;

/// Fit the vitamin K extension to its calibration targets.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone calibrate --targets data/calibration/*.toml --out out/calibration
  k2bone calibrate --targets data/calibration/pk.toml --check
  k2bone calibrate --targets data/calibration/bone.toml --out out/bone   (MCMC, minutes)")]
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
    /// Iterations of the bone response's MCMC instead of the file's [bone_fit] value (a quick
    /// look: the shipped posterior used the file's value).
    #[arg(long)]
    bone_iterations: Option<usize>,
}

pub fn run(args: CalibrateArgs) -> AppResult<()> {
    let req = CalibrateRequest {
        targets: args.targets,
        params: args.params,
        out: args.out,
        check_only: args.check,
        bone_iterations: args.bone_iterations,
    };
    let c = calibrate(&req, &Bar::new(false), &Cancel::new())?;
    print_report(&c.targets_table())?;
    if let Some(b) = &c.bone {
        print_report(&b.report())?;
    }
    let written: Vec<String> = c.written.iter().map(|p| p.display().to_string()).collect();
    eprintln!("wrote {}", written.join(" and "));
    Ok(())
}
