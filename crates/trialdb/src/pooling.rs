//! From trial rows to the studies of one meta-analysis: pick one row per study for an outcome,
//! decide whether it can be pooled, and build metafor-layout [`StudyRow`]s for [`k2bone_evidence::escalc()`].
//!
//! Rules (each exclusion carries its reason, so a user sees why a trial is not in the pool):
//! - one row per study: the requested time point, else the study's latest time point;
//! - `control = active` is left out unless `include_active` (not a placebo/untreated control);
//! - `integrity_concern` rows are left out when `exclude_integrity`;
//! - continuous outcomes need both means, both dispersions and both n; `dispersion = sd` is used
//!   as is, `se` is converted with SD = SE·√n per arm, `unclear` is not poolable;
//! - fracture outcomes (`*_fracture`) need both event counts and both n (2×2 table:
//!   `ai = events_treat`, `bi = n_treat − events_treat`, `ci`, `di` likewise for control).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::trials::{Dispersion, TrialRow};
use k2bone_evidence::{GroupMeans, Measure, StudyData, StudyRow, Table2x2};

/// Binary (event counts) or continuous (means) outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum OutcomeKind {
    /// Means, dispersions and sizes per arm.
    Continuous,
    /// Event counts and sizes per arm.
    Binary,
}

/// Outcomes named `*_fracture` are binary; all others continuous.
pub fn outcome_kind(outcome: &str) -> OutcomeKind {
    if outcome.ends_with("fracture") {
        OutcomeKind::Binary
    } else {
        OutcomeKind::Continuous
    }
}

/// The default measure of an outcome: OR for fractures, MD otherwise.
pub fn default_measure(outcome: &str) -> Measure {
    match outcome_kind(outcome) {
        OutcomeKind::Binary => Measure::OR,
        OutcomeKind::Continuous => Measure::MD,
    }
}

/// Which rows to pool.
#[derive(Debug, Clone)]
pub struct PoolSelection {
    /// Outcome name.
    pub outcome: String,
    /// Time point (months); `None` takes each study's latest.
    pub timepoint_months: Option<f64>,
    /// Keep active-comparator trials.
    pub include_active: bool,
    /// Drop trials under integrity concerns.
    pub exclude_integrity: bool,
    /// Only these studies (`None`: all).
    pub studies: Option<Vec<String>>,
}

impl PoolSelection {
    /// All studies of an outcome, latest time point, placebo/untreated controls, flagged kept.
    pub fn outcome(outcome: &str) -> Self {
        PoolSelection {
            outcome: outcome.to_string(),
            timepoint_months: None,
            include_active: false,
            exclude_integrity: false,
            studies: None,
        }
    }
}

/// A study left out of a pool, and why.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Excluded {
    /// Study id.
    pub study_id: String,
    /// The row's time point, when a row exists.
    pub timepoint_months: Option<f64>,
    /// Why it is not in the pool.
    pub reason: String,
}

/// The studies of one analysis: rows in the pool (with their metafor-layout data) and those left out.
#[derive(Debug, Clone, Default)]
pub struct Pool {
    /// The rows pooled.
    pub rows: Vec<TrialRow>,
    /// Their data, in the same order (labels = study ids).
    pub studies: Vec<StudyRow>,
    /// Studies left out.
    pub excluded: Vec<Excluded>,
    /// Notes on conversions made (SE → SD).
    pub conversions: Vec<String>,
}

/// Builds the pool for `sel` from `rows` (any rows; they are filtered here).
pub fn pool(rows: &[TrialRow], sel: &PoolSelection) -> Pool {
    let mut by_study: BTreeMap<&str, Vec<&TrialRow>> = BTreeMap::new();
    for r in rows
        .iter()
        .filter(|r| r.outcome.eq_ignore_ascii_case(&sel.outcome))
    {
        by_study.entry(r.study_id.as_str()).or_default().push(r);
    }
    let mut out = Pool::default();
    let wanted: Vec<String> = match &sel.studies {
        Some(list) => list.clone(),
        None => by_study.keys().map(|s| s.to_string()).collect(),
    };
    for id in wanted {
        let exclude = |reason: String, t: Option<f64>| Excluded {
            study_id: id.clone(),
            timepoint_months: t,
            reason,
        };
        let Some(cands) = by_study.get(id.as_str()) else {
            let has_study = rows.iter().any(|r| r.study_id == id);
            out.excluded.push(exclude(
                if has_study {
                    format!("no `{}` row for this study in the database", sel.outcome)
                } else {
                    "study not in the database".to_string()
                },
                None,
            ));
            continue;
        };
        let row = match sel.timepoint_months {
            Some(t) => match cands.iter().find(|r| (r.timepoint_months - t).abs() < 1e-9) {
                Some(r) => *r,
                None => {
                    let have: Vec<String> = cands
                        .iter()
                        .map(|r| format!("{}", r.timepoint_months))
                        .collect();
                    out.excluded.push(exclude(
                        format!("no row at {t} months (rows at {} months)", have.join(", ")),
                        None,
                    ));
                    continue;
                }
            },
            None => cands
                .iter()
                .copied()
                .max_by(|a, b| a.timepoint_months.total_cmp(&b.timepoint_months))
                .expect("non-empty"),
        };
        let t = Some(row.timepoint_months);
        if row.control == "active" && !sel.include_active {
            out.excluded.push(exclude(
                "active comparator, not a placebo/untreated control (use --include-active)".into(),
                t,
            ));
            continue;
        }
        if row.integrity_concern && sel.exclude_integrity {
            let why = row.integrity_note.clone().unwrap_or_default();
            out.excluded
                .push(exclude(format!("integrity concern: {why}"), t));
            continue;
        }
        match study_data(row) {
            Ok((data, note)) => {
                if let Some(n) = note {
                    out.conversions.push(n);
                }
                out.studies.push(StudyRow {
                    study: row.study_id.clone(),
                    data,
                });
                out.rows.push(row.clone());
            }
            Err(reason) => out.excluded.push(exclude(reason, t)),
        }
    }
    out
}

/// The metafor-layout data of a row, or why it cannot be pooled. The second value notes an
/// SE → SD conversion.
pub fn study_data(r: &TrialRow) -> Result<(StudyData, Option<String>), String> {
    let missing = |cols: &[(&str, bool)]| -> Option<String> {
        let m: Vec<&str> = cols
            .iter()
            .filter(|(_, have)| !have)
            .map(|(c, _)| *c)
            .collect();
        (!m.is_empty()).then(|| format!("not reported in the source: {}", m.join(", ")))
    };
    match outcome_kind(&r.outcome) {
        OutcomeKind::Binary => {
            if let Some(m) = missing(&[
                ("events_treat", r.events_treat.is_some()),
                ("n_treat", r.n_treat.is_some()),
                ("events_control", r.events_control.is_some()),
                ("n_control", r.n_control.is_some()),
            ]) {
                return Err(m);
            }
            let (a, n1, c, n2) = (
                r.events_treat.unwrap_or(0) as f64,
                r.n_treat.unwrap_or(0) as f64,
                r.events_control.unwrap_or(0) as f64,
                r.n_control.unwrap_or(0) as f64,
            );
            Ok((
                StudyData::Binary(Table2x2 {
                    ai: a,
                    bi: n1 - a,
                    ci: c,
                    di: n2 - c,
                }),
                None,
            ))
        }
        OutcomeKind::Continuous => {
            if let Some(m) = missing(&[
                ("mean_treat", r.mean_treat.is_some()),
                ("sd_treat", r.sd_treat.is_some()),
                ("n_treat", r.n_treat.is_some()),
                ("mean_control", r.mean_control.is_some()),
                ("sd_control", r.sd_control.is_some()),
                ("n_control", r.n_control.is_some()),
            ]) {
                return Err(m);
            }
            let (n1, n2) = (
                r.n_treat.unwrap_or(0) as f64,
                r.n_control.unwrap_or(0) as f64,
            );
            let (s1, s2) = (r.sd_treat.unwrap_or(0.0), r.sd_control.unwrap_or(0.0));
            let (sd1, sd2, note) = match r.dispersion {
                Some(Dispersion::Sd) => (s1, s2, None),
                Some(Dispersion::Se) => (
                    s1 * n1.sqrt(),
                    s2 * n2.sqrt(),
                    Some(format!(
                        "{}: SE converted to SD = SE·√n ({s1}·√{n1}, {s2}·√{n2})",
                        r.study_id
                    )),
                ),
                Some(Dispersion::Unclear) => {
                    return Err(format!(
                        "the source does not say whether ± is SD or SE (dispersion_type: {:?}); not converted on a guess",
                        r.dispersion_type.as_deref().unwrap_or("")
                    ))
                }
                None => return Err("dispersion type (SD or SE) not recorded".into()),
            };
            Ok((
                StudyData::Continuous(GroupMeans {
                    m1i: r.mean_treat.unwrap_or(0.0),
                    sd1i: sd1,
                    n1i: n1,
                    m2i: r.mean_control.unwrap_or(0.0),
                    sd2i: sd2,
                    n2i: n2,
                }),
                note,
            ))
        }
    }
}

/// The value of a row's column by name, for `--by` subgroups (`k_form`, `control`, `country`,
/// `co_treatment`, `provenance`, `integrity_concern`, `first_author`, `dose_ug_per_day`, ...).
pub fn label(r: &TrialRow, column: &str) -> Option<String> {
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "not reported".into());
    Some(match column {
        "k_form" => r.k_form.clone(),
        "control" => r.control.clone(),
        "country" => opt(&r.country),
        "co_treatment" => opt(&r.co_treatment),
        "provenance" => r.provenance.clone(),
        "integrity_concern" => if r.integrity_concern {
            "flagged"
        } else {
            "not flagged"
        }
        .into(),
        "first_author" => r.first_author.clone(),
        "year" => r.year.to_string(),
        "dose_ug_per_day" => r
            .dose_ug_per_day
            .map(|d| d.to_string())
            .unwrap_or_else(|| "not reported".into()),
        "duration_months" => r
            .duration_months
            .map(|d| d.to_string())
            .unwrap_or_else(|| "not reported".into()),
        "timepoint_months" => r.timepoint_months.to_string(),
        _ => return None,
    })
}

/// The columns [`label`] knows.
pub const BY_COLUMNS: &[&str] = &[
    "k_form",
    "control",
    "country",
    "co_treatment",
    "provenance",
    "integrity_concern",
    "first_author",
    "year",
    "dose_ug_per_day",
    "duration_months",
    "timepoint_months",
];
