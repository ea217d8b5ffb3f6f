//! Leave-one-out and cumulative meta-analysis, as metafor's `leave1out()` and `cumul()` on an
//! `rma.uni` fit: the same method and test refitted on each subset. A cumulative step with a
//! single study reports that study (metafor fits `k = 1` with τ² = 0); under Knapp–Hartung its
//! SE, test and CI are undefined and are left empty.
//! Source: metafor 3.8-1 `leave1out.rma.uni`, `cumul.rma.uni`.

use serde::{Deserialize, Serialize};

use crate::fit::{fit, FitOptions};
use crate::{dist, EffectSize, EvidenceError, Test};

/// One refit of a sensitivity analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SensitivityRow {
    /// The study left out (leave-one-out) or added last (cumulative).
    pub study: String,
    /// Studies in this fit.
    pub k: usize,
    /// Pooled estimate.
    pub estimate: f64,
    /// Standard error (empty when undefined).
    pub se: Option<f64>,
    /// z or t statistic.
    pub zval: Option<f64>,
    /// p-value.
    pub pvalue: Option<f64>,
    /// Lower CI bound.
    pub ci_lower: Option<f64>,
    /// Upper CI bound.
    pub ci_upper: Option<f64>,
    /// Q.
    pub q: f64,
    /// p-value of Q.
    pub q_pvalue: f64,
    /// τ².
    pub tau2: f64,
    /// I² (percent).
    pub i2: f64,
    /// H².
    pub h2: f64,
}

fn row(
    study: &str,
    effects: &[EffectSize],
    opts: &FitOptions,
) -> Result<SensitivityRow, EvidenceError> {
    let o = FitOptions {
        tau2_ci: false,
        ..*opts
    };
    if effects.len() == 1 {
        let e = &effects[0];
        let se = e.vi.sqrt();
        let z_ok = opts.test == Test::Z;
        let crit = dist::qnorm_upper(opts.alpha() / 2.0);
        return Ok(SensitivityRow {
            study: study.into(),
            k: 1,
            estimate: e.yi,
            se: z_ok.then_some(se),
            zval: z_ok.then_some(e.yi / se),
            pvalue: z_ok.then(|| dist::pnorm_two_sided(e.yi / se)),
            ci_lower: z_ok.then_some(e.yi - crit * se),
            ci_upper: z_ok.then_some(e.yi + crit * se),
            q: 0.0,
            q_pvalue: 1.0,
            tau2: 0.0,
            i2: 0.0,
            h2: 1.0,
        });
    }
    let f = fit(effects, &o)?;
    Ok(SensitivityRow {
        study: study.into(),
        k: f.k,
        estimate: f.estimate,
        se: Some(f.se),
        zval: Some(f.zval),
        pvalue: Some(f.pvalue),
        ci_lower: Some(f.ci_lower),
        ci_upper: Some(f.ci_upper),
        q: f.q,
        q_pvalue: f.q_pvalue,
        tau2: f.tau2,
        i2: f.i2,
        h2: f.h2,
    })
}

/// Refits without each study in turn (metafor `leave1out(res)`); needs k ≥ 3.
pub fn leave_one_out(
    effects: &[EffectSize],
    opts: &FitOptions,
) -> Result<Vec<SensitivityRow>, EvidenceError> {
    if effects.len() < 3 {
        return Err(EvidenceError::TooFewStudies {
            what: "leave-one-out analysis".into(),
            needed: 3,
            got: effects.len(),
        });
    }
    (0..effects.len())
        .map(|i| {
            let rest: Vec<EffectSize> = effects
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, e)| e.clone())
                .collect();
            row(&effects[i].study, &rest, opts)
        })
        .collect()
}

/// Adds the studies one at a time in the given order (metafor `cumul(res)`).
pub fn cumulative(
    effects: &[EffectSize],
    opts: &FitOptions,
) -> Result<Vec<SensitivityRow>, EvidenceError> {
    if effects.len() < 2 {
        return Err(EvidenceError::TooFewStudies {
            what: "cumulative analysis".into(),
            needed: 2,
            got: effects.len(),
        });
    }
    (1..=effects.len())
        .map(|i| row(&effects[i - 1].study, &effects[..i], opts))
        .collect()
}
