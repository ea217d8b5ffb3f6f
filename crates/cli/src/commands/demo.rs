//! `k2bone demo`: runs the built-in demo scenario (MK-7 180 µg/d for 3 years, with and without
//! D3 + calcium) and writes the full set of outputs, then says where the report is.

use std::path::PathBuf;

use clap::Args;
use k2bone_app::{AppResult, Cancel};

use crate::progress::Bar;

/// Run the built-in demo and write its report, plots and data.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone demo
  k2bone demo --out /tmp/k2bone-demo")]
pub struct DemoArgs {
    /// Output directory (created if needed).
    #[arg(long, default_value = "k2bone-demo")]
    out: PathBuf,
    /// Print only where the report is.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: DemoArgs) -> AppResult<()> {
    let output = k2bone_app::demo(args.out.clone(), &Bar::new(args.quiet), &Cancel::new())?;
    if !args.quiet {
        super::simulate::print_study(&output);
    }
    let report = args.out.join("report.html");
    let (what, path) = if report.exists() {
        ("open", report)
    } else {
        ("results in", args.out)
    };
    anstream::println!(
        "\n{what} {}",
        crate::style::path(&path.display().to_string())
    );
    Ok(())
}
