//! `k2bone meta`: meta-analysis of a CSV of studies with metafor's conventions (effect sizes by
//! `escalc`, models by `rma`, `rma.mh`, `rma.peto`), printed as a report or as one JSON object,
//! with optional subgroups, meta-regression, sensitivity analyses, small-study tests and plots.
//! [`forest_plot`] and [`funnel_plot`] are reused by `k2bone evidence`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use k2bone_evidence::{
    cumulative, egger, egger_lm, escalc, fit, leave_one_out, mantel_haenszel, meta_regression,
    peto, read_csv, subgroups, trim_fill, BinaryFit, EffectSize, EvidenceError, FitOptions,
    Measure, MetaFit, SubgroupAnalysis, Tau2Method, Test, TrimFill,
};
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_report::forest::{forest, ForestPlot, ForestRow, RowKind};
use k2bone_report::funnel::{funnel, FunnelPlot, FunnelPoint};
use serde_json::{json, Value};

use crate::exit::bad_input;

#[derive(Debug, Args)]
#[command(
    after_help = "Input: a CSV with a `study` column and either yi,vi (GEN), m1i,sd1i,n1i,m2i,sd2i,n2i (MD, SMD)
or ai,bi,ci,di (OR, RR, RD: events/non-events, treatment then control). Other columns can be used
with --by and --mods. Ratio measures are analysed and reported in JSON on the log scale.

Examples:
  k2bone meta studies.csv --measure SMD --method REML
  k2bone meta trials.csv --measure OR --method DL --test knha --forest forest.png
  k2bone meta trials.csv --measure RR --method MH
  k2bone meta trials.csv --measure OR --by alloc --mods ablat,year --loo --egger --trimfill --format json"
)]
pub struct MetaArgs {
    /// The CSV of studies.
    #[arg(value_name = "FILE.csv")]
    file: PathBuf,
    /// Effect-size measure: MD, SMD, OR, RR, RD or GEN (precomputed yi, vi).
    #[arg(long)]
    measure: String,
    /// tau² estimator FE, DL, REML, ML, PM, HE, SJ, EB, or MH / PETO for 2x2 tables.
    #[arg(long, default_value = "REML")]
    method: String,
    /// Inference: z (Wald) or knha (Knapp-Hartung).
    #[arg(long, default_value = "z")]
    test: String,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    format: String,
    /// Confidence level in percent.
    #[arg(long, default_value_t = 95.0)]
    level: f64,
    /// Mantel-Haenszel (same as --method MH).
    #[arg(long, conflicts_with = "peto")]
    mh: bool,
    /// Peto odds ratio (same as --method PETO).
    #[arg(long)]
    peto: bool,
    /// Column with subgroup labels: fits per subgroup and the between-subgroup Q test.
    #[arg(long, value_name = "COLUMN")]
    by: Option<String>,
    /// Moderator columns for a meta-regression (numeric or categorical), comma-separated.
    #[arg(long, value_name = "COL,COL", value_delimiter = ',')]
    mods: Vec<String>,
    /// Leave-one-out analysis.
    #[arg(long)]
    loo: bool,
    /// Cumulative analysis in file order.
    #[arg(long)]
    cumulative: bool,
    /// Egger's regression test (metafor regtest, and the classic lm version).
    #[arg(long)]
    egger: bool,
    /// Trim-and-fill (L0).
    #[arg(long)]
    trimfill: bool,
    /// Write a forest plot (.svg or .png).
    #[arg(long, value_name = "FILE")]
    forest: Option<PathBuf>,
    /// Write a funnel plot (.svg or .png).
    #[arg(long, value_name = "FILE")]
    funnel: Option<PathBuf>,
}

/// Errors in the user's data or options are bad input (exit 2); numerical failures exit 1.
fn classify(e: EvidenceError) -> anyhow::Error {
    match e {
        EvidenceError::Numerical(_) => anyhow::Error::new(e),
        other => bad_input(other),
    }
}

fn measure_name(m: Measure) -> &'static str {
    match m {
        Measure::MD => "mean difference",
        Measure::SMD => "standardised mean difference (Hedges' g)",
        Measure::OR => "log odds ratio",
        Measure::RR => "log risk ratio",
        Measure::RD => "risk difference",
        Measure::GEN => "generic effect size (yi, vi)",
    }
}

fn ratio_name(m: Measure) -> &'static str {
    if m == Measure::OR {
        "odds ratio"
    } else {
        "risk ratio"
    }
}

pub fn run(args: MetaArgs) -> anyhow::Result<()> {
    let measure: Measure = args.measure.parse().map_err(bad_input)?;
    let method_up = args.method.to_ascii_uppercase();
    let binary_method = if args.mh || method_up == "MH" {
        Some("MH")
    } else if args.peto || method_up == "PETO" {
        Some("PETO")
    } else {
        None
    };
    let method: Tau2Method = if binary_method.is_some() {
        Tau2Method::FE
    } else {
        args.method.parse().map_err(bad_input)?
    };
    let test: Test = args.test.parse().map_err(bad_input)?;
    if !(args.format == "text" || args.format == "json") {
        return Err(bad_input(format!(
            "--format {}: accepted values are text, json",
            args.format
        )));
    }
    if !(args.level > 0.0 && args.level < 100.0) {
        return Err(bad_input(format!(
            "--level {}: accepted range is 0 < level < 100 (percent)",
            args.level
        )));
    }
    if binary_method.is_some() && !matches!(measure, Measure::OR | Measure::RR | Measure::RD) {
        return Err(bad_input(format!(
            "--method {method_up} needs 2x2 data: --measure OR, RR or RD"
        )));
    }
    if binary_method == Some("PETO") && measure != Measure::OR {
        return Err(bad_input(
            "Peto's method pools odds ratios: use --measure OR",
        ));
    }
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))
        .map_err(bad_input)?;
    let file = args.file.display().to_string();
    let data = read_csv(&text, measure).map_err(|e| bad_input(format!("{file}: {e}")))?;
    let effects = escalc(measure, &data.rows).map_err(|e| bad_input(format!("{file}: {e}")))?;
    if effects.len() < 2 {
        return Err(bad_input(format!(
            "{file}: a meta-analysis needs at least 2 studies, the file has {}",
            effects.len()
        )));
    }
    let opts = FitOptions {
        method,
        test,
        level: args.level,
        tau2_ci: true,
    };
    let main = fit(&effects, &opts).map_err(classify)?;
    let binary = match binary_method {
        Some("MH") => Some(mantel_haenszel(measure, &data.tables(), args.level).map_err(classify)?),
        Some(_) => Some(peto(&data.tables(), args.level).map_err(classify)?),
        None => None,
    };
    let by = match &args.by {
        Some(col) => {
            let labels = data
                .column(col)
                .map_err(|e| bad_input(format!("{file}: --by: {e}")))?;
            Some(subgroups(&effects, &labels, &opts).map_err(classify)?)
        }
        None => None,
    };
    let reg = if args.mods.is_empty() {
        None
    } else {
        let mods = args
            .mods
            .iter()
            .map(|m| data.moderator(m.trim()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad_input(format!("{file}: --mods: {e}")))?;
        Some(meta_regression(&effects, &mods, &opts).map_err(classify)?)
    };
    let loo = if args.loo {
        Some(leave_one_out(&effects, &opts).map_err(classify)?)
    } else {
        None
    };
    let cum = if args.cumulative {
        Some(cumulative(&effects, &opts).map_err(classify)?)
    } else {
        None
    };
    let eg = if args.egger {
        Some((
            egger(&effects, &opts).map_err(classify)?,
            egger_lm(&effects, args.level).map_err(classify)?,
        ))
    } else {
        None
    };
    let tf = if args.trimfill || args.funnel.is_some() {
        Some(trim_fill(&effects, &opts).map_err(classify)?)
    } else {
        None
    };

    if let Some(path) = &args.forest {
        let title = format!(
            "{} — {}",
            file_stem(&args.file),
            model_title(&main, binary.as_ref()).to_lowercase()
        );
        forest(
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
        .with_context(|| "writing the forest plot")?;
    }
    if let Some(path) = &args.funnel {
        funnel(
            &funnel_plot(
                &file_stem(&args.file),
                measure,
                &effects,
                &main,
                tf.as_ref(),
            ),
            path,
        )
        .with_context(|| "writing the funnel plot")?;
    }

    let ratio = measure.is_ratio();
    if args.format == "json" {
        let mut v = json!({
            "file": file, "measure": measure, "method": binary_method.unwrap_or(method.label()), "test": test,
            "level": args.level, "k": main.k,
            "estimate": main.estimate, "se": main.se, "zval": main.zval, "pvalue": main.pvalue,
            "ci_lower": main.ci_lower, "ci_upper": main.ci_upper, "pi_lower": main.pi_lower, "pi_upper": main.pi_upper,
            "tau2": main.tau2, "tau2_se": main.tau2_se, "tau2_ci": main.tau2_ci, "i2": main.i2, "h2": main.h2,
            "q": main.q, "q_df": main.q_df, "q_pvalue": main.q_pvalue, "df": main.df,
            "studies": effects.iter().zip(&main.weights_pct).map(|(e, w)| json!({"study": e.study, "yi": e.yi, "vi": e.vi, "weight_pct": w})).collect::<Vec<_>>(),
            "disclaimer": DISCLAIMER,
        });
        if let Some(b) = &binary {
            // Mantel–Haenszel / Peto are fixed-effect: they replace the pooled numbers.
            for (key, val) in [
                ("estimate", b.estimate),
                ("se", b.se),
                ("zval", b.zval),
                ("pvalue", b.pvalue),
                ("ci_lower", b.ci_lower),
                ("ci_upper", b.ci_upper),
                ("q", b.q),
                ("q_pvalue", b.q_pvalue),
                ("i2", b.i2),
                ("h2", b.h2),
                ("tau2", 0.0),
            ] {
                v[key] = json!(val);
            }
            v["q_df"] = json!(b.q_df);
            v["cmh"] = json!(b.cmh);
            v["cmh_pvalue"] = json!(b.cmh_pvalue);
            v["tau2_ci"] = Value::Null;
            v["tau2_se"] = Value::Null;
            v["pi_lower"] = Value::Null;
            v["pi_upper"] = Value::Null;
        }
        if ratio {
            let ex = |x: &Value| x.as_f64().map(f64::exp);
            v["back_transformed"] = json!({
                "scale": ratio_name(measure),
                "estimate": ex(&v["estimate"]), "ci_lower": ex(&v["ci_lower"]), "ci_upper": ex(&v["ci_upper"]),
                "pi_lower": ex(&v["pi_lower"]), "pi_upper": ex(&v["pi_upper"]),
            });
        }
        for (key, val) in [
            ("subgroups", by.as_ref().map(|s| json!(s))),
            ("meta_regression", reg.as_ref().map(|r| json!(r))),
            ("leave_one_out", loo.as_ref().map(|r| json!(r))),
            ("cumulative", cum.as_ref().map(|r| json!(r))),
            (
                "egger",
                eg.as_ref().map(|(a, b)| json!({"rma": a, "lm": b})),
            ),
            (
                "trimfill",
                if args.trimfill {
                    tf.as_ref().map(|t| json!(t))
                } else {
                    None
                },
            ),
        ] {
            if let Some(val) = val {
                v[key] = val;
            }
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }

    // Text report.
    let f4 = |x: f64| format!("{x:.4}");
    let p4 = |p: f64| {
        if p < 1e-4 {
            "<.0001".to_string()
        } else {
            format!("{p:.4}")
        }
    };
    println!(
        "{} (k = {}; {})",
        model_title(&main, binary.as_ref()),
        main.k,
        model_label(&main, binary.as_ref())
    );
    println!(
        "Data: {file}; measure {measure} ({})\n",
        measure_name(measure)
    );
    if !method.is_fixed() {
        let ci = main
            .tau2_ci
            .map(|c| {
                format!(
                    " [{:.0}% CI {}, {}]",
                    args.level,
                    f4(c.tau2_lower),
                    f4(c.tau2_upper)
                )
            })
            .unwrap_or_default();
        println!(
            "tau^2 (estimated amount of total heterogeneity): {} (SE = {}){ci}",
            f4(main.tau2),
            main.tau2_se.map(f4).unwrap_or("-".into())
        );
        println!(
            "tau (square root of estimated tau^2 value):      {}",
            f4(main.tau2.sqrt())
        );
        let ci = main
            .tau2_ci
            .map(|c| format!(" [{:.2}%, {:.2}%]", c.i2_lower, c.i2_upper))
            .unwrap_or_default();
        println!(
            "I^2 (total heterogeneity / total variability):   {:.2}%{ci}",
            main.i2
        );
        println!(
            "H^2 (total variability / sampling variability):  {:.2}\n",
            main.h2
        );
    } else {
        let (i2, h2) = binary
            .as_ref()
            .map(|b| (b.i2, b.h2))
            .unwrap_or((main.i2, main.h2));
        println!("I^2 (total heterogeneity / total variability):  {i2:.2}%");
        println!("H^2 (total variability / sampling variability): {h2:.2}\n");
    }
    let (q, qdf, qp) = binary
        .as_ref()
        .map(|b| (b.q, b.q_df, b.q_pvalue))
        .unwrap_or((main.q, main.q_df, main.q_pvalue));
    println!(
        "Test for heterogeneity: Q(df = {qdf}) = {}, p-val {}\n",
        f4(q),
        p4(qp)
    );
    let (est, se, z, p, lo, hi) = match &binary {
        Some(b) => (b.estimate, b.se, b.zval, b.pvalue, b.ci_lower, b.ci_upper),
        None => (
            main.estimate,
            main.se,
            main.zval,
            main.pvalue,
            main.ci_lower,
            main.ci_upper,
        ),
    };
    let stat = if test == Test::Knha && binary.is_none() {
        "tval"
    } else {
        "zval"
    };
    println!(
        "Model results{}:",
        main.df
            .filter(|_| binary.is_none())
            .map(|d| format!(" (t, df = {d})"))
            .unwrap_or_default()
    );
    println!(
        "{:>10} {:>9} {:>9} {:>8} {:>9} {:>9}",
        "estimate", "se", stat, "pval", "ci.lb", "ci.ub"
    );
    println!(
        "{:>10} {:>9} {:>9} {:>8} {:>9} {:>9}",
        f4(est),
        f4(se),
        f4(z),
        p4(p),
        f4(lo),
        f4(hi)
    );
    if let (Some(a), Some(b), None) = (main.pi_lower, main.pi_upper, &binary) {
        println!("Prediction interval: {} to {}", f4(a), f4(b));
    }
    if let Some(c) = binary.as_ref().and_then(|b| b.cmh.zip(b.cmh_pvalue)) {
        println!(
            "Cochran-Mantel-Haenszel test: CMH = {}, df = 1, p-val {}",
            f4(c.0),
            p4(c.1)
        );
    }
    if ratio {
        let pi = match (main.pi_lower, main.pi_upper, &binary) {
            (Some(a), Some(b), None) => {
                format!("; prediction interval {:.2} to {:.2}", a.exp(), b.exp())
            }
            _ => String::new(),
        };
        println!(
            "\nPooled {}: {:.2} [{:.0}% CI {:.2}, {:.2}]{pi}",
            ratio_name(measure),
            est.exp(),
            args.level,
            lo.exp(),
            hi.exp()
        );
    }
    if let Some(s) = &by {
        print_subgroups(s, measure, args.level);
    }
    if let Some(r) = &reg {
        println!(
            "\nMeta-regression (k = {}; residual tau^2 = {}, I^2 = {:.2}%):",
            r.k,
            f4(r.tau2),
            r.i2
        );
        println!(
            "Test for residual heterogeneity: QE(df = {}) = {}, p-val {}",
            r.qe_df,
            f4(r.qe),
            p4(r.qe_pvalue)
        );
        match r.qm_df2 {
            Some(d2) => println!(
                "Test of moderators: F(df1 = {}, df2 = {d2}) = {}, p-val {}",
                r.qm_df,
                f4(r.qm),
                p4(r.qm_pvalue)
            ),
            None => println!(
                "Test of moderators: QM(df = {}) = {}, p-val {}",
                r.qm_df,
                f4(r.qm),
                p4(r.qm_pvalue)
            ),
        }
        println!(
            "{:>20} {:>10} {:>9} {:>9} {:>8} {:>9} {:>9}",
            "", "estimate", "se", stat, "pval", "ci.lb", "ci.ub"
        );
        for c in &r.coefficients {
            println!(
                "{:>20} {:>10} {:>9} {:>9} {:>8} {:>9} {:>9}",
                c.name,
                f4(c.estimate),
                f4(c.se),
                f4(c.zval),
                p4(c.pvalue),
                f4(c.ci_lower),
                f4(c.ci_upper)
            );
        }
    }
    for (title, rows) in [
        ("Leave-one-out (study omitted)", &loo),
        ("Cumulative (study added)", &cum),
    ] {
        if let Some(rows) = rows {
            println!("\n{title}:");
            println!(
                "{:<32} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}",
                "", "estimate", "ci.lb", "ci.ub", "pval", "tau2", "I2"
            );
            let o = |x: Option<f64>| x.map(f4).unwrap_or("-".into());
            for r in rows {
                println!(
                    "{:<32} {:>9} {:>9} {:>9} {:>9} {:>8} {:>7.2}%",
                    truncate(&r.study, 32),
                    f4(r.estimate),
                    o(r.ci_lower),
                    o(r.ci_upper),
                    r.pvalue.map(p4).unwrap_or("-".into()),
                    f4(r.tau2),
                    r.i2
                );
            }
        }
    }
    if let Some((a, b)) = &eg {
        println!("\nEgger's regression test (metafor regtest, predictor sei, model rma): {} = {}, p-val {}", if a.df.is_some() { "t" } else { "z" }, f4(a.zval), p4(a.pvalue));
        println!(
            "  limit estimate (as sei -> 0): {} [{}, {}]",
            f4(a.limit_estimate),
            f4(a.limit_ci_lower),
            f4(a.limit_ci_upper)
        );
        println!(
            "Egger's test, classic weighted regression (model lm): t(df = {}) = {}, p-val {}",
            b.df.unwrap_or(0.0),
            f4(b.zval),
            p4(b.pvalue)
        );
    }
    if let (true, Some(t)) = (args.trimfill, &tf) {
        print_trimfill(t, measure);
    }
    println!("\n{DISCLAIMER}");
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn print_subgroups(s: &SubgroupAnalysis, measure: Measure, level: f64) {
    println!("\nSubgroups (separate models; between-subgroup test on the subgroup estimates):");
    for g in &s.subgroups {
        let f = &g.fit;
        let back = if measure.is_ratio() {
            format!(
                "  ({} {:.2} [{:.2}, {:.2}])",
                ratio_name(measure),
                f.estimate.exp(),
                f.ci_lower.exp(),
                f.ci_upper.exp()
            )
        } else {
            String::new()
        };
        println!("  {:<24} k = {:>3}  estimate {:>8.4} [{:.0}% CI {:.4}, {:.4}]  tau^2 {:.4}  I^2 {:.1}%{back}", truncate(&g.name, 24), f.k, f.estimate, level, f.ci_lower, f.ci_upper, f.tau2, f.i2);
    }
    let p = if s.q_between_pvalue < 1e-4 {
        "<.0001".into()
    } else {
        format!("{:.4}", s.q_between_pvalue)
    };
    println!(
        "Test for subgroup differences: Q_between(df = {}) = {:.4}, p-val {p}",
        s.q_between_df, s.q_between
    );
}

fn print_trimfill(t: &TrimFill, measure: Measure) {
    println!(
        "\nTrim-and-fill (L0): estimated number of missing studies on the {} side: {} (SE = {:.4})",
        t.side, t.k0, t.se_k0
    );
    let f = &t.fit;
    println!(
        "  adjusted estimate {:.4} [{:.4}, {:.4}], tau^2 {:.4}",
        f.estimate, f.ci_lower, f.ci_upper, f.tau2
    );
    if measure.is_ratio() {
        println!(
            "  adjusted {} {:.2} [{:.2}, {:.2}]",
            ratio_name(measure),
            f.estimate.exp(),
            f.ci_lower.exp(),
            f.ci_upper.exp()
        );
    }
}

fn file_stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn model_title(f: &MetaFit, binary: Option<&BinaryFit>) -> &'static str {
    match binary {
        Some(b) if b.method == "MH" => "Fixed-effects model (Mantel-Haenszel)",
        Some(_) => "Fixed-effects model (Peto)",
        None if f.method.is_fixed() => "Fixed-effect model",
        None => "Random-effects model",
    }
}

/// A short model description, e.g. "REML, z".
pub fn model_label(f: &MetaFit, binary: Option<&BinaryFit>) -> String {
    match binary {
        Some(b) => b.method.clone(),
        None if f.method.is_fixed() => format!("FE, {}", f.test),
        None => format!(
            "tau^2 estimator {}, {}",
            f.method,
            if f.test == Test::Knha {
                "Knapp-Hartung"
            } else {
                "z"
            }
        ),
    }
}

/// Builds a forest plot of a fit (and its subgroups, if any), on the analysis scale.
pub fn forest_plot(
    title: &str,
    measure: Measure,
    effects: &[EffectSize],
    main: &MetaFit,
    by: Option<&SubgroupAnalysis>,
    binary: Option<&BinaryFit>,
) -> ForestPlot {
    let crit = (main.ci_upper - main.estimate) / main.se;
    let study_row = |i: usize| {
        let e = &effects[i];
        let half = crit_z(main.level) * e.vi.sqrt();
        ForestRow::study(
            e.study.clone(),
            e.yi,
            (e.yi - half, e.yi + half),
            main.weights_pct[i],
        )
    };
    let mut rows = Vec::new();
    match by {
        Some(s) => {
            for g in &s.subgroups {
                rows.push(ForestRow::heading(g.name.clone()));
                rows.extend(g.studies.iter().map(|&i| study_row(i)));
                let f = &g.fit;
                rows.push(ForestRow::summary(
                    format!("Subgroup (k = {}, I² = {:.0}%)", f.k, f.i2),
                    f.estimate,
                    (f.ci_lower, f.ci_upper),
                    RowKind::Subgroup,
                ));
            }
        }
        None => rows.extend((0..effects.len()).map(study_row)),
    }
    let (est, lo, hi) = binary
        .map(|b| (b.estimate, b.ci_lower, b.ci_upper))
        .unwrap_or((main.estimate, main.ci_lower, main.ci_upper));
    let label = match binary {
        Some(b) => format!("{} model", b.method),
        None if main.method.is_fixed() => "FE model".to_string(),
        None => format!("RE model ({})", main.method),
    };
    rows.push(ForestRow::summary(label, est, (lo, hi), RowKind::Overall));
    let mut footer = vec![format!(
        "Heterogeneity: Q = {:.2} (df = {}), p {}; I² = {:.1}%; τ² = {:.4}",
        main.q,
        main.q_df,
        p_text(main.q_pvalue),
        main.i2,
        main.tau2
    )];
    if let Some(s) = by {
        footer.push(format!(
            "Test for subgroup differences: Q = {:.2} (df = {}), p {}",
            s.q_between,
            s.q_between_df,
            p_text(s.q_between_pvalue)
        ));
    }
    if !crit.is_finite() {
        footer.clear();
    }
    let x_label = match measure {
        Measure::OR => "Odds ratio (log scale)".to_string(),
        Measure::RR => "Risk ratio (log scale)".to_string(),
        m => measure_name(m).to_string(),
    };
    ForestPlot {
        title: title.to_string(),
        rows,
        prediction: if binary.is_some() {
            None
        } else {
            main.pi_lower.zip(main.pi_upper)
        },
        log_scale: measure.is_ratio(),
        reference: 0.0,
        x_label,
        footer,
    }
}

fn p_text(p: f64) -> String {
    if p < 1e-4 {
        "< 0.0001".into()
    } else {
        format!("= {p:.4}")
    }
}

fn crit_z(level: f64) -> f64 {
    k2bone_evidence::dist::qnorm_upper((100.0 - level) / 200.0)
}

/// Builds a funnel plot of a fit, with trim-and-fill's imputed studies when given.
pub fn funnel_plot(
    title: &str,
    measure: Measure,
    effects: &[EffectSize],
    main: &MetaFit,
    tf: Option<&TrimFill>,
) -> FunnelPlot {
    let mut points: Vec<FunnelPoint> = effects
        .iter()
        .map(|e| FunnelPoint {
            label: e.study.clone(),
            yi: e.yi,
            sei: e.vi.sqrt(),
            imputed: false,
        })
        .collect();
    if let Some(t) = tf {
        points.extend(t.filled.iter().map(|e| FunnelPoint {
            label: e.study.clone(),
            yi: e.yi,
            sei: e.vi.sqrt(),
            imputed: true,
        }));
    }
    FunnelPlot {
        title: format!("{title} — funnel plot"),
        points,
        estimate: main.estimate,
        crit: crit_z(main.level),
        log_scale: measure.is_ratio(),
        x_label: match measure {
            Measure::OR => "Odds ratio (log scale)".into(),
            Measure::RR => "Risk ratio (log scale)".into(),
            m => measure_name(m).into(),
        },
    }
}
