//! Scenario files: check one (valid? what will run, with every default filled in), start one
//! from a template, list the templates.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::builtins;
use crate::error::{create_dir, write_output};
use crate::study::{self, ScenarioSource};
use crate::{AppError, AppResult};

/// What a checked scenario will run (`k2bone scenario check --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScenarioCheck {
    pub file: String,
    pub valid: bool,
    pub duration_days: f64,
    pub output_every_hours: f64,
    pub arms: Vec<CheckedArm>,
    pub notes: Vec<String>,
    /// The scenario as TOML with every default filled in.
    #[serde(skip)]
    pub resolved_toml: String,
}

/// One arm of a checked scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CheckedArm {
    pub name: String,
    /// The regimen in words.
    pub regimen: Vec<String>,
    /// Number of dose events.
    pub doses: usize,
}

/// Parses and builds a scenario without running it.
pub fn check(source: &ScenarioSource) -> AppResult<ScenarioCheck> {
    let plan = study::load(source)?;
    let p = &plan.plan;
    Ok(ScenarioCheck {
        file: match source {
            ScenarioSource::File(f) => f.display().to_string(),
            _ => plan.scenario.origin.clone(),
        },
        valid: true,
        duration_days: plan.duration_days(),
        output_every_hours: plan.every_h(),
        arms: plan
            .scenario
            .arms
            .iter()
            .zip(&p.arms)
            .zip(&p.regimens)
            .map(|((a, spec), words)| CheckedArm {
                name: a.name.clone(),
                regimen: words.clone(),
                doses: spec.doses.len(),
            })
            .collect(),
        notes: p.notes.clone(),
        resolved_toml: plan.scenario.to_resolved_toml(),
    })
}

/// A new scenario from a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewScenarioRequest {
    pub template: String,
    /// Where to write it (default: `<template>.toml` in the current folder).
    pub out: Option<PathBuf>,
    /// Overwrite existing files.
    pub force: bool,
}

/// The files a new scenario was written to; the scenario first.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NewScenario {
    pub written: Vec<PathBuf>,
}

/// Writes a template (and the files it refers to, e.g. a diet log) to disk.
pub fn new_scenario(req: &NewScenarioRequest) -> AppResult<NewScenario> {
    let t = builtins::scenario(&req.template)?;
    let path = req
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.toml", t.name)));
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    let mut files = vec![(path, t.toml)];
    files.extend(t.files.iter().map(|(name, text)| (dir.join(name), *text)));
    if let Some((p, _)) = files.iter().find(|(p, _)| p.exists() && !req.force) {
        return Err(AppError::bad_input(format!(
            "{} exists; choose another --out or pass --force",
            p.display()
        )));
    }
    if !dir.as_os_str().is_empty() {
        create_dir(&dir)?;
    }
    for (p, text) in &files {
        write_output(p, text)?;
    }
    Ok(NewScenario {
        written: files.into_iter().map(|(p, _)| p).collect(),
    })
}
