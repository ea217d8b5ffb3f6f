//! # k2bone-app: the use cases of k2bone
//!
//! Every thing a user can ask k2bone to do is one function here, taking a typed request (a plain
//! struct, `Deserialize` so a web server can take it as JSON), a [`Progress`] observer and a
//! [`Cancel`] flag where the run is long, and returning a typed, `Serialize` result or an
//! [`AppError`] whose [`ErrorKind`] says whether the user can fix it. The CLI (`crates/cli`) parses
//! arguments, calls one of these and prints; a web server or a Python binding calls the same.
//!
//! ## Choose a use case
//!
//! | you want to … | call | result |
//! |---|---|---|
//! | run a scenario (file, built-in or text) and write its report | [`simulate_study`] | [`StudyOutput`] ([`k2bone_results::StudySummary`]) |
//! | run the core model on a built-in or a dosing table | [`core_run::simulate_core`] | [`core_run::CoreOutput`] |
//! | the built-in demo | [`demo`] | [`StudyOutput`] |
//! | compare arms of one or more scenarios | [`compare::compare`] | [`compare::Comparison`] |
//! | check a scenario, start one from a template | [`scenario_files::check`], [`scenario_files::new_scenario`] | [`scenario_files::ScenarioCheck`] |
//! | list or look up the built-in runs | [`builtins::all`], [`builtins::find`] | [`builtins::Builtin`] |
//! | compare the model with trials it was not fitted to | [`validate::validate`] | [`validate::Validation`] |
//! | fit the vitamin K extension | [`calibrate::calibrate`] | [`calibrate::Calibration`] |
//! | leave each calibration trial out of the bone fit and predict it | [`cross_validation::cross_validate`] | [`cross_validation::CrossValidation`] |
//! | meta-analyse a CSV of studies | [`meta::meta_analysis`] | [`meta::MetaAnalysis`] |
//! | list, show, import trials; pool an outcome; re-run a published analysis | [`evidence::TrialDb`], [`evidence::analyze`], [`evidence::reproduce`] | [`evidence::EvidenceAnalysis`], [`evidence::Reproduced`] |
//! | run a virtual trial (or one shard), merge shards, compare with the real trial | [`trial::run_trial`], [`trial::merge`], [`trial::compare`] | [`trial::TrialOutput`], [`trial::TrialComparison`] |
//! | list the shipped example trials, read a trial text's design | [`trial_examples::examples`], [`trial_examples::describe`] | [`trial_examples::TrialExample`] |
//! | search and show foods, add foods | [`foods::Foods`] | [`foods::FoodSearch`], [`foods::FoodDetail`] |
//! | export the model (a scenario arm, or the core) as SBML L3V2 | [`sbml_export::export_sbml`] | [`sbml_export::SbmlExport`] |
//! | report on a diet log, plan foods toward a target | [`diet::diet_report`], [`diet::diet_plan`] | [`diet::DietLogReport`], [`diet::DietPlan`] |
//! | run a study for a page (inline scenario, charts as data) | [`study_view::study_view`] | [`study_view::StudyView`] |
//! | meta-analyse or pool with the plots as SVG text | [`figures::meta_view`], [`figures::analyze_view`] | [`figures::MetaView`], [`figures::AnalyzeView`] |
//! | report on an inline food diary | [`diary::diary_report`] | [`diet::DietLogReport`] |
//! | save a request and its result, reload it by id | [`saved::SavedRuns`] | [`saved::SavedRun`] |
//!
//! The JSON schema of every result is generated from these types into `docs/schema/` (a test
//! fails when the committed files differ from the types).
//!
//! ## Adding a use case
//!
//! One module here (request, result, function), one line in [`schema::documents`] for its JSON
//! schema, and one command file in the CLI that parses arguments into the request and prints the
//! result.

pub mod builtins;
pub mod calibrate;
pub mod compare;
pub mod core_run;
pub mod cross_validation;
pub mod diary;
pub mod diet;
mod error;
pub mod evidence;
pub mod figures;
pub mod foods;
pub mod inr;
pub mod meta;
pub mod output_dir;
mod plots;
mod progress;
pub mod saved;
pub mod sbml_export;
pub mod scenario_files;
pub mod schema;
pub mod study;
pub mod study_view;
pub mod text;
pub mod trial;
mod trial_compare;
pub mod trial_examples;
pub mod validate;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use error::{read_input, AppError, AppResult, Context, ErrorKind};
/// The folder of the k2bone database (`K2BONE_DATA`, else the user data directory).
pub use k2bone_store::data_dir;
/// Text read from a database, made safe to print on a terminal (control characters escaped).
pub use k2bone_store::printable;
pub use plots::{measure_name, model_label, model_title};
pub use progress::{Cancel, Progress, Silent};
pub use study::ScenarioSource;

/// The types a face names in requests and prints, re-exported so a face depends on this crate alone.
pub use k2bone_diet::safety::Anticoagulant;
pub use k2bone_evidence::{Measure, Test};
pub use k2bone_report::disclaimer::DISCLAIMER;
pub use k2bone_trialdb::trial_db::TrialFilter;

use output_dir::OutputDir;

/// The use cases this build offers, by name, so a face can show or hide what depends on one
/// (the web app's Virtual trial page waits for `trial`, issue 12). Add a name with its module.
pub const USE_CASES: &[&str] = &[
    "simulate",
    "compare",
    "scenario",
    "validate",
    "calibrate",
    "meta",
    "evidence",
    "foods",
    "diet",
    "study_view",
    "saved",
    "export_sbml",
    "trial",
];

/// The built-in demo scenario (MK-7 180 µg/d for 3 years, with and without D3 + calcium).
pub const DEMO: &str = "mk7-180-3y";

/// A scenario to run and write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StudyRequest {
    pub scenario: ScenarioSource,
    /// Output directory (created if needed).
    pub out: PathBuf,
    /// Write the topic figures and `report.html`.
    pub plots: bool,
    /// Override the scenario's output interval, h.
    pub output_every_h: Option<f64>,
    /// Replace earlier outputs in `out` (otherwise a run that would replace one is refused).
    #[serde(default)]
    pub force: bool,
}

/// A finished study: its `summary.json` document and the files written.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StudyOutput {
    pub summary: k2bone_results::StudySummary,
    pub written: Vec<PathBuf>,
    pub seconds: f64,
}

/// Runs a scenario and writes its outputs (nothing is written when the scenario is bad).
pub fn simulate_study(
    req: &StudyRequest,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<StudyOutput> {
    let mut plan = study::load(&req.scenario)?;
    if let Some(h) = req.output_every_h {
        plan = plan.with_output_every(h)?;
    }
    // Checked before the run, so a refusal costs nothing.
    OutputDir::check(&req.out, req.force, &STUDY_MAIN_FILES)?;
    let result = study::run(&plan, progress, cancel)?;
    let out = OutputDir::create(&req.out, req.force, &STUDY_MAIN_FILES)?;
    let staged = study::write_outputs(&plan, &result, out.staging(), req.plots)?;
    let written = out.commit(staged)?;
    Ok(StudyOutput {
        summary: study::summary(&plan, &result),
        written,
        seconds: result.seconds,
    })
}

/// The files of a study run that mark earlier outputs in its directory.
pub(crate) const STUDY_MAIN_FILES: [&str; 2] = ["summary.json", "timeseries.csv"];

/// Runs the built-in demo with every output, into `out` (replacing an earlier demo's with `force`).
pub fn demo(
    out: PathBuf,
    force: bool,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<StudyOutput> {
    simulate_study(
        &StudyRequest {
            scenario: ScenarioSource::Builtin(DEMO.to_string()),
            out,
            plots: true,
            output_every_h: None,
            force,
        },
        progress,
        cancel,
    )
}
