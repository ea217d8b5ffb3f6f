//! The one registry of built-in runs: the spec's reference scenarios of the core model
//! (`k2bone_sim::builtins`, dosing tables) and the full-model scenarios shipped as templates
//! (`k2bone_scenario::templates`). Every face looks names up here, so `simulate --builtin`,
//! `compare --builtin`, `scenario new --template` and the web app accept and suggest the same.

use serde::Serialize;

use k2bone_scenario::templates::{Template, TEMPLATES};
use k2bone_sim::builtins::BUILTINS;

use crate::{AppError, AppResult};

/// A built-in run.
#[derive(Debug, Clone, Copy)]
pub enum Builtin {
    /// A reference scenario of the core model: a dosing table with its duration.
    Core(&'static k2bone_sim::builtins::Builtin),
    /// A full-model scenario file (also a starter template).
    Scenario(&'static Template),
}

/// One line of the registry, for listings.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BuiltinInfo {
    pub name: String,
    pub description: String,
    /// `core` (core model, dosing table) or `scenario` (full model, scenario file).
    pub kind: String,
}

impl Builtin {
    pub fn name(&self) -> &'static str {
        match self {
            Builtin::Core(b) => b.name,
            Builtin::Scenario(t) => t.name,
        }
    }

    pub fn info(&self) -> BuiltinInfo {
        let (description, kind) = match self {
            Builtin::Core(b) => (b.description, "core"),
            Builtin::Scenario(t) => (t.description, "scenario"),
        };
        BuiltinInfo {
            name: self.name().to_string(),
            description: description.to_string(),
            kind: kind.to_string(),
        }
    }
}

/// Every built-in: the core model's reference scenarios, then the full-model scenarios.
pub fn all() -> Vec<Builtin> {
    BUILTINS
        .iter()
        .map(Builtin::Core)
        .chain(TEMPLATES.iter().map(Builtin::Scenario))
        .collect()
}

fn unknown(what: &str, name: &str, names: &[&str]) -> AppError {
    AppError::bad_input(format!(
        "unknown {what} `{name}`{} (accepted: {})",
        k2bone_units::fuzzy::hint(name, names.iter().copied()),
        names.join(", ")
    ))
}

/// The built-in called `name`.
pub fn find(name: &str) -> AppResult<Builtin> {
    let all = all();
    all.iter()
        .find(|b| b.name() == name)
        .copied()
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(Builtin::name).collect();
            unknown("built-in scenario", name, &names)
        })
}

/// The full-model scenario (template) called `name`.
pub fn scenario(name: &str) -> AppResult<&'static Template> {
    k2bone_scenario::templates::template(name)
        .ok_or_else(|| unknown("template", name, &k2bone_scenario::templates::names()))
}
