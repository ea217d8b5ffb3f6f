//! Running a target's design: its scenario file simulated with the full model once, sampled
//! daily, reduced to what the bone response reads. The bone parameters do not change these inputs,
//! so a design is run once per calibration and every posterior draw reuses it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use k2bone_physiology::bone_response::{BoneDay, BoneSubject};
use k2bone_scenario::Scenario;
use k2bone_sim::bone_inputs::bone_days;
use k2bone_units::HOURS_PER_DAY;

use crate::CalibrationError;

/// One arm of a design: its daily bone-response inputs.
#[derive(Debug, Clone)]
pub struct BoneArm {
    pub name: String,
    pub days: Vec<BoneDay>,
}

/// A simulated design.
#[derive(Debug, Clone)]
pub struct DesignRun {
    pub name: String,
    pub subject: BoneSubject,
    pub arms: Vec<BoneArm>,
}

impl DesignRun {
    pub fn arm(&self, name: &str) -> Result<&BoneArm, CalibrationError> {
        self.arms
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| CalibrationError::Target {
                target: format!("design {}", self.name),
                message: format!(
                    "no arm `{name}` (arms: {})",
                    self.arms
                        .iter()
                        .map(|a| a.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }
}

/// The folder of the shipped designs, `data/bone/designs/`.
pub fn shipped_design_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/bone/designs")
}

/// Simulates the design `name` (`dir/name.toml`), sampled daily.
pub fn run_design(dir: &Path, name: &str) -> Result<DesignRun, CalibrationError> {
    let path = dir.join(format!("{name}.toml"));
    let err = |message: String| CalibrationError::Target {
        target: format!("design {name}"),
        message,
    };
    let mut scenario = Scenario::from_file(&path).map_err(|e| err(e.to_string()))?;
    if scenario.needs_foods() {
        return Err(err("designs may not use diet logs".into()));
    }
    scenario.simulation.output_every_h = HOURS_PER_DAY;
    let plan = scenario.build(None).map_err(|e| err(e.to_string()))?;
    let runs = k2bone_sim::run_arms(
        &plan.sim,
        &plan.model,
        plan.burn_in_h,
        &plan.arms,
        &plan.grid_h,
    )
    .map_err(|e| err(format!("the solver failed: {e}")))?;
    let ysm = scenario.person.model_years_since_menopause();
    let subject = BoneSubject {
        female: ysm.is_some(),
        years_since_menopause: ysm.unwrap_or(0.0),
    };
    let arms = runs
        .iter()
        .zip(&plan.arms)
        .map(|(run, spec)| {
            Ok(BoneArm {
                name: run.name.clone(),
                days: bone_days(&run.trajectory, &spec.doses).map_err(|e| err(e.to_string()))?,
            })
        })
        .collect::<Result<Vec<_>, CalibrationError>>()?;
    Ok(DesignRun {
        name: name.to_string(),
        subject,
        arms,
    })
}

/// Simulates every named design once (in parallel; `done(finished, total)` after each), keyed by
/// name; a name listed twice runs once.
pub fn run_designs(
    dir: &Path,
    names: &[&str],
    done: &(dyn Fn(usize, usize) + Sync),
) -> Result<HashMap<String, DesignRun>, CalibrationError> {
    let mut unique: Vec<&str> = names.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let total = unique.len();
    let counter = std::sync::atomic::AtomicUsize::new(0);
    unique
        .par_iter()
        .map(|n| {
            let run = run_design(dir, n)?;
            done(
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                total,
            );
            Ok((n.to_string(), run))
        })
        .collect()
}
