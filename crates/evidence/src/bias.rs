//! Small-study effects: Egger's regression test and Duval & Tweedie's trim-and-fill.
//!
//! - Egger (metafor `regtest(res)`, default `model = "rma"`, `predictor = "sei"`): the
//!   meta-regression $y_i = \beta_0 + \beta_1 SE_i$ with the fit's method and test; the test is
//!   on $\beta_1$, and $\beta_0$ is the limit estimate (effect as SE → 0). The classic version
//!   (`model = "lm"`) is the weighted least-squares regression with weights $1/v_i$ and a
//!   residual variance, t on $k-2$ df (Egger et al. 1997, BMJ 315:629).
//! - Trim-and-fill (metafor `trimfill(res)`, estimator L0): the side is the one opposite the sign
//!   of the slope of $y$ on $\sqrt{v}$; iterate: fit the $k-k_0$ least extreme studies, rank the
//!   centred effects, $k_0 = \mathrm{round}((4 S_r - k(k+1))/(2k-1))$ (R rounds half to even),
//!   until $k_0$ is stable; then mirror the $k_0$ most extreme studies about the estimate and
//!   refit all with the fit's method and metafor's default z test.
//!   Source: Duval & Tweedie (2000) Biometrics 56:455; metafor 3.8-1 `regtest`, `trimfill.rma.uni`.

use serde::{Deserialize, Serialize};

use crate::fit::{core, fit, FitOptions, MetaFit};
use crate::wls::Design;
use crate::{dist, EffectSize, EvidenceError, Test};

/// Egger's regression test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EggerTest {
    /// "rma" (metafor's default) or "lm" (classic weighted regression).
    pub model: String,
    /// Test statistic of the SE coefficient (z, or t).
    pub zval: f64,
    /// Its p-value.
    pub pvalue: f64,
    /// t df (knha or lm).
    pub df: Option<f64>,
    /// Slope on SE.
    pub slope: f64,
    /// Limit estimate (intercept).
    pub limit_estimate: f64,
    /// Lower CI bound of the limit estimate.
    pub limit_ci_lower: f64,
    /// Upper CI bound of the limit estimate.
    pub limit_ci_upper: f64,
}

fn xy(effects: &[EffectSize]) -> (Vec<f64>, Vec<f64>, Design) {
    let k = effects.len();
    let y: Vec<f64> = effects.iter().map(|e| e.yi).collect();
    let v: Vec<f64> = effects.iter().map(|e| e.vi).collect();
    let mut x = Vec::with_capacity(2 * k);
    for vi in &v {
        x.push(1.0);
        x.push(vi.sqrt());
    }
    (
        y,
        v,
        Design {
            k,
            p: 2,
            x,
            names: vec!["intrcpt".into(), "sei".into()],
            intercept: true,
        },
    )
}

/// Egger's test as metafor `regtest(res)` (model "rma", predictor "sei"); needs k ≥ 3.
pub fn egger(effects: &[EffectSize], opts: &FitOptions) -> Result<EggerTest, EvidenceError> {
    if effects.len() < 3 {
        return Err(EvidenceError::TooFewStudies {
            what: "Egger's test".into(),
            needed: 3,
            got: effects.len(),
        });
    }
    let (y, v, x) = xy(effects);
    let c = core(&y, &v, &x, opts)?;
    Ok(EggerTest {
        model: "rma".into(),
        zval: c.stat[1],
        pvalue: c.pval[1],
        df: c.ddf,
        slope: c.beta[1],
        limit_estimate: c.beta[0],
        limit_ci_lower: c.ci_lb[0],
        limit_ci_upper: c.ci_ub[0],
    })
}

/// Classic Egger test (metafor `regtest(res, model = "lm")`), level in percent.
pub fn egger_lm(effects: &[EffectSize], level: f64) -> Result<EggerTest, EvidenceError> {
    let k = effects.len();
    if k < 3 {
        return Err(EvidenceError::TooFewStudies {
            what: "Egger's test".into(),
            needed: 3,
            got: k,
        });
    }
    let (y, v, x) = xy(effects);
    let w: Vec<f64> = v.iter().map(|vi| 1.0 / vi).collect();
    let f = x.wls(&w, &y)?;
    let rss: f64 = (0..k)
        .map(|i| w[i] * (y[i] - f.beta[0] - f.beta[1] * x.at(i, 1)).powi(2))
        .sum();
    let df = (k - 2) as f64;
    let s2 = rss / df;
    let se0 = (s2 * f.inv[0]).sqrt();
    let se1 = (s2 * f.inv[3]).sqrt();
    let t = f.beta[1] / se1;
    let crit = dist::qt_upper((100.0 - level) / 200.0, df);
    Ok(EggerTest {
        model: "lm".into(),
        zval: t,
        pvalue: dist::pt_two_sided(t, df),
        df: Some(df),
        slope: f.beta[1],
        limit_estimate: f.beta[0],
        limit_ci_lower: f.beta[0] - crit * se0,
        limit_ci_upper: f.beta[0] + crit * se0,
    })
}

/// Result of trim-and-fill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrimFill {
    /// Estimated number of missing studies.
    pub k0: usize,
    /// Its standard error (L0).
    pub se_k0: f64,
    /// Side on which studies were imputed ("left" or "right").
    pub side: String,
    /// The imputed studies (labelled "Filled 1", ...).
    pub filled: Vec<EffectSize>,
    /// The model refitted to observed plus imputed studies (z test, as metafor).
    pub fit: MetaFit,
}

/// R's `round` (half to even).
fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

/// Trim-and-fill with the L0 estimator (metafor `trimfill(res)`); needs k ≥ 3.
pub fn trim_fill(effects: &[EffectSize], opts: &FitOptions) -> Result<TrimFill, EvidenceError> {
    let k = effects.len();
    if k < 3 {
        return Err(EvidenceError::TooFewStudies {
            what: "trim-and-fill".into(),
            needed: 3,
            got: k,
        });
    }
    let zopts = FitOptions {
        test: Test::Z,
        tau2_ci: false,
        ..*opts
    };
    let (y0, v0, x) = xy(effects);
    let slope = core(&y0, &v0, &x, &zopts)?.beta[1];
    let right = slope < 0.0;
    let sgn = if right { -1.0 } else { 1.0 };
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| (sgn * y0[a]).total_cmp(&(sgn * y0[b])));
    let ys: Vec<f64> = order.iter().map(|&i| sgn * y0[i]).collect();
    let vs: Vec<f64> = order.iter().map(|&i| v0[i]).collect();
    let kf = k as f64;
    let (mut k0, mut k0_prev) = (0usize, usize::MAX);
    let (mut beta, mut se_k0) = (0.0, 0.0);
    let mut iter = 0;
    while k0 != k0_prev {
        k0_prev = k0;
        iter += 1;
        if iter > 100 || k - k0 < 2 {
            return Err(EvidenceError::Numerical(
                "trim-and-fill did not converge".into(),
            ));
        }
        let trimmed: Vec<EffectSize> = (0..k - k0)
            .map(|i| EffectSize::new("", ys[i], vs[i]))
            .collect();
        beta = fit(&trimmed, &zopts)?.estimate;
        let c: Vec<f64> = ys.iter().map(|yi| yi - beta).collect();
        // rank(abs(c), ties.method = "first")
        let mut idx: Vec<usize> = (0..k).collect();
        idx.sort_by(|&a, &b| c[a].abs().total_cmp(&c[b].abs()));
        let mut rank = vec![0.0; k];
        for (r, &i) in idx.iter().enumerate() {
            rank[i] = (r + 1) as f64;
        }
        let sr: f64 = (0..k).filter(|&i| c[i] > 0.0).map(|i| rank[i]).sum();
        let k0f = (4.0 * sr - kf * (kf + 1.0)) / (2.0 * kf - 1.0);
        let var_sr = 1.0 / 24.0
            * (kf * (kf + 1.0) * (2.0 * kf + 1.0)
                + 10.0 * k0f.powi(3)
                + 27.0 * k0f.powi(2)
                + 17.0 * k0f
                - 18.0 * kf * k0f.powi(2)
                - 18.0 * kf * k0f
                + 6.0 * kf * kf * k0f);
        se_k0 = (4.0 * var_sr.sqrt() / (2.0 * kf - 1.0)).max(0.0);
        k0 = round_half_even(k0f).max(0.0) as usize;
    }
    let filled: Vec<EffectSize> = (k - k0..k)
        .enumerate()
        .map(|(n, i)| {
            EffectSize::new(
                format!("Filled {}", n + 1),
                sgn * (2.0 * beta - ys[i]),
                vs[i],
            )
        })
        .collect();
    let mut all = effects.to_vec();
    all.extend(filled.iter().cloned());
    let f = fit(
        &all,
        &FitOptions {
            test: Test::Z,
            ..*opts
        },
    )?;
    Ok(TrimFill {
        k0,
        se_k0,
        side: if right { "right" } else { "left" }.into(),
        filled,
        fit: f,
    })
}
