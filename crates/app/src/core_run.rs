//! The core calcium–bone model on a built-in reference scenario or a dosing table (`k2bone
//! simulate --builtin baseline`, `--doses FILE.csv`): one run, written as `timeseries.csv`,
//! `summary.json` and, with plots, `timecourse.svg/png`.

use std::path::PathBuf;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use k2bone_physiology::CalciumBoneModel;
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_results::core_summary::{summarize_core, CoreRun};
use k2bone_results::CoreSummary;
use k2bone_sim::{grid, parse_dose_table, Simulator};
use k2bone_units::{DAYS_PER_YEAR, HOURS_PER_DAY};

use crate::builtins::{self, Builtin};
use crate::error::{create_dir, read_input, write_output, Context};
use crate::{AppError, AppResult, Cancel, Progress};

/// Longest simulation accepted, in years.
pub const MAX_YEARS: f64 = 100.0;
/// Most output rows accepted.
pub const MAX_ROWS: f64 = 5e6;

/// A duration with its unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Duration {
    Years(f64),
    Days(f64),
    Hours(f64),
}

impl Duration {
    fn hours(self) -> (&'static str, f64, f64) {
        match self {
            Duration::Years(v) => ("--years", v, v * DAYS_PER_YEAR * HOURS_PER_DAY),
            Duration::Days(v) => ("--days", v, v * HOURS_PER_DAY),
            Duration::Hours(v) => ("--hours", v, v),
        }
    }
}

/// A run of the core model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoreRequest {
    /// A core built-in (default `baseline` when there is no dosing table).
    pub builtin: Option<String>,
    /// A dosing table: CSV with time_h,drug,amount,unit and optional ii_h,addl,dur_h.
    pub doses: Option<PathBuf>,
    /// A parameter file with the layout of data/model/calcium-bone-params.toml.
    pub params: Option<PathBuf>,
    /// Default: the built-in's, or 28 days past the last dose (a year with no doses).
    pub duration: Option<Duration>,
    /// Output interval, h (default: the built-in's; 24 h for runs over 400 days).
    pub every_hours: Option<f64>,
    pub rtol: f64,
    pub atol: f64,
    pub out: PathBuf,
    pub plots: bool,
}

/// A finished core run.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CoreOutput {
    pub summary: CoreSummary,
    /// Paths written.
    pub written: Vec<String>,
    pub seconds: f64,
}

/// Runs the core model and writes its files.
pub fn simulate_core(
    req: &CoreRequest,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<CoreOutput> {
    let model = match &req.params {
        Some(path) => {
            CalciumBoneModel::from_toml_str(&read_input(path)?, &path.display().to_string())?
        }
        None => CalciumBoneModel::default(),
    };
    let (label, doses_csv, origin, default_h, default_every) = match (&req.doses, &req.builtin) {
        (Some(path), _) => {
            let name = path.display().to_string();
            (name.clone(), read_input(path)?, name, None, 24.0)
        }
        (None, name) => match builtins::find(name.as_deref().unwrap_or("baseline"))? {
            Builtin::Core(b) => (
                b.name.to_string(),
                b.doses_csv.to_string(),
                format!("<builtin {}>", b.name),
                Some(b.default_duration_h),
                b.default_every_h,
            ),
            Builtin::Scenario(t) => {
                return Err(AppError::bad_input(format!(
                    "`{}` is a full-model scenario: run it without --doses/--params",
                    t.name
                )))
            }
        },
    };
    let doses = if doses_csv.trim().is_empty() {
        vec![]
    } else {
        parse_dose_table(&doses_csv, &origin, &model)?
    };
    let duration_h = match req.duration.map(Duration::hours) {
        Some((flag, v, h)) => {
            if !(h.is_finite() && h > 0.0 && h <= MAX_YEARS * DAYS_PER_YEAR * HOURS_PER_DAY) {
                return Err(AppError::bad_input(format!(
                    "{flag} {v} is out of range (accepted: > 0 and at most {MAX_YEARS} years)"
                )));
            }
            h
        }
        None => default_h.unwrap_or_else(|| {
            doses.last().map_or(DAYS_PER_YEAR * HOURS_PER_DAY, |d| {
                (d.time_h + 28.0 * HOURS_PER_DAY).max(HOURS_PER_DAY)
            })
        }),
    };
    let every_h = req
        .every_hours
        .unwrap_or(if duration_h > 400.0 * HOURS_PER_DAY {
            24.0
        } else {
            default_every
        });
    if !(every_h.is_finite() && every_h > 0.0 && every_h <= duration_h) {
        return Err(AppError::bad_input(format!(
            "--every-hours {every_h} is out of range (accepted: > 0 and <= the duration, {duration_h} h)"
        )));
    }
    if duration_h / every_h > MAX_ROWS {
        return Err(AppError::bad_input(format!(
            "--every-hours {every_h} over {duration_h} h gives more than {MAX_ROWS} rows; choose a larger interval"
        )));
    }
    for (flag, v) in [("--rtol", req.rtol), ("--atol", req.atol)] {
        if !(v.is_finite() && v > 0.0 && v < 1.0) {
            return Err(AppError::bad_input(format!(
                "{flag} {v} is out of range (accepted: 0 < value < 1)"
            )));
        }
    }
    let sim = Simulator {
        rtol: req.rtol,
        atol: req.atol,
        ..Default::default()
    };
    let started = Instant::now();
    let task = format!("simulating {label}");
    let traj = sim
        .run_observed(
            &model,
            &model.initial_state(),
            &doses,
            &grid(duration_h, every_h),
            &mut |t| {
                progress.update(&task, t / duration_h);
                if cancel.is_cancelled() {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            },
        )
        .context(format!("simulating `{label}`"))?;
    let seconds = started.elapsed().as_secs_f64();

    let out = &req.out;
    create_dir(out)?;
    let csv_path = out.join("timeseries.csv");
    let file = std::fs::File::create(&csv_path)
        .map_err(|e| AppError::failed(format!("cannot write {}: {e}", csv_path.display())))?;
    k2bone_report::timeseries::write_csv(&traj, std::io::BufWriter::new(file))
        .map_err(|e| AppError::failed(format!("cannot write {}: {e}", csv_path.display())))?;
    let json_path = out.join("summary.json");
    let mut files = vec!["timeseries.csv".to_string(), "summary.json".to_string()];
    if req.plots {
        files.extend(["timecourse.svg".to_string(), "timecourse.png".to_string()]);
    }
    let summary = summarize_core(
        CoreRun {
            name: label.clone(),
            doses: doses.len(),
            duration_days: duration_h / HOURS_PER_DAY,
            every_hours: every_h,
            params: req.params.as_ref().map(|p| p.display().to_string()),
        },
        (req.rtol, req.atol),
        &traj,
        files,
        DISCLAIMER,
    );
    write_output(&json_path, serde_json::to_string_pretty(&summary)? + "\n")?;
    let mut written = vec![
        csv_path.display().to_string(),
        json_path.display().to_string(),
    ];
    if req.plots {
        let fig = k2bone_report::timecourse::core_timecourse(&label, &traj)?;
        for ext in ["svg", "png"] {
            let path = out.join(format!("timecourse.{ext}"));
            k2bone_report::curves::curves(&fig, &path)
                .context(format!("cannot draw {}", path.display()))?;
            written.push(path.display().to_string());
        }
    }
    Ok(CoreOutput {
        summary,
        written,
        seconds,
    })
}
