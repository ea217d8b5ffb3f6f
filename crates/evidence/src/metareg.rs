//! Meta-regression on numeric and categorical moderators, as metafor's
//! `rma(yi, vi, mods = ~ x1 + factor(x2), method, test)`: a mixed-effects model (or a
//! fixed-effects one with method FE) whose residual τ² is estimated by the chosen method.
//! Categorical moderators are dummy-coded against their first level in sorted order (R's
//! `factor()` default). The omnibus test $Q_M$ of all moderators is $\chi^2_m$ (z) or $F_{m,k-p}$
//! (knha, $Q_M/m$); $Q_E$ tests residual heterogeneity.
//! Source: Viechtbauer (2010) J Stat Softw 36(3) §3.3; metafor 3.8-1 `rma.uni`.

use serde::{Deserialize, Serialize};

use crate::fit::{core, FitOptions};
use crate::wls::Design;
use crate::{EffectSize, EvidenceError};

/// A moderator column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Moderator {
    /// Numeric values, one per study.
    Numeric {
        /// Column name.
        name: String,
        /// Values.
        values: Vec<f64>,
    },
    /// Category labels, one per study.
    Categorical {
        /// Column name.
        name: String,
        /// Labels.
        values: Vec<String>,
    },
}

/// One model coefficient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Coefficient {
    /// Name (`intrcpt`, the moderator, or `name=level` for a dummy).
    pub name: String,
    /// Estimate.
    pub estimate: f64,
    /// Standard error.
    pub se: f64,
    /// z or t statistic.
    pub zval: f64,
    /// Two-sided p-value.
    pub pvalue: f64,
    /// Lower CI bound.
    pub ci_lower: f64,
    /// Upper CI bound.
    pub ci_upper: f64,
}

/// A fitted meta-regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MetaRegression {
    /// Number of studies.
    pub k: usize,
    /// Coefficients, intercept first.
    pub coefficients: Vec<Coefficient>,
    /// Residual τ².
    pub tau2: f64,
    /// Residual I² (percent).
    pub i2: f64,
    /// Residual H².
    pub h2: f64,
    /// Test of residual heterogeneity.
    pub qe: f64,
    /// Its df (k − p).
    pub qe_df: usize,
    /// Its p-value.
    pub qe_pvalue: f64,
    /// Omnibus test of the moderators (chi-square, or F under knha).
    pub qm: f64,
    /// Numerator df of QM.
    pub qm_df: usize,
    /// Denominator df of QM under knha.
    pub qm_df2: Option<f64>,
    /// p-value of QM.
    pub qm_pvalue: f64,
}

/// Builds the design matrix (intercept first) from moderators.
pub fn design(k: usize, mods: &[Moderator]) -> Result<Design, EvidenceError> {
    let mut cols: Vec<(String, Vec<f64>)> = vec![("intrcpt".into(), vec![1.0; k])];
    for m in mods {
        match m {
            Moderator::Numeric { name, values } => {
                check_len(name, values.len(), k)?;
                if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                    return Err(EvidenceError::BadValue {
                        row: i + 1,
                        study: String::new(),
                        column: name.clone(),
                        value: values[i].to_string(),
                        accepted: "a finite number".into(),
                    });
                }
                cols.push((name.clone(), values.clone()));
            }
            Moderator::Categorical { name, values } => {
                check_len(name, values.len(), k)?;
                let mut levels: Vec<&String> = values.iter().collect();
                levels.sort();
                levels.dedup();
                for lvl in levels.iter().skip(1) {
                    cols.push((
                        format!("{name}={lvl}"),
                        values
                            .iter()
                            .map(|v| f64::from(u8::from(v == *lvl)))
                            .collect(),
                    ));
                }
            }
        }
    }
    let p = cols.len();
    let mut x = vec![0.0; k * p];
    for (j, (_, c)) in cols.iter().enumerate() {
        for i in 0..k {
            x[i * p + j] = c[i];
        }
    }
    Ok(Design {
        k,
        p,
        x,
        names: cols.into_iter().map(|c| c.0).collect(),
        intercept: true,
    })
}

fn check_len(name: &str, got: usize, k: usize) -> Result<(), EvidenceError> {
    if got == k {
        Ok(())
    } else {
        Err(EvidenceError::Numerical(format!(
            "moderator `{name}` has {got} values for {k} studies"
        )))
    }
}

/// Fits `rma(yi, vi, mods = ~ ...)` with the given options.
pub fn meta_regression(
    effects: &[EffectSize],
    mods: &[Moderator],
    opts: &FitOptions,
) -> Result<MetaRegression, EvidenceError> {
    let k = effects.len();
    let x = design(k, mods)?;
    if k <= x.p {
        return Err(EvidenceError::TooFewStudies {
            what: format!("a meta-regression with {} coefficients", x.p),
            needed: x.p + 1,
            got: k,
        });
    }
    let y: Vec<f64> = effects.iter().map(|e| e.yi).collect();
    let v: Vec<f64> = effects.iter().map(|e| e.vi).collect();
    let c = core(&y, &v, &x, opts)?;
    let coefficients = (0..x.p)
        .map(|j| Coefficient {
            name: x.names[j].clone(),
            estimate: c.beta[j],
            se: c.se[j],
            zval: c.stat[j],
            pvalue: c.pval[j],
            ci_lower: c.ci_lb[j],
            ci_upper: c.ci_ub[j],
        })
        .collect();
    Ok(MetaRegression {
        k,
        coefficients,
        tau2: c.tau2.tau2,
        i2: c.i2,
        h2: c.h2,
        qe: c.qe,
        qe_df: k - x.p,
        qe_pvalue: c.qe_p,
        qm: c.qm,
        qm_df: c.qm_df.0,
        qm_df2: c.qm_df.1,
        qm_pvalue: c.qm_p,
    })
}
