//! Fixed-effect methods for 2×2 tables: Mantel–Haenszel (OR, RR, RD) and Peto's one-step odds
//! ratio, as metafor's `rma.mh()` and `rma.peto()` with their defaults.
//!
//! The pooled estimate uses the raw tables (no continuity correction). The heterogeneity test
//! uses `escalc` effect sizes (1/2 added to tables with a zero cell, tables with no events or
//! no non-events in both groups dropped), with $Q = \sum (y_i - \hat\theta)^2/v_i$ around the MH
//! estimate. Variances: Robins–Breslow–Greenland (OR), Greenland–Robins (RR), Sato/Greenland
//! (RD). The Cochran–Mantel–Haenszel test (with continuity correction) is reported for OR.
//! Peto: $\hat\theta = \sum(O_i - E_i)/\sum V_i$, $Q = \sum (O_i-E_i)^2/V_i - (\sum(O_i-E_i))^2/\sum V_i$.
//! Source: metafor 3.8-1 `rma.mh`, `rma.peto`; Greenland & Robins (1985) Biometrics 41:55–68.

use serde::{Deserialize, Serialize};

use crate::dist;
use crate::escalc::{check_table, table_effect, Table2x2};
use crate::{EvidenceError, Measure};

/// A fixed-effect pooled result for 2×2 tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BinaryFit {
    /// "MH" or "PETO".
    pub method: String,
    /// Measure (OR for Peto).
    pub measure: Measure,
    /// Number of tables.
    pub k: usize,
    /// Pooled estimate (log scale for OR/RR).
    pub estimate: f64,
    /// Standard error.
    pub se: f64,
    /// z statistic.
    pub zval: f64,
    /// Two-sided p-value.
    pub pvalue: f64,
    /// Lower CI bound.
    pub ci_lower: f64,
    /// Upper CI bound.
    pub ci_upper: f64,
    /// Heterogeneity Q.
    pub q: f64,
    /// Degrees of freedom of Q.
    pub q_df: usize,
    /// p-value of Q.
    pub q_pvalue: f64,
    /// I² (percent).
    pub i2: f64,
    /// H².
    pub h2: f64,
    /// Cochran–Mantel–Haenszel test statistic (OR only).
    pub cmh: Option<f64>,
    /// Its p-value.
    pub cmh_pvalue: Option<f64>,
}

fn validate(tables: &[(String, Table2x2)]) -> Result<(), EvidenceError> {
    if tables.len() < 2 {
        return Err(EvidenceError::TooFewStudies {
            what: "a meta-analysis".into(),
            needed: 2,
            got: tables.len(),
        });
    }
    for (i, (s, t)) in tables.iter().enumerate() {
        check_table(i + 1, s, t)?;
    }
    Ok(())
}

fn heterogeneity(q: f64, k_yi: usize) -> (f64, usize, f64, f64, f64) {
    if k_yi > 1 {
        let df = (k_yi - 1) as f64;
        let qe = q.max(0.0);
        let i2 = if qe > 0.0 {
            (100.0 * (qe - df) / qe).max(0.0)
        } else {
            0.0
        };
        (qe, k_yi - 1, dist::pchisq_upper(qe, df), i2, qe / df)
    } else {
        (0.0, 0, 1.0, 0.0, 1.0)
    }
}

fn finish(
    method: &str,
    measure: Measure,
    k: usize,
    (est, se): (f64, f64),
    level: f64,
    het: (f64, usize, f64, f64, f64),
    cmh: Option<f64>,
) -> Result<BinaryFit, EvidenceError> {
    if !est.is_finite() || !se.is_finite() || se <= 0.0 {
        return Err(EvidenceError::Numerical(format!(
            "{method} {measure}: the pooled estimate is undefined (no events in one of the groups across all studies?)"
        )));
    }
    let crit = dist::qnorm_upper((100.0 - level) / 200.0);
    let z = est / se;
    Ok(BinaryFit {
        method: method.into(),
        measure,
        k,
        estimate: est,
        se,
        zval: z,
        pvalue: dist::pnorm_two_sided(z),
        ci_lower: est - crit * se,
        ci_upper: est + crit * se,
        q: het.0,
        q_df: het.1,
        q_pvalue: het.2,
        i2: het.3,
        h2: het.4,
        cmh,
        cmh_pvalue: cmh.map(|c| dist::pchisq_upper(c, 1.0)),
    })
}

/// Mantel–Haenszel pooled OR, RR or RD (metafor `rma.mh(ai, bi, ci, di, measure)`), level in %.
pub fn mantel_haenszel(
    measure: Measure,
    tables: &[(String, Table2x2)],
    level: f64,
) -> Result<BinaryFit, EvidenceError> {
    if !matches!(measure, Measure::OR | Measure::RR | Measure::RD) {
        return Err(EvidenceError::UnknownOption {
            what: "measure for Mantel-Haenszel".into(),
            value: measure.to_string(),
            available: "OR, RR, RD".into(),
        });
    }
    validate(tables)?;
    let ts: Vec<Table2x2> = tables.iter().map(|(_, t)| *t).collect();
    let n1 = |t: &Table2x2| t.ai + t.bi;
    let n2 = |t: &Table2x2| t.ci + t.di;
    let nn = |t: &Table2x2| t.ai + t.bi + t.ci + t.di;
    let mut cmh = None;
    let (est, se) = match measure {
        Measure::OR => {
            let (mut r, mut s, mut pr, mut ps_qr, mut qs) = (0.0, 0.0, 0.0, 0.0, 0.0);
            let (mut num, mut den, mut xs, mut ys) = (0.0, 0.0, 0.0, 0.0);
            for t in &ts {
                let n = nn(t);
                let pi = (t.ai + t.di) / n;
                let qi = (t.bi + t.ci) / n;
                let ri = t.ai / n * t.di;
                let si = t.bi / n * t.ci;
                r += ri;
                s += si;
                pr += pi * ri;
                ps_qr += pi * si + qi * ri;
                qs += qi * si;
                let (xt, yt) = (t.ai + t.ci, t.bi + t.di);
                num += t.ai - n1(t) / n * xt;
                den += n1(t) / n * (n2(t) / n) * (xt * (yt / (n - 1.0)));
                xs += xt;
                ys += yt;
            }
            if xs > 0.0 && ys > 0.0 {
                cmh = Some((num.abs() - 0.5).powi(2) / den);
            }
            let se = (0.5 * (pr / (r * r) + ps_qr / (r * s) + qs / (s * s))).sqrt();
            ((r / s).ln(), se)
        }
        Measure::RR => {
            let (mut r, mut s, mut num) = (0.0, 0.0, 0.0);
            for t in &ts {
                let n = nn(t);
                r += t.ai * (n2(t) / n);
                s += t.ci * (n1(t) / n);
                num += n1(t) / n * (n2(t) / n) * (t.ai + t.ci) - t.ai / n * t.ci;
            }
            ((r / s).ln(), (num / (r * s)).sqrt())
        }
        _ => {
            let (mut a, mut b, mut c, mut d) = (0.0, 0.0, 0.0, 0.0);
            for t in &ts {
                let n = nn(t);
                a += t.ai * (n2(t) / n) - t.ci * (n1(t) / n);
                b += n1(t) * (n2(t) / n);
                c += t.ci * (n1(t) / n).powi(2) - t.ai * (n2(t) / n).powi(2)
                    + n1(t) / n * (n2(t) / n) * (n2(t) - n1(t)) / 2.0;
                d += t.ai * (n2(t) - t.ci) / n + t.ci * (n1(t) - t.ai) / n;
            }
            let beta = a / b;
            (beta, ((beta * c + d / 2.0) / (b * b)).sqrt())
        }
    };
    let mut q = 0.0;
    let mut k_yi = 0;
    for t in ts.iter().filter(|t| !t.is_double_zero()) {
        let (yi, vi) = table_effect(measure, &t.corrected(0.5));
        q += (yi - est).powi(2) / vi;
        k_yi += 1;
    }
    finish(
        "MH",
        measure,
        ts.len(),
        (est, se),
        level,
        heterogeneity(q, k_yi),
        cmh,
    )
}

/// Peto's one-step pooled log odds ratio (metafor `rma.peto(ai, bi, ci, di)`), level in %.
pub fn peto(tables: &[(String, Table2x2)], level: f64) -> Result<BinaryFit, EvidenceError> {
    validate(tables)?;
    let (mut s_oe, mut s_v, mut s_oe2v) = (0.0, 0.0, 0.0);
    for (_, t) in tables {
        let (n1, n2) = (t.ai + t.bi, t.ci + t.di);
        let n = n1 + n2;
        let (xt, yt) = (t.ai + t.ci, t.bi + t.di);
        let e = xt * n1 / n;
        let v = xt * yt * (n1 / n) * (n2 / n) / (n - 1.0);
        s_oe += t.ai - e;
        if v > 0.0 {
            s_v += v;
            s_oe2v += (t.ai - e).powi(2) / v;
        }
    }
    let est = s_oe / s_v;
    let k_yi = tables.iter().filter(|(_, t)| !t.is_double_zero()).count();
    let het = heterogeneity(s_oe2v - s_oe * s_oe / s_v, k_yi);
    finish(
        "PETO",
        Measure::OR,
        tables.len(),
        (est, (1.0 / s_v).sqrt()),
        level,
        het,
        None,
    )
}
