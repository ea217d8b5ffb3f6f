//! The model against trial results it was not fitted to (`data/validation/`): each simulated
//! beside the reported value and CI, without refitting.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use k2bone_calibration::{evaluate, TargetFile};
use k2bone_physiology::{CalciumBoneModel, KParamFile};
use k2bone_report::disclaimer::DISCLAIMER;

use crate::error::read_input;
use crate::{AppResult, Cancel, Progress};

/// The shipped validation set.
pub const SHIPPED: &str = include_str!("../../../data/validation/trials.toml");

/// Which validation targets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ValidateRequest {
    /// Validation files (empty: the shipped data/validation/trials.toml).
    pub targets: Vec<PathBuf>,
}

/// The validation (`k2bone validate --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Validation {
    pub validation: Vec<ValidationRow>,
    pub disclaimer: String,
}

/// One trial result beside the model's value for its design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ValidationRow {
    pub name: String,
    pub output: String,
    pub reported: f64,
    pub reported_ci: Option<[f64; 2]>,
    pub simulated: f64,
    /// Whether the simulated value is inside the reported 95% CI (none without a CI).
    pub within_reported_ci: Option<bool>,
    /// Whether it is within the target's tolerance.
    pub near: bool,
    pub source: String,
}

/// Reads target files: the shipped ones when `paths` is empty.
pub(crate) fn target_files(
    paths: &[PathBuf],
    shipped: Option<(&str, &str)>,
) -> AppResult<TargetFile> {
    let mut files = Vec::new();
    if let (true, Some((text, origin))) = (paths.is_empty(), shipped) {
        files.push(TargetFile::from_toml_str(text, origin)?);
    }
    for p in paths {
        files.push(TargetFile::from_toml_str(
            &read_input(p)?,
            &p.display().to_string(),
        )?);
    }
    Ok(TargetFile::merge(files)?)
}

/// Simulates every validation target with the shipped parameters.
pub fn validate(
    req: &ValidateRequest,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<Validation> {
    let all = target_files(&req.targets, Some((SHIPPED, "data/validation/trials.toml")))?;
    let core = CalciumBoneModel::default();
    let k = KParamFile::shipped().params;
    let mut rows = Vec::new();
    for (i, t) in all.targets.iter().enumerate() {
        cancel.check()?;
        progress.update("validation targets", i as f64 / all.targets.len() as f64);
        let e = evaluate(&core, &k, t)?;
        rows.push(ValidationRow {
            within_reported_ci: t
                .reported_ci
                .map(|[lo, hi]| (lo..=hi).contains(&e.simulated)),
            near: e.within_tolerance(),
            name: e.name,
            output: t.output.clone(),
            reported: e.target,
            reported_ci: t.reported_ci,
            simulated: e.simulated,
            source: e.source,
        });
    }
    Ok(Validation {
        validation: rows,
        disclaimer: DISCLAIMER.to_string(),
    })
}
