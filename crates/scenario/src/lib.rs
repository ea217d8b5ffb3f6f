//! # k2bone-scenario
//!
//! Scenario files: who is simulated, for how long, and which arms (regimens of supplements,
//! drugs and diets). A file is TOML with a versioned schema (`schema = 1`), documented field by
//! field in `docs/scenarios.md`. Units are parsed, never assumed (`"180 ug"`, `"45 mg"`,
//! `"1000 IU"`, `"3 years"`), and every error names the file, line, column and field, the
//! value and what is accepted; unknown keys get a "did you mean".
//!
//! | you want to … | use |
//! |---|---|
//! | read a scenario | [`Scenario::from_file`], [`Scenario::from_str`] |
//! | see it with every default filled in | [`Scenario::to_resolved_toml`] |
//! | turn it into model, doses and grid | [`Scenario::build`] → [`Plan`] |
//! | the built-in scenarios and starter templates | [`templates`] |
//!
//! ```
//! let s = k2bone_scenario::Scenario::from_str(
//!     "schema = 1\n[arms.mk7]\nmk7 = \"180 ug daily\"\n",
//!     "minimal.toml",
//! )
//! .unwrap();
//! assert_eq!(s.arms.len(), 2); // an untreated "placebo" arm is added first
//! assert_eq!(s.arms[1].regimen[0].amount, 180.0);
//! ```

mod arms;
mod build;
mod doc;
mod parse;
mod quantity;
mod resolved;
pub mod templates;

use std::path::{Path, PathBuf};

pub use build::Plan;
pub use quantity::{duration_days, Schedule};

use k2bone_physiology::fracture::Sex;
use k2bone_physiology::Agent;

/// The schema versions this build reads.
pub const SCHEMA_VERSIONS: [i64; 1] = [1];

/// A scenario error: where (file, line, column, field), the value, and what is accepted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{origin}{}: {field}: {message}", location(*.line, *.column))]
pub struct ScenarioError {
    /// The file (or a display name for text).
    pub origin: String,
    /// 1-based line and column, where the error has a place in the file.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field path, e.g. `arms.mk7.supplement[0].dose`.
    pub field: String,
    pub message: String,
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

/// Anticoagulant use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Anticoagulant {
    None,
    /// A vitamin K antagonist at the person's stable INR on their usual diet (`inr`), and the
    /// fraction of vitamin K recycling derived from it (`k2bone_physiology::inr::derived_vka_inhibition`).
    Warfarin {
        inr: f64,
        recycling_inhibition: f64,
    },
    /// A direct oral anticoagulant: no vitamin K interaction in the model, flagged in notes.
    Doac,
}

/// BMD scores by site.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SiteScores {
    pub lumbar_spine: f64,
    pub femoral_neck: f64,
}

/// Who is simulated: the one description of a person. The model's inputs are derived from it
/// ([`Person::model_inputs`]); the diet rules read only a `k2bone_diet::safety::SafetyProfile`.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub sex: Sex,
    pub age_years: f64,
    /// Women only; sets the core's estrogen clock.
    pub years_since_menopause: Option<f64>,
    /// Recorded, not used by the model.
    pub weight_kg: Option<f64>,
    pub calcium_intake_mg_per_day: f64,
    pub d25_nmol_l: f64,
    /// Used by fracture risk (0 = the average of the person's age).
    pub bmd_z_scores: SiteScores,
    /// Recorded, not used by the model.
    pub bmd_t_scores: Option<SiteScores>,
    pub anticoagulant: Anticoagulant,
}

impl Person {
    /// What the model's extension reads from this person: 25(OH)D at the start, and the
    /// inhibition of vitamin K recycling derived from the anticoagulant's stable INR (0 without
    /// a vitamin K antagonist).
    pub fn model_inputs(&self) -> k2bone_physiology::PersonInputs {
        let vka_inhibition = match self.anticoagulant {
            Anticoagulant::Warfarin {
                recycling_inhibition,
                ..
            } => recycling_inhibition,
            _ => 0.0,
        };
        k2bone_physiology::PersonInputs {
            d25_nmol_l: self.d25_nmol_l,
            vka_inhibition,
        }
    }

    /// Years since the model's menopause (age 51, the end of the core's transition) at the start
    /// of treatment: `years_since_menopause` if given, else age − 51; `None` for men.
    pub fn model_years_since_menopause(&self) -> Option<f64> {
        (self.sex == Sex::Female).then(|| {
            self.years_since_menopause
                .unwrap_or(self.age_years - build::CORE_AGE_DONE_YEARS)
        })
    }
}

/// Duration, output grid and solver settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Simulation {
    pub duration_days: f64,
    pub output_every_h: f64,
    pub rtol: f64,
    pub atol: f64,
    /// Apply the K2 fracture odds ratios beyond BMD (an assumption; off by default).
    pub k2_fracture_effect: bool,
}

/// One supplement or drug of an arm.
#[derive(Debug, Clone, PartialEq)]
pub struct Dosing {
    /// As written (`mk7`, `mk4`, `d3`, `calcium`, `denosumab`, …).
    pub agent_name: String,
    pub agent: Agent,
    pub amount: f64,
    pub unit: String,
    pub schedule: Schedule,
    pub start_day: f64,
    /// Exclusive; `None` = to the end of the run.
    pub stop_day: Option<f64>,
    /// Where it was written, for build-time errors.
    pub field: String,
    pub line: Option<usize>,
}

/// One arm.
#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    pub name: String,
    pub description: Option<String>,
    pub regimen: Vec<Dosing>,
    /// A diet log (crates/diet CSV format), resolved against the scenario's folder, repeated
    /// over the run.
    pub diet: Option<PathBuf>,
    /// The line of the `diet` key, for build-time errors.
    pub diet_line: Option<usize>,
    /// True for the untreated arm added when the file has none.
    pub added_control: bool,
}

/// A parsed scenario with every default filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub origin: String,
    pub schema: i64,
    pub title: Option<String>,
    pub question: Option<String>,
    pub person: Person,
    pub simulation: Simulation,
    pub arms: Vec<Arm>,
}

impl Scenario {
    /// Reads and parses a scenario file; diet paths are resolved against its folder.
    pub fn from_file(path: &Path) -> Result<Scenario, ScenarioError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            origin: origin.clone(),
            line: None,
            column: None,
            field: "(file)".into(),
            message: format!("cannot read the file: {e}"),
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        parse::parse(&text, &origin, &base)
    }

    /// Parses scenario text; `origin` names it in errors, diet paths are relative to the
    /// current directory.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        parse::parse(text, origin, Path::new(""))
    }

    /// Parses text whose relative diet paths are resolved against `base`.
    pub fn from_str_in(text: &str, origin: &str, base: &Path) -> Result<Scenario, ScenarioError> {
        parse::parse(text, origin, base)
    }

    /// True if some arm has a diet log (the caller must open the food database for `build`).
    pub fn needs_foods(&self) -> bool {
        self.arms.iter().any(|a| a.diet.is_some())
    }

    /// The scenario as TOML with every default filled in (re-parses to the same scenario).
    pub fn to_resolved_toml(&self) -> String {
        resolved::to_toml(self)
    }

    /// A short name: the file stem of the origin.
    pub fn name(&self) -> String {
        Path::new(&self.origin)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.origin.clone())
    }
}
