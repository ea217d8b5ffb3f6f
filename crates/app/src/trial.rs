//! Virtual trials (`k2bone trial`): run a trial file, or one shard of it, into a folder; merge
//! the shards of a run; set a run's effects beside the real trial's from the evidence database.
//!
//! A run writes `patients.parquet` (one row per patient and visit), `run.json`, `summary.json`
//! ([`k2bone_trials::TrialSummary`]), `summary.csv` and, with plots, `figures/trial.svg` (mean
//! and 95% CI per arm and visit). A shard writes the same with `-<i>-of-<N>` in the names;
//! [`merge`] reads the parts of every shard and writes the summary of one run (equal to the
//! unsharded run's). Patients whose solve fails are skipped and listed in the summary (count,
//! reasons, who), never a reason to abort the trial.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use k2bone_trials::{RunOptions, Shard, TrialDesign, TrialError, TrialSummary, OUTCOMES};

use crate::{AppError, AppResult, Cancel, Progress};

pub use crate::trial_compare::{compare, EffectComparison, TrialCompareRequest, TrialComparison};

/// Most worker threads one run may ask for.
pub const MAX_THREADS: usize = 1024;

/// Run a trial file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrialRequest {
    /// The trial file (TOML, `schema = 1`; see `examples/trials/`).
    pub trial: PathBuf,
    /// Output folder (created if needed).
    pub out: PathBuf,
    /// Patients per arm, instead of the file's `n_per_arm`.
    pub n_per_arm: Option<usize>,
    /// Seed, instead of the file's `seed`.
    pub seed: Option<u64>,
    /// Posterior draws of the bone response (parameter uncertainty), instead of the file's
    /// `draws` (default [`k2bone_trials::DEFAULT_DRAWS`]); accepted 1 … 400.
    #[serde(default)]
    pub draws: Option<usize>,
    /// Run one slice, `i/N` (0-based, as `SLURM_ARRAY_TASK_ID` with `--array=0-(N-1)`).
    pub shard: Option<String>,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Write `figures/trial.svg`.
    pub plots: bool,
}

/// A finished run or merge: its summary and the files written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrialOutput {
    pub summary: TrialSummary,
    pub written: Vec<PathBuf>,
    /// Patients simulated in this run (this shard, all draws; 0 for a merge).
    pub patients_simulated: u64,
    /// Patient-years simulated per second of wall time (0 for a merge).
    pub patient_years_per_s: f64,
    pub seconds: f64,
}

/// Merge the shards of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrialMergeRequest {
    /// Folders holding the shards' `run-<i>-of-<N>.json` and Parquet parts.
    pub dirs: Vec<PathBuf>,
    /// Where `summary.json` and `summary.csv` go.
    pub out: PathBuf,
    pub plots: bool,
}

impl From<TrialError> for AppError {
    fn from(e: TrialError) -> AppError {
        let bad = matches!(
            e,
            TrialError::Parse { .. }
                | TrialError::Field { .. }
                | TrialError::Csv { .. }
                | TrialError::Scenario(_)
                | TrialError::Population(_)
                | TrialError::Merge(_)
        ) || matches!(&e, TrialError::Io { message, .. } if message.contains("No such file"));
        match e {
            TrialError::Cancelled => AppError {
                kind: crate::ErrorKind::Cancelled,
                message: "cancelled".into(),
            },
            e if bad => AppError::bad_input(e),
            e => AppError::failed(e),
        }
    }
}

/// Reads the design with the request's overrides, checking each against its accepted range.
pub fn design(req: &TrialRequest) -> AppResult<(TrialDesign, Shard)> {
    if !req.trial.is_file() {
        return Err(AppError::bad_input(format!(
            "cannot read {}: no such file",
            req.trial.display()
        )));
    }
    let mut design = TrialDesign::from_file(&req.trial)?;
    if let Some(n) = req.n_per_arm {
        design = design.with_n_per_arm(n)?;
    }
    if let Some(s) = req.seed {
        design = design.with_seed(s);
    }
    if let Some(k) = req.draws {
        design = design.with_draws(k)?;
    }
    let shard = match &req.shard {
        None => Shard::WHOLE,
        Some(s) => Shard::parse(s).map_err(|m| AppError::bad_input(format!("--shard: {m}")))?,
    };
    let chunks = design.n_patients().div_ceil(k2bone_trials::CHUNK) as usize;
    if shard.count > chunks {
        return Err(AppError::bad_input(format!(
            "--shard {}/{}: {} patients make {chunks} chunk(s) of {}; accepted shard counts: 1 … {chunks}",
            shard.index,
            shard.count,
            design.n_patients(),
            k2bone_trials::CHUNK
        )));
    }
    if req.threads > MAX_THREADS {
        return Err(AppError::bad_input(format!(
            "--threads {} is out of range (accepted: 0 = one per core, 1 … {MAX_THREADS})",
            req.threads
        )));
    }
    Ok((design, shard))
}

/// Runs a trial (or one shard of it) into `req.out`.
pub fn run_trial(
    req: &TrialRequest,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<TrialOutput> {
    let (design, shard) = design(req)?;
    let started = Instant::now();
    let task = if shard.count == 1 {
        format!("{} patients", design.n_patients())
    } else {
        format!("shard {}/{}", shard.index, shard.count)
    };
    let report = |done: u64, total: u64| progress.update(&task, done as f64 / total.max(1) as f64);
    let stop = || cancel.is_cancelled();
    let options = RunOptions {
        threads: req.threads,
        shard,
        draws: Vec::new(),
        progress: Some(&report),
        cancel: Some(&stop),
    };
    let out = k2bone_trials::run_trial(&design, &options, &req.out)?;
    let seconds = started.elapsed().as_secs_f64();
    let mut written = vec![out.patients_parquet.clone(), out.run_json.clone()];
    let suffix = if shard.count == 1 {
        String::new()
    } else {
        format!("-{}-of-{}", shard.index, shard.count)
    };
    written.push(req.out.join(format!("summary{suffix}.json")));
    written.push(req.out.join(format!("summary{suffix}.csv")));
    if req.plots {
        written.push(write_figure(&out.summary, &design.visits_days, &req.out)?);
    }
    let simulated = out.summary.n_patients + out.summary.failures.len() as u64;
    Ok(TrialOutput {
        patients_simulated: simulated,
        patient_years_per_s: simulated as f64 * design.duration_days
            / k2bone_units::DAYS_PER_YEAR
            / seconds,
        summary: out.summary,
        written,
        seconds,
    })
}

/// Merges the shards found in `req.dirs` into the summary of one run.
pub fn merge(req: &TrialMergeRequest) -> AppResult<TrialOutput> {
    if req.dirs.is_empty() {
        return Err(AppError::bad_input("trial merge: give at least one folder"));
    }
    for d in &req.dirs {
        if !d.is_dir() {
            return Err(AppError::bad_input(format!(
                "trial merge: {} is not a folder",
                d.display()
            )));
        }
    }
    let started = Instant::now();
    let summary = k2bone_trials::merge(&req.dirs, &req.out)?;
    let mut written = vec![req.out.join("summary.json"), req.out.join("summary.csv")];
    if req.plots {
        let visits = visits_of(&summary);
        written.push(write_figure(&summary, &visits, &req.out)?);
    }
    Ok(TrialOutput {
        summary,
        written,
        patients_simulated: 0,
        patient_years_per_s: 0.0,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Visit days of a summary, in order.
pub fn visits_of(summary: &TrialSummary) -> Vec<f64> {
    let mut v: Vec<f64> = summary
        .arms
        .first()
        .map(|a| a.outcomes.iter().map(|o| o.visit_day).collect())
        .unwrap_or_default();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// Panel titles of the outcomes, with units.
const TITLES: [&str; 6] = [
    "BMD lumbar spine, change (%)",
    "BMD femoral neck, change (%)",
    "ucOC, change (%)",
    "dp-ucMGP, change (%)",
    "serum 25(OH)D (nmol/L)",
    "calcification index, change (%)",
];

/// `figures/trial.svg`: per outcome, mean and between-patient 95% CI per arm at each visit
/// (pooled over the parameter draws).
fn write_figure(summary: &TrialSummary, visits_days: &[f64], out: &Path) -> AppResult<PathBuf> {
    use k2bone_report::bands::{bands, Band, BandFigure, BandPanel};
    let draw = summary.arms.first().map_or(0, |a| a.draw_id);
    let panels = OUTCOMES
        .iter()
        .zip(TITLES)
        .map(|(name, title)| BandPanel {
            title: title.to_string(),
            bands: summary
                .arms
                .iter()
                .filter(|a| a.draw_id == draw)
                .map(|a| {
                    let at = |d: f64| {
                        a.outcomes
                            .iter()
                            .find(|o| o.outcome == *name && o.visit_day == d)
                    };
                    let get = |f: fn(&k2bone_trials::OutcomeSummary) -> f64| {
                        visits_days
                            .iter()
                            .map(|d| at(*d).map_or(f64::NAN, f))
                            .collect()
                    };
                    Band {
                        label: a.arm.clone(),
                        mean: get(|o| o.mean),
                        ci95_low: get(|o| o.ci95_low),
                        ci95_high: get(|o| o.ci95_high),
                    }
                })
                .collect(),
        })
        .collect();
    let fig = BandFigure {
        title: summary.title.clone(),
        visits_months: visits_days
            .iter()
            .map(|d| d / k2bone_units::DAYS_PER_MONTH)
            .collect(),
        panels,
        footer: k2bone_report::disclaimer::DISCLAIMER.to_string(),
    };
    let dir = out.join("figures");
    crate::error::create_dir(&dir)?;
    let path = dir.join("trial.svg");
    bands(&fig, &path)?;
    Ok(path)
}
