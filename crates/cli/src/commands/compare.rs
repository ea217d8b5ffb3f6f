//! `k2bone compare`: the arms of one or more scenarios side by side — every end-of-study
//! quantity per arm, and each arm's difference from the first.

use std::path::PathBuf;

use clap::Args;
use k2bone_app::compare::{compare, CompareRequest, Comparison};
use k2bone_app::{AppError, AppResult, Cancel, ScenarioSource};
use k2bone_report::disclaimer::DISCLAIMER;

use crate::format::{print_json, Format};
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
    };
    let bar = Bar::new(args.quiet || args.format != Format::Text);
    let c = compare(&req, &bar, &Cancel::new())?;
    drop(bar);
    match args.format {
        Format::Json => print_json(&c),
        Format::Csv => print_csv(&c),
        Format::Text => {
            print_text(&c);
            Ok(())
        }
    }
}

fn unit(c: &Comparison, key: &str) -> String {
    c.units.get(key).cloned().flatten().unwrap_or_default()
}

fn print_csv(c: &Comparison) -> AppResult<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout());
    let first = &c.arms[0];
    let mut head = vec!["key".to_string(), "unit".to_string()];
    head.extend(c.arms.iter().map(|a| a.name.clone()));
    head.extend(
        c.arms
            .iter()
            .skip(1)
            .map(|a| format!("{} - {}", a.name, first.name)),
    );
    w.write_record(&head).map_err(AppError::failed)?;
    for (i, k) in c.keys.iter().enumerate() {
        let mut row = vec![k.clone(), unit(c, k)];
        row.extend(c.arms.iter().map(|a| format!("{}", a.values[i])));
        row.extend(
            c.arms
                .iter()
                .skip(1)
                .map(|a| format!("{}", a.values[i] - first.values[i])),
        );
        w.write_record(&row).map_err(AppError::failed)?;
    }
    w.flush().map_err(AppError::failed)
}

fn print_text(c: &Comparison) {
    let width = c
        .arms
        .iter()
        .map(|a| a.name.len())
        .max()
        .unwrap_or(8)
        .max(16);
    let mut head = format!("{:<34} {:<7}", "end of study", "unit");
    for a in &c.arms {
        head.push_str(&format!(" {:>width$}", a.name));
    }
    anstream::println!("{}", crate::style::header(&head));
    let first = &c.arms[0];
    for (i, k) in c.keys.iter().enumerate() {
        let mut line = format!("{:<34} {:<7}", k, unit(c, k));
        for (j, a) in c.arms.iter().enumerate() {
            let cell = if j == 0 {
                format!("{:.2}", a.values[i])
            } else {
                format!("{:.2} ({:+.2})", a.values[i], a.values[i] - first.values[i])
            };
            line.push_str(&format!(" {cell:>width$}"));
        }
        println!("{line}");
    }
    println!(
        "\n(in brackets: difference from `{}`)\n{DISCLAIMER}",
        c.reference
    );
}
