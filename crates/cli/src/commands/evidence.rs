//! `k2bone evidence`: the vitamin K trial database (list, show, import), meta-analysis of one
//! outcome from it (analyze), and the published K2 meta-analyses re-run from it (reproduce).
//! The database lives in `--data-dir`, else `K2BONE_DATA`, else the user data directory, and is
//! seeded from the shipped `data/evidence/trials.csv` on first use.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use k2bone_trialdb::published::{find, parse_published, reproduce, shipped_published};
use k2bone_trialdb::trial_db::{import_csv, list, open_trials, study, TrialFilter};
use k2bone_evidence::EvidenceError;
use k2bone_trialdb::{TrialError, TrialRow};
use k2bone_store::Store;
use serde_json::json;

use crate::exit::bad_input;

mod analyze;
mod reproduce;

use analyze::{analyze, AnalyzeArgs};
use reproduce::{print_reproduction, print_targets};

#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// Directory of the database (default: $K2BONE_DATA, else the user data directory).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: EvidenceCommand,
}

#[derive(Debug, Subcommand)]
enum EvidenceCommand {
    /// List trial rows (one per study, outcome and time point).
    List {
        /// Only this outcome, e.g. bmd_lumbar_pct_change, vertebral_fracture.
        #[arg(long)]
        outcome: Option<String>,
        /// Only this vitamer: K1, MK-4, MK-7.
        #[arg(long)]
        k_form: Option<String>,
        /// text or json.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Every row and source of one study.
    Show {
        /// Study id, e.g. shiraki_2000.
        study_id: String,
        /// text or json.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Import trials from a CSV (the columns of data/evidence/trials.csv); all rows or none.
    Import {
        /// The CSV file.
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
    },
    /// Meta-analysis of one outcome over the trials in the database.
    Analyze(AnalyzeArgs),
    /// Re-run a published K2 meta-analysis and print it beside the published result.
    Reproduce {
        /// Analysis name (see --list).
        name: Option<String>,
        /// List the published analyses.
        #[arg(long)]
        list: bool,
        /// Drop trials under integrity concerns (e.g. the Sato trials) first.
        #[arg(long)]
        exclude_integrity_concerns: bool,
        /// Targets file instead of the shipped data/evidence/published.toml.
        #[arg(long, value_name = "FILE.toml")]
        published: Option<PathBuf>,
        /// text or json.
        #[arg(long, default_value = "text")]
        format: String,
    },
}

/// User-fixable trial errors exit 2; database failures exit 1.
pub(super) fn classify(e: TrialError) -> anyhow::Error {
    match e {
        TrialError::Store(_)
        | TrialError::Sqlite(_)
        | TrialError::Evidence(EvidenceError::Numerical(_)) => anyhow::Error::new(e),
        other => bad_input(other),
    }
}

fn check_format(f: &str) -> anyhow::Result<()> {
    if f == "text" || f == "json" {
        Ok(())
    } else {
        Err(bad_input(format!(
            "--format {f}: accepted values are text, json"
        )))
    }
}

pub fn run(args: EvidenceArgs) -> anyhow::Result<()> {
    let dir = args.data_dir.clone().unwrap_or_else(k2bone_store::data_dir);
    let mut store = Store::open_in(&dir)
        .with_context(|| format!("opening the trial database in {}", dir.display()))?;
    open_trials(&mut store).map_err(classify)?;
    match args.command {
        EvidenceCommand::List {
            outcome,
            k_form,
            format,
        } => {
            check_format(&format)?;
            let rows = list(
                store.conn(),
                &TrialFilter {
                    outcome,
                    k_form,
                    study_id: None,
                },
            )
            .map_err(classify)?;
            print_list(&rows, &format)
        }
        EvidenceCommand::Show { study_id, format } => {
            check_format(&format)?;
            let rows = study(store.conn(), &study_id).map_err(classify)?;
            print_show(&rows, &format)
        }
        EvidenceCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))
                .map_err(bad_input)?;
            let n = import_csv(store.conn_mut(), &text, &file.display().to_string())
                .map_err(classify)?;
            println!(
                "imported {n} trial rows from {} into {}",
                file.display(),
                store.path().display()
            );
            Ok(())
        }
        EvidenceCommand::Analyze(a) => {
            check_format(&a.format)?;
            let rows = list(store.conn(), &TrialFilter::default()).map_err(classify)?;
            analyze(&store, &rows, a)
        }
        EvidenceCommand::Reproduce {
            name,
            list: want_list,
            exclude_integrity_concerns,
            published,
            format,
        } => {
            check_format(&format)?;
            let targets = match &published {
                Some(p) => {
                    let text = std::fs::read_to_string(p)
                        .with_context(|| format!("cannot read {}", p.display()))
                        .map_err(bad_input)?;
                    parse_published(&text, &p.display().to_string()).map_err(classify)?
                }
                None => shipped_published().map_err(classify)?,
            };
            if want_list {
                return print_targets(&targets, &format);
            }
            let Some(name) = name else {
                return Err(bad_input("give an analysis NAME, or --list to see them"));
            };
            let a = find(&targets, &name).map_err(classify)?;
            let rows = list(store.conn(), &TrialFilter::default()).map_err(classify)?;
            let r = reproduce(a, &rows, exclude_integrity_concerns).map_err(classify)?;
            print_reproduction(a, &r, exclude_integrity_concerns, &format)
        }
    }
}

pub(super) fn opt_num<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

fn print_list(rows: &[TrialRow], format: &str) -> anyhow::Result<()> {
    if format == "json" {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "rows": rows, "count": rows.len() }))?
        );
        return Ok(());
    }
    println!(
        "{:<20} {:>4} {:<6} {:<37} {:>5} {:>5} {:>5} {:<10} {:<8} integrity",
        "study_id", "year", "k_form", "outcome", "t_mo", "n_trt", "n_ctl", "control", "poolable",
    );
    for r in rows {
        let poolable = k2bone_trialdb::pooling::study_data(r).is_ok();
        println!(
            "{:<20} {:>4} {:<6} {:<37} {:>5} {:>5} {:>5} {:<10} {:<8} {}",
            r.study_id,
            r.year,
            r.k_form,
            r.outcome,
            r.timepoint_months,
            opt_num(r.n_treat),
            opt_num(r.n_control),
            r.control,
            if poolable { "yes" } else { "no" },
            if r.integrity_concern { "FLAGGED" } else { "-" }
        );
    }
    println!(
        "{} rows. `k2bone evidence show STUDY_ID` gives sources and notes.",
        rows.len()
    );
    Ok(())
}

fn print_show(rows: &[TrialRow], format: &str) -> anyhow::Result<()> {
    if format == "json" {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "study_id": rows[0].study_id, "rows": rows }))?
        );
        return Ok(());
    }
    let r0 = &rows[0];
    println!(
        "{} — {} {} ({})",
        r0.study_id,
        r0.first_author,
        r0.year,
        r0.country.as_deref().unwrap_or("-")
    );
    println!("population:   {}", r0.population.as_deref().unwrap_or("-"));
    println!(
        "vitamin K:    {} {} µg/day for {} months; co-treatment: {}",
        r0.k_form,
        opt_num(r0.dose_ug_per_day),
        opt_num(r0.duration_months),
        r0.co_treatment.as_deref().unwrap_or("-")
    );
    println!("control:      {}", r0.control);
    if r0.integrity_concern {
        println!(
            "INTEGRITY CONCERN: {}",
            r0.integrity_note.as_deref().unwrap_or("-")
        );
    }
    for r in rows {
        println!(
            "\n{} at {} months (n {} vs {})",
            r.outcome,
            r.timepoint_months,
            opt_num(r.n_treat),
            opt_num(r.n_control)
        );
        if r.mean_treat.is_some() || r.mean_control.is_some() {
            println!(
                "  mean {} ± {} vs {} ± {} (dispersion: {})",
                opt_num(r.mean_treat),
                opt_num(r.sd_treat),
                opt_num(r.mean_control),
                opt_num(r.sd_control),
                r.dispersion.map(|d| d.label()).unwrap_or("-")
            );
        }
        if r.events_treat.is_some() || r.events_control.is_some() {
            println!(
                "  events {} vs {}",
                opt_num(r.events_treat),
                opt_num(r.events_control)
            );
        }
        match k2bone_trialdb::pooling::study_data(r) {
            Ok(_) => println!("  poolable: yes"),
            Err(why) => println!("  poolable: no — {why}"),
        }
        println!("  source: {} [{}]", r.source, r.provenance);
        if let Some(n) = &r.notes {
            println!("  notes: {n}");
        }
        if let Some(n) = &r.curation_note {
            println!("  curation: {n}");
        }
    }
    Ok(())
}
