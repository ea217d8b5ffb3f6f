//! SBML export (`k2bone export sbml`): the model as SBML Level 3 Version 2 for libRoadRunner,
//! COPASI and the other tools of systems pharmacology, written by `k2bone-sbml` (traced from the
//! model's own equations, no second copy).
//!
//! Two things can be exported:
//! - **a scenario arm** ([`SbmlSource::ScenarioArm`]): the full model (core + vitamin K/D/Ca
//!   extension) for the scenario's person, starting at the state the scenario's burn-in reaches
//!   (SBML time 0 = start of treatment, the estrogen clock continued from there), with the arm's
//!   doses (one self-rescheduling event per run of equal doses, doses at t = 0 as initial
//!   assignments);
//! - **the core** ([`SbmlSource::Core`]): the Peterson–Riggs calcium–bone model at its own
//!   baseline, with no doses.
//!
//! The document's notes say that it is a model, not medical advice, and that k2bone's calibrated
//! bone response (a post-processor of the daily trajectory) is not in the SBML.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use k2bone_physiology::CalciumBoneModel;
use k2bone_sbml::{export, DoseEvents, ExportSpec, Sbml};

use crate::error::{create_dir, write_output, Context};
use crate::{study, AppError, AppResult, ScenarioSource};

/// What to export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SbmlSource {
    /// One arm of a scenario (`arm` may be omitted when the scenario has only one).
    ScenarioArm {
        scenario: ScenarioSource,
        arm: Option<String>,
    },
    /// The core model at its baseline, no doses.
    Core,
}

/// An SBML export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SbmlExportRequest {
    pub source: SbmlSource,
    /// The SBML file to write (its folder is created if needed).
    pub out: PathBuf,
    /// One SBML event per dose instead of one per run of equal doses (larger, slower to load;
    /// for comparison).
    #[serde(default)]
    pub event_per_dose: bool,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SbmlExport {
    pub out: PathBuf,
    /// `full` (core + extension) or `core`.
    pub model: String,
    /// The scenario arm, when one was exported.
    pub arm: Option<String>,
    /// Treatment starts this long after the model's start (the scenario's burn-in), h.
    pub clock_start_h: f64,
    /// Doses of the arm (boluses) in the file.
    pub doses: usize,
    pub states: usize,
    pub outputs: usize,
    pub parameters: usize,
    /// Of the parameters, numbers k2bone computes from several of its parameters (`c1`, …).
    pub composite_parameters: usize,
    pub rate_rules: usize,
    pub assignment_rules: usize,
    pub initial_assignments: usize,
    pub events: usize,
    pub unit_definitions: usize,
    pub bytes: usize,
    /// Inputs the exporter could not trace to a name (their constants appear as numbers).
    pub unnamed_inputs: Vec<String>,
}

/// Exports the model and writes the SBML file (nothing is written on bad input).
pub fn export_sbml(req: &SbmlExportRequest) -> AppResult<SbmlExport> {
    check_out(&req.out)?;
    let dose_events = if req.event_per_dose {
        DoseEvents::PerDose
    } else {
        DoseEvents::Runs
    };
    let (sbml, model, arm, clock_start_h, doses) = match &req.source {
        SbmlSource::Core => {
            let spec = ExportSpec {
                description: "The core (Peterson-Riggs calcium-bone model) at its baseline, no \
                              doses."
                    .into(),
                dose_events,
                ..ExportSpec::default()
            };
            let sbml = export(&CalciumBoneModel::default(), &spec)?;
            (sbml, "core", None, 0.0, 0)
        }
        SbmlSource::ScenarioArm { scenario, arm } => {
            let plan = study::load(scenario)?;
            let (sbml, name, clock, n) = export_arm(&plan, arm.as_deref(), dose_events)?;
            (sbml, "full", Some(name), clock, n)
        }
    };
    if let Some(dir) = req.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir(dir)?;
    }
    write_output(&req.out, &sbml.xml)?;
    let c = &sbml.counts;
    Ok(SbmlExport {
        out: req.out.clone(),
        model: model.to_string(),
        arm,
        clock_start_h,
        doses,
        states: c.states,
        outputs: c.outputs,
        parameters: c.states
            + c.outputs
            + c.named_parameters
            + c.composite_parameters
            + c.dose_variables
            + c.intermediates,
        composite_parameters: c.composite_parameters,
        rate_rules: c.rate_rules,
        assignment_rules: c.assignment_rules,
        initial_assignments: c.initial_assignments,
        events: c.events,
        unit_definitions: c.unit_definitions,
        bytes: sbml.xml.len(),
        unnamed_inputs: sbml.unprobed.iter().map(|(n, _)| n.clone()).collect(),
    })
}

/// The output path must name a file: not empty, not a folder.
fn check_out(out: &Path) -> AppResult<()> {
    if out.as_os_str().is_empty() {
        return Err(AppError::bad_input(
            "--out is empty (accepted: a file path, e.g. model.xml)",
        ));
    }
    if out.is_dir() {
        return Err(AppError::bad_input(format!(
            "--out {} is a folder (accepted: a file path, e.g. {}/model.xml)",
            out.display(),
            out.display()
        )));
    }
    Ok(())
}

/// The document of one arm: the state at the end of the burn-in, the clock, the doses.
fn export_arm(
    plan: &study::StudyPlan,
    arm: Option<&str>,
    dose_events: DoseEvents,
) -> AppResult<(Sbml, String, f64, usize)> {
    let p = &plan.plan;
    let names: Vec<&str> = p.arms.iter().map(|a| a.name.as_str()).collect();
    let spec_arm = match arm {
        Some(name) => p.arms.iter().find(|a| a.name == name).ok_or_else(|| {
            AppError::bad_input(format!(
                "scenario `{}` has no arm `{name}` (arms: {}){}",
                plan.name,
                names.join(", "),
                k2bone_units::fuzzy::hint(name, names.iter().copied())
            ))
        })?,
        None if p.arms.len() == 1 => &p.arms[0],
        None => {
            return Err(AppError::bad_input(format!(
                "scenario `{}` has {} arms: name one with --arm (arms: {})",
                plan.name,
                p.arms.len(),
                names.join(", ")
            )))
        }
    };
    let start = if p.burn_in_h > 0.0 {
        let burn = p
            .sim
            .run(&p.model, &[], &[0.0, p.burn_in_h])
            .context(format!("simulating the burn-in of `{}`", plan.name))?;
        burn.state_at(burn.times_h.len() - 1)
    } else {
        p.model.initial_state()
    };
    let spec = ExportSpec {
        initial_state: Some(start),
        clock_start_h: p.burn_in_h,
        doses: spec_arm.doses.clone(),
        description: format!(
            "Scenario `{}` ({}), arm `{}`: SBML time 0 is the start of treatment, {:.0} days \
             after the model's start (its burn-in); the state there is the initial state.",
            plan.name,
            plan.title(),
            spec_arm.name,
            p.burn_in_h / 24.0
        ),
        dose_events,
    };
    let sbml = export(&p.model, &spec).context(format!("exporting arm `{}`", spec_arm.name))?;
    Ok((
        sbml,
        spec_arm.name.clone(),
        p.burn_in_h,
        spec_arm.doses.len(),
    ))
}
