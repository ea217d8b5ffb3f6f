//! `k2bone simulate`: a scenario (file or built-in) through the full model, or the core model on
//! a built-in reference scenario or a dosing table; prints what was run and the key numbers.

use std::path::PathBuf;

use clap::Args;
use k2bone_app::builtins::{self, Builtin};
use k2bone_app::core_run::{simulate_core, CoreRequest, Duration};
use k2bone_app::{AppError, AppResult, Cancel, ScenarioSource, StudyRequest};

use crate::format::{outln, print_json, print_report, Format};
use crate::progress::Bar;

#[derive(Debug, Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Examples:
  k2bone simulate examples/scenarios/mk4-vs-mk7.toml --out out/mk4-vs-mk7
  k2bone simulate --builtin mk7-180-3y --out out/mk7 --format json
  k2bone simulate --builtin baseline --years 10 --out out/baseline
  k2bone simulate --builtin denosumab-q6m --out out/denosumab
  k2bone simulate --doses examples/doses/teriparatide-20ug-daily.csv --days 10 --every-hours 0.1 --out out/teri
  k2bone simulate --list-builtins"
)]
pub struct SimulateArgs {
    /// A scenario file (TOML, docs/scenarios.md): a person, arms with regimens, a duration.
    #[arg(value_name = "SCENARIO.toml", conflicts_with = "builtin")]
    scenario: Option<PathBuf>,
    /// A built-in scenario (see --list-builtins); default `baseline` when no --doses.
    #[arg(long, value_name = "NAME")]
    builtin: Option<String>,
    /// A dosing table: CSV with time_h,drug,amount,unit and optional ii_h,addl,dur_h.
    #[arg(long, value_name = "FILE.csv", conflicts_with = "builtin")]
    doses: Option<PathBuf>,
    /// A parameter file with the layout of data/model/calcium-bone-params.toml.
    #[arg(long, value_name = "FILE.toml")]
    params: Option<PathBuf>,
    /// Duration in years (365 days).
    #[arg(long, conflicts_with_all = ["days", "hours"])]
    years: Option<f64>,
    /// Duration in days.
    #[arg(long, conflicts_with = "hours")]
    days: Option<f64>,
    /// Duration in hours.
    #[arg(long)]
    hours: Option<f64>,
    /// Output interval in hours (default: the scenario's, 24 h for long runs).
    #[arg(long, value_name = "H")]
    every_hours: Option<f64>,
    /// Output directory (created if needed).
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Replace the outputs of an earlier run in --out (otherwise such a run is refused).
    #[arg(long)]
    force: bool,
    /// Relative tolerance of the BDF solver.
    #[arg(long, default_value_t = 1e-8)]
    rtol: f64,
    /// Absolute tolerance of the BDF solver.
    #[arg(long, default_value_t = 1e-8)]
    atol: f64,
    /// List the built-in scenarios and exit.
    #[arg(long)]
    list_builtins: bool,
    /// Do not write figures (the core model's timecourse.svg/png; a scenario's topic plots and report.html).
    #[arg(long)]
    no_plots: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    /// text, or json (the summary on stdout, for machines).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: SimulateArgs) -> AppResult<()> {
    let format = args.format.no_csv()?;
    if args.list_builtins {
        let all: Vec<_> = builtins::all().iter().map(Builtin::info).collect();
        if format == Format::Json {
            return print_json(&all);
        }
        for b in all {
            let kind = if b.kind == "scenario" {
                " [scenario, full model]"
            } else {
                ""
            };
            outln!("{:<28} {}{kind}", b.name, b.description);
        }
        return Ok(());
    }
    let quiet = args.quiet || format == Format::Json;
    let scenario = match (&args.scenario, args.builtin.as_deref().map(builtins::find)) {
        (Some(file), _) => Some(ScenarioSource::File(file.clone())),
        (None, Some(Ok(Builtin::Scenario(t)))) => Some(ScenarioSource::Builtin(t.name.into())),
        _ => None,
    };
    let duration = match (args.years, args.days, args.hours) {
        (Some(y), _, _) => Some(Duration::Years(y)),
        (_, Some(d), _) => Some(Duration::Days(d)),
        (_, _, Some(h)) => Some(Duration::Hours(h)),
        _ => None,
    };
    if let Some(scenario) = scenario {
        if args.params.is_some() || duration.is_some() || args.doses.is_some() {
            return Err(AppError::bad_input(
                "a scenario has its own person, duration and regimens; \
                 --params/--doses/--years/--days/--hours apply to the core model's scenarios only \
                 (set [simulation] duration in the scenario file instead)",
            ));
        }
        let req = StudyRequest {
            scenario,
            out: args.out,
            plots: !args.no_plots,
            output_every_h: args.every_hours,
            force: args.force,
        };
        let output = k2bone_app::simulate_study(&req, &Bar::new(quiet), &Cancel::new())?;
        if format == Format::Json {
            return print_json(&output.summary);
        }
        if !args.quiet {
            print_report(&output)?;
        }
        return Ok(());
    }
    let req = CoreRequest {
        builtin: args.builtin,
        doses: args.doses,
        params: args.params,
        duration,
        every_hours: args.every_hours,
        rtol: args.rtol,
        atol: args.atol,
        out: args.out,
        plots: !args.no_plots,
        force: args.force,
    };
    let output = simulate_core(&req, &Bar::new(quiet), &Cancel::new())?;
    if format == Format::Json {
        return print_json(&output.summary);
    }
    if !args.quiet {
        print_report(&output)?;
    }
    Ok(())
}
