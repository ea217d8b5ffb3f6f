//! `k2bone trial`: run a virtual trial file (or one shard of it), `trial merge` the shards of a
//! run, `trial compare` a run with the real trial.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use k2bone_app::trial::{
    compare, merge, run_trial, TrialCompareRequest, TrialMergeRequest, TrialOutput, TrialRequest,
};
use k2bone_app::{AppResult, Cancel};

use crate::format::{outln, print_json, print_report, Format};
use crate::progress::Bar;

/// Virtual trials: run a trial file, merge shards, compare with the real trial.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:
  k2bone trial examples/trials/knapen-2013.toml --out knapen
  k2bone trial examples/trials/knapen-2013.toml --out knapen --n 1000 --seed 7 --threads 2
  k2bone trial knapen-2013.toml --out part --shard 0/4      # one of 4 slices (e.g. a Slurm array task)
  k2bone trial merge part --out merged                     # the summary of the whole run
  k2bone trial compare knapen                              # simulated vs reported effects
See examples/slurm/ for a cluster run."
)]
pub struct TrialArgs {
    #[command(subcommand)]
    command: Option<TrialCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Subcommand)]
enum TrialCommand {
    /// Combine the shards of one run (their Parquet parts) into the summary of the whole run.
    Merge(MergeArgs),
    /// Set a run's between-arm differences beside the real trial's (evidence database).
    Compare(CompareArgs),
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The trial file (TOML; see examples/trials/).
    #[arg(required = true)]
    trial: Option<PathBuf>,
    /// Output folder (created if needed).
    #[arg(long, required = true)]
    out: Option<PathBuf>,
    /// Patients per arm (default: the file's n_per_arm).
    #[arg(long)]
    n: Option<usize>,
    /// Seed (default: the file's seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Posterior draws of the bone response pooled per patient (parameter uncertainty;
    /// default: the file's `draws`, else 50; 1 … 400). One ODE solve per patient feeds them all.
    #[arg(long)]
    draws: Option<usize>,
    /// Run one slice i/N (0-based): the same patients as in the whole run.
    #[arg(long)]
    shard: Option<String>,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Skip figures/trial.svg.
    #[arg(long)]
    no_plots: bool,
    /// Print only where the results are.
    #[arg(long, short)]
    quiet: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Args)]
struct MergeArgs {
    /// Folders with the shards' run-<i>-of-<N>.json and Parquet parts.
    #[arg(required = true, num_args = 1..)]
    dirs: Vec<PathBuf>,
    /// Where summary.json and summary.csv go.
    #[arg(long)]
    out: PathBuf,
    /// Skip figures/trial.svg.
    #[arg(long)]
    no_plots: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Args)]
struct CompareArgs {
    /// A run's or a merge's folder (with summary.json).
    dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: TrialArgs) -> AppResult<()> {
    match args.command {
        Some(TrialCommand::Merge(m)) => {
            let format = m.format.no_csv()?;
            let out = merge(&TrialMergeRequest {
                dirs: m.dirs,
                out: m.out,
                plots: !m.no_plots,
            })?;
            print_output(&out, format, false)
        }
        Some(TrialCommand::Compare(c)) => {
            let format = c.format.no_csv()?;
            let cmp = compare(&TrialCompareRequest { dir: c.dir })?;
            if format == Format::Json {
                return print_json(&cmp);
            }
            print_report(&cmp)
        }
        None => {
            let r = args.run;
            let format = r.format.no_csv()?;
            let (Some(trial), Some(out)) = (r.trial, r.out) else {
                unreachable!("clap requires TRIAL and --out without a subcommand")
            };
            let req = TrialRequest {
                trial,
                out,
                n_per_arm: r.n,
                seed: r.seed,
                draws: r.draws,
                shard: r.shard,
                threads: r.threads,
                plots: !r.no_plots,
            };
            let bar = Bar::new(r.quiet || format == Format::Json);
            let output = run_trial(&req, &bar, &Cancel::new())?;
            drop(bar);
            print_output(&output, format, r.quiet)
        }
    }
}

fn print_output(out: &TrialOutput, format: Format, quiet: bool) -> AppResult<()> {
    match format {
        Format::Json => print_json(out),
        _ if quiet => {
            for p in &out.written {
                outln!("wrote {}", p.display());
            }
            Ok(())
        }
        _ => print_report(out),
    }
}
