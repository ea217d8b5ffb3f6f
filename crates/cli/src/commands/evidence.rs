//! `k2bone evidence`: the vitamin K trial database (list, show, import), meta-analysis of one
//! outcome from it (analyze), and the published K2 meta-analyses re-run from it (reproduce).
//! The database lives in `--data-dir`, else `K2BONE_DATA`, else the user data directory, and is
//! seeded from the shipped `data/evidence/trials.csv` on first use.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use k2bone_evidence::pooling::{default_measure, label, pool, PoolSelection, BY_COLUMNS};
use k2bone_evidence::published::{
    find, parse_published, reproduce, shipped_published, PublishedAnalysis, Reproduction,
};
use k2bone_evidence::trial_db::{import_csv, list, open_trials, outcomes, study, TrialFilter};
use k2bone_evidence::{
    escalc, fit, mantel_haenszel, peto, subgroups, EvidenceError, FitOptions, Measure, StudyData,
    Tau2Method, Test, TrialError, TrialRow,
};
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_store::Store;
use serde_json::json;

use super::meta::{forest_plot, model_label};
use crate::exit::bad_input;

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

#[derive(Debug, Args)]
struct AnalyzeArgs {
    /// Outcome, e.g. bmd_lumbar_pct_change or vertebral_fracture.
    #[arg(long)]
    outcome: String,
    /// Time point in months (default: each study's latest).
    #[arg(long)]
    timepoint_months: Option<f64>,
    /// MD or SMD for continuous outcomes; OR, RR or RD for fractures (default MD / OR).
    #[arg(long)]
    measure: Option<String>,
    /// FE, DL, REML, ML, PM, HE, SJ, EB, or MH / PETO for fractures.
    #[arg(long, default_value = "REML")]
    method: String,
    /// z or knha.
    #[arg(long, default_value = "z")]
    test: String,
    /// Subgroups by a trial column: k_form, control, country, co_treatment, provenance, ...
    #[arg(long, value_name = "COLUMN")]
    by: Option<String>,
    /// Write a forest plot (.svg or .png).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Drop trials under integrity concerns.
    #[arg(long)]
    exclude_integrity_concerns: bool,
    /// Keep trials with an active comparator (left out by default).
    #[arg(long)]
    include_active: bool,
    /// text or json.
    #[arg(long, default_value = "text")]
    format: String,
}

/// User-fixable trial errors exit 2; database failures exit 1.
fn classify(e: TrialError) -> anyhow::Error {
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

fn opt_num<T: std::fmt::Display>(v: Option<T>) -> String {
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
        "{:<20} {:>4} {:<6} {:<28} {:>5} {:>5} {:>5} {:<10} {:<8} integrity",
        "study_id", "year", "k_form", "outcome", "t_mo", "n_trt", "n_ctl", "control", "poolable",
    );
    for r in rows {
        let poolable = k2bone_evidence::pooling::study_data(r).is_ok();
        println!(
            "{:<20} {:>4} {:<6} {:<28} {:>5} {:>5} {:>5} {:<10} {:<8} {}",
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
        match k2bone_evidence::pooling::study_data(r) {
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

fn analyze(store: &Store, rows: &[TrialRow], a: AnalyzeArgs) -> anyhow::Result<()> {
    if !outcomes(store.conn())
        .map_err(classify)?
        .iter()
        .any(|o| o.eq_ignore_ascii_case(&a.outcome))
    {
        return Err(bad_input(format!(
            "--outcome {}: no rows for this outcome (outcomes in the database: {})",
            a.outcome,
            outcomes(store.conn()).map_err(classify)?.join(", ")
        )));
    }
    let measure: Measure = match &a.measure {
        Some(m) => m.parse().map_err(bad_input)?,
        None => default_measure(&a.outcome),
    };
    let method_up = a.method.to_ascii_uppercase();
    let binary_method = matches!(method_up.as_str(), "MH" | "PETO").then_some(method_up.clone());
    let method: Tau2Method = if binary_method.is_some() {
        Tau2Method::FE
    } else {
        a.method.parse().map_err(bad_input)?
    };
    let test: Test = a.test.parse().map_err(bad_input)?;
    if let Some(by) = &a.by {
        if !BY_COLUMNS.contains(&by.as_str()) {
            return Err(bad_input(format!(
                "--by {by}: accepted columns are {}",
                BY_COLUMNS.join(", ")
            )));
        }
    }
    let sel = PoolSelection {
        outcome: a.outcome.clone(),
        timepoint_months: a.timepoint_months,
        include_active: a.include_active,
        exclude_integrity: a.exclude_integrity_concerns,
        studies: None,
    };
    let p = pool(rows, &sel);
    if p.studies.len() < 2 {
        let mut msg = format!(
            "--outcome {}: a meta-analysis needs at least 2 poolable studies; {} poolable ({})",
            a.outcome,
            p.studies.len(),
            if p.studies.is_empty() {
                "none".to_string()
            } else {
                p.studies
                    .iter()
                    .map(|s| s.study.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
        msg.push_str("\nnot poolable:");
        for e in &p.excluded {
            msg.push_str(&format!(
                "\n  {} ({} mo): {}",
                e.study_id,
                opt_num(e.timepoint_months),
                e.reason
            ));
        }
        return Err(bad_input(msg));
    }
    let effects =
        escalc(measure, &p.studies).map_err(|e| bad_input(format!("{}: {e}", a.outcome)))?;
    let opts = FitOptions {
        method,
        test,
        level: 95.0,
        tau2_ci: true,
    };
    let main = fit(&effects, &opts).map_err(|e| classify(e.into()))?;
    let tables: Vec<_> = p
        .studies
        .iter()
        .filter_map(|s| match s.data {
            StudyData::Binary(t) => Some((s.study.clone(), t)),
            _ => None,
        })
        .collect();
    let binary = match binary_method.as_deref() {
        Some("MH") => {
            Some(mantel_haenszel(measure, &tables, 95.0).map_err(|e| classify(e.into()))?)
        }
        Some(_) => Some(peto(&tables, 95.0).map_err(|e| classify(e.into()))?),
        None => None,
    };
    let by = match &a.by {
        Some(col) => {
            let labels: Vec<String> = p
                .rows
                .iter()
                .map(|r| label(r, col).unwrap_or_default())
                .collect();
            Some(subgroups(&effects, &labels, &opts).map_err(|e| classify(e.into()))?)
        }
        None => None,
    };
    if let Some(path) = &a.plot {
        let title = format!("{} — {}", a.outcome, model_label(&main, binary.as_ref()));
        k2bone_report::forest::forest(
            &forest_plot(
                &title,
                measure,
                &effects,
                &main,
                by.as_ref(),
                binary.as_ref(),
            ),
            path,
        )
        .with_context(|| format!("writing the forest plot {}", path.display()))?;
    }
    let (est, se, pval, lo, hi) = match &binary {
        Some(b) => (b.estimate, b.se, b.pvalue, b.ci_lower, b.ci_upper),
        None => (
            main.estimate,
            main.se,
            main.pvalue,
            main.ci_lower,
            main.ci_upper,
        ),
    };
    let (pi_lo, pi_hi) = if binary.is_some() {
        (None, None)
    } else {
        (main.pi_lower, main.pi_upper)
    };
    if a.format == "json" {
        let v = json!({
            "outcome": a.outcome, "timepoint_months": a.timepoint_months, "measure": measure,
            "method": binary_method.clone().unwrap_or_else(|| method.label().to_string()), "test": test,
            "k": main.k, "estimate": est, "se": se, "pvalue": pval, "ci_lower": lo, "ci_upper": hi,
            "pi_lower": pi_lo, "pi_upper": pi_hi, "tau2": if binary.is_some() { 0.0 } else { main.tau2 },
            "i2": binary.as_ref().map_or(main.i2, |b| b.i2), "h2": binary.as_ref().map_or(main.h2, |b| b.h2),
            "q": binary.as_ref().map_or(main.q, |b| b.q), "q_pvalue": binary.as_ref().map_or(main.q_pvalue, |b| b.q_pvalue),
            "studies": effects.iter().zip(&main.weights_pct).zip(&p.rows).map(|((e, w), r)| json!({
                "study_id": e.study, "yi": e.yi, "vi": e.vi, "weight_pct": w, "timepoint_months": r.timepoint_months,
                "k_form": r.k_form, "control": r.control, "integrity_concern": r.integrity_concern, "source": r.source,
            })).collect::<Vec<_>>(),
            "excluded": p.excluded, "conversions": p.conversions,
            "subgroups": by, "disclaimer": DISCLAIMER,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!(
        "Evidence: {} ({} studies; measure {measure}; {})",
        a.outcome,
        main.k,
        match &binary {
            Some(b) => b.method.clone(),
            None => model_label(&main, None),
        }
    );
    for (e, r) in effects.iter().zip(&p.rows) {
        println!(
            "  {:<20} {:>4} {:<6} t = {:>4} mo  yi {:>9.4}  vi {:>9.4}  [{}]",
            e.study, r.year, r.k_form, r.timepoint_months, e.yi, e.vi, r.source
        );
    }
    for c in &p.conversions {
        println!("  note: {c}");
    }
    println!("\nPooled {measure}: {est:.4} (SE {se:.4}), 95% CI {lo:.4} to {hi:.4}, p = {pval:.4}");
    if measure.is_ratio() {
        println!(
            "  on the ratio scale: {:.2} (95% CI {:.2} to {:.2})",
            est.exp(),
            lo.exp(),
            hi.exp()
        );
    }
    if let (Some(pl), Some(ph)) = (pi_lo, pi_hi) {
        println!("  prediction interval: {pl:.4} to {ph:.4}");
    }
    println!(
        "Heterogeneity: tau^2 = {:.4}, I^2 = {:.1}%, Q({}) = {:.4}, p = {:.4}",
        main.tau2, main.i2, main.q_df, main.q, main.q_pvalue
    );
    if let Some(s) = &by {
        for g in &s.subgroups {
            println!(
                "  {:<24} k = {:>2}  {:.4} [{:.4}, {:.4}]",
                g.name, g.fit.k, g.fit.estimate, g.fit.ci_lower, g.fit.ci_upper
            );
        }
        println!(
            "  test for subgroup differences: Q({}) = {:.4}, p = {:.4}",
            s.q_between_df, s.q_between, s.q_between_pvalue
        );
    }
    if !p.excluded.is_empty() {
        println!("\nNot pooled:");
        for e in &p.excluded {
            println!(
                "  {} ({} mo): {}",
                e.study_id,
                opt_num(e.timepoint_months),
                e.reason
            );
        }
    }
    println!("\n{DISCLAIMER}");
    Ok(())
}

fn published_text(a: &PublishedAnalysis) -> String {
    match (a.estimate, a.ci_lower, a.ci_upper) {
        (Some(e), Some(l), Some(u)) => format!("{} {e:.2} (95% CI {l:.2} to {u:.2})", a.measure),
        (Some(e), _, _) => format!("{} {e:.2} (no CI published)", a.measure),
        _ => "no pooled estimate published (only a p-value or direction)".into(),
    }
}

fn print_targets(all: &[PublishedAnalysis], format: &str) -> anyhow::Result<()> {
    if format == "json" {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "analyses": all }))?
        );
        return Ok(());
    }
    for a in all {
        println!(
            "{:<36} [{}] {:<26} {}",
            a.name,
            a.grade,
            a.outcome,
            published_text(a)
        );
    }
    Ok(())
}

fn print_reproduction(
    a: &PublishedAnalysis,
    r: &Reproduction,
    excl: bool,
    format: &str,
) -> anyhow::Result<()> {
    if format == "json" {
        let v = json!({ "name": a.name, "published": a, "exclude_integrity_concerns": excl, "result": r, "disclaimer": DISCLAIMER });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!("{} — {}", a.name, a.citation);
    println!(
        "outcome {}{}; method {}",
        a.outcome,
        a.timepoint_months
            .map(|t| format!(" at {t} months"))
            .unwrap_or_default(),
        a.method
    );
    println!("published: {}   [{}]", published_text(a), a.source);
    if excl {
        println!(
            "sensitivity: trials under integrity concerns dropped{}",
            a.integrity
                .as_ref()
                .map(|i| format!(" (source: {i})"))
                .unwrap_or_default()
        );
    }
    match r {
        Reproduction::Reproduced { ours, notes } => {
            println!(
                "ours:      {} {:.2} (95% CI {:.2} to {:.2}), k = {}, {}",
                a.measure, ours.estimate, ours.ci_lower, ours.ci_upper, ours.k, ours.method
            );
            match ours.matches_published {
                Some(true) => println!(
                    "REPRODUCED within rounding ({} decimals)",
                    a.decimals.unwrap_or(2)
                ),
                Some(false) => println!("DIFFERS from the published result"),
                None => println!("no published number to compare"),
            }
            for n in notes {
                println!("note: {n}");
            }
        }
        Reproduction::MissingStudies {
            missing,
            available,
            unnamed,
        } => {
            println!("NOT REPRODUCED: study data are missing, so no pooled number is given.");
            for m in missing {
                println!("  missing {}: {}", m.study_id, m.reason);
            }
            if !available.is_empty() {
                println!("  available: {}", available.join(", "));
            }
            if let Some(u) = unnamed {
                println!("  studies not named in our source: {u}");
            }
        }
    }
    println!("\n{DISCLAIMER}");
    Ok(())
}
