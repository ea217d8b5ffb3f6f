//! The JSON schema of every document k2bone writes or prints, generated from the result types
//! (`schemars`). `docs/schema/<name>.json` holds them; `tests/schema.rs` fails when a committed
//! file differs from what the types generate (`UPDATE_SCHEMA=1` rewrites them).

use schemars::{schema_for, Schema};

/// (file stem, what it describes, schema) of every output document, in docs order.
pub fn documents() -> Vec<(&'static str, &'static str, Schema)> {
    vec![
        (
            "study-summary",
            "summary.json of a scenario (simulate SCENARIO, demo, compare --out)",
            schema_for!(k2bone_results::StudySummary),
        ),
        (
            "core-summary",
            "summary.json of a core-model run (simulate --builtin baseline, --doses)",
            schema_for!(k2bone_results::CoreSummary),
        ),
        (
            "comparison",
            "compare --format json",
            schema_for!(crate::compare::Comparison),
        ),
        (
            "scenario-check",
            "scenario check --format json",
            schema_for!(crate::scenario_files::ScenarioCheck),
        ),
        (
            "validation",
            "validate --format json",
            schema_for!(crate::validate::Validation),
        ),
        (
            "calibration",
            "the result of calibrate (the web app's answer)",
            schema_for!(crate::calibrate::Calibration),
        ),
        (
            "cross-validation",
            "calibrate --leave-one-trial-out --format json",
            schema_for!(crate::cross_validation::CrossValidation),
        ),
        (
            "meta-analysis",
            "meta --format json",
            schema_for!(crate::meta::MetaAnalysis),
        ),
        (
            "trial-rows",
            "evidence list --format json",
            schema_for!(crate::evidence::TrialRows),
        ),
        (
            "study-rows",
            "evidence show --format json",
            schema_for!(crate::evidence::StudyRows),
        ),
        (
            "evidence-analysis",
            "evidence analyze --format json",
            schema_for!(crate::evidence::EvidenceAnalysis),
        ),
        (
            "published-analyses",
            "evidence reproduce --list --format json",
            schema_for!(crate::evidence::PublishedList),
        ),
        (
            "reproduction",
            "evidence reproduce NAME --format json",
            schema_for!(crate::evidence::Reproduced),
        ),
        (
            "food-search",
            "foods search --format json",
            schema_for!(crate::foods::FoodSearch),
        ),
        (
            "food",
            "foods show --format json",
            schema_for!(crate::foods::FoodDetail),
        ),
        (
            "foods-added",
            "foods add --format json",
            schema_for!(crate::foods::AddedFoods),
        ),
        (
            "diet-report",
            "diet report --format json",
            schema_for!(crate::diet::DietLogReport),
        ),
        (
            "diet-plan",
            "diet plan --format json",
            schema_for!(crate::diet::DietPlan),
        ),
        (
            "sbml-export",
            "export sbml --format json",
            schema_for!(crate::sbml_export::SbmlExport),
        ),
        (
            "trial-summary",
            "summary.json of a virtual trial (trial TRIAL.toml, trial merge)",
            schema_for!(k2bone_trials::TrialSummary),
        ),
        (
            "trial-run",
            "trial TRIAL.toml --format json, trial merge --format json",
            schema_for!(crate::trial::TrialOutput),
        ),
        (
            "trial-comparison",
            "trial compare DIR --format json",
            schema_for!(crate::trial::TrialComparison),
        ),
        (
            "builtins",
            "simulate --list-builtins --format json",
            schema_for!(Vec<crate::builtins::BuiltinInfo>),
        ),
    ]
}
