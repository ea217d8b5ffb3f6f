//! Arms of one or more scenarios side by side: every (or the chosen) end-of-study quantity per
//! arm, and each arm's difference from the first (`k2bone compare`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_results::{unit_of, END_KEYS};

use crate::error::Context;
use crate::study::{self, ScenarioSource};
use crate::{AppError, AppResult, Cancel, Progress};

/// What to compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CompareRequest {
    /// The scenarios; arms of several are labelled `scenario/arm`.
    pub scenarios: Vec<ScenarioSource>,
    /// End keys to compare (empty: all).
    pub keys: Vec<String>,
    /// Also write each scenario's outputs under `out/<name>/`.
    pub out: Option<PathBuf>,
}

/// The comparison (`k2bone compare --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Comparison {
    /// The first arm, which the differences are taken from.
    pub reference: String,
    pub arms: Vec<ComparedArm>,
    /// Unit of each compared key.
    pub units: BTreeMap<String, Option<String>>,
    pub disclaimer: String,
    /// The compared keys, in order.
    #[serde(skip)]
    pub keys: Vec<String>,
}

/// One arm of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ComparedArm {
    pub name: String,
    pub end: BTreeMap<String, f64>,
    pub difference_from_first: BTreeMap<String, f64>,
    /// Values in the order of [`Comparison::keys`].
    #[serde(skip)]
    pub values: Vec<f64>,
}

/// Runs every scenario and lines their arms up.
pub fn compare(
    req: &CompareRequest,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<Comparison> {
    if req.scenarios.is_empty() {
        return Err(AppError::bad_input(
            "give at least one scenario file or --builtin NAME",
        ));
    }
    let keys: Vec<String> = if req.keys.is_empty() {
        END_KEYS.iter().map(|k| k.key.to_string()).collect()
    } else {
        for k in &req.keys {
            if unit_of(k).is_none() {
                let names: Vec<&str> = END_KEYS.iter().map(|e| e.key).collect();
                return Err(AppError::bad_input(format!(
                    "--keys: unknown key `{k}`{} (accepted: {})",
                    k2bone_units::fuzzy::hint(k, names.iter().copied()),
                    names.join(", ")
                )));
            }
        }
        req.keys.clone()
    };
    let plans = req
        .scenarios
        .iter()
        .map(study::load)
        .collect::<AppResult<Vec<_>>>()?;
    let several = plans.len() > 1;
    let mut columns: Vec<(String, Vec<f64>)> = Vec::new();
    for plan in &plans {
        let result = study::run(plan, progress, cancel)?;
        if let Some(dir) = &req.out {
            study::write_outputs(plan, &result, &dir.join(&plan.name), true)
                .context(format!("writing {}", plan.name))?;
        }
        for s in &result.summaries {
            let label = if several {
                format!("{}/{}", plan.name, s.name)
            } else {
                s.name.clone()
            };
            let values = keys.iter().map(|k| s.get(k).unwrap_or(f64::NAN)).collect();
            columns.push((label, values));
        }
    }
    let reference = columns[0].clone();
    let by_key = |v: &[f64]| -> BTreeMap<String, f64> {
        keys.iter().cloned().zip(v.iter().copied()).collect()
    };
    let arms = columns
        .into_iter()
        .map(|(name, values)| {
            let diff: Vec<f64> = values
                .iter()
                .zip(&reference.1)
                .map(|(x, r)| x - r)
                .collect();
            ComparedArm {
                name,
                end: by_key(&values),
                difference_from_first: by_key(&diff),
                values,
            }
        })
        .collect();
    Ok(Comparison {
        reference: reference.0,
        arms,
        units: keys
            .iter()
            .map(|k| (k.clone(), unit_of(k).map(str::to_string)))
            .collect(),
        disclaimer: DISCLAIMER.to_string(),
        keys,
    })
}
