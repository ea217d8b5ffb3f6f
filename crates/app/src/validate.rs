//! The model against trial results it was not fitted to (`data/validation/`): each simulated
//! beside the reported value and CI, without refitting.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use k2bone_calibration::bone::{evaluate_target, run_designs, shipped_design_dir, TargetResult};
use k2bone_calibration::{evaluate, TargetFile};
use k2bone_physiology::{CalciumBoneModel, KParamFile};
use k2bone_report::disclaimer::DISCLAIMER;

use crate::error::read_input;
use crate::{AppResult, Cancel, Progress};

/// The shipped validation set: markers and serum levels.
pub const SHIPPED: &str = include_str!("../../../data/validation/trials.toml");
/// The shipped validation set of the bone response (issue 10; never fitted).
pub const SHIPPED_BONE: &str = include_str!("../../../data/validation/bone.toml");

/// Which validation targets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ValidateRequest {
    /// Validation files with `[[target]]` and `[[bone_target]]` tables (empty: the shipped
    /// data/validation/trials.toml and data/validation/bone.toml). Bone targets name a design in
    /// data/bone/designs/.
    pub targets: Vec<PathBuf>,
}

/// The validation (`k2bone validate --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Validation {
    /// Marker and serum-level targets (fixed parameters).
    pub validation: Vec<ValidationRow>,
    /// BMD targets, simulated over the bone response's posterior.
    pub bone: BoneValidation,
    pub disclaimer: String,
}

/// The bone response against held-out trials: each target's posterior mean and 95 % interval
/// beside the reported effect and its acceptance interval (the reported 95 % CI; for a null or a
/// direction, what a trial of that size could have seen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BoneValidation {
    pub targets: Vec<TargetResult>,
    /// Targets whose posterior mean is inside the acceptance interval.
    pub inside: usize,
    pub total: usize,
    /// The out-of-sample targets (sharing no evidence with a calibration target) and how many of
    /// them are inside: the validation's score.
    pub independent: usize,
    pub independent_inside: usize,
    /// Posterior draws each target was simulated with.
    pub draws: usize,
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

/// Reads target files: the shipped ones (`(text, origin)`) when `paths` is empty.
pub(crate) fn target_files(paths: &[PathBuf], shipped: &[(&str, &str)]) -> AppResult<TargetFile> {
    let mut files = Vec::new();
    if paths.is_empty() {
        for (text, origin) in shipped {
            files.push(TargetFile::from_toml_str(text, origin)?);
        }
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
    let all = target_files(
        &req.targets,
        &[
            (SHIPPED, "data/validation/trials.toml"),
            (SHIPPED_BONE, "data/validation/bone.toml"),
        ],
    )?;
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
    let bone = validate_bone(&all, progress, cancel)?;
    Ok(Validation {
        validation: rows,
        bone,
        disclaimer: DISCLAIMER.to_string(),
    })
}

/// Simulates the designs of the bone targets once, then every target over the posterior.
fn validate_bone(
    all: &TargetFile,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<BoneValidation> {
    let posterior = crate::study::shipped_posterior();
    let designs = bone_designs(all, "bone validation designs", progress, cancel)?;
    let targets = all
        .bone_targets
        .iter()
        .map(|t| evaluate_target(t, posterior, &designs[&t.design]))
        .collect::<Result<Vec<_>, _>>()?;
    let independent = || targets.iter().filter(|t| t.shares_evidence_with.is_empty());
    Ok(BoneValidation {
        inside: targets.iter().filter(|t| t.inside).count(),
        total: targets.len(),
        independent: independent().count(),
        independent_inside: independent().filter(|t| t.inside).count(),
        draws: posterior.draws.len(),
        targets,
    })
}

/// Simulates (once each) the designs the file's bone targets name, reporting progress as `task`.
pub(crate) fn bone_designs(
    all: &TargetFile,
    task: &str,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<std::collections::HashMap<String, k2bone_calibration::bone::DesignRun>> {
    let names: Vec<&str> = all.bone_targets.iter().map(|t| t.design.as_str()).collect();
    design_runs(&names, task, progress, cancel)
}

/// Simulates (once each) the named designs of `data/bone/designs/`, reporting progress as `task`.
pub(crate) fn design_runs(
    names: &[&str],
    task: &str,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<std::collections::HashMap<String, k2bone_calibration::bone::DesignRun>> {
    cancel.check()?;
    let designs = run_designs(&shipped_design_dir(), names, &|done, total| {
        progress.update(task, done as f64 / total.max(1) as f64)
    })?;
    cancel.check()?;
    Ok(designs)
}
