//! `k2bone scenario check FILE` (validate and print the resolved scenario) and
//! `k2bone scenario new --template NAME` (write a starter file), `k2bone scenario list`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use k2bone_scenario::templates::{self, TEMPLATES};
use k2bone_scenario::Scenario;

use crate::exit::bad_input;

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
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
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

pub fn run(args: ScenarioArgs) -> anyhow::Result<()> {
    match args.command {
        ScenarioCommand::Check { file, format } => {
            let s = Scenario::from_file(&file).map_err(bad_input)?;
            let plan = super::study::StudyPlan::new(&s.name(), s)?;
            if format == "json" {
                let p = &plan.plan;
                let arms: Vec<_> = plan
                    .scenario
                    .arms
                    .iter()
                    .zip(&p.arms)
                    .zip(&p.regimens)
                    .map(|((a, spec), words)| {
                        serde_json::json!({"name": a.name, "regimen": words, "doses": spec.doses.len()})
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "file": file.display().to_string(),
                        "valid": true,
                        "duration_days": plan.duration_days(),
                        "output_every_hours": plan.every_h(),
                        "arms": arms,
                        "notes": p.notes,
                    }))?
                );
            } else {
                print!("{}", plan.scenario.to_resolved_toml());
                let n: usize = plan.plan.arms.iter().map(|a| a.doses.len()).sum();
                eprintln!(
                    "{}: valid — {} arms, {} doses, {:.0} days",
                    file.display(),
                    plan.plan.arms.len(),
                    n,
                    plan.duration_days()
                );
                for note in &plan.plan.notes {
                    eprintln!("note: {note}");
                }
            }
            Ok(())
        }
        ScenarioCommand::New {
            template,
            out,
            force,
        } => {
            let t = templates::template(&template).ok_or_else(|| {
                bad_input(format!(
                    "unknown template `{template}` (accepted: {})",
                    templates::names().join(", ")
                ))
            })?;
            let path = out.unwrap_or_else(|| PathBuf::from(format!("{}.toml", t.name)));
            let dir = path.parent().map(PathBuf::from).unwrap_or_default();
            let mut files = vec![(path.clone(), t.toml)];
            files.extend(t.files.iter().map(|(name, text)| (dir.join(name), *text)));
            for (p, _) in &files {
                if p.exists() && !force {
                    return Err(bad_input(format!(
                        "{} exists; choose another --out or pass --force",
                        p.display()
                    )));
                }
            }
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            for (p, text) in &files {
                std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?;
                println!("wrote {}", p.display());
            }
            println!(
                "next: k2bone scenario check {0}  then  k2bone simulate {0} --out out",
                path.display()
            );
            Ok(())
        }
        ScenarioCommand::List => {
            for t in TEMPLATES {
                println!("{:<24} {}", t.name, t.description);
            }
            Ok(())
        }
    }
}
