//! `k2bone evidence analyze`: one outcome pooled over the trial database.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use k2bone_trialdb::pooling::{default_measure, label, pool, PoolSelection, BY_COLUMNS};
use k2bone_trialdb::trial_db::outcomes;
use k2bone_evidence::{
    escalc, fit, mantel_haenszel, peto, subgroups, FitOptions, Measure, StudyData, Tau2Method,
    Test,
};
use k2bone_trialdb::TrialRow;
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_store::Store;
use serde_json::json;

use super::{classify, opt_num};
use crate::commands::meta::{forest_plot, model_label};
use crate::exit::bad_input;

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Outcome, e.g. bmd_lumbar_pct_change or vertebral_fracture.
    #[arg(long)]
    pub outcome: String,
    /// Time point in months (default: each study's latest).
    #[arg(long)]
    pub timepoint_months: Option<f64>,
    /// MD or SMD for continuous outcomes; OR, RR or RD for fractures (default MD / OR).
    #[arg(long)]
    pub measure: Option<String>,
    /// FE, DL, REML, ML, PM, HE, SJ, EB, or MH / PETO for fractures.
    #[arg(long, default_value = "REML")]
    pub method: String,
    /// z or knha.
    #[arg(long, default_value = "z")]
    pub test: String,
    /// Subgroups by a trial column: k_form, control, country, co_treatment, provenance, ...
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    /// Write a forest plot (.svg or .png).
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// Drop trials under integrity concerns.
    #[arg(long)]
    pub exclude_integrity_concerns: bool,
    /// Keep trials with an active comparator (left out by default).
    #[arg(long)]
    pub include_active: bool,
    /// text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
}

pub fn analyze(store: &Store, rows: &[TrialRow], a: AnalyzeArgs) -> anyhow::Result<()> {
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
