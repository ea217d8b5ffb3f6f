//! `k2bone compare`: the arms of one or more scenarios side by side — every end-of-study
//! quantity per arm, and each arm's difference from the first.

use std::path::PathBuf;

use clap::Args;
use k2bone_app::compare::{compare, CompareRequest};
use k2bone_app::{AppResult, Cancel, ScenarioSource};

use crate::format::{print_json, print_report, Csv, Format};
use crate::progress::Bar;

/// Compare arms side by side (end of study, difference from the first arm).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone compare examples/scenarios/mk4-vs-mk7.toml
  k2bone compare --builtin mk7-180-3y --keys bmd_lumbar_pct_change,hip_fracture_risk_10y_pct
  k2bone compare a.toml b.toml --format csv > side-by-side.csv")]
pub struct CompareArgs {
    /// Scenario files; arms of several files are labelled file/arm.
    #[arg(value_name = "SCENARIO.toml")]
    files: Vec<PathBuf>,
    /// Built-in scenarios (repeatable).
    #[arg(long, value_name = "NAME")]
    builtin: Vec<String>,
    /// Only these end keys (comma-separated; default: all).
    #[arg(long, value_delimiter = ',')]
    keys: Vec<String>,
    /// Also write each scenario's outputs under DIR/<name>/.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replace earlier outputs under --out.
    #[arg(long, requires = "out")]
    force: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: CompareArgs) -> AppResult<()> {
    let scenarios = (args.files.into_iter().map(ScenarioSource::File))
        .chain(args.builtin.into_iter().map(ScenarioSource::Builtin))
        .collect();
    let req = CompareRequest {
        scenarios,
        keys: args.keys,
        out: args.out,
        force: args.force,
    };
    let bar = Bar::new(args.quiet || args.format != Format::Text);
    let c = compare(&req, &bar, &Cancel::new())?;
    drop(bar);
    match args.format {
        Format::Json => print_json(&c),
        Format::Csv => print_report(&Csv(&c)),
        Format::Text => print_report(&c),
    }
}
