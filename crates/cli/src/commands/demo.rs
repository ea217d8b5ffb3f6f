//! `k2bone demo`: runs the built-in demo scenario (MK-7 180 µg/d for 3 years, with and without
//! D3 + calcium) and writes the full set of outputs, then says where the report is.

use std::path::PathBuf;

use clap::Args;

/// The demo scenario's template name.
pub const DEMO: &str = "mk7-180-3y";

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

pub fn run(args: DemoArgs) -> anyhow::Result<()> {
    let plan = super::study::load(None, Some(DEMO))?;
    let result = super::study::run(&plan, args.quiet)?;
    let written = super::study::write_outputs(
        &plan,
        &result,
        &args.out,
        super::study::WriteOptions { plots: true },
    )?;
    if !args.quiet {
        super::study::print_run(&plan, &result, &written);
    }
    let report = args.out.join("report.html");
    if report.exists() {
        anstream::println!(
            "\nopen {}",
            crate::style::path(&report.display().to_string())
        );
    } else {
        anstream::println!(
            "\nresults in {}",
            crate::style::path(&args.out.display().to_string())
        );
    }
    Ok(())
}
