//! # k2bone-results: what a run produced, as typed values
//!
//! The results stage of **scenario → model → simulation → results → report**: every number a
//! user reads in `summary.json`, a table or a plot is computed here, once, from the
//! trajectories of `k2bone-sim`. The types are plain `Serialize` structs with the unit in each
//! field name; their JSON schema is generated from them (`docs/schema/`). `k2bone-report` only
//! draws and writes these values.
//!
//! | you have | you want | call |
//! |---|---|---|
//! | the arms of a study and who was simulated ([`StudyFacts`]) | end-of-study values per arm | [`summarize`] → [`ArmSummary`] ([`EndOfStudy`]) |
//! | each arm's daily bone-response inputs and the posterior | BMD and fracture risk with 95 % intervals | [`bone_study`] → [`ArmBone`] |
//! | the same | fracture risk on every output day | [`fracture_risk_over_time`] |
//! | a study's summaries and its description | the `summary.json` document | [`StudySummary`] |
//! | one core-model trajectory | its `summary.json` document | [`core_summary::summarize_core`] → [`CoreSummary`] |

mod bone;
pub mod core_summary;
mod end_of_study;
mod study_summary;

pub use bone::{bone_study, ArmBone, Band, EndIntervals, Interval95};
pub use core_summary::CoreSummary;
pub use end_of_study::{
    fracture_risk_over_time, pct_change, rebased_pct_change, risk_from_bmd_changes, summarize,
    unit_of, ArmSolverStats, ArmSummary, EndKey, EndOfStudy, StudyFacts, END_KEYS,
};
pub use study_summary::{
    ArmResult, FractureRiskBasis, SolverSettings, StudyDescription, StudySummary, UnitInfo,
    FRACTURE_RISK_METHOD, FULL_MODEL,
};

/// Why results could not be computed from trajectories.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResultsError {
    #[error("no arms to summarise")]
    NoArms,
    #[error("arm `{arm}` has no column `{column}`")]
    MissingColumn { arm: String, column: String },
    #[error("arm `{arm}`: {key} is not finite ({value}); the model left its valid range")]
    NonFinite {
        arm: String,
        key: &'static str,
        value: f64,
    },
    #[error("arm `{arm}` is sampled on a different grid from arm `{reference}`")]
    DifferentGrid { arm: String, reference: String },
}
