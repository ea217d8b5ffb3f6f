//! Effect sizes and their sampling variances, as metafor's `escalc()` with its defaults
//! (`vtype = "LS"`, `add = 1/2`, `to = "only0"`, `drop00 = FALSE`).
//!
//! - MD: $y = m_1 - m_2$, $v = s_1^2/n_1 + s_2^2/n_2$.
//! - SMD (Hedges' g): $m = n_1 + n_2 - 2$, $s_p^2 = ((n_1-1)s_1^2 + (n_2-1)s_2^2)/m$,
//!   $c(m) = \exp(\ln\Gamma(m/2) - \tfrac12\ln(m/2) - \ln\Gamma((m-1)/2))$ (the exact correction),
//!   $y = c(m)(m_1-m_2)/s_p$, $v = 1/n_1 + 1/n_2 + y^2/(2(n_1+n_2))$ (large-sample variance).
//! - OR, RR, RD from 2×2 counts `ai, bi` (treated: events, non-events) and `ci, di` (control);
//!   a study with any zero cell gets 1/2 added to all four cells. OR and RR are on the log scale:
//!   $v_{OR} = 1/a + 1/b + 1/c + 1/d$, $v_{RR} = 1/a - 1/n_1 + 1/c - 1/n_2$,
//!   $v_{RD} = p_1(1-p_1)/n_1 + p_2(1-p_2)/n_2$.
//! - GEN: precomputed `yi`, `vi`.
//!
//! Source: Viechtbauer W (2010) J Stat Softw 36(3); metafor 3.8-1 `escalc` documentation.

use serde::{Deserialize, Serialize};

use crate::{EvidenceError, Measure};

/// A 2×2 table: `ai`/`bi` events/non-events in group 1 (treatment), `ci`/`di` in group 2.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Table2x2 {
    /// Events in group 1.
    pub ai: f64,
    /// Non-events in group 1.
    pub bi: f64,
    /// Events in group 2.
    pub ci: f64,
    /// Non-events in group 2.
    pub di: f64,
}

impl Table2x2 {
    /// True if any cell is zero (metafor's `to = "only0"` condition).
    pub fn has_zero(&self) -> bool {
        self.ai == 0.0 || self.bi == 0.0 || self.ci == 0.0 || self.di == 0.0
    }

    /// True if both groups have no events, or both have only events (metafor's `drop00`).
    pub fn is_double_zero(&self) -> bool {
        (self.ai == 0.0 && self.ci == 0.0) || (self.bi == 0.0 && self.di == 0.0)
    }

    /// The table with `add` added to all cells when any cell is zero.
    pub fn corrected(&self, add: f64) -> Table2x2 {
        if self.has_zero() {
            Table2x2 {
                ai: self.ai + add,
                bi: self.bi + add,
                ci: self.ci + add,
                di: self.di + add,
            }
        } else {
            *self
        }
    }
}

/// Summary data of one two-group continuous outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroupMeans {
    /// Mean, group 1.
    pub m1i: f64,
    /// SD, group 1.
    pub sd1i: f64,
    /// Size, group 1.
    pub n1i: f64,
    /// Mean, group 2.
    pub m2i: f64,
    /// SD, group 2.
    pub sd2i: f64,
    /// Size, group 2.
    pub n2i: f64,
}

/// The data of one study, in one of metafor's three input layouts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum StudyData {
    /// Precomputed effect size and sampling variance.
    Generic {
        /// Effect size.
        yi: f64,
        /// Sampling variance (> 0).
        vi: f64,
    },
    /// Means, SDs and sizes of two groups.
    Continuous(GroupMeans),
    /// A 2×2 table of counts.
    Binary(Table2x2),
}

impl StudyData {
    /// Layout name for messages.
    pub fn layout(&self) -> &'static str {
        match self {
            StudyData::Generic { .. } => "yi,vi",
            StudyData::Continuous(_) => "m1i,sd1i,n1i,m2i,sd2i,n2i",
            StudyData::Binary(_) => "ai,bi,ci,di",
        }
    }
}

/// One study: its label and its data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StudyRow {
    /// Study label (`slab` in metafor).
    pub study: String,
    /// The data.
    pub data: StudyData,
}

/// An effect size with its sampling variance (metafor's `yi`, `vi`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EffectSize {
    /// Study label.
    pub study: String,
    /// Effect size (log scale for OR/RR).
    pub yi: f64,
    /// Sampling variance.
    pub vi: f64,
}

impl EffectSize {
    /// Builds an effect size from a label, `yi` and `vi`.
    pub fn new(study: impl Into<String>, yi: f64, vi: f64) -> Self {
        EffectSize {
            study: study.into(),
            yi,
            vi,
        }
    }
}

fn bad(row: usize, study: &str, column: &str, value: f64, accepted: &str) -> EvidenceError {
    EvidenceError::BadValue {
        row,
        study: study.to_string(),
        column: column.to_string(),
        value: format!("{value}"),
        accepted: accepted.to_string(),
    }
}

fn check(
    row: usize,
    study: &str,
    column: &str,
    value: f64,
    ok: bool,
    accepted: &str,
) -> Result<(), EvidenceError> {
    if value.is_finite() && ok {
        Ok(())
    } else {
        Err(bad(row, study, column, value, accepted))
    }
}

/// metafor's exact small-sample correction factor $c(m)$ for Hedges' g (`.cmicalc`).
pub fn hedges_correction(m: f64) -> f64 {
    (statrs::function::gamma::ln_gamma(m / 2.0)
        - (m / 2.0).sqrt().ln()
        - statrs::function::gamma::ln_gamma((m - 1.0) / 2.0))
    .exp()
}

/// Computes `yi`, `vi` for every study (metafor `escalc(measure, ...)` with default options).
///
/// Rows are numbered from 1 in errors. All rows must share the layout the measure needs.
pub fn escalc(measure: Measure, rows: &[StudyRow]) -> Result<Vec<EffectSize>, EvidenceError> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| one(measure, i + 1, r))
        .collect()
}

fn layout_error(measure: Measure, data: &StudyData) -> EvidenceError {
    let needs = match measure {
        Measure::GEN => "yi,vi",
        Measure::MD | Measure::SMD => "m1i,sd1i,n1i,m2i,sd2i,n2i",
        _ => "ai,bi,ci,di",
    };
    EvidenceError::LayoutMismatch {
        measure: measure.to_string(),
        needs: needs.to_string(),
        layout: data.layout().to_string(),
    }
}

fn one(measure: Measure, row: usize, r: &StudyRow) -> Result<EffectSize, EvidenceError> {
    let s = r.study.as_str();
    let (yi, vi) = match (measure, &r.data) {
        (Measure::GEN, StudyData::Generic { yi, vi }) => {
            check(row, s, "yi", *yi, true, "a finite number")?;
            check(row, s, "vi", *vi, *vi > 0.0, "vi > 0")?;
            (*yi, *vi)
        }
        (Measure::MD | Measure::SMD, StudyData::Continuous(g)) => continuous(measure, row, s, g)?,
        (Measure::OR | Measure::RR | Measure::RD, StudyData::Binary(t)) => {
            binary(measure, row, s, t)?
        }
        (_, data) => return Err(layout_error(measure, data)),
    };
    if !yi.is_finite() || !vi.is_finite() || vi <= 0.0 {
        return Err(EvidenceError::BadValue {
            row,
            study: s.to_string(),
            column: "vi".to_string(),
            value: format!("{vi}"),
            accepted: format!(
                "the data give a non-finite or zero {measure} variance; check the study"
            ),
        });
    }
    Ok(EffectSize::new(s, yi, vi))
}

fn continuous(
    measure: Measure,
    row: usize,
    s: &str,
    g: &GroupMeans,
) -> Result<(f64, f64), EvidenceError> {
    check(row, s, "m1i", g.m1i, true, "a finite number")?;
    check(row, s, "m2i", g.m2i, true, "a finite number")?;
    check(row, s, "sd1i", g.sd1i, g.sd1i >= 0.0, "sd1i >= 0")?;
    check(row, s, "sd2i", g.sd2i, g.sd2i >= 0.0, "sd2i >= 0")?;
    check(row, s, "n1i", g.n1i, g.n1i > 0.0, "n1i > 0")?;
    check(row, s, "n2i", g.n2i, g.n2i > 0.0, "n2i > 0")?;
    match measure {
        Measure::MD => Ok((
            g.m1i - g.m2i,
            g.sd1i * g.sd1i / g.n1i + g.sd2i * g.sd2i / g.n2i,
        )),
        _ => {
            let m = g.n1i + g.n2i - 2.0;
            check(row, s, "n1i", g.n1i, m > 1.0, "n1i + n2i > 3 for SMD")?;
            let sdp =
                (((g.n1i - 1.0) * g.sd1i.powi(2) + (g.n2i - 1.0) * g.sd2i.powi(2)) / m).sqrt();
            check(row, s, "sd1i", g.sd1i, sdp > 0.0, "a pooled SD > 0 for SMD")?;
            let yi = hedges_correction(m) * (g.m1i - g.m2i) / sdp;
            let vi = 1.0 / g.n1i + 1.0 / g.n2i + yi * yi / (2.0 * (g.n1i + g.n2i));
            Ok((yi, vi))
        }
    }
}

/// Validates a 2×2 table (counts ≥ 0, both groups non-empty).
pub fn check_table(row: usize, s: &str, t: &Table2x2) -> Result<(), EvidenceError> {
    for (name, v) in [("ai", t.ai), ("bi", t.bi), ("ci", t.ci), ("di", t.di)] {
        check(row, s, name, v, v >= 0.0, "a count >= 0")?;
    }
    check(
        row,
        s,
        "bi",
        t.bi,
        t.ai + t.bi > 0.0,
        "ai + bi > 0 (group 1 is empty)",
    )?;
    check(
        row,
        s,
        "di",
        t.di,
        t.ci + t.di > 0.0,
        "ci + di > 0 (group 2 is empty)",
    )?;
    Ok(())
}

fn binary(
    measure: Measure,
    row: usize,
    s: &str,
    t: &Table2x2,
) -> Result<(f64, f64), EvidenceError> {
    check_table(row, s, t)?;
    Ok(table_effect(measure, &t.corrected(0.5)))
}

/// `yi`, `vi` of an already corrected 2×2 table (no zero-cell handling here).
pub fn table_effect(measure: Measure, t: &Table2x2) -> (f64, f64) {
    let n1 = t.ai + t.bi;
    let n2 = t.ci + t.di;
    let p1 = t.ai / n1;
    let p2 = t.ci / n2;
    match measure {
        Measure::RR => (
            p1.ln() - p2.ln(),
            1.0 / t.ai - 1.0 / n1 + 1.0 / t.ci - 1.0 / n2,
        ),
        Measure::RD => (p1 - p2, p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2),
        _ => (
            (p1 / (1.0 - p1)).ln() - (p2 / (1.0 - p2)).ln(),
            1.0 / t.ai + 1.0 / t.bi + 1.0 / t.ci + 1.0 / t.di,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_cell_gets_one_half_everywhere() {
        let rows = [StudyRow {
            study: "a".into(),
            data: StudyData::Binary(Table2x2 {
                ai: 0.0,
                bi: 10.0,
                ci: 2.0,
                di: 8.0,
            }),
        }];
        let e = escalc(Measure::OR, &rows).unwrap();
        let expect = ((0.5f64 / 10.5) / (2.5 / 8.5)).ln();
        assert!((e[0].yi - expect).abs() < 1e-12);
        assert!((e[0].vi - (2.0 + 1.0 / 10.5 + 1.0 / 2.5 + 1.0 / 8.5)).abs() < 1e-12);
    }

    #[test]
    fn negative_sd_names_row_and_column() {
        let rows = [StudyRow {
            study: "x".into(),
            data: StudyData::Continuous(GroupMeans {
                m1i: 1.0,
                sd1i: -1.0,
                n1i: 5.0,
                m2i: 0.0,
                sd2i: 1.0,
                n2i: 5.0,
            }),
        }];
        let err = escalc(Measure::MD, &rows).unwrap_err().to_string();
        assert!(err.contains("row 1") && err.contains("sd1i"), "{err}");
    }
}
