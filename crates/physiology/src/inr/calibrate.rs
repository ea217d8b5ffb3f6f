//! Calibration and validation of the INR model against the declared evidence sets:
//! `data/calibration/inr.toml` (Schurgers 2004, fitted) and `data/validation/inr.toml`
//! (Theuwissen 2013, the vegetable-mix study and direction checks, never fitted). Both files were
//! committed before this code existed; the procedure below is the one they describe.

use k2bone_units::{Vitamer, HOURS_PER_DAY};
use serde::{Deserialize, Serialize};

use super::model::{Anchor, InrModel, VkDose, Vka, STEP_H};
use super::{InrError, DISCLAIMER};
use crate::pk::Vehicle;

/// The shipped calibration set.
pub const SHIPPED_CALIBRATION_TOML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/calibration/inr.toml"
));
/// The shipped validation set.
pub const SHIPPED_VALIDATION_TOML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/validation/inr.toml"
));

/// One dose step of a study design.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub ug_per_day: f64,
    pub days: u32,
}

/// What a validation study reported.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Observed {
    /// 1-based step at whose end the INR was read.
    pub step: usize,
    /// `relative_change` (INR/INR₀ − 1) or `inr`.
    pub kind: String,
    pub value: f64,
    pub tolerance: f64,
    pub tolerance_basis: String,
    pub strict_tolerance: Option<f64>,
    pub strict_tolerance_basis: Option<String>,
}

/// A study design (calibration, validation or direction check).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    pub id: String,
    pub rows: Vec<String>,
    pub source: String,
    pub drug: Option<String>,
    pub baseline_inr: f64,
    pub baseline_inr_basis: String,
    pub usual_diet: Option<String>,
    pub vitamer: Vitamer,
    pub vehicle: Vehicle,
    pub dose_hours: Vec<f64>,
    pub dose_hours_basis: Option<String>,
    pub steps: Vec<Step>,
    pub steps_basis: Option<String>,
    pub not_significant_step: Option<usize>,
    pub significant_step: Option<usize>,
    pub observed: Option<Observed>,
    pub expect: Option<String>,
    pub reported: Option<String>,
}

/// The significance margin of the calibration (assumption A-inr-2).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
pub struct Margin {
    pub central_inr: f64,
    pub low_inr: f64,
    pub high_inr: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMargin {
    central_inr: f64,
    low_inr: f64,
    high_inr: f64,
    #[allow(dead_code)]
    basis: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    meta: toml::Table,
    margin: Option<RawMargin>,
    #[serde(default)]
    study: Vec<Study>,
    #[serde(default)]
    check: Vec<Study>,
}

/// A parsed evidence file.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceSet {
    pub margin: Option<Margin>,
    pub studies: Vec<Study>,
    pub checks: Vec<Study>,
}

impl EvidenceSet {
    pub fn from_toml_str(text: &str, origin: &str) -> Result<EvidenceSet, InrError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| InrError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        for s in raw.study.iter().chain(&raw.check) {
            s.validate()?;
        }
        Ok(EvidenceSet {
            margin: raw.margin.map(|m| Margin {
                central_inr: m.central_inr,
                low_inr: m.low_inr,
                high_inr: m.high_inr,
            }),
            studies: raw.study,
            checks: raw.check,
        })
    }

    pub fn shipped_calibration() -> EvidenceSet {
        EvidenceSet::from_toml_str(SHIPPED_CALIBRATION_TOML, "data/calibration/inr.toml")
            .expect("the shipped INR calibration set parses")
    }

    pub fn shipped_validation() -> EvidenceSet {
        EvidenceSet::from_toml_str(SHIPPED_VALIDATION_TOML, "data/validation/inr.toml")
            .expect("the shipped INR validation set parses")
    }
}

impl Study {
    fn err(&self, message: String) -> InrError {
        InrError::Study {
            what: format!("study `{}`", self.id),
            message,
        }
    }

    fn validate(&self) -> Result<(), InrError> {
        if self.steps.is_empty()
            || self
                .steps
                .iter()
                .any(|s| s.days == 0 || !(s.ug_per_day.is_finite() && s.ug_per_day > 0.0))
        {
            return Err(self.err("needs steps with days >= 1 and ug_per_day > 0".into()));
        }
        if self.dose_hours.is_empty() || self.dose_hours.iter().any(|h| !(0.0..24.0).contains(h)) {
            return Err(self.err("needs dose_hours in [0, 24)".into()));
        }
        let n = self.steps.len();
        for s in [
            self.not_significant_step,
            self.significant_step,
            self.observed.as_ref().map(|o| o.step),
        ]
        .into_iter()
        .flatten()
        {
            if s == 0 || s > n {
                return Err(self.err(format!("step {s} is not one of the {n} steps")));
            }
        }
        Ok(())
    }

    /// The study's doses: each step's daily amount split evenly over `dose_hours`.
    pub fn doses(&self) -> Vec<VkDose> {
        let mut out = Vec::new();
        let mut day = 0u32;
        for s in &self.steps {
            for _ in 0..s.days {
                for h in &self.dose_hours {
                    out.push(VkDose {
                        time_h: f64::from(day) * HOURS_PER_DAY + h,
                        vitamer: self.vitamer,
                        ug: s.ug_per_day / self.dose_hours.len() as f64,
                        vehicle: self.vehicle,
                    });
                }
                day += 1;
            }
        }
        out
    }

    /// Hour at which the INR is read after step `i` (0-based): 24 h after that step's last
    /// first-of-day dose, before the next step starts.
    fn read_time_h(&self, i: usize) -> f64 {
        let days: u32 = self.steps[..=i].iter().map(|s| s.days).sum();
        f64::from(days) * HOURS_PER_DAY + self.dose_hours[0]
    }

    /// The INR at the end of every step, for the model as given (its pool), and for its low and
    /// high pools: `(point, low-pool, high-pool)` per step.
    pub fn simulate(&self, model: &InrModel) -> Result<Vec<(f64, f64, f64)>, InrError> {
        let anchor = Anchor {
            inr: self.baseline_inr,
            usual: vec![],
        };
        let end = self.read_time_h(self.steps.len() - 1);
        let c = model.course(&anchor, &self.doses(), &Vka::Unchanged, end, STEP_H)?;
        let at = |t: f64| c.points[(t / STEP_H).round() as usize];
        Ok((0..self.steps.len())
            .map(|i| {
                let p = at(self.read_time_h(i));
                (p.inr, p.inr_low, p.inr_high)
            })
            .collect())
    }

    fn point_inr(&self, model: &InrModel, step: usize) -> Result<f64, InrError> {
        Ok(self.simulate(model)?[step - 1].0)
    }
}

/// The fitted pool with what it reproduces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolFit {
    pub pool_ug_per_day: f64,
    pub pool_low_ug_per_day: f64,
    pub pool_high_ug_per_day: f64,
    pub margin: Margin,
    /// Fall of the INR from baseline at the not-significant and the significant step, at the
    /// point pool.
    pub fall_not_significant: f64,
    pub fall_significant: f64,
    pub study: String,
}

/// Solves `fall(Q) = target` for Q on [1, 10⁶] µg/day by bisection on ln Q (`fall` decreases
/// with Q).
fn solve(mut fall: impl FnMut(f64) -> Result<f64, InrError>, target: f64) -> Result<f64, InrError> {
    let (mut lo, mut hi) = (0.0f64, 6.0 * std::f64::consts::LN_10);
    if fall(lo.exp())? < target || fall(hi.exp())? > target {
        return Err(InrError::Study {
            what: "calibration".into(),
            message: format!("no pool in 1 … 1e6 ug/d gives an INR fall of {target}"),
        });
    }
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if fall(mid.exp())? > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok((0.5 * (lo + hi)).exp())
}

/// Fits the pool to the calibration set as data/calibration/inr.toml describes (the first study
/// with both a not-significant and a significant step).
pub fn fit_pool(model: &InrModel, set: &EvidenceSet) -> Result<PoolFit, InrError> {
    let margin = set.margin.ok_or_else(|| InrError::Study {
        what: "calibration".into(),
        message: "the calibration set has no [margin]".into(),
    })?;
    let study = set
        .studies
        .iter()
        .find(|s| s.not_significant_step.is_some() && s.significant_step.is_some())
        .ok_or_else(|| InrError::Study {
            what: "calibration".into(),
            message: "no study with not_significant_step and significant_step".into(),
        })?;
    let (ns, sig) = (
        study.not_significant_step.unwrap(),
        study.significant_step.unwrap(),
    );
    let inr0 = study.baseline_inr;
    let p = *model.params();
    let with = |q: f64| InrModel::new(p.with_pool(q), model_k(model), model.table().clone());
    let fall_at = |q: f64, step: usize| -> Result<f64, InrError> {
        Ok(inr0 - study.point_inr(&with(q)?, step)?)
    };
    let q = solve(
        |q| Ok((fall_at(q, ns)? * fall_at(q, sig)?).sqrt()),
        margin.central_inr,
    )?;
    let q_low = solve(|q| fall_at(q, ns), margin.high_inr)?;
    let q_high = solve(|q| fall_at(q, sig), margin.low_inr)?;
    Ok(PoolFit {
        pool_ug_per_day: q,
        pool_low_ug_per_day: q_low,
        pool_high_ug_per_day: q_high,
        margin,
        fall_not_significant: fall_at(q, ns)?,
        fall_significant: fall_at(q, sig)?,
        study: study.id.clone(),
    })
}

fn model_k(model: &InrModel) -> crate::kparams::KParams {
    model.k_params().clone()
}

/// One validation study's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationResult {
    pub id: String,
    pub kind: String,
    pub observed: f64,
    pub predicted: f64,
    pub predicted_low: f64,
    pub predicted_high: f64,
    pub tolerance: f64,
    /// |predicted − observed| − tolerance when positive: the size of the miss.
    pub miss: Option<f64>,
    pub strict_tolerance: Option<f64>,
    pub strict_miss: Option<f64>,
    /// The prediction with K1 food bioavailability 1 (sensitivity, never used for pass/miss).
    pub predicted_food_k1_f1: f64,
}

/// One direction check's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    pub id: String,
    pub expect: String,
    pub reported: String,
    /// Predicted INR change at the end of the design (point, low-pool, high-pool).
    pub change: (f64, f64, f64),
    pub agrees: bool,
    pub change_food_k1_f1: f64,
}

/// Everything [`validate`] reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationReport {
    pub studies: Vec<ValidationResult>,
    pub checks: Vec<CheckResult>,
    pub disclaimer: &'static str,
}

fn miss(pred: f64, obs: f64, tol: f64) -> Option<f64> {
    let m = (pred - obs).abs() - tol;
    (m > 0.0).then_some(m)
}

/// Runs every validation study and check with `model` unchanged (no refit). `margin` decides
/// "no change" in direction checks.
pub fn validate(
    model: &InrModel,
    set: &EvidenceSet,
    margin: Margin,
) -> Result<ValidationReport, InrError> {
    let mut k1 = model_k(model);
    k1.set("pk.f_food_k1", 1.0).map_err(|e| InrError::Parse {
        origin: "sensitivity run".into(),
        message: e.to_string(),
    })?;
    let sens = InrModel::new(*model.params(), k1, model.table().clone())?;
    let value = |s: &Study, kind: &str, inr: f64| match kind {
        "relative_change" => inr / s.baseline_inr - 1.0,
        _ => inr,
    };
    let mut studies = Vec::new();
    for s in &set.studies {
        let Some(o) = &s.observed else { continue };
        if o.kind != "relative_change" && o.kind != "inr" {
            return Err(s.err(format!(
                "observed.kind `{}`: accepted relative_change, inr",
                o.kind
            )));
        }
        let (p, a, b) = s.simulate(model)?[o.step - 1];
        let pred = value(s, &o.kind, p);
        let (lo, hi) = (value(s, &o.kind, a), value(s, &o.kind, b));
        let sens_pred = value(s, &o.kind, s.simulate(&sens)?[o.step - 1].0);
        studies.push(ValidationResult {
            id: s.id.clone(),
            kind: o.kind.clone(),
            observed: o.value,
            predicted: pred,
            predicted_low: lo.min(hi).min(pred),
            predicted_high: lo.max(hi).max(pred),
            tolerance: o.tolerance,
            miss: miss(pred, o.value, o.tolerance),
            strict_tolerance: o.strict_tolerance,
            strict_miss: o.strict_tolerance.and_then(|t| miss(pred, o.value, t)),
            predicted_food_k1_f1: sens_pred,
        });
    }
    let mut checks = Vec::new();
    for c in &set.checks {
        let expect = c.expect.clone().unwrap_or_default();
        let last = c.steps.len() - 1;
        let (p, a, b) = c.simulate(model)?[last];
        let d = |x: f64| x - c.baseline_inr;
        let change = (d(p), d(a), d(b));
        let agrees = match expect.as_str() {
            "fall" => change.0 < 0.0,
            "rise" => change.0 > 0.0,
            "no_change" => change.0.abs() < margin.central_inr,
            other => return Err(c.err(format!("expect `{other}`: accepted fall, rise, no_change"))),
        };
        checks.push(CheckResult {
            id: c.id.clone(),
            expect,
            reported: c.reported.clone().unwrap_or_default(),
            change,
            agrees,
            change_food_k1_f1: d(c.simulate(&sens)?[last].0),
        });
    }
    Ok(ValidationReport {
        studies,
        checks,
        disclaimer: DISCLAIMER,
    })
}
