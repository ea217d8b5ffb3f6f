//! `k2bone demo`: runs the built-in demo scenario (MK-7 180 µg/d for 3 years, with and without
//! D3 + calcium) and writes the full set of outputs, then says where the report is.

use std::path::{Path, PathBuf};

use clap::Args;
use k2bone_app::{AppResult, Cancel};

use crate::format::outln;
use crate::progress::Bar;

/// The demo's own output folder.
const DEFAULT_OUT: &str = "k2bone-demo";

/// Run the built-in demo and write its report, plots and data.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone demo
  k2bone demo --out /tmp/k2bone-demo")]
pub struct DemoArgs {
    /// Output directory (created if needed).
    #[arg(long, default_value = DEFAULT_OUT)]
    out: PathBuf,
    /// Replace earlier outputs in --out (an earlier demo in the default k2bone-demo is always replaced).
    #[arg(long)]
    force: bool,
    /// Print only where the report is.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: DemoArgs) -> AppResult<()> {
    // The default folder is the demo's own: re-running the README's quick start replaces it.
    let force = args.force || args.out == Path::new(DEFAULT_OUT);
    let output = k2bone_app::demo(
        args.out.clone(),
        force,
        &Bar::new(args.quiet),
        &Cancel::new(),
    )?;
    if !args.quiet {
        crate::format::print_report(&output)?;
    }
    let report = args.out.join("report.html");
    let (what, path) = if report.exists() {
        ("open", report)
    } else {
        ("results in", args.out)
    };
    outln!(
        "\n{what} {}",
        crate::style::path(&path.display().to_string())
    );
    Ok(())
}
