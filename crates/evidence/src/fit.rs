//! Fixed- and random-effects models, as metafor's `rma.uni(yi, vi, mods, method, test)`.
//!
//! With weights $w_i = 1/(v_i + \hat\tau^2)$: $\hat\beta = (X^\top W X)^{-1} X^\top W y$,
//! $\mathrm{Var}(\hat\beta) = (X^\top W X)^{-1}$, Wald z tests; under Knapp–Hartung
//! (`test = "knha"`) the variance is multiplied by $s^2 = \sum w_i (y_i - x_i\hat\beta)^2/(k-p)$
//! (not truncated at 1, as metafor) and t (or F for the omnibus test) with $k-p$ df is used.
//! Heterogeneity: $Q_E = y^\top P_{FE}\, y$ ($\chi^2_{k-p}$), the typical within-study variance
//! $\tilde v = (k-p)/\mathrm{tr}(P_{FE})$, $I^2 = 100\,\hat\tau^2/(\tilde v+\hat\tau^2)$,
//! $H^2 = \hat\tau^2/\tilde v + 1$ (for FE: $I^2 = \max(0, 100(Q-(k-p))/Q)$, $H^2 = Q/(k-p)$).
//! Prediction interval (metafor `predict`): $\hat\mu \pm c\sqrt{SE^2 + \hat\tau^2}$ with $c$ the
//! same normal or t critical value as the CI.
//! Source: Viechtbauer (2010) J Stat Softw 36(3); metafor 3.8-1 `rma.uni`, `predict.rma`.

use serde::{Deserialize, Serialize};

use crate::dist;
use crate::heterogeneity::{tau2_ci, Tau2Ci};
use crate::tau2::{self, Tau2Estimate};
use crate::wls::Design;
use crate::{EffectSize, EvidenceError, Tau2Method, Test};

/// Options of a model fit (metafor's `method`, `test`, `level`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FitOptions {
    /// τ² estimator (FE for the fixed-effect model).
    pub method: Tau2Method,
    /// z or Knapp–Hartung.
    pub test: Test,
    /// Confidence level in percent (metafor's `level = 95`).
    pub level: f64,
    /// Also compute the Q-profile CI of τ² (metafor `confint`); off in benchmarks.
    pub tau2_ci: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            method: Tau2Method::REML,
            test: Test::Z,
            level: 95.0,
            tau2_ci: true,
        }
    }
}

impl FitOptions {
    /// Options with the given method and defaults otherwise.
    pub fn new(method: Tau2Method) -> Self {
        FitOptions {
            method,
            ..Default::default()
        }
    }

    /// α = 1 − level/100.
    pub fn alpha(&self) -> f64 {
        (100.0 - self.level) / 100.0
    }
}

/// A fitted intercept-only meta-analysis (metafor `rma(yi, vi, method=, test=)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MetaFit {
    /// Number of studies.
    pub k: usize,
    /// τ² estimator.
    pub method: Tau2Method,
    /// Inference.
    pub test: Test,
    /// Confidence level (percent).
    pub level: f64,
    /// Pooled estimate (log scale for OR/RR).
    pub estimate: f64,
    /// Its standard error (Knapp–Hartung adjusted under knha).
    pub se: f64,
    /// z or t statistic.
    pub zval: f64,
    /// Two-sided p-value.
    pub pvalue: f64,
    /// Lower CI bound.
    pub ci_lower: f64,
    /// Upper CI bound.
    pub ci_upper: f64,
    /// Lower prediction bound (`None` for FE).
    pub pi_lower: Option<f64>,
    /// Upper prediction bound (`None` for FE).
    pub pi_upper: Option<f64>,
    /// τ² estimate.
    pub tau2: f64,
    /// Standard error of τ² (metafor `se.tau2`).
    pub tau2_se: Option<f64>,
    /// Q-profile CI of τ², I², H² (metafor `confint`).
    pub tau2_ci: Option<Tau2Ci>,
    /// I² in percent.
    pub i2: f64,
    /// H².
    pub h2: f64,
    /// Cochran's Q.
    pub q: f64,
    /// Degrees of freedom of Q (k − 1).
    pub q_df: usize,
    /// p-value of Q.
    pub q_pvalue: f64,
    /// t degrees of freedom under knha.
    pub df: Option<f64>,
    /// Relative weights in percent, in study order.
    pub weights_pct: Vec<f64>,
    /// Fisher-scoring iterations (ML/REML/EB).
    pub iterations: usize,
}

/// The general model fit shared by [`fit`] and meta-regression.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    pub beta: Vec<f64>,
    pub se: Vec<f64>,
    pub stat: Vec<f64>,
    pub pval: Vec<f64>,
    pub ci_lb: Vec<f64>,
    pub ci_ub: Vec<f64>,
    pub crit: f64,
    pub ddf: Option<f64>,
    pub tau2: Tau2Estimate,
    pub qe: f64,
    pub qe_p: f64,
    pub i2: f64,
    pub h2: f64,
    pub vt: f64,
    pub qm: f64,
    pub qm_df: (usize, Option<f64>),
    pub qm_p: f64,
    pub weights: Vec<f64>,
}

fn check_effects(effects: &[EffectSize], min_k: usize, what: &str) -> Result<(), EvidenceError> {
    if effects.len() < min_k {
        return Err(EvidenceError::TooFewStudies {
            what: what.into(),
            needed: min_k,
            got: effects.len(),
        });
    }
    for (i, e) in effects.iter().enumerate() {
        let ok_v = e.vi.is_finite() && e.vi > 0.0;
        if !e.yi.is_finite() || !ok_v {
            return Err(EvidenceError::BadValue {
                row: i + 1,
                study: e.study.clone(),
                column: if ok_v { "yi" } else { "vi" }.into(),
                value: format!("{}", if ok_v { e.yi } else { e.vi }),
                accepted: "finite yi and vi > 0".into(),
            });
        }
    }
    Ok(())
}

/// Fits the model with design `x` (metafor `rma.uni`).
pub(crate) fn core(
    y: &[f64],
    v: &[f64],
    x: &Design,
    opts: &FitOptions,
) -> Result<Core, EvidenceError> {
    let (k, p) = (y.len(), x.p);
    let tau2 = tau2::estimate(opts.method, y, v, x)?;
    let w: Vec<f64> = v.iter().map(|vi| 1.0 / (vi + tau2.tau2)).collect();
    let fit = x.wls(&w, y)?;
    let mut vb = fit.inv.clone();
    let mut ddf = None;
    if opts.test == Test::Knha {
        let rss: f64 = (0..k)
            .map(|i| w[i] * (y[i] - (0..p).map(|j| x.at(i, j) * fit.beta[j]).sum::<f64>()).powi(2))
            .sum();
        let s2w = if rss <= f64::EPSILON {
            0.0
        } else {
            rss / (k - p) as f64
        };
        vb.iter_mut().for_each(|a| *a *= s2w);
        ddf = Some((k - p) as f64);
    }
    let se: Vec<f64> = (0..p).map(|j| vb[j * p + j].sqrt()).collect();
    let stat: Vec<f64> = (0..p).map(|j| fit.beta[j] / se[j]).collect();
    let alpha = opts.alpha();
    let (pval, crit): (Vec<f64>, f64) = match ddf {
        Some(df) => (
            stat.iter().map(|z| dist::pt_two_sided(*z, df)).collect(),
            dist::qt_upper(alpha / 2.0, df),
        ),
        None => (
            stat.iter().map(|z| dist::pnorm_two_sided(*z)).collect(),
            dist::qnorm_upper(alpha / 2.0),
        ),
    };
    let ci_lb = (0..p).map(|j| fit.beta[j] - crit * se[j]).collect();
    let ci_ub = (0..p).map(|j| fit.beta[j] + crit * se[j]).collect();

    // Omnibus test of the moderators (all but the intercept; the intercept alone if p = 1).
    let btt: Vec<usize> = if x.intercept && p > 1 {
        (1..p).collect()
    } else {
        (0..p).collect()
    };
    let m = btt.len();
    let sub: Vec<f64> = btt
        .iter()
        .flat_map(|&a| btt.iter().map(move |&b| (a, b)))
        .map(|(a, b)| vb[a * p + b])
        .collect();
    let qm = match crate::wls::cholesky_inverse(&sub, m) {
        Some((inv, _)) => {
            let bb: Vec<f64> = btt.iter().map(|&j| fit.beta[j]).collect();
            (0..m)
                .map(|a| bb[a] * (0..m).map(|b| inv[a * m + b] * bb[b]).sum::<f64>())
                .sum()
        }
        None => f64::NAN,
    };
    let (qm, qm_p) = match ddf {
        Some(df) => (qm / m as f64, dist::pf_upper(qm / m as f64, m as f64, df)),
        None => (qm, dist::pchisq_upper(qm, m as f64)),
    };

    // Heterogeneity from the fixed-effect weights.
    let (qe, qe_p, i2, h2, vt) = if k > p {
        let mean = y.iter().sum::<f64>() / k as f64;
        let ymc: Vec<f64> = y.iter().map(|a| a - mean).collect();
        let wfe: Vec<f64> = v.iter().map(|vi| 1.0 / vi).collect();
        let pm = x.projection(&wfe)?;
        let qe = crate::wls::quad(&pm, &ymc).max(0.0);
        let df = (k - p) as f64;
        let vt = df / crate::wls::trace(&pm, k);
        let (i2, h2) = if opts.method.is_fixed() {
            (
                if qe > 0.0 {
                    (100.0 * (qe - df) / qe).max(0.0)
                } else {
                    0.0
                },
                qe / df,
            )
        } else {
            (100.0 * tau2.tau2 / (vt + tau2.tau2), tau2.tau2 / vt + 1.0)
        };
        (qe, dist::pchisq_upper(qe, df), i2, h2, vt)
    } else {
        (0.0, 1.0, 0.0, 1.0, 0.0)
    };
    Ok(Core {
        beta: fit.beta,
        se,
        stat,
        pval,
        ci_lb,
        ci_ub,
        crit,
        ddf,
        tau2,
        qe,
        qe_p,
        i2,
        h2,
        vt,
        qm,
        qm_df: (m, ddf),
        qm_p,
        weights: w,
    })
}

/// Fits an intercept-only fixed- or random-effects model (metafor `rma(yi, vi, method, test)`).
///
/// Needs at least 2 studies. Ratio measures stay on the log scale.
pub fn fit(effects: &[EffectSize], opts: &FitOptions) -> Result<MetaFit, EvidenceError> {
    check_effects(effects, 2, "a meta-analysis")?;
    let y: Vec<f64> = effects.iter().map(|e| e.yi).collect();
    let v: Vec<f64> = effects.iter().map(|e| e.vi).collect();
    let x = Design::intercept_only(y.len());
    let c = core(&y, &v, &x, opts)?;
    let k = y.len();
    let (pi_lower, pi_upper) = if opts.method.is_fixed() {
        (None, None)
    } else {
        let half = c.crit * (c.se[0] * c.se[0] + c.tau2.tau2).sqrt();
        (Some(c.beta[0] - half), Some(c.beta[0] + half))
    };
    let ci = if opts.tau2_ci && !opts.method.is_fixed() {
        Some(tau2_ci(&y, &v, &x, c.tau2.tau2, c.vt, opts.alpha())?)
    } else {
        None
    };
    let sw: f64 = c.weights.iter().sum();
    Ok(MetaFit {
        k,
        method: opts.method,
        test: opts.test,
        level: opts.level,
        estimate: c.beta[0],
        se: c.se[0],
        zval: c.stat[0],
        pvalue: c.pval[0],
        ci_lower: c.ci_lb[0],
        ci_upper: c.ci_ub[0],
        pi_lower,
        pi_upper,
        tau2: c.tau2.tau2,
        tau2_se: c.tau2.se,
        tau2_ci: ci,
        i2: c.i2,
        h2: c.h2,
        q: c.qe,
        q_df: k - 1,
        q_pvalue: c.qe_p,
        df: c.ddf,
        weights_pct: c.weights.iter().map(|w| 100.0 * w / sw).collect(),
        iterations: c.tau2.iterations,
    })
}
