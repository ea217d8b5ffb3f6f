//! Target files: what was measured, in whom, on which regimen, with which tolerance.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::bone::targets::check_bone_section;
use crate::bone::{BoneFitSettings, BoneTarget, Prior};

use crate::CalibrationError;

/// How a target is read off a simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Time of the maximum of `output` within `window_h` after the first dose, h.
    TmaxH,
    /// Terminal half-life from the increment over baseline between `from_h` and `to_h`, h.
    HalfLifeH,
    /// Largest increase of `output` over its start value within `window_h`.
    PeakIncrement,
    /// Value of `output` at `time_h`.
    ValueAt,
    /// `output` at `time_h` in the dosed arm minus the same without the regimen.
    DifferenceAt,
    /// Time for the increment over baseline to reach 90% of its value at `time_h`, days.
    Days90PctOfPlateau,
}

/// A regimen: `count` doses of `amount unit` of `agent` every `every_h` hours from `start_h`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dosing {
    pub agent: String,
    pub amount: f64,
    pub unit: String,
    #[serde(default)]
    pub every_h: f64,
    #[serde(default = "one")]
    pub count: usize,
    #[serde(default)]
    pub start_h: f64,
}

fn one() -> usize {
    1
}

/// One published number the model is fitted to (or checked against).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub name: String,
    pub source: String,
    pub output: String,
    pub measure: Measure,
    pub value: f64,
    /// The test pins |simulated − value| ≤ tolerance; the fit weights residuals by 1/tolerance.
    pub tolerance: f64,
    #[serde(default)]
    pub dosing: Vec<Dosing>,
    #[serde(default)]
    pub time_h: Option<f64>,
    #[serde(default)]
    pub window_h: Option<f64>,
    #[serde(default)]
    pub from_h: Option<f64>,
    #[serde(default)]
    pub to_h: Option<f64>,
    /// Output sampling step, h.
    #[serde(default)]
    pub every_h: Option<f64>,
    /// Serum 25(OH)D of the population, nmol/L (default: the model's reference).
    #[serde(default)]
    pub d25_nmol_l: Option<f64>,
    /// The reported 95% CI, where the source gives one (validation tables print it).
    #[serde(default)]
    pub reported_ci: Option<[f64; 2]>,
    /// A one-sided target: only values above `value` count as misses.
    #[serde(default)]
    pub upper_bound: bool,
}

/// A group of parameters fitted together to the targets named.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitGroup {
    pub name: String,
    pub parameters: Vec<String>,
    pub targets: Vec<String>,
    /// Optional [low, high] per parameter; values outside cost as a failed fit.
    #[serde(default)]
    pub bounds: Vec<[f64; 2]>,
    /// Nelder–Mead iterations at most.
    #[serde(default = "default_iters")]
    pub max_iters: u64,
}

fn default_iters() -> u64 {
    300
}

/// A calibration file: targets and the groups fitted to them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    #[serde(default, rename = "target")]
    pub targets: Vec<Target>,
    #[serde(default, rename = "fit")]
    pub groups: Vec<FitGroup>,
    /// Bone results with their designs (issue 10; `crate::bone`).
    #[serde(default, rename = "bone_target")]
    pub bone_targets: Vec<BoneTarget>,
    #[serde(default)]
    pub bone_fit: Option<BoneFitSettings>,
    #[serde(default)]
    pub bone_prior: BTreeMap<String, Prior>,
}

impl TargetFile {
    pub fn from_toml_str(text: &str, origin: &str) -> Result<TargetFile, CalibrationError> {
        let f: TargetFile = toml::from_str(text).map_err(|e| CalibrationError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        for t in &f.targets {
            let bad = |m: &str| CalibrationError::Target {
                target: t.name.clone(),
                message: format!("{m} (in {origin})"),
            };
            if !(t.tolerance.is_finite() && t.tolerance > 0.0) {
                return Err(bad("tolerance must be > 0"));
            }
            if !t.value.is_finite() {
                return Err(bad("value must be a finite number"));
            }
            let needs = |field: Option<f64>, name: &str| {
                field
                    .filter(|v| v.is_finite() && *v > 0.0)
                    .map(|_| ())
                    .ok_or_else(|| bad(&format!("measure {:?} needs `{name}` > 0", t.measure)))
            };
            match t.measure {
                Measure::TmaxH | Measure::PeakIncrement => needs(t.window_h, "window_h")?,
                Measure::HalfLifeH => {
                    needs(t.from_h, "from_h")?;
                    needs(t.to_h, "to_h")?;
                }
                Measure::ValueAt | Measure::DifferenceAt | Measure::Days90PctOfPlateau => {
                    needs(t.time_h, "time_h")?
                }
            }
            for d in &t.dosing {
                if !(d.amount.is_finite() && d.amount > 0.0) || d.count == 0 || d.count > 20_000 {
                    return Err(bad("each dosing needs amount > 0 and 1 <= count <= 20000"));
                }
                if d.count > 1 && (d.every_h.is_nan() || d.every_h <= 0.0) {
                    return Err(bad("repeated dosing needs every_h > 0"));
                }
            }
        }
        check_bone_section(&f.bone_targets, &f.bone_prior, origin)?;
        if let Some(b) = &f.bone_fit {
            b.check(origin)?;
        }
        Ok(f)
    }

    /// Merges several files (targets and groups), refusing duplicate target names.
    pub fn merge(files: Vec<TargetFile>) -> Result<TargetFile, CalibrationError> {
        let mut all = TargetFile {
            targets: Vec::new(),
            groups: Vec::new(),
            bone_targets: Vec::new(),
            bone_fit: None,
            bone_prior: BTreeMap::new(),
        };
        for f in files {
            for t in f.bone_targets {
                if all.bone_targets.iter().any(|u| u.name == t.name)
                    || all.targets.iter().any(|u| u.name == t.name)
                {
                    return Err(CalibrationError::Target {
                        target: t.name,
                        message: "defined twice".into(),
                    });
                }
                all.bone_targets.push(t);
            }
            if let Some(b) = f.bone_fit {
                if all.bone_fit.is_some() {
                    return Err(CalibrationError::Target {
                        target: "[bone_fit]".into(),
                        message: "given in more than one file".into(),
                    });
                }
                all.bone_fit = Some(b);
            }
            for (k, v) in f.bone_prior {
                if all.bone_prior.insert(k.clone(), v).is_some() {
                    return Err(CalibrationError::Target {
                        target: format!("[bone_prior] {k}"),
                        message: "given in more than one file".into(),
                    });
                }
            }
            for t in f.targets {
                if all.targets.iter().any(|u| u.name == t.name) {
                    return Err(CalibrationError::Target {
                        target: t.name,
                        message: "defined twice".into(),
                    });
                }
                all.targets.push(t);
            }
            all.groups.extend(f.groups);
        }
        for g in &all.groups {
            if !g.bounds.is_empty() && g.bounds.len() != g.parameters.len() {
                return Err(CalibrationError::Target {
                    target: g.name.clone(),
                    message: "bounds must list one [low, high] per parameter".into(),
                });
            }
            for name in &g.targets {
                if !all.targets.iter().any(|t| &t.name == name) {
                    return Err(CalibrationError::Target {
                        target: name.clone(),
                        message: format!("named by fit group `{}` but not defined", g.name),
                    });
                }
            }
        }
        Ok(all)
    }

    pub fn target(&self, name: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.name == name)
    }
}
