//! `k2bone simulate`: run the calcium–bone model on a built-in reference scenario or a dosing
//! table, and write `timeseries.csv` and `summary.json`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use k2bone_physiology::{CalciumBoneModel, OUTPUTS, STATES};
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_sim::{builtins, grid, parse_dose_table, Simulator, Trajectory};
use serde_json::json;

use crate::exit::bad_input;

/// Longest simulation accepted, in years.
const MAX_YEARS: f64 = 100.0;
/// Most output rows accepted.
const MAX_ROWS: f64 = 5e6;

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
    /// text, or json (the summary on stdout, for machines; scenarios only).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

pub fn run(args: SimulateArgs) -> anyhow::Result<()> {
    if args.list_builtins {
        for b in builtins::BUILTINS {
            println!("{:<28} {}", b.name, b.description);
        }
        for t in k2bone_scenario::templates::TEMPLATES {
            println!("{:<28} {} [scenario, full model]", t.name, t.description);
        }
        return Ok(());
    }
    let study_builtin = args
        .builtin
        .as_deref()
        .filter(|n| k2bone_scenario::templates::template(n).is_some());
    if args.scenario.is_some() || study_builtin.is_some() {
        if args.params.is_some()
            || args.years.is_some()
            || args.days.is_some()
            || args.hours.is_some()
            || args.doses.is_some()
        {
            return Err(bad_input(
                "a scenario has its own person, duration and regimens; \
                 --params/--doses/--years/--days/--hours apply to the core model's scenarios only \
                 (set [simulation] duration in the scenario file instead)",
            ));
        }
        let mut plan = super::study::load(args.scenario.as_deref(), study_builtin)?;
        if let Some(h) = args.every_hours {
            if !(h.is_finite() && h > 0.0 && h <= plan.duration_days() * 24.0) {
                return Err(bad_input(format!(
                    "--every-hours {h} is out of range (accepted: > 0 and <= the duration, {} h)",
                    plan.duration_days() * 24.0
                )));
            }
            plan.scenario.simulation.output_every_h = h;
            let name = plan.name.clone();
            plan = super::study::StudyPlan::new(&name, plan.scenario)?;
        }
        let quiet = args.quiet || args.format == "json";
        let result = super::study::run(&plan, quiet)?;
        let written = super::study::write_outputs(
            &plan,
            &result,
            &args.out,
            super::study::WriteOptions {
                plots: !args.no_plots,
            },
        )?;
        if args.format == "json" {
            println!(
                "{}",
                serde_json::to_string_pretty(&super::study::summary_json(&plan, &result))?
            );
        } else if !args.quiet {
            super::study::print_run(&plan, &result, &written);
        }
        return Ok(());
    }
    let model = match &args.params {
        Some(path) => {
            let text = read(path)?;
            CalciumBoneModel::from_toml_str(&text, &path.display().to_string())
                .map_err(bad_input)?
        }
        None => CalciumBoneModel::default(),
    };

    let (label, doses_csv, origin, default_h, default_every) = match (&args.doses, &args.builtin) {
        (Some(path), _) => (
            path.display().to_string(),
            read(path)?,
            path.display().to_string(),
            None,
            24.0,
        ),
        (None, name) => {
            let name = name.as_deref().unwrap_or("baseline");
            let b = builtins::find(name).ok_or_else(|| {
                let names: Vec<_> = builtins::BUILTINS
                    .iter()
                    .map(|b| b.name)
                    .chain(k2bone_scenario::templates::names())
                    .collect();
                bad_input(format!(
                    "unknown built-in scenario `{name}` (accepted: {})",
                    names.join(", ")
                ))
            })?;
            (
                b.name.to_string(),
                b.doses_csv.to_string(),
                format!("<builtin {}>", b.name),
                Some(b.default_duration_h),
                b.default_every_h,
            )
        }
    };
    let doses = if doses_csv.trim().is_empty() {
        vec![]
    } else {
        parse_dose_table(&doses_csv, &origin, &model).map_err(bad_input)?
    };

    let duration_h = duration_h(&args, default_h, doses.last().map(|d| d.time_h))?;
    let every_h = args.every_hours.unwrap_or(if duration_h > 24.0 * 400.0 {
        24.0
    } else {
        default_every
    });
    if !(every_h.is_finite() && every_h > 0.0 && every_h <= duration_h) {
        return Err(bad_input(format!(
            "--every-hours {every_h} is out of range (accepted: > 0 and <= the duration, {duration_h} h)"
        )));
    }
    if duration_h / every_h > MAX_ROWS {
        return Err(bad_input(format!(
            "--every-hours {every_h} over {duration_h} h gives more than {MAX_ROWS} rows; choose a larger interval"
        )));
    }
    for (flag, v) in [("--rtol", args.rtol), ("--atol", args.atol)] {
        if !(v.is_finite() && v > 0.0 && v < 1.0) {
            return Err(bad_input(format!(
                "{flag} {v} is out of range (accepted: 0 < value < 1)"
            )));
        }
    }

    let sim = Simulator {
        rtol: args.rtol,
        atol: args.atol,
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let traj = sim
        .run(&model, &doses, &grid(duration_h, every_h))
        .with_context(|| format!("simulating `{label}`"))?;
    let elapsed = started.elapsed();

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output directory {}", args.out.display()))?;
    let csv_path = args.out.join("timeseries.csv");
    let file = std::fs::File::create(&csv_path)
        .with_context(|| format!("cannot write {}", csv_path.display()))?;
    k2bone_report::timeseries::write_csv(&traj, std::io::BufWriter::new(file))
        .with_context(|| format!("cannot write {}", csv_path.display()))?;
    let summary = summary(&label, &args, duration_h, every_h, doses.len(), &traj);
    let json_path = args.out.join("summary.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&summary)? + "\n")
        .with_context(|| format!("cannot write {}", json_path.display()))?;

    let mut written = vec![
        csv_path.display().to_string(),
        json_path.display().to_string(),
    ];
    if !args.no_plots {
        let fig = figure(&label, &traj);
        for ext in ["svg", "png"] {
            let path = args.out.join(format!("timecourse.{ext}"));
            k2bone_report::curves::curves(&fig, &path)
                .with_context(|| format!("cannot draw {}", path.display()))?;
            written.push(path.display().to_string());
        }
    }

    if !args.quiet {
        println!(
            "simulated `{label}`: {:.1} days, {} doses, {} solver steps in {:.1} ms",
            duration_h / 24.0,
            doses.len(),
            traj.stats.steps,
            elapsed.as_secs_f64() * 1e3
        );
        for key in KEY_OUTPUTS {
            let v = traj.column(key).expect("known output");
            println!(
                "  {key:<15} start {:>12.6}  end {:>12.6}",
                v[0],
                v[v.len() - 1]
            );
        }
        println!("wrote {}", written.join(", "));
        println!("\n{DISCLAIMER}");
    }
    Ok(())
}

/// The outputs printed and summarised at the end of a run.
const KEY_OUTPUTS: [&str; 10] = [
    "CaC",
    "PTHpm",
    "calcitriol_pM",
    "OBchange",
    "OCchange",
    "BMDlsDENchange",
    "BMDls",
    "BMDfn",
    "DENCP",
    "UCA",
];

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| bad_input(format!("cannot read {}: {e}", path.display())))
}

fn duration_h(
    args: &SimulateArgs,
    default_h: Option<f64>,
    last_dose_h: Option<f64>,
) -> anyhow::Result<f64> {
    let given = [
        ("--years", args.years, 365.0 * 24.0),
        ("--days", args.days, 24.0),
        ("--hours", args.hours, 1.0),
    ]
    .into_iter()
    .find_map(|(flag, v, f)| v.map(|v| (flag, v, v * f)));
    match given {
        Some((flag, v, h)) => {
            if !(h.is_finite() && h > 0.0 && h <= MAX_YEARS * 365.0 * 24.0) {
                return Err(bad_input(format!(
                    "{flag} {v} is out of range (accepted: > 0 and at most {MAX_YEARS} years)"
                )));
            }
            Ok(h)
        }
        None => Ok(default_h
            .unwrap_or_else(|| last_dose_h.map_or(365.0 * 24.0, |t| (t + 24.0 * 28.0).max(24.0)))),
    }
}

fn summary(
    label: &str,
    args: &SimulateArgs,
    duration_h: f64,
    every_h: f64,
    n_doses: usize,
    traj: &Trajectory,
) -> serde_json::Value {
    let unit_of = |name: &str| {
        STATES
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.unit)
            .or_else(|| OUTPUTS.iter().find(|o| o.name == name).map(|o| o.unit))
            .unwrap_or("")
    };
    let mut end = serde_json::Map::new();
    let mut extremes = serde_json::Map::new();
    for key in KEY_OUTPUTS {
        let v = traj.column(key).expect("known output");
        let (first, last) = (v[0], v[v.len() - 1]);
        let change = if first != 0.0 {
            Some(100.0 * (last / first - 1.0))
        } else {
            None
        };
        end.insert(
            key.into(),
            json!({"value": last, "unit": unit_of(key), "start": first, "change_pct": change}),
        );
        let (imin, imax) = argminmax(v);
        extremes.insert(
            key.into(),
            json!({
                "min": v[imin], "min_time_days": traj.times_h[imin] / 24.0,
                "max": v[imax], "max_time_days": traj.times_h[imax] / 24.0,
            }),
        );
    }
    json!({
        "model": "Peterson-Riggs 2010 / OpenBoneMin calcium-bone model (k2bone core)",
        "scenario": {
            "name": label,
            "doses": n_doses,
            "duration_days": duration_h / 24.0,
            "every_hours": every_h,
            "params": args.params.as_ref().map(|p| p.display().to_string()),
        },
        "solver": {"method": "BDF (diffsol), exact Jacobian by forward-mode AD", "rtol": args.rtol, "atol": args.atol, "stats": traj.stats},
        "end": end,
        "extremes": extremes,
        "files": if args.no_plots { json!(["timeseries.csv", "summary.json"]) } else { json!(["timeseries.csv", "summary.json", "timecourse.svg", "timecourse.png"]) },
        "disclaimer": DISCLAIMER,
    })
}

/// The figure: serum calcium, PTH, calcitriol, bone cells, BMD by site, and denosumab if dosed.
fn figure(label: &str, traj: &Trajectory) -> k2bone_report::curves::CurvesFigure {
    use k2bone_report::curves::{CurvesFigure, Panel, Series};
    let col = |n: &str| traj.column(n).expect("known column").to_vec();
    let pct = |n: &str| col(n).iter().map(|v| (v - 1.0) * 100.0).collect::<Vec<_>>();
    let one = |title: &str, n: &str| Panel {
        title: title.into(),
        series: vec![Series {
            label: n.into(),
            values: col(n),
        }],
    };
    let mut panels = vec![
        one("Serum calcium CaC (mM)", "CaC"),
        one("Plasma PTH PTHpm (pM)", "PTHpm"),
        one("Plasma calcitriol (pM)", "calcitriol_pM"),
        Panel {
            title: "Bone cells (% of baseline)".into(),
            series: vec![
                Series {
                    label: "osteoblasts OBchange (BSAP)".into(),
                    values: col("OBchange"),
                },
                Series {
                    label: "osteoclasts OCchange (CTx)".into(),
                    values: col("OCchange"),
                },
            ],
        },
        Panel {
            title: "BMD change from baseline (%)".into(),
            series: vec![
                Series {
                    label: "lumbar spine (BMDls)".into(),
                    values: pct("BMDls"),
                },
                Series {
                    label: "lumbar spine, denosumab cal.".into(),
                    values: col("BMDlsDENchange"),
                },
                Series {
                    label: "femoral neck (BMDfn)".into(),
                    values: pct("BMDfn"),
                },
            ],
        },
    ];
    if col("DENCP").iter().any(|v| *v > 0.0) {
        panels.push(one("Serum denosumab DENCP (ng/mL)", "DENCP"));
    } else {
        panels.push(one("Cumulative urinary calcium UCA (mmol)", "UCA"));
    }
    CurvesFigure {
        title: format!("k2bone simulate: {label}"),
        times_days: traj.times_h.iter().map(|t| t / 24.0).collect(),
        panels,
        footer: DISCLAIMER.into(),
    }
}

fn argminmax(v: &[f64]) -> (usize, usize) {
    let mut imin = 0;
    let mut imax = 0;
    for (i, x) in v.iter().enumerate() {
        if *x < v[imin] {
            imin = i;
        }
        if *x > v[imax] {
            imax = i;
        }
    }
    (imin, imax)
}
