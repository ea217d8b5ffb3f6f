//! Confidence interval for τ² by the Q-profile method (Viechtbauer 2007, Stat Med 26:37–52), as
//! metafor's `confint.rma.uni(type = "QP")`: the bounds solve
//! $y^\top P(\tau^2)\,y = \chi^2_{k-p;\,1-\alpha/2}$ (lower bound) and $= \chi^2_{k-p;\,\alpha/2}$
//! (upper bound) on $[0, \max(100, 10\hat\tau^2)]$, found with R's `uniroot` (tol
//! `.Machine$double.eps^0.25`, maxiter 1000), truncated at the search limits as metafor does.
//! The I² and H² bounds follow from the τ² bounds through the typical within-study variance.

use serde::{Deserialize, Serialize};

use crate::dist;
use crate::tau2::{generalised_q, q_root};
use crate::wls::Design;
use crate::EvidenceError;

/// Q-profile confidence bounds of τ², I² and H².
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tau2Ci {
    /// Lower bound of τ².
    pub tau2_lower: f64,
    /// Upper bound of τ².
    pub tau2_upper: f64,
    /// Lower bound of I² (percent).
    pub i2_lower: f64,
    /// Upper bound of I² (percent).
    pub i2_upper: f64,
    /// Lower bound of H².
    pub h2_lower: f64,
    /// Upper bound of H².
    pub h2_upper: f64,
}

/// metafor's iteration limit for `confint` (`control$maxiter`).
const CONFINT_MAXITER: usize = 1000;

/// Q-profile CI for τ² of the model (`y`, `v`, `x`) with estimate `tau2`, typical within-study
/// variance `vt`, and level 1 − `alpha`.
pub fn tau2_ci(
    y: &[f64],
    v: &[f64],
    x: &Design,
    tau2: f64,
    vt: f64,
    alpha: f64,
) -> Result<Tau2Ci, EvidenceError> {
    let df = (y.len() - x.p) as f64;
    let lo = 0f64.min(tau2);
    let hi = 100f64.max(10.0 * tau2).max(10.0 * lo);
    let crit_u = dist::qchisq(1.0 - alpha / 2.0, df);
    let crit_l = dist::qchisq(alpha / 2.0, df);
    let q_hi = generalised_q(hi, y, v, x)?;
    let q_lo = generalised_q(lo, y, v, x)?;
    let ci_null = q_lo < crit_l;
    let mut ub = if ci_null {
        lo
    } else if q_hi > crit_l {
        hi
    } else {
        q_root(crit_l, lo, hi, y, v, x, CONFINT_MAXITER)?
    };
    let lb = if q_hi > crit_u {
        ub = hi;
        hi
    } else if q_lo < crit_u {
        lo
    } else {
        q_root(crit_u, lo, hi, y, v, x, CONFINT_MAXITER)?
    };
    let i2 = |t: f64| 100.0 * t / (vt + t);
    let h2 = |t: f64| t / vt + 1.0;
    Ok(Tau2Ci {
        tau2_lower: lb,
        tau2_upper: ub,
        i2_lower: i2(lb),
        i2_upper: i2(ub),
        h2_lower: h2(lb),
        h2_upper: h2(ub),
    })
}
