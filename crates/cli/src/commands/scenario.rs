//! `k2bone scenario check FILE` (validate and print the resolved scenario),
//! `k2bone scenario new --template NAME` (write a starter file) and `k2bone scenario list`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use k2bone_app::scenario_files::{check, new_scenario, NewScenarioRequest};
use k2bone_app::{builtins, AppResult, ScenarioSource};

use crate::format::{print_json, print_report, Format};

/// Scenario files: check one, or start one from a template.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    #[command(subcommand)]
    command: ScenarioCommand,
}

#[derive(Debug, Subcommand)]
enum ScenarioCommand {
    /// Validate a scenario and print it with every default filled in.
    #[command(after_help = "Examples:
  k2bone scenario check examples/scenarios/minimal.toml
  k2bone scenario check my.toml --format json")]
    Check {
        file: PathBuf,
        /// text (the resolved TOML) or json (a summary of what will be run).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write a starter scenario from a template (see `k2bone scenario list`).
    #[command(after_help = "Examples:
  k2bone scenario new --template mk4-vs-mk7 --out my-question.toml
  k2bone scenario new --template natto-twice-weekly --out natto.toml   # also writes its diet log")]
    New {
        #[arg(long, default_value = "minimal")]
        template: String,
        /// Where to write it (default: <template>.toml in the current folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// List the templates (also the built-in scenarios of `simulate --builtin`).
    List,
}

pub fn run(args: ScenarioArgs) -> AppResult<()> {
    match args.command {
        ScenarioCommand::Check { file, format } => {
            let format = format.no_csv()?;
            let c = check(&ScenarioSource::File(file.clone()))?;
            if format == Format::Json {
                return print_json(&c);
            }
            print_report(&c.resolved_toml)?;
            let doses: usize = c.arms.iter().map(|a| a.doses).sum();
            eprintln!(
                "{}: valid — {} arms, {doses} doses, {:.0} days",
                file.display(),
                c.arms.len(),
                c.duration_days
            );
            for note in &c.notes {
                eprintln!("note: {note}");
            }
        }
        ScenarioCommand::New {
            template,
            out,
            force,
        } => {
            let req = NewScenarioRequest {
                template,
                out,
                force,
            };
            let written = new_scenario(&req)?.written;
            for p in &written {
                println!("wrote {}", p.display());
            }
            println!(
                "next: k2bone scenario check {0}  then  k2bone simulate {0} --out out",
                written[0].display()
            );
        }
        ScenarioCommand::List => {
            for t in builtins::all().iter().map(builtins::Builtin::info) {
                if t.kind == "scenario" {
                    println!("{:<24} {}", t.name, t.description);
                }
            }
        }
    }
    Ok(())
}
