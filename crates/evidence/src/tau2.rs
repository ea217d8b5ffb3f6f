//! The τ² (between-study variance) estimators of metafor's `rma.uni`, one function each, with
//! metafor 3.8-1's algorithms and control defaults, so that results agree to 1e-6 relative:
//!
//! - DL (DerSimonian & Laird 1986): $\hat\tau^2 = (Q - (k-p))/\mathrm{tr}(P_{FE})$.
//! - HE (Hedges 1983): $(y^\top P_{OLS} y - \mathrm{tr}(P_{OLS}V))/(k-p)$.
//! - SJ (Sidik & Jonkman 2005): start $\tau_0^2 = \sum (y_i-\bar y)^2/k$, then
//!   $\tau_0^2\, y^\top P(\tau_0^2) y/(k-p)$.
//! - PM (Paule & Mandel 1982): root of $y^\top P(\tau^2) y = k - p$ by R's `uniroot`
//!   (tol = `.Machine$double.eps^0.25`) on $[0, \max(100, 10\,\mathrm{mad}(y)^2)]$.
//! - ML, REML, EB (Morris 1983): Fisher scoring from $\max(0, \hat\tau^2_{HE})$, step halving to
//!   stay ≥ 0, stop when the change is ≤ 1e-5 (at most 100 iterations); ML and REML are then
//!   checked against the likelihood at τ² = 0 (metafor's `ll0check`).
//!
//! All estimators are truncated at 0. Standard errors of τ² follow metafor's formulas.
//!
//! Scale guard: every estimator is scale-equivariant (y → c y, v → c² v gives τ² → c² τ²), so
//! when the median v lies outside $[2^{-40}, 2^{40}]$ the data are rescaled by a power of 4
//! (exact in binary floating point) to a median v near 1, estimated there and scaled back;
//! otherwise squares of weights under- or overflow (REML with every vi = 1e200 used never to
//! finish). Inside that window nothing is rescaled, so metafor's absolute thresholds apply as
//! they do in R. Iteration guard: every loop is bounded, and a non-finite Fisher-scoring step
//! hands over to the bracketed root search, which ends with a clear error if it cannot bracket.
//! Source: Viechtbauer (2005) J Educ Behav Stat 30:261–293; metafor 3.8-1 `rma.uni` source.

use crate::wls::Design;
use crate::zeroin::{zeroin, R_UNIROOT_TOL};
use crate::{EvidenceError, Tau2Method};

/// metafor's Fisher-scoring convergence threshold (`control$threshold`).
pub const THRESHOLD: f64 = 1e-5;
/// metafor's iteration limit (`control$maxiter`).
pub const MAXITER: usize = 100;

/// An estimate of τ² with its standard error and the iterations used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tau2Estimate {
    /// τ² (≥ 0).
    pub tau2: f64,
    /// Standard error (metafor's `se.tau2`); `None` for FE.
    pub se: Option<f64>,
    /// Iterations (0 for closed forms).
    pub iterations: usize,
}

/// Estimates τ² by `method` for effects `y`, variances `v` and design `x`.
pub fn estimate(
    method: Tau2Method,
    y: &[f64],
    v: &[f64],
    x: &Design,
) -> Result<Tau2Estimate, EvidenceError> {
    let k = y.len();
    let p = x.p;
    if k <= p {
        return Ok(Tau2Estimate {
            tau2: 0.0,
            se: None,
            iterations: 0,
        });
    }
    let s = scale(v);
    if s != 1.0 {
        let (ys, vs) = rescaled(y, v, s);
        let e = estimate(method, &ys, &vs, x)?;
        return Ok(Tau2Estimate {
            tau2: e.tau2 * s,
            se: e.se.map(|a| a * s),
            iterations: e.iterations,
        });
    }
    let mean = y.iter().sum::<f64>() / k as f64;
    let ymc: Vec<f64> = y.iter().map(|yi| yi - mean).collect();
    match method {
        Tau2Method::FE => Ok(Tau2Estimate {
            tau2: 0.0,
            se: None,
            iterations: 0,
        }),
        Tau2Method::DL => dl(&ymc, v, x),
        Tau2Method::HE => he(&ymc, v, x).map(|h| h.0),
        Tau2Method::SJ => sj(&ymc, v, x),
        Tau2Method::PM => pm(y, &ymc, v, x),
        Tau2Method::ML | Tau2Method::REML | Tau2Method::EB => fisher_scoring(method, &ymc, v, x),
    }
}

/// The power of 4 that brings the median of `v` near 1, or 1 when it lies in $[2^{-40}, 2^{40}]$.
pub(crate) fn scale(v: &[f64]) -> f64 {
    let m = median(v);
    if (2f64.powi(-40)..=2f64.powi(40)).contains(&m) || !m.is_finite() || m <= 0.0 {
        return 1.0;
    }
    let e = (m.log2() / 2.0).round() as i32;
    4f64.powi(e)
}

/// `y / sqrt(s)` and `v / s` (exact for a power of 4).
pub(crate) fn rescaled(y: &[f64], v: &[f64], s: f64) -> (Vec<f64>, Vec<f64>) {
    let r = s.sqrt();
    (
        y.iter().map(|a| a / r).collect(),
        v.iter().map(|a| a / s).collect(),
    )
}

fn dfr(k: usize, p: usize) -> f64 {
    (k - p) as f64
}

fn dl(ymc: &[f64], v: &[f64], x: &Design) -> Result<Tau2Estimate, EvidenceError> {
    let (k, p) = (ymc.len(), x.p);
    let w: Vec<f64> = v.iter().map(|vi| 1.0 / vi).collect();
    let pm = x.projection(&w)?;
    let rss = pm.quad(ymc);
    let tr = pm.trace();
    let tau2 = ((rss - dfr(k, p)) / tr).max(0.0);
    let sum_pp = pm.sum_sq(None, None);
    let se =
        (1.0 / (tr * tr) * (2.0 * dfr(k, p) + 4.0 * tau2 * tr + 2.0 * tau2 * tau2 * sum_pp)).sqrt();
    Ok(Tau2Estimate {
        tau2,
        se: Some(se),
        iterations: 0,
    })
}

/// HE estimate, returned untruncated as the second element (the ML/REML/EB start value).
fn he(ymc: &[f64], v: &[f64], x: &Design) -> Result<(Tau2Estimate, f64), EvidenceError> {
    let (k, p) = (ymc.len(), x.p);
    let pm = x.projection(&vec![1.0; k])?;
    let rss = pm.quad(ymc);
    let tr_pv: f64 = (0..k).map(|i| pm.diag(i) * v[i]).sum();
    let raw = (rss - tr_pv) / dfr(k, p);
    let tau2 = raw.max(0.0);
    // sum(PV * t(PV)) = sum_ij P_ij^2 v_i v_j, in units of max(v)² (one study with a huge vi
    // would otherwise overflow the square although the SE itself is finite).
    let vmax = v.iter().cloned().fold(0.0, f64::max);
    let vn: Vec<f64> = v.iter().map(|a| a / vmax).collect();
    let s = pm.sum_sq(Some(&vn), Some(&vn));
    let d = dfr(k, p);
    let (tn, trn) = (tau2 / vmax, tr_pv / vmax);
    let se = vmax * (1.0 / (d * d) * (2.0 * s + 4.0 * tn * trn + 2.0 * tn * tn * d)).sqrt();
    Ok((
        Tau2Estimate {
            tau2,
            se: Some(se),
            iterations: 0,
        },
        raw,
    ))
}

fn sj(ymc: &[f64], v: &[f64], x: &Design) -> Result<Tau2Estimate, EvidenceError> {
    let (k, p) = (ymc.len(), x.p);
    let tau0 = ymc.iter().map(|a| a * a).sum::<f64>() / k as f64;
    let w: Vec<f64> = v.iter().map(|vi| 1.0 / (vi + tau0)).collect();
    let pm = x.projection(&w)?;
    let rss = pm.quad(ymc);
    let d = dfr(k, p);
    let tau2 = (tau0 * rss / d).max(0.0);
    let s_pvpv = pm.sum_sq(Some(v), Some(v));
    let s_pvp = pm.sum_sq(None, Some(v));
    let s_pp = pm.sum_sq(None, None);
    let se = (tau0 * tau0 / (d * d)
        * (2.0 * s_pvpv + 4.0 * tau2 * s_pvp + 2.0 * tau2 * tau2 * s_pp))
        .sqrt();
    Ok(Tau2Estimate {
        tau2,
        se: Some(se),
        iterations: 0,
    })
}

/// R's `median`.
pub(crate) fn median(xs: &[f64]) -> f64 {
    let mut s = xs.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// R's `mad` (constant 1.4826).
fn mad(xs: &[f64]) -> f64 {
    let m = median(xs);
    let dev: Vec<f64> = xs.iter().map(|x| (x - m).abs()).collect();
    1.4826 * median(&dev)
}

/// Generalised Q, $y^\top P(\tau^2) y$ (metafor's `.QE.func` with objective 0).
pub fn generalised_q(tau2: f64, y: &[f64], v: &[f64], x: &Design) -> Result<f64, EvidenceError> {
    let w: Vec<f64> = v.iter().map(|vi| 1.0 / (vi + tau2)).collect();
    if x.p == 1 && x.intercept {
        // Closed form for the intercept-only model: sum w (y - ybar_w)^2.
        let sw: f64 = w.iter().sum();
        let mu = w.iter().zip(y).map(|(wi, yi)| wi * yi).sum::<f64>() / sw;
        return Ok(w
            .iter()
            .zip(y)
            .map(|(wi, yi)| wi * (yi - mu) * (yi - mu))
            .sum());
    }
    Ok(x.projection(&w)?.quad(y))
}

/// Root of `generalised_q(τ²) = target` on `[lo, hi]`, as R's `uniroot(tol=eps^0.25)` finds it.
pub fn q_root(
    target: f64,
    lo: f64,
    hi: f64,
    y: &[f64],
    v: &[f64],
    x: &Design,
    maxit: usize,
) -> Result<f64, EvidenceError> {
    let mut err = None;
    let mut f = |t: f64| match generalised_q(t, y, v, x) {
        Ok(q) => q - target,
        Err(e) => {
            err = Some(e);
            f64::NAN
        }
    };
    let (flo, fhi) = (f(lo), f(hi));
    let root = zeroin(&mut f, lo, hi, flo, fhi, R_UNIROOT_TOL, maxit);
    if let Some(e) = err {
        return Err(e);
    }
    root.ok_or_else(|| {
        EvidenceError::Numerical("uniroot-style search for tau2 did not converge".into())
    })
}

fn pm(y: &[f64], ymc: &[f64], v: &[f64], x: &Design) -> Result<Tau2Estimate, EvidenceError> {
    let (k, p) = (y.len(), x.p);
    let target = dfr(k, p);
    let hi = 100f64.max(10.0 * mad(y).powi(2));
    let tau2 = if generalised_q(0.0, ymc, v, x)? < target {
        0.0
    } else if generalised_q(hi, ymc, v, x)? > target {
        return Err(EvidenceError::Numerical(format!(
            "PM: tau2 exceeds the search limit {hi}; try another method"
        )));
    } else {
        q_root(target, 0.0, hi, ymc, v, x, MAXITER)?.max(0.0)
    };
    let sw: f64 = v.iter().map(|vi| 1.0 / (vi + tau2)).sum();
    let kf = k as f64;
    let se = (2.0 * kf * kf / target / (sw * sw)).sqrt();
    Ok(Tau2Estimate {
        tau2,
        se: Some(se),
        iterations: 0,
    })
}

fn loglik(
    method: Tau2Method,
    tau2: f64,
    ymc: &[f64],
    v: &[f64],
    x: &Design,
) -> Result<f64, EvidenceError> {
    let (k, p) = (ymc.len(), x.p);
    let w: Vec<f64> = v.iter().map(|vi| 1.0 / (vi + tau2)).collect();
    let fit = x.wls(&w, ymc)?;
    let rss: f64 = (0..k)
        .map(|i| {
            let fitted: f64 = (0..p).map(|j| x.at(i, j) * fit.beta[j]).sum();
            w[i] * (ymc[i] - fitted).powi(2)
        })
        .sum();
    let slog: f64 = v.iter().map(|vi| (vi + tau2).ln()).sum();
    let two_pi = 2.0 * std::f64::consts::PI;
    Ok(if method == Tau2Method::ML {
        -0.5 * k as f64 * two_pi.ln() - 0.5 * slog - 0.5 * rss
    } else {
        -0.5 * dfr(k, p) * two_pi.ln() - 0.5 * slog - 0.5 * fit.logdet - 0.5 * rss
    })
}

/// The Fisher-scoring step at `tau2` split into (numerator, denominator): the denominator is
/// always positive, so the numerator is the estimating equation whose root is the estimate
/// (the score of the (restricted) likelihood for ML/REML, Morris's equation for EB).
fn scoring_step(
    method: Tau2Method,
    tau2: f64,
    ymc: &[f64],
    v: &[f64],
    x: &Design,
) -> Result<(f64, f64), EvidenceError> {
    let (k, p) = (ymc.len(), x.p);
    let kf = k as f64;
    let w: Vec<f64> = v.iter().map(|vi| 1.0 / (vi + tau2)).collect();
    let pm = x.projection(&w)?;
    Ok(match method {
        Tau2Method::ML => {
            let py = pm.mul_vec(ymc);
            let sw: f64 = w.iter().sum();
            let sw2: f64 = w.iter().map(|a| a * a).sum();
            (py.iter().map(|a| a * a).sum::<f64>() - sw, sw2)
        }
        Tau2Method::REML => {
            let py = pm.mul_vec(ymc);
            let tr_pp = pm.sum_sq(None, None);
            (py.iter().map(|a| a * a).sum::<f64>() - pm.trace(), tr_pp)
        }
        _ => {
            let sw: f64 = w.iter().sum();
            (pm.quad(ymc) * kf / dfr(k, p) - kf, sw)
        }
    })
}

/// Fallback when Fisher scoring has not converged in [`MAXITER`] steps (it crawls when the
/// optimum sits just above 0, or oscillates): the root of the estimating equation by Brent's
/// method on a bracket. metafor stops with an error in this case and suggests more iterations;
/// with `maxiter = 1000` it reaches the same root (checked in the tests).
fn bracketed_root(
    method: Tau2Method,
    ymc: &[f64],
    v: &[f64],
    x: &Design,
) -> Result<f64, EvidenceError> {
    let g = |t: f64| scoring_step(method, t, ymc, v, x).map(|(num, _)| num);
    let g0 = g(0.0)?;
    if g0 <= 0.0 {
        return Ok(0.0);
    }
    let n = ymc.len() as f64;
    let mean = ymc.iter().sum::<f64>() / n;
    let spread = ymc.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / n;
    let mut hi = spread.max(v.iter().cloned().fold(0.0, f64::max)).max(1e-8);
    let mut ghi = g(hi)?;
    let mut doublings = 0;
    while ghi > 0.0 {
        hi *= 2.0;
        ghi = g(hi)?;
        doublings += 1;
        if doublings > 200 || !ghi.is_finite() {
            return Err(EvidenceError::Numerical(format!(
                "{method}: the estimating equation for tau2 has no root below {hi:e}; try another method"
            )));
        }
    }
    let mut failure = None;
    let root = zeroin(
        |t| match g(t) {
            Ok(val) => val,
            Err(e) => {
                failure.get_or_insert(e);
                0.0
            }
        },
        0.0,
        hi,
        g0,
        ghi,
        1e-12,
        1000,
    );
    if let Some(e) = failure {
        return Err(e);
    }
    root.ok_or_else(|| {
        EvidenceError::Numerical(format!(
            "{method}: neither Fisher scoring nor a bracketed root search converged; try another method"
        ))
    })
}

fn fisher_scoring(
    method: Tau2Method,
    ymc: &[f64],
    v: &[f64],
    x: &Design,
) -> Result<Tau2Estimate, EvidenceError> {
    let (k, p) = (ymc.len(), x.p);
    let kf = k as f64;
    let (_, he_raw) = he(ymc, v, x)?;
    let mut tau2 = he_raw.max(0.0);
    let mut change = THRESHOLD + 1.0;
    let mut iter = 0;
    while change > THRESHOLD {
        iter += 1;
        let old = tau2;
        let (num, den) = scoring_step(method, tau2, ymc, v, x)?;
        let mut adj = num / den;
        if adj.is_nan() {
            adj = 0.0;
        }
        if adj.is_infinite() {
            // No usable step (the information underflowed): solve the equation by bracketing.
            tau2 = bracketed_root(method, ymc, v, x)?;
            break;
        }
        // Step halving to stay ≥ 0 (metafor's `stepadj`); a finite step needs at most ~1100.
        while tau2 + adj < 0.0 {
            adj /= 2.0;
        }
        tau2 += adj;
        change = (old - tau2).abs();
        if iter >= MAXITER && change > THRESHOLD {
            tau2 = bracketed_root(method, ymc, v, x)?;
            break;
        }
    }
    if matches!(method, Tau2Method::ML | Tau2Method::REML) && v.iter().all(|vi| *vi > 0.0) {
        let ll0 = loglik(method, 0.0, ymc, v, x)?;
        let ll = loglik(method, tau2, ymc, v, x)?;
        if ll0 - ll > R_UNIROOT_TOL && tau2 > THRESHOLD {
            tau2 = 0.0;
        }
    }
    tau2 = tau2.max(0.0);
    let w: Vec<f64> = v.iter().map(|vi| 1.0 / (vi + tau2)).collect();
    let se = match method {
        Tau2Method::ML => (2.0 / w.iter().map(|a| a * a).sum::<f64>()).sqrt(),
        Tau2Method::REML => (2.0 / x.projection(&w)?.sum_sq(None, None)).sqrt(),
        _ => {
            let sw: f64 = w.iter().sum();
            (2.0 * kf * kf / dfr(k, p) / (sw * sw)).sqrt()
        }
    };
    Ok(Tau2Estimate {
        tau2,
        se: Some(se),
        iterations: iter,
    })
}
