//! Forest and funnel plots of a meta-analysis, as the plain data `k2bone-report` draws: the
//! adapters from the engine's fits (`k2bone-evidence`) to plot rows, shared by `meta` and
//! `evidence analyze`.

use k2bone_evidence::{BinaryFit, EffectSize, Measure, MetaFit, SubgroupAnalysis, Test, TrimFill};
use k2bone_report::forest::{ForestPlot, ForestRow, RowKind};
use k2bone_report::funnel::{FunnelPlot, FunnelPoint};

/// The measure in words.
pub fn measure_name(m: Measure) -> &'static str {
    match m {
        Measure::MD => "mean difference",
        Measure::SMD => "standardised mean difference (Hedges' g)",
        Measure::OR => "log odds ratio",
        Measure::RR => "log risk ratio",
        Measure::RD => "risk difference",
        Measure::GEN => "generic effect size (yi, vi)",
    }
}

/// The model's title, e.g. "Random-effects model".
pub fn model_title(f: &MetaFit, binary: Option<&BinaryFit>) -> &'static str {
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
