//! The text report of a meta-analysis, in metafor's `print.rma` layout.

use std::fmt;

use k2bone_evidence::{Measure, SubgroupAnalysis, Test, TrimFill};

use super::truncate;
use crate::meta::{ratio_name, EggerTests, MetaAnalysis};
use crate::plots::{measure_name, model_label, model_title};

impl fmt::Display for MetaAnalysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self;
        let detail = m.detail.as_ref().expect("meta_analysis fills the detail");
        let (main, binary) = (&detail.fit, &detail.binary);
        let (measure, level, test, file) = (m.measure, m.level, m.test, &m.file);
        let method = main.method;
        let ratio = measure.is_ratio();
        let (by, reg, loo, cum, eg, tf) = (
            &m.subgroups,
            &m.meta_regression,
            &m.leave_one_out,
            &m.cumulative,
            &m.egger,
            &m.trimfill,
        );
        let f4 = |x: f64| format!("{x:.4}");
        let p4 = |p: f64| {
            if p < 1e-4 {
                "<.0001".to_string()
            } else {
                format!("{p:.4}")
            }
        };
        writeln!(
            f,
            "{} (k = {}; {})",
            model_title(main, binary.as_ref()),
            main.k,
            model_label(main, binary.as_ref())
        )?;
        writeln!(
            f,
            "Data: {file}; measure {measure} ({})\n",
            measure_name(measure)
        )?;
        if !method.is_fixed() {
            let ci = main
                .tau2_ci
                .map(|c| {
                    format!(
                        " [{:.0}% CI {}, {}]",
                        level,
                        f4(c.tau2_lower),
                        f4(c.tau2_upper)
                    )
                })
                .unwrap_or_default();
            writeln!(
                f,
                "tau^2 (estimated amount of total heterogeneity): {} (SE = {}){ci}",
                f4(main.tau2),
                main.tau2_se.map(f4).unwrap_or("-".into())
            )?;
            writeln!(
                f,
                "tau (square root of estimated tau^2 value):      {}",
                f4(main.tau2.sqrt())
            )?;
            let ci = main
                .tau2_ci
                .map(|c| format!(" [{:.2}%, {:.2}%]", c.i2_lower, c.i2_upper))
                .unwrap_or_default();
            writeln!(
                f,
                "I^2 (total heterogeneity / total variability):   {:.2}%{ci}",
                main.i2
            )?;
            writeln!(
                f,
                "H^2 (total variability / sampling variability):  {:.2}\n",
                main.h2
            )?;
        } else {
            let (i2, h2) = binary
                .as_ref()
                .map(|b| (b.i2, b.h2))
                .unwrap_or((main.i2, main.h2));
            writeln!(
                f,
                "I^2 (total heterogeneity / total variability):  {i2:.2}%"
            )?;
            writeln!(
                f,
                "H^2 (total variability / sampling variability): {h2:.2}\n"
            )?;
        }
        let (q, qdf, qp) = binary
            .as_ref()
            .map(|b| (b.q, b.q_df, b.q_pvalue))
            .unwrap_or((main.q, main.q_df, main.q_pvalue));
        writeln!(
            f,
            "Test for heterogeneity: Q(df = {qdf}) = {}, p-val {}\n",
            f4(q),
            p4(qp)
        )?;
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
        writeln!(
            f,
            "Model results{}:",
            main.df
                .filter(|_| binary.is_none())
                .map(|d| format!(" (t, df = {d})"))
                .unwrap_or_default()
        )?;
        writeln!(
            f,
            "{:>10} {:>9} {:>9} {:>8} {:>9} {:>9}",
            "estimate", "se", stat, "pval", "ci.lb", "ci.ub"
        )?;
        writeln!(
            f,
            "{:>10} {:>9} {:>9} {:>8} {:>9} {:>9}",
            f4(est),
            f4(se),
            f4(z),
            p4(p),
            f4(lo),
            f4(hi)
        )?;
        if let (Some(a), Some(b), None) = (main.pi_lower, main.pi_upper, &binary) {
            writeln!(f, "Prediction interval: {} to {}", f4(a), f4(b))?;
        }
        if let Some(c) = binary.as_ref().and_then(|b| b.cmh.zip(b.cmh_pvalue)) {
            writeln!(
                f,
                "Cochran-Mantel-Haenszel test: CMH = {}, df = 1, p-val {}",
                f4(c.0),
                p4(c.1)
            )?;
        }
        if ratio {
            let pi = match (main.pi_lower, main.pi_upper, &binary) {
                (Some(a), Some(b), None) => {
                    format!("; prediction interval {:.2} to {:.2}", a.exp(), b.exp())
                }
                _ => String::new(),
            };
            writeln!(
                f,
                "\nPooled {}: {:.2} [{:.0}% CI {:.2}, {:.2}]{pi}",
                ratio_name(measure),
                est.exp(),
                level,
                lo.exp(),
                hi.exp()
            )?;
        }
        if let Some(s) = &by {
            subgroups(f, s, measure, level)?;
        }
        if let Some(r) = &reg {
            writeln!(
                f,
                "\nMeta-regression (k = {}; residual tau^2 = {}, I^2 = {:.2}%):",
                r.k,
                f4(r.tau2),
                r.i2
            )?;
            writeln!(
                f,
                "Test for residual heterogeneity: QE(df = {}) = {}, p-val {}",
                r.qe_df,
                f4(r.qe),
                p4(r.qe_pvalue)
            )?;
            match r.qm_df2 {
                Some(d2) => writeln!(
                    f,
                    "Test of moderators: F(df1 = {}, df2 = {d2}) = {}, p-val {}",
                    r.qm_df,
                    f4(r.qm),
                    p4(r.qm_pvalue)
                )?,
                None => writeln!(
                    f,
                    "Test of moderators: QM(df = {}) = {}, p-val {}",
                    r.qm_df,
                    f4(r.qm),
                    p4(r.qm_pvalue)
                )?,
            }
            writeln!(
                f,
                "{:>20} {:>10} {:>9} {:>9} {:>8} {:>9} {:>9}",
                "", "estimate", "se", stat, "pval", "ci.lb", "ci.ub"
            )?;
            for c in &r.coefficients {
                writeln!(
                    f,
                    "{:>20} {:>10} {:>9} {:>9} {:>8} {:>9} {:>9}",
                    c.name,
                    f4(c.estimate),
                    f4(c.se),
                    f4(c.zval),
                    p4(c.pvalue),
                    f4(c.ci_lower),
                    f4(c.ci_upper)
                )?;
            }
        }
        for (title, rows) in [
            ("Leave-one-out (study omitted)", &loo),
            ("Cumulative (study added)", &cum),
        ] {
            if let Some(rows) = rows {
                writeln!(f, "\n{title}:")?;
                writeln!(
                    f,
                    "{:<32} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}",
                    "", "estimate", "ci.lb", "ci.ub", "pval", "tau2", "I2"
                )?;
                let o = |x: Option<f64>| x.map(f4).unwrap_or("-".into());
                for r in rows {
                    writeln!(
                        f,
                        "{:<32} {:>9} {:>9} {:>9} {:>9} {:>8} {:>7.2}%",
                        truncate(&r.study, 32),
                        f4(r.estimate),
                        o(r.ci_lower),
                        o(r.ci_upper),
                        r.pvalue.map(p4).unwrap_or("-".into()),
                        f4(r.tau2),
                        r.i2
                    )?;
                }
            }
        }
        if let Some(EggerTests { rma: a, lm: b }) = &eg {
            writeln!(f, "\nEgger's regression test (metafor regtest, predictor sei, model rma): {} = {}, p-val {}", if a.df.is_some() { "t" } else { "z" }, f4(a.zval), p4(a.pvalue))?;
            writeln!(
                f,
                "  limit estimate (as sei -> 0): {} [{}, {}]",
                f4(a.limit_estimate),
                f4(a.limit_ci_lower),
                f4(a.limit_ci_upper)
            )?;
            writeln!(
                f,
                "Egger's test, classic weighted regression (model lm): t(df = {}) = {}, p-val {}",
                b.df.unwrap_or(0.0),
                f4(b.zval),
                p4(b.pvalue)
            )?;
        }
        if let Some(t) = &tf {
            trimfill(f, t, measure)?;
        }
        writeln!(f, "\n{}", self.disclaimer)
    }
}

fn subgroups(
    f: &mut fmt::Formatter<'_>,
    s: &SubgroupAnalysis,
    measure: Measure,
    level: f64,
) -> fmt::Result {
    writeln!(
        f,
        "\nSubgroups (separate models; between-subgroup test on the subgroup estimates):"
    )?;
    for g in &s.subgroups {
        let fit = &g.fit;
        let back = if measure.is_ratio() {
            format!(
                "  ({} {:.2} [{:.2}, {:.2}])",
                ratio_name(measure),
                fit.estimate.exp(),
                fit.ci_lower.exp(),
                fit.ci_upper.exp()
            )
        } else {
            String::new()
        };
        writeln!(f, "  {:<24} k = {:>3}  estimate {:>8.4} [{:.0}% CI {:.4}, {:.4}]  tau^2 {:.4}  I^2 {:.1}%{back}", truncate(&g.name, 24), fit.k, fit.estimate, level, fit.ci_lower, fit.ci_upper, fit.tau2, fit.i2)?;
    }
    let p = if s.q_between_pvalue < 1e-4 {
        "<.0001".into()
    } else {
        format!("{:.4}", s.q_between_pvalue)
    };
    writeln!(
        f,
        "Test for subgroup differences: Q_between(df = {}) = {:.4}, p-val {p}",
        s.q_between_df, s.q_between
    )?;
    Ok(())
}

fn trimfill(f: &mut fmt::Formatter<'_>, t: &TrimFill, measure: Measure) -> fmt::Result {
    writeln!(
        f,
        "\nTrim-and-fill (L0): estimated number of missing studies on the {} side: {} (SE = {:.4})",
        t.side, t.k0, t.se_k0
    )?;
    let fit = &t.fit;
    writeln!(
        f,
        "  adjusted estimate {:.4} [{:.4}, {:.4}], tau^2 {:.4}",
        fit.estimate, fit.ci_lower, fit.ci_upper, fit.tau2
    )?;
    if measure.is_ratio() {
        writeln!(
            f,
            "  adjusted {} {:.2} [{:.2}, {:.2}]",
            ratio_name(measure),
            fit.estimate.exp(),
            fit.ci_lower.exp(),
            fit.ci_upper.exp()
        )?;
    }
    Ok(())
}
