//! A trial design: who is enrolled (a [`Population`]), the arms and their regimens, how many
//! per arm, how long, when they are seen, how many drop out, and the solver settings.
//!
//! Trial files are TOML (`schema = 1`). Arms use the scenario syntax (`mk7 = "180 ug daily"`,
//! `[[arms.x.drug]]`), so a regimen reads the same in a scenario and in a trial:
//!
//! ```toml
//! schema = 1
//! title = "MK-7 180 ug/d for 3 years"
//! n_per_arm = 100
//! duration = "3 years"
//! visits = ["12 months", "24 months", "36 months"]
//! dropout_per_year = 0.08
//! control_arm = "placebo"
//!
//! [population]
//! sex = "female"
//! age_years = { dist = "uniform", min = 55, max = 65 }
//!
//! [arms.placebo]
//! [arms.mk7]
//! mk7 = "180 ug daily"
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::population::{Population, PopulationFile};
use crate::TrialError;

/// Most patients per arm one design may ask for (memory stays flat; this bounds the run time
/// a typo can cause).
pub const MAX_N_PER_ARM: usize = 10_000_000;

/// Posterior draws of the bone response per patient when the trial file and the command line
/// name none: each costs a daily recursion on the patient's one ODE solve (measured in the
/// report of the `trial-draws` work: about 1 % of a 3-year patient's solve per draw).
pub const DEFAULT_DRAWS: usize = 50;

/// A validated trial design.
#[derive(Debug, Clone)]
pub struct TrialDesign {
    pub origin: String,
    pub title: String,
    pub seed: u64,
    pub n_per_arm: usize,
    pub duration_days: f64,
    /// Visit days after randomisation, sorted, starting with 0 (baseline).
    pub visits_days: Vec<f64>,
    /// Fraction of patients lost per year (exponential drop-out), 0 … 0.9.
    pub dropout_per_year: f64,
    /// Arm names in file order.
    pub arms: Vec<String>,
    /// The arm fractures and BMD are compared against.
    pub control_arm: usize,
    pub k2_fracture_effect: bool,
    /// Posterior draws of the bone response (parameter uncertainty), 1 … the posterior's rows;
    /// every patient's one solve feeds them all.
    pub draws: usize,
    pub rtol: f64,
    pub atol: f64,
    /// The real trial in the evidence database (`data/evidence/trials.csv` `study_id`) this
    /// design mirrors, for `k2bone trial compare`.
    pub evidence_study: Option<String>,
    /// The arm that is the real trial's vitamin K arm (default: the first arm that is not the
    /// control).
    pub evidence_arm: Option<String>,
    /// The design in `data/bone/designs/` (without `.toml`) whose bone targets in
    /// `data/calibration/bone.toml` and `data/validation/bone.toml` this trial mirrors, for
    /// `k2bone trial compare`.
    pub bone_design: Option<String>,
    pub population: Population,
    /// The arms as a scenario (person defaults; the regimens are resolved from it).
    pub(crate) scenario: k2bone_scenario::Scenario,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrialFile {
    schema: i64,
    title: Option<String>,
    seed: Option<u64>,
    n_per_arm: usize,
    duration: String,
    visits: Vec<String>,
    dropout_per_year: Option<f64>,
    control_arm: Option<String>,
    k2_fracture_effect: Option<bool>,
    draws: Option<usize>,
    rtol: Option<f64>,
    atol: Option<f64>,
    evidence_study: Option<String>,
    evidence_arm: Option<String>,
    bone_design: Option<String>,
    population: PopulationFile,
    arms: toml::Table,
}

impl TrialDesign {
    /// Reads a trial file; a covariate CSV named in it is read relative to its folder.
    pub fn from_file(path: &Path) -> Result<TrialDesign, TrialError> {
        let text = std::fs::read_to_string(path).map_err(|e| TrialError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        TrialDesign::from_str_in(&text, &path.display().to_string(), base)
    }

    /// Parses a trial file's text (`origin` names it in errors; `base` resolves relative paths).
    pub fn from_str_in(text: &str, origin: &str, base: &Path) -> Result<TrialDesign, TrialError> {
        let f: TrialFile = toml::from_str(text).map_err(|e| TrialError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        let bad = |field: &str, message: String| TrialError::Field {
            origin: origin.to_string(),
            field: field.to_string(),
            message,
        };
        if f.schema != 1 {
            return Err(bad(
                "schema",
                format!("{} is not supported (accepted: 1)", f.schema),
            ));
        }
        check_n_per_arm(origin, "n_per_arm", f.n_per_arm)?;
        let duration_days =
            k2bone_scenario::duration_days(&f.duration).map_err(|m| bad("duration", m))?;
        if !(duration_days > 0.0 && duration_days <= 20.0 * k2bone_units::DAYS_PER_YEAR) {
            return Err(bad(
                "duration",
                format!("{duration_days} days is out of range (accepted: > 0, at most 20 years)"),
            ));
        }
        let mut visits_days = vec![0.0];
        for (i, v) in f.visits.iter().enumerate() {
            let d =
                k2bone_scenario::duration_days(v).map_err(|m| bad(&format!("visits[{i}]"), m))?;
            if !(d >= 0.0 && d <= duration_days + 1e-9) {
                return Err(bad(
                    &format!("visits[{i}]"),
                    format!("`{v}` is outside the trial (accepted: 0 … {duration_days} days)"),
                ));
            }
            visits_days.push(d.min(duration_days));
        }
        visits_days.sort_by(f64::total_cmp);
        visits_days.dedup();
        if visits_days.len() < 2 {
            return Err(bad(
                "visits",
                "give at least one visit after baseline".into(),
            ));
        }
        let draws = f.draws.unwrap_or(DEFAULT_DRAWS);
        check_draws(origin, "draws", draws)?;
        let dropout_per_year = f.dropout_per_year.unwrap_or(0.0);
        if !(0.0..=0.9).contains(&dropout_per_year) {
            return Err(bad(
                "dropout_per_year",
                format!("{dropout_per_year} is out of range (accepted: 0 … 0.9)"),
            ));
        }
        let (rtol, atol) = (f.rtol.unwrap_or(1e-8), f.atol.unwrap_or(1e-10));
        for (name, v) in [("rtol", rtol), ("atol", atol)] {
            if !(v > 0.0 && v <= 1e-3) {
                return Err(bad(
                    name,
                    format!("{v} is out of range (accepted: > 0, <= 1e-3)"),
                ));
            }
        }
        // File order (toml's table is sorted; toml_edit keeps the order written).
        let arms: Vec<String> = text
            .parse::<toml_edit::DocumentMut>()
            .ok()
            .and_then(|d| {
                d.get("arms")
                    .and_then(|a| a.as_table_like())
                    .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            })
            .unwrap_or_else(|| f.arms.keys().cloned().collect());
        if arms.is_empty() {
            return Err(bad("arms", "a trial needs at least one arm".into()));
        }
        let control_arm = match &f.control_arm {
            None => 0,
            Some(c) => arms.iter().position(|a| a == c).ok_or_else(|| {
                bad(
                    "control_arm",
                    format!("no arm `{c}` (arms: {})", arms.join(", ")),
                )
            })?,
        };
        if let Some(a) = &f.evidence_arm {
            if !arms.contains(a) {
                return Err(bad(
                    "evidence_arm",
                    format!("no arm `{a}` (arms: {})", arms.join(", ")),
                ));
            }
        }
        let population = Population::from_file(f.population, origin, base)?;
        // The arms become a scenario, so regimens are read by the scenario parser.
        let mut doc = toml::Table::new();
        doc.insert("schema".into(), toml::Value::Integer(1));
        let mut sim = toml::Table::new();
        sim.insert(
            "duration".into(),
            toml::Value::String(format!("{duration_days} days")),
        );
        sim.insert(
            "output_every".into(),
            toml::Value::String(format!("{duration_days} days")),
        );
        doc.insert("simulation".into(), toml::Value::Table(sim));
        doc.insert("control_arm".into(), toml::Value::Boolean(false));
        doc.insert("arms".into(), toml::Value::Table(f.arms.clone()));
        let scenario_text = toml::to_string(&doc).map_err(|e| bad("arms", e.to_string()))?;
        let scenario =
            k2bone_scenario::Scenario::from_str(&scenario_text, &format!("{origin} (arms)"))
                .map_err(TrialError::Scenario)?;
        let mut scenario = scenario;
        let mut ordered = Vec::new();
        for a in &arms {
            let i = scenario
                .arms
                .iter()
                .position(|s| &s.name == a)
                .ok_or_else(|| {
                    bad(
                        "arms",
                        format!("arm `{a}` was not read from the arms table"),
                    )
                })?;
            ordered.push(scenario.arms[i].clone());
        }
        scenario.arms = ordered;
        Ok(TrialDesign {
            origin: origin.to_string(),
            title: f.title.unwrap_or_else(|| origin.to_string()),
            seed: f.seed.unwrap_or(1),
            n_per_arm: f.n_per_arm,
            duration_days,
            visits_days,
            dropout_per_year,
            arms,
            control_arm,
            k2_fracture_effect: f.k2_fracture_effect.unwrap_or(false),
            draws,
            rtol,
            atol,
            evidence_study: f.evidence_study,
            evidence_arm: f.evidence_arm,
            bone_design: f.bone_design,
            population,
            scenario,
        })
    }

    /// Sets patients per arm (the command line's `--n`), with the same range check as the file.
    pub fn with_n_per_arm(mut self, n: usize) -> Result<TrialDesign, TrialError> {
        check_n_per_arm(&self.origin, "--n", n)?;
        self.n_per_arm = n;
        Ok(self)
    }

    /// Sets the number of posterior draws (the command line's `--draws`), with the same range
    /// check as the file.
    pub fn with_draws(mut self, k: usize) -> Result<TrialDesign, TrialError> {
        check_draws(&self.origin, "--draws", k)?;
        self.draws = k;
        Ok(self)
    }

    /// Sets the seed (the command line's `--seed`).
    pub fn with_seed(mut self, seed: u64) -> TrialDesign {
        self.seed = seed;
        self
    }

    /// Patients enrolled: `n_per_arm` × arms.
    pub fn n_patients(&self) -> u64 {
        (self.n_per_arm * self.arms.len()) as u64
    }
}

fn check_n_per_arm(origin: &str, field: &str, n: usize) -> Result<(), TrialError> {
    if n == 0 || n > MAX_N_PER_ARM {
        return Err(TrialError::Field {
            origin: origin.to_string(),
            field: field.to_string(),
            message: format!(
                "{n} patients per arm is out of range (accepted: 1 … {MAX_N_PER_ARM})"
            ),
        });
    }
    Ok(())
}

fn check_draws(origin: &str, field: &str, k: usize) -> Result<(), TrialError> {
    let rows = crate::patient::bone_posterior().draws.len();
    if k == 0 || k > rows {
        return Err(TrialError::Field {
            origin: origin.to_string(),
            field: field.to_string(),
            message: format!(
                "{k} posterior draws is out of range (accepted: 1 … {rows}, the rows of data/model/bone-posterior.csv)"
            ),
        });
    }
    Ok(())
}
