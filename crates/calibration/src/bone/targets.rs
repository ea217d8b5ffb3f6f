//! Bone targets: a trial result (or a cohort's rate), the design that produced it (a scenario file
//! in `data/bone/designs/`), and how to read the same number off a simulation of that design.

use std::collections::BTreeMap;

use k2bone_physiology::bone_response::Site;
use serde::{Deserialize, Serialize};

use crate::CalibrationError;

/// How a bone target is read off the simulated BMD of its design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoneMeasure {
    /// % change from baseline in `arm` minus the same in `control` at `time_months`.
    Difference,
    /// % change from baseline in `arm` at `time_months`.
    ArmChange,
    /// Mean % change per year in `arm` between `from_months` and `to_months`.
    AnnualRate,
    /// % change in `arm` from `from_months` to `to_months`.
    ArmChangeBetween,
}

/// The sites a target can name; total hip and unspecified hip are read at the model's femoral
/// neck (assumption A-bone-12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetSite {
    LumbarSpine,
    FemoralNeck,
    TotalHip,
}

impl TargetSite {
    pub fn model_site(self) -> Site {
        match self {
            TargetSite::LumbarSpine => Site::LumbarSpine,
            TargetSite::FemoralNeck | TargetSite::TotalHip => Site::FemoralNeck,
        }
    }
}

/// A result that is a direction or a null rather than a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Qualitative {
    /// "no (significant) difference": inside when |simulated| <= 1.96 SE of a trial that size.
    #[serde(rename = "no difference")]
    NoDifference,
    /// "favours treatment": inside when the simulated difference is > 0.
    #[serde(rename = "favours treatment")]
    FavoursTreatment,
}

/// One bone result.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoneTarget {
    pub name: String,
    /// Rows of `data/bone/evidence.csv` the value comes from.
    #[serde(default)]
    pub evidence_rows: Vec<u32>,
    /// A scenario file in `data/bone/designs/` (without `.toml`).
    pub design: String,
    pub site: TargetSite,
    pub measure: BoneMeasure,
    pub arm: String,
    #[serde(default)]
    pub control: Option<String>,
    #[serde(default)]
    pub time_months: Option<f64>,
    #[serde(default)]
    pub from_months: Option<f64>,
    #[serde(default)]
    pub to_months: Option<f64>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub reported: Option<Qualitative>,
    /// The printed 95 % CI.
    #[serde(default)]
    pub ci: Option<[f64; 2]>,
    /// A standard error where no CI is printed, with what it rests on.
    #[serde(default)]
    pub se: Option<f64>,
    #[serde(default)]
    pub se_basis: Option<String>,
    pub source: String,
    /// Validation only: calibration targets that use some of the same evidence rows (an arm
    /// value that is also part of a fitted difference). Such a target is reported, but it is not
    /// an out-of-sample check and the validation counts keep it apart.
    #[serde(default)]
    pub shares_evidence_with: Vec<String>,
}

/// Upper bound of any time a target names, months (the designs run up to 30 years).
const MAX_MONTHS: f64 = 360.0;

impl BoneTarget {
    /// The standard error: from the CI (Cochrane Handbook 6.5.2: width / 3.92) or as given.
    pub fn se(&self) -> Option<f64> {
        self.ci.map(|[lo, hi]| (hi - lo) / 3.92).or(self.se)
    }

    /// Unit of the target's value.
    pub fn unit(&self) -> &'static str {
        match self.measure {
            BoneMeasure::AnnualRate => "%/y",
            BoneMeasure::Difference => "percentage points",
            BoneMeasure::ArmChange | BoneMeasure::ArmChangeBetween => "%",
        }
    }

    /// The interval the simulated value must fall in: the reported CI, or ±1.96 SE around the
    /// value (or around 0 for a null), or (0, ∞) for a direction.
    pub fn acceptance(&self) -> (f64, f64) {
        match (self.reported, self.ci, self.value, self.se) {
            (Some(Qualitative::FavoursTreatment), ..) => (0.0, f64::INFINITY),
            (Some(Qualitative::NoDifference), _, _, Some(se)) => (-1.96 * se, 1.96 * se),
            (_, Some([lo, hi]), ..) => (lo, hi),
            (_, None, Some(v), Some(se)) => (v - 1.96 * se, v + 1.96 * se),
            _ => (f64::NEG_INFINITY, f64::INFINITY),
        }
    }

    /// Months of simulation the target needs.
    pub fn months_needed(&self) -> f64 {
        [self.time_months, self.to_months]
            .into_iter()
            .flatten()
            .fold(0.0, f64::max)
    }

    fn check(&self, origin: &str) -> Result<(), CalibrationError> {
        let bad = |m: String| CalibrationError::Target {
            target: self.name.clone(),
            message: format!("{m} (in {origin})"),
        };
        let months = |name: &str, v: Option<f64>| -> Result<f64, CalibrationError> {
            match v {
                Some(m) if m.is_finite() && (0.0..=MAX_MONTHS).contains(&m) => Ok(m),
                Some(m) => Err(bad(format!(
                    "`{name}` = {m} is outside 0..={MAX_MONTHS} months"
                ))),
                None => Err(bad(format!("measure {:?} needs `{name}`", self.measure))),
            }
        };
        match self.measure {
            BoneMeasure::Difference | BoneMeasure::ArmChange => {
                months("time_months", self.time_months)?;
            }
            BoneMeasure::AnnualRate | BoneMeasure::ArmChangeBetween => {
                let (a, b) = (
                    months("from_months", self.from_months)?,
                    months("to_months", self.to_months)?,
                );
                if b <= a {
                    return Err(bad(format!(
                        "to_months ({b}) must be after from_months ({a})"
                    )));
                }
            }
        }
        if self.measure == BoneMeasure::Difference && self.control.is_none() {
            return Err(bad("a difference needs `control`".into()));
        }
        match (self.value, self.reported) {
            (Some(v), None) if v.is_finite() => {}
            (None, Some(_)) => {}
            _ => return Err(bad("give either a finite `value` or `reported`".into())),
        }
        if let Some([lo, hi]) = self.ci {
            if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                return Err(bad(format!(
                    "ci = [{lo}, {hi}] must be finite with lower < upper"
                )));
            }
        }
        if let Some(se) = self.se {
            if !(se.is_finite() && se > 0.0) {
                return Err(bad(format!("se = {se} must be > 0")));
            }
        }
        if self.se().is_none() && self.reported != Some(Qualitative::FavoursTreatment) {
            return Err(bad("needs `ci` or `se`".into()));
        }
        Ok(())
    }
}

/// A truncated-normal prior on one bone-response parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prior {
    pub mean: f64,
    pub sd: f64,
    pub lower: f64,
    pub upper: f64,
}

impl Prior {
    /// The sampler's unbounded coordinate of `x`: the logit of its place between the bounds,
    /// $y = \ln\big((x - l)/(u - x)\big)$ (infinite at a bound). Sampling $y$ instead of $x$ leaves
    /// no wall for the walkers to stop at and straightens ratios between parameters (the
    /// transform Stan uses for a parameter with lower and upper bounds; Stan Reference Manual,
    /// "Constraint transforms").
    pub fn to_unbounded(&self, x: f64) -> f64 {
        ((x - self.lower) / (self.upper - x)).ln()
    }

    /// The parameter at the unbounded coordinate `y`: $x = l + (u - l)/(1 + e^{-y})$.
    pub fn value_at(&self, y: f64) -> f64 {
        self.lower + (self.upper - self.lower) / (1.0 + (-y).exp())
    }

    /// $\ln |dx/dy|$ at `y`, the density's change of variables, so that the posterior of $x$ is
    /// the same whichever coordinate is sampled.
    pub fn ln_jacobian(&self, y: f64) -> f64 {
        // ln((u - l) s (1 - s)) with s the logistic of y, written to stay finite for large |y|.
        (self.upper - self.lower).ln() - y.abs() - 2.0 * (-y.abs()).exp().ln_1p()
    }
}

/// How the bone response is fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoneFitSettings {
    /// Calibration targets listed but not fitted (each reported as a calibration miss).
    #[serde(default)]
    pub exclude: Vec<String>,
    pub walkers: usize,
    pub iterations: usize,
    pub burn_in: usize,
    pub thin: usize,
    pub seed: u64,
    /// Half-normal prior SD of the model discrepancy tau.
    pub discrepancy_sd_prior: f64,
    /// Share of walker updates that use a differential-evolution move instead of the stretch
    /// move (0 to 1; default 0, the stretch move alone, as the shipped posterior was sampled).
    #[serde(default)]
    pub de_fraction: f64,
}

impl BoneFitSettings {
    pub(crate) fn check(&self, origin: &str) -> Result<(), CalibrationError> {
        let bad = |m: &str| CalibrationError::Parse {
            origin: origin.to_string(),
            message: format!("[bone_fit]: {m}"),
        };
        if !(4..=4096).contains(&self.walkers) || self.walkers % 2 != 0 {
            return Err(bad("walkers must be even, 4..=4096"));
        }
        if !(1..=1_000_000).contains(&self.iterations) || self.burn_in >= self.iterations {
            return Err(bad("iterations must be 1..=1e6 and > burn_in"));
        }
        if self.thin == 0 {
            return Err(bad("thin must be >= 1"));
        }
        if !(self.discrepancy_sd_prior.is_finite() && self.discrepancy_sd_prior > 0.0) {
            return Err(bad("discrepancy_sd_prior must be > 0"));
        }
        if !(0.0..=1.0).contains(&self.de_fraction) {
            return Err(bad("de_fraction must be 0..=1"));
        }
        Ok(())
    }
}

/// Checks a file's bone targets and priors.
pub(crate) fn check_bone_section(
    targets: &[BoneTarget],
    priors: &BTreeMap<String, Prior>,
    origin: &str,
) -> Result<(), CalibrationError> {
    for t in targets {
        t.check(origin)?;
    }
    for (name, p) in priors {
        if !k2bone_physiology::bone_response::BONE_PARAM_NAMES.contains(&name.as_str()) {
            return Err(CalibrationError::Parse {
                origin: origin.to_string(),
                message: format!("[bone_prior]: unknown parameter `{name}`"),
            });
        }
        let finite = [p.mean, p.sd, p.lower, p.upper]
            .iter()
            .all(|v| v.is_finite());
        if !(finite && p.sd > 0.0 && p.lower < p.upper) {
            return Err(CalibrationError::Parse {
                origin: origin.to_string(),
                message: format!(
                    "[bone_prior] `{name}`: needs finite mean and sd > 0, and finite bounds with \
                     lower < upper (the sampler moves in the logit between the bounds)"
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> BoneFitSettings {
        BoneFitSettings {
            exclude: vec![],
            walkers: 8,
            iterations: 100,
            burn_in: 10,
            thin: 1,
            seed: 1,
            discrepancy_sd_prior: 0.5,
            de_fraction: 0.0,
        }
    }

    /// The logit coordinate round-trips, stays inside the bounds however far out it goes, and
    /// its ln-Jacobian is the log of the numerical derivative dx/dy.
    #[test]
    fn unbounded_coordinate_round_trips_and_its_jacobian_is_the_derivative() {
        let p = Prior {
            mean: 0.3,
            sd: 0.5,
            lower: 0.1,
            upper: 3.0,
        };
        for x in [0.1001, 0.2, 1.0, 2.9, 2.9999] {
            let y = p.to_unbounded(x);
            assert!((p.value_at(y) - x).abs() < 1e-12, "{x} -> {y}");
        }
        for y in [-30.0, -5.0, -0.3, 0.0, 0.7, 4.0, 30.0] {
            let h = 1e-6;
            let dxdy = (p.value_at(y + h) - p.value_at(y - h)) / (2.0 * h);
            if dxdy > 1e-9 {
                assert!(
                    (p.ln_jacobian(y) - dxdy.ln()).abs() < 1e-5,
                    "y {y}: {} vs {}",
                    p.ln_jacobian(y),
                    dxdy.ln()
                );
            }
            assert!(p.ln_jacobian(y).is_finite());
        }
        for y in [-800.0, 800.0] {
            let x = p.value_at(y);
            assert!((p.lower..=p.upper).contains(&x), "{y} -> {x}");
        }
        assert_eq!(p.to_unbounded(p.lower), f64::NEG_INFINITY);
    }

    /// A prior the logit cannot map (an infinite bound, bounds in the wrong order, sd 0) is an
    /// error naming the file, the parameter and what is needed; a finite one is accepted.
    #[test]
    fn bone_priors_need_finite_ordered_bounds() {
        let prior = |lower: f64, upper: f64, sd: f64| {
            BTreeMap::from([(
                "ls.slow_weight".to_string(),
                Prior {
                    mean: 0.3,
                    sd,
                    lower,
                    upper,
                },
            )])
        };
        assert!(check_bone_section(&[], &prior(0.0, 1.0, 0.3), "f.toml").is_ok());
        for (lower, upper, sd) in [
            (f64::NEG_INFINITY, 1.0, 0.3),
            (0.0, f64::INFINITY, 0.3),
            (1.0, 0.0, 0.3),
            (0.0, 1.0, 0.0),
            (0.0, f64::NAN, 0.3),
        ] {
            let e = check_bone_section(&[], &prior(lower, upper, sd), "f.toml")
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("f.toml") && e.contains("ls.slow_weight") && e.contains("finite bounds"),
                "{e}"
            );
        }
    }

    /// Sampler settings outside their range are errors that name the file, the table, the field
    /// and the accepted range; the in-range edges are accepted.
    #[test]
    fn bone_fit_settings_out_of_range_name_field_and_range() {
        for ok in [0.0, 0.5, 1.0] {
            assert!(BoneFitSettings {
                de_fraction: ok,
                ..settings()
            }
            .check("f.toml")
            .is_ok());
        }
        for bad in [-0.1, 1.5, f64::NAN] {
            let e = BoneFitSettings {
                de_fraction: bad,
                ..settings()
            }
            .check("f.toml")
            .unwrap_err()
            .to_string();
            assert!(
                e.contains("f.toml")
                    && e.contains("[bone_fit]")
                    && e.contains("de_fraction must be 0..=1"),
                "{e}"
            );
        }
        let e = BoneFitSettings {
            walkers: 7,
            ..settings()
        }
        .check("f.toml")
        .unwrap_err()
        .to_string();
        assert!(e.contains("walkers must be even, 4..=4096"), "{e}");
    }
}
