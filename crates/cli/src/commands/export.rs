//! `k2bone export sbml`: a scenario arm (the full model with its start state and doses) or the
//! core model, written as SBML Level 3 Version 2 for libRoadRunner, COPASI and other tools.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use k2bone_app::sbml_export::{export_sbml, SbmlExportRequest, SbmlSource};
use k2bone_app::DISCLAIMER;
use k2bone_app::{AppResult, ScenarioSource};

use crate::format::{print_json, Format};

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    what: ExportCommand,
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// The model as SBML Level 3 Version 2 (a scenario arm, or the core at its baseline).
    Sbml(SbmlArgs),
}

/// Export a scenario arm or the core model as SBML L3V2.
#[derive(Debug, Args)]
#[command(
    group(clap::ArgGroup::new("model").required(true).args(["scenario", "core"])),
    after_help = "The file is traced from k2bone's own equations: every state is a parameter with a \
rate rule, outputs are assignment rules, parameters carry their names and units, and an arm's doses \
are one self-rescheduling event per run of equal doses. Time is in hours. k2bone's calibrated bone \
response (a post-processor of the daily trajectory) is not in the SBML.

Examples:
  k2bone export sbml --scenario examples/scenarios/mk7-180-3y.toml --arm mk7-180 --out mk7-180.xml
  k2bone export sbml --core --out core.xml
  k2bone export sbml --scenario examples/scenarios/minimal.toml --out minimal.xml --format json"
)]
pub struct SbmlArgs {
    /// A scenario file (TOML, docs/scenarios.md); the full model for its person.
    #[arg(long, value_name = "FILE.toml", conflicts_with = "core")]
    scenario: Option<PathBuf>,
    /// The scenario's arm to export (needed when it has more than one).
    #[arg(
        long,
        value_name = "NAME",
        requires = "scenario",
        conflicts_with = "core"
    )]
    arm: Option<String>,
    /// The core calcium-bone model (Peterson-Riggs) at its baseline, with no doses.
    #[arg(long)]
    core: bool,
    /// The SBML file to write.
    #[arg(long, value_name = "FILE.xml")]
    out: PathBuf,
    /// One SBML event per dose instead of one per run of equal doses (for comparison).
    #[arg(long)]
    event_per_dose: bool,
    /// text, or json (what was written, for machines).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: ExportArgs) -> AppResult<()> {
    match args.what {
        ExportCommand::Sbml(a) => sbml(a),
    }
}

fn sbml(args: SbmlArgs) -> AppResult<()> {
    let format = args.format.no_csv()?;
    let source = match args.scenario {
        Some(path) => SbmlSource::ScenarioArm {
            scenario: ScenarioSource::File(path),
            arm: args.arm,
        },
        None => SbmlSource::Core,
    };
    let done = export_sbml(&SbmlExportRequest {
        source,
        out: args.out,
        event_per_dose: args.event_per_dose,
    })?;
    if format == Format::Json {
        return print_json(&done);
    }
    let what = match &done.arm {
        Some(arm) => format!("arm `{arm}` of the full model ({} doses)", done.doses),
        None => "the core model at its baseline".to_string(),
    };
    println!(
        "wrote {} ({} kB): {what}",
        done.out.display(),
        done.bytes / 1000
    );
    println!(
        "  {} states (rate rules), {} outputs, {} parameters ({} computed by k2bone), {} assignment rules, {} events, {} unit definitions",
        done.states,
        done.outputs,
        done.parameters,
        done.composite_parameters,
        done.assignment_rules,
        done.events,
        done.unit_definitions
    );
    if done.clock_start_h > 0.0 {
        println!(
            "  SBML time 0 = start of treatment, after a burn-in of {:.0} days (time unit: hour)",
            done.clock_start_h / 24.0
        );
    }
    if !done.unnamed_inputs.is_empty() {
        println!("  not traced to a name: {}", done.unnamed_inputs.join(", "));
    }
    println!("The calibrated bone response is a k2bone post-processor and is not in the SBML.\n{DISCLAIMER}");
    Ok(())
}
