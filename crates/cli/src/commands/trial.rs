//! `k2bone trial`: run a virtual trial file (or one shard of it), `trial merge` the shards of a
//! run, `trial compare` a run with the real trial.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use k2bone_app::trial::{
    compare, merge, run_trial, TrialCompareRequest, TrialMergeRequest, TrialOutput, TrialRequest,
};
use k2bone_app::DISCLAIMER;
use k2bone_app::{AppResult, Cancel};

use crate::format::{print_json, Format};
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
            println!(
                "{} — {} vs {} (evidence: {}, {} posterior draws)",
                cmp.title, cmp.treated_arm, cmp.control_arm, cmp.study_id, cmp.n_draws
            );
            println!(
                "{:<30} {:>6} {:>10} {:>20} {:>20} {:>10} {:>20}  role",
                "outcome",
                "month",
                "simulated",
                "95% CI patients",
                "95% parameters",
                "reported",
                "95% CI",
            );
            let ci = |lo: Option<f64>, hi: Option<f64>| match (lo, hi) {
                (Some(a), Some(b)) if a.is_finite() && b.is_finite() => {
                    format!("[{a:.2}, {b:.2}]")
                }
                _ => "—".into(),
            };
            for r in &cmp.rows {
                println!(
                    "{:<30} {:>6} {:>10.2} {:>20} {:>20} {:>10} {:>20}  {}",
                    r.outcome,
                    r.timepoint_months,
                    r.simulated_difference,
                    ci(Some(r.simulated_ci95_low), Some(r.simulated_ci95_high)),
                    ci(
                        r.simulated_interval95_parameters_low,
                        r.simulated_interval95_parameters_high
                    ),
                    r.reported_difference
                        .map_or("—".into(), |x| format!("{x:.2}")),
                    ci(r.reported_ci95_low, r.reported_ci95_high)
                        + match r.reported_dispersion.as_deref() {
                            Some("unclear") => " (SD/SE unclear)",
                            _ => "",
                        },
                    r.role.as_deref().unwrap_or("—"),
                );
            }
            println!(
                "95% CI patients: between-patient variability at the simulated n; 95% parameters: 2.5-97.5 % over the posterior draws (parameter uncertainty).\nrole: calibration = the bone response was fitted to this number (agreement checks the fit); validation = not fitted."
            );
            for n in &cmp.not_simulated {
                println!("not simulated: {n}");
            }
            println!("\n{DISCLAIMER}");
            Ok(())
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
    if format == Format::Json {
        return print_json(out);
    }
    let s = &out.summary;
    if !quiet {
        println!("{} ({} patients)", s.title, s.n_patients);
        let last = k2bone_app::trial::visits_of(s)
            .last()
            .copied()
            .unwrap_or(0.0);
        println!(
            "{:<16} {:>5} {:>6} {:>44} {:>44}",
            "arm",
            "n",
            "failed",
            "BMD lumbar % [95% CI patients] {parameters}",
            "BMD fem. neck % [95% CI patients] {parameters}"
        );
        for a in &s.arms {
            let cell = |name: &str| {
                s.outcome(a.draw_id, &a.arm, name, last)
                    .map_or("—".into(), |o| {
                        let par = match (o.interval95_parameters_low, o.interval95_parameters_high)
                        {
                            (Some(a), Some(b)) => format!(" {{{a:.2}, {b:.2}}}"),
                            _ => String::new(),
                        };
                        format!("{:.2} [{:.2}, {:.2}]{par}", o.mean, o.ci95_low, o.ci95_high)
                    })
            };
            println!(
                "{:<16} {:>5} {:>6} {:>44} {:>44}",
                a.arm,
                a.n_randomised,
                a.n_failed,
                cell("bmd_lumbar_pct_change"),
                cell("bmd_femoral_neck_pct_change")
            );
        }
        println!(
            "[…] between-patient 95% CI; {{…}} 2.5-97.5 % over {} posterior draws (parameter uncertainty)",
            s.draws.len()
        );
        for f in &s.failure_reasons {
            println!("failed ({}): {} × {}", f.stage, f.count, f.reason);
        }
        if out.patients_simulated > 0 {
            println!(
                "{} patients in {:.1} s ({:.1} patient-years/s)",
                out.patients_simulated, out.seconds, out.patient_years_per_s
            );
        }
        println!("{DISCLAIMER}");
    }
    for p in &out.written {
        println!("wrote {}", p.display());
    }
    Ok(())
}
