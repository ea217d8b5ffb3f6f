//! `k2bone compare`: the arms of one or more scenarios side by side — every end-of-study
//! quantity per arm, and each arm's difference from the first.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use serde_json::json;

use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_sim::summary::{unit_of, END_KEYS};

use crate::exit::bad_input;

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
    /// text, json or csv.
    #[arg(long, default_value = "text", value_parser = ["text", "json", "csv"])]
    format: String,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: CompareArgs) -> anyhow::Result<()> {
    let mut plans = Vec::new();
    for f in &args.files {
        plans.push(super::study::load(Some(f), None)?);
    }
    for b in &args.builtin {
        plans.push(super::study::load(None, Some(b))?);
    }
    if plans.is_empty() {
        return Err(bad_input(
            "give at least one scenario file or --builtin NAME",
        ));
    }
    let keys: Vec<&str> = if args.keys.is_empty() {
        END_KEYS.iter().map(|(k, _, _)| *k).collect()
    } else {
        let mut ks = Vec::new();
        for k in &args.keys {
            let known = END_KEYS.iter().find(|(e, _, _)| e == k).ok_or_else(|| {
                bad_input(format!(
                    "--keys: unknown key `{k}` (accepted: {})",
                    END_KEYS
                        .iter()
                        .map(|(e, _, _)| *e)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            ks.push(known.0);
        }
        ks
    };
    let several = plans.len() > 1;
    let mut columns: Vec<(String, Vec<f64>)> = Vec::new();
    for plan in &plans {
        let result = super::study::run(plan, args.quiet || args.format != "text")?;
        if let Some(dir) = &args.out {
            super::study::write_outputs(
                plan,
                &result,
                &dir.join(&plan.name),
                super::study::WriteOptions { plots: true },
            )
            .with_context(|| format!("writing {}", plan.name))?;
        }
        for s in &result.summaries {
            let label = if several {
                format!("{}/{}", plan.name, s.name)
            } else {
                s.name.clone()
            };
            let values = keys.iter().map(|k| s.get(k).unwrap_or(f64::NAN)).collect();
            columns.push((label, values));
        }
    }
    match args.format.as_str() {
        "json" => {
            let arms: Vec<_> = columns
                .iter()
                .map(|(name, v)| {
                    let end: serde_json::Map<_, _> = keys
                        .iter()
                        .zip(v)
                        .map(|(k, x)| (k.to_string(), json!(x)))
                        .collect();
                    let diff: serde_json::Map<_, _> = keys
                        .iter()
                        .zip(v.iter().zip(&columns[0].1))
                        .map(|(k, (x, r))| (k.to_string(), json!(x - r)))
                        .collect();
                    json!({"name": name, "end": end, "difference_from_first": diff})
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({
                    "reference": columns[0].0,
                    "arms": arms,
                    "units": keys.iter().map(|k| (k.to_string(), json!(unit_of(k)))).collect::<serde_json::Map<_, _>>(),
                    "disclaimer": DISCLAIMER,
                }))?
            );
        }
        "csv" => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            let mut head = vec!["key".to_string(), "unit".to_string()];
            for (name, _) in &columns {
                head.push(name.clone());
            }
            for (name, _) in columns.iter().skip(1) {
                head.push(format!("{name} - {}", columns[0].0));
            }
            w.write_record(&head)?;
            for (i, k) in keys.iter().enumerate() {
                let mut row = vec![k.to_string(), unit_of(k).unwrap_or("").to_string()];
                row.extend(columns.iter().map(|(_, v)| format!("{}", v[i])));
                row.extend(
                    columns
                        .iter()
                        .skip(1)
                        .map(|(_, v)| format!("{}", v[i] - columns[0].1[i])),
                );
                w.write_record(&row)?;
            }
            w.flush()?;
        }
        _ => {
            let width = columns
                .iter()
                .map(|(n, _)| n.len())
                .max()
                .unwrap_or(8)
                .max(16);
            let mut head = format!("{:<34} {:<7}", "end of study", "unit");
            for (name, _) in &columns {
                head.push_str(&format!(" {name:>width$}"));
            }
            anstream::println!("{}", crate::style::header(&head));
            for (i, k) in keys.iter().enumerate() {
                let mut line = format!("{:<34} {:<7}", k, unit_of(k).unwrap_or(""));
                for (j, (_, v)) in columns.iter().enumerate() {
                    let cell = if j == 0 {
                        format!("{:.2}", v[i])
                    } else {
                        format!("{:.2} ({:+.2})", v[i], v[i] - columns[0].1[i])
                    };
                    line.push_str(&format!(" {cell:>width$}"));
                }
                println!("{line}");
            }
            println!(
                "\n(in brackets: difference from `{}`)\n{}",
                columns[0].0, DISCLAIMER
            );
        }
    }
    Ok(())
}
