//! `summary.json` of a multi-arm study: what was run (scenario, person, duration, solver), each
//! arm's end-of-study values with their units, how fracture risk was computed, and the notes and
//! disclaimer. Keys are the public contract users script against (golden files in
//! `crates/cli/tests/golden/`; schema in `docs/schema/study-summary.json`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{ArmSolverStats, ArmSummary, EndOfStudy, StudyFacts, END_KEYS};

/// The `summary.json` of a study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StudySummary {
    /// Short name: the built-in's name or the scenario file's stem.
    pub scenario: String,
    pub title: String,
    pub question: Option<String>,
    /// The person as the scenario described them, field → value in words with units.
    pub person: BTreeMap<String, String>,
    pub duration_days: f64,
    pub output_every_hours: f64,
    pub arms: Vec<ArmResult>,
    /// Unit and meaning of every key of `arms[].end`.
    pub units: BTreeMap<String, UnitInfo>,
    pub fracture_risk: FractureRiskBasis,
    /// What the model does not use, or assumes, for this scenario.
    pub notes: Vec<String>,
    pub solver: SolverSettings,
    pub model: String,
    pub disclaimer: String,
}

/// One arm of `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ArmResult {
    pub name: String,
    /// The regimen in words, one item per supplement, drug or diet.
    pub regimen: Vec<String>,
    pub end: EndOfStudy,
    /// 95 % intervals (posterior of the bone response) of the end values that have one.
    pub interval: crate::EndIntervals,
    pub solver: ArmSolverStats,
}

/// Unit and meaning of one end key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitInfo {
    pub unit: String,
    pub meaning: String,
}

/// How the fracture risks of `arms[].end` were computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FractureRiskBasis {
    /// Age at which the risks start (the end of the study), years.
    pub age_years: f64,
    pub method: String,
    /// Whether the K2 odds ratios beyond BMD were applied (an assumption; off by default).
    pub k2_effect_beyond_bmd: bool,
}

/// Solver settings of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SolverSettings {
    pub method: String,
    pub rtol: f64,
    pub atol: f64,
}

/// The fracture-risk method in words.
pub const FRACTURE_RISK_METHOD: &str = "incidence x RR per SD (Marshall 1996) of the BMD difference from the first arm plus the baseline Z-scores; k2 effect beyond BMD off unless the scenario turns it on";

/// The model in words.
pub const FULL_MODEL: &str =
    "Peterson-Riggs core + k2bone vitamin K/D extension (docs/model/vitamin-k.md)";

impl StudySummary {
    /// Assembles the document from a study's description and its arm summaries
    /// (`regimens[i]` belongs to `arms[i]`).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        description: StudyDescription,
        facts: &StudyFacts,
        arms: &[ArmSummary],
        regimens: &[Vec<String>],
        solver: SolverSettings,
        disclaimer: &str,
    ) -> StudySummary {
        StudySummary {
            scenario: description.scenario,
            title: description.title,
            question: description.question,
            person: description.person.into_iter().collect(),
            duration_days: description.duration_days,
            output_every_hours: description.output_every_hours,
            arms: arms
                .iter()
                .zip(regimens)
                .map(|(s, regimen)| ArmResult {
                    name: s.name.clone(),
                    regimen: regimen.clone(),
                    end: s.end,
                    interval: s.interval,
                    solver: s.solver,
                })
                .collect(),
            units: END_KEYS
                .iter()
                .map(|k| {
                    (
                        k.key.to_string(),
                        UnitInfo {
                            unit: k.unit.to_string(),
                            meaning: k.meaning.to_string(),
                        },
                    )
                })
                .collect(),
            fracture_risk: FractureRiskBasis {
                age_years: facts.age_years_at_end(),
                method: FRACTURE_RISK_METHOD.to_string(),
                k2_effect_beyond_bmd: facts.k2_effect_beyond_bmd,
            },
            notes: description.notes,
            solver,
            model: FULL_MODEL.to_string(),
            disclaimer: disclaimer.to_string(),
        }
    }
}

/// What a study was, in words: the parts of [`StudySummary`] that do not come from the run.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyDescription {
    pub scenario: String,
    pub title: String,
    pub question: Option<String>,
    pub person: Vec<(String, String)>,
    pub duration_days: f64,
    pub output_every_hours: f64,
    pub notes: Vec<String>,
}
