//! The `k2bone` command line: argument parsing and printing over `k2bone-app`, which owns every
//! use case. Each subcommand lives in `commands/<name>.rs` (its arguments, the request it
//! builds, how it prints the result); this file dispatches and holds the one exit policy, by the
//! typed error's kind: 0 ok, 1 the run failed (solver, I/O) or was cancelled, 2 bad input.

// Doc comments in this crate are clap's `--help` texts, written for a terminal (`<name>`,
// `[[target]]` are literal there), not rustdoc markup.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use k2bone_app::{AppError, ErrorKind};

mod commands;
mod format;
mod progress;
mod style;

/// Vitamin K2, vitamin D and calcium in bone health, as a model you can run, check and argue with.
///
/// k2bone is a mathematical model, not medical advice.
#[derive(Debug, Parser)]
#[command(after_help = "Start here:
  k2bone demo                                   # a 3-year MK-7 study, report in k2bone-demo/
  k2bone scenario new --template mk4-vs-mk7     # a starter scenario file
  k2bone simulate mk4-vs-mk7.toml --out out     # run it
  k2bone compare mk4-vs-mk7.toml                # arms side by side")]
#[command(name = "k2bone", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the built-in demo scenario and write its report (start here).
    Demo(commands::demo::DemoArgs),
    /// Simulate a scenario file, a built-in scenario, or the core model with a dosing table.
    Simulate(commands::simulate::SimulateArgs),
    /// Compare arms side by side: end-of-study values and differences from the first arm.
    Compare(commands::compare::CompareArgs),
    /// Scenario files: check one, start one from a template, list the templates.
    Scenario(commands::scenario::ScenarioArgs),
    /// Fit the vitamin K extension to its calibration targets (data/calibration/*.toml).
    Calibrate(commands::calibrate::CalibrateArgs),
    /// Virtual trials: populations, arms, visits; shards and merge; compare with the real trial.
    Trial(commands::trial::TrialArgs),
    /// Compare the model with trial results it was not fitted to (data/validation).
    Validate(commands::validate::ValidateArgs),
    /// Meta-analysis of a CSV of studies (metafor conventions).
    Meta(commands::meta::MetaArgs),
    /// The vitamin K trial database: list, show, import, analyze, reproduce.
    Evidence(commands::evidence::EvidenceArgs),
    /// The vitamin K food composition database: search, show, add.
    Foods(commands::foods::FoodsArgs),
    /// Diet logs and food plans: per-vitamer intake, plans toward a target, safety flags.
    Diet(commands::diet::DietArgs),
    /// Export the model for other tools: `export sbml` (SBML Level 3 Version 2).
    Export(commands::export::ExportArgs),
    /// Start the local web app on 127.0.0.1 (simulate, evidence, diet and warfarin in a browser).
    Serve(commands::serve::ServeArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(commands::completions::CompletionsArgs),
}

fn main() -> ExitCode {
    let result: Result<(), AppError> = match Cli::parse().command {
        Command::Demo(args) => commands::demo::run(args),
        Command::Simulate(args) => commands::simulate::run(args),
        Command::Compare(args) => commands::compare::run(args),
        Command::Scenario(args) => commands::scenario::run(args),
        Command::Meta(args) => commands::meta::run(args),
        Command::Calibrate(args) => commands::calibrate::run(args),
        Command::Validate(args) => commands::validate::run(args),
        Command::Trial(args) => commands::trial::run(args),
        Command::Evidence(args) => commands::evidence::run(args),
        Command::Foods(args) => commands::foods::run(args),
        Command::Diet(args) => commands::diet::run(args),
        Command::Export(args) => commands::export::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Completions(args) => commands::completions::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(match err.kind {
                ErrorKind::BadInput => 2,
                ErrorKind::RunFailed | ErrorKind::Cancelled => 1,
            })
        }
    }
}
