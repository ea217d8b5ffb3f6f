//! Published pooled results (`data/evidence/published.toml`) and their reproduction from the
//! trial database.
//!
//! A reproduction pools exactly the studies the source names, with the published measure and
//! method. It gives a number only when the source names every pooled study
//! (`studies_complete = true`) and each of them is poolable from our data; otherwise it lists
//! which studies are missing and why, and gives no number. A reproduced estimate "matches" when
//! ours, rounded to the published number of decimals, equals the published value (estimate and
//! both CI bounds, on the published scale: ratio scale for OR/RR).

use serde::{Deserialize, Serialize};

use crate::pooling::{pool, Excluded, PoolSelection};
use crate::trial_error::TrialError;
use crate::trials::TrialRow;
use k2bone_evidence::{escalc, fit, mantel_haenszel, peto, FitOptions, Measure, Tau2Method};

/// The shipped targets, embedded at compile time.
pub const SHIPPED_PUBLISHED_TOML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/evidence/published.toml"
));

/// One published pooled result (field meanings: header of `data/evidence/published.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishedAnalysis {
    /// Name used on the command line.
    pub name: String,
    /// The paper.
    pub citation: String,
    /// Where the numbers were read.
    pub source: String,
    /// Reproducibility grade A/B/C.
    pub grade: String,
    /// Outcome (trials.csv `outcome`).
    pub outcome: String,
    /// Time point, months.
    pub timepoint_months: Option<f64>,
    /// MD, OR, RR (as published).
    pub measure: Measure,
    /// PETO, MH, FE, DL, REML, ... or `unstated`.
    pub method: String,
    /// Published estimate (ratio scale for OR/RR).
    pub estimate: Option<f64>,
    /// Published lower CI bound.
    pub ci_lower: Option<f64>,
    /// Published upper CI bound.
    pub ci_upper: Option<f64>,
    /// Decimals the numbers were published with (default 2).
    pub decimals: Option<u32>,
    /// Number of studies pooled, when given.
    pub k: Option<usize>,
    /// Published I² (%), when given.
    pub i2_pct: Option<f64>,
    /// Study ids the source names as pooled.
    pub studies: Vec<String>,
    /// True when `studies` is the full list.
    pub studies_complete: bool,
    /// What the source says about studies we cannot name.
    pub studies_note: Option<String>,
    /// Integrity concerns the source names for this pool.
    pub integrity: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    analysis: Vec<PublishedAnalysis>,
}

/// Parses a published-targets TOML file (`[[analysis]]` tables).
pub fn parse_published(text: &str, file: &str) -> Result<Vec<PublishedAnalysis>, TrialError> {
    let f: File = toml::from_str(text).map_err(|e| TrialError::Published {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    let mut seen = std::collections::HashSet::new();
    for a in &f.analysis {
        if !seen.insert(a.name.clone()) {
            return Err(TrialError::Published {
                file: file.to_string(),
                message: format!("analysis `{}` is defined twice", a.name),
            });
        }
        if let (Some(lo), Some(hi)) = (a.ci_lower, a.ci_upper) {
            if lo > hi {
                return Err(TrialError::Published {
                    file: file.to_string(),
                    message: format!("analysis `{}`: ci_lower {lo} > ci_upper {hi}", a.name),
                });
            }
        }
    }
    Ok(f.analysis)
}

/// The shipped targets.
pub fn shipped_published() -> Result<Vec<PublishedAnalysis>, TrialError> {
    parse_published(SHIPPED_PUBLISHED_TOML, "data/evidence/published.toml")
}

/// Finds an analysis by name, or says which exist.
pub fn find<'a>(
    all: &'a [PublishedAnalysis],
    name: &str,
) -> Result<&'a PublishedAnalysis, TrialError> {
    all.iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| TrialError::UnknownAnalysis {
            name: name.to_string(),
            available: all
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Our pooled result on the published scale.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct OurEstimate {
    /// Studies pooled.
    pub k: usize,
    /// The method we ran (the published one; DL when the source does not state it).
    pub method: String,
    /// Estimate (ratio scale for OR/RR).
    pub estimate: f64,
    /// Lower CI bound (95%).
    pub ci_lower: f64,
    /// Upper CI bound.
    pub ci_upper: f64,
    /// True when estimate and CI round to the published values.
    pub matches_published: Option<bool>,
}

/// The outcome of a reproduction.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Reproduction {
    /// Every pooled study is named and poolable: our number.
    Reproduced {
        /// Our estimate.
        ours: OurEstimate,
        /// Conversions made (SE → SD) and the method note.
        notes: Vec<String>,
    },
    /// Study data are missing: which, and why. No number.
    MissingStudies {
        /// Named studies we cannot pool, with the reason.
        missing: Vec<Excluded>,
        /// Named studies we could pool.
        available: Vec<String>,
        /// Pooled studies the source does not name (None when the list is complete).
        unnamed: Option<String>,
    },
}

fn rounds_to(ours: f64, published: f64, decimals: u32) -> bool {
    let half_ulp = 0.5 * 10f64.powi(-(decimals as i32));
    (ours - published).abs() <= half_ulp * (1.0 + 1e-9)
}

/// Reproduces `a` from `rows`. With `exclude_integrity`, trials flagged with an integrity
/// concern are dropped from the named studies first.
pub fn reproduce(
    a: &PublishedAnalysis,
    rows: &[TrialRow],
    exclude_integrity: bool,
) -> Result<Reproduction, TrialError> {
    let sel = PoolSelection {
        outcome: a.outcome.clone(),
        timepoint_months: a.timepoint_months,
        include_active: true,
        exclude_integrity,
        studies: Some(a.studies.clone()),
    };
    let p = pool(rows, &sel);
    let dropped_for_integrity = |e: &Excluded| e.reason.starts_with("integrity concern");
    let missing: Vec<Excluded> = p
        .excluded
        .iter()
        .filter(|e| !dropped_for_integrity(e))
        .cloned()
        .collect();
    if !a.studies_complete || !missing.is_empty() || p.studies.len() < 2 {
        let unnamed = (!a.studies_complete).then(|| {
            a.studies_note
                .clone()
                .unwrap_or_else(|| "the source does not list the pooled studies".into())
        });
        return Ok(Reproduction::MissingStudies {
            missing,
            available: p.studies.iter().map(|s| s.study.clone()).collect(),
            unnamed,
        });
    }
    let mut notes = p.conversions.clone();
    let tables = || {
        p.studies
            .iter()
            .filter_map(|s| match s.data {
                k2bone_evidence::StudyData::Binary(t) => Some((s.study.clone(), t)),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let (method, est, lo, hi) = match a.method.to_ascii_uppercase().as_str() {
        "PETO" => {
            let b = peto(&tables(), 95.0)?;
            ("PETO".to_string(), b.estimate, b.ci_lower, b.ci_upper)
        }
        "MH" => {
            let b = mantel_haenszel(a.measure, &tables(), 95.0)?;
            ("MH".to_string(), b.estimate, b.ci_lower, b.ci_upper)
        }
        m => {
            let method: Tau2Method = if m == "UNSTATED" {
                notes.push(
                    "the source does not state its model: ran DerSimonian-Laird random effects"
                        .into(),
                );
                Tau2Method::DL
            } else {
                m.parse()?
            };
            let es = escalc(a.measure, &p.studies)?;
            let f = fit(
                &es,
                &FitOptions {
                    tau2_ci: false,
                    ..FitOptions::new(method)
                },
            )?;
            (
                method.label().to_string(),
                f.estimate,
                f.ci_lower,
                f.ci_upper,
            )
        }
    };
    let back = |x: f64| if a.measure.is_ratio() { x.exp() } else { x };
    let (est, lo, hi) = (back(est), back(lo), back(hi));
    let d = a.decimals.unwrap_or(2);
    let matches_published = a.estimate.map(|pe| {
        rounds_to(est, pe, d)
            && a.ci_lower.is_none_or(|pl| rounds_to(lo, pl, d))
            && a.ci_upper.is_none_or(|pu| rounds_to(hi, pu, d))
    });
    Ok(Reproduction::Reproduced {
        ours: OurEstimate {
            k: p.studies.len(),
            method,
            estimate: est,
            ci_lower: lo,
            ci_upper: hi,
            matches_published,
        },
        notes,
    })
}
