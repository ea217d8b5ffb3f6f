//! Running a trial: randomise, draw each patient, age them to enrolment (one burn-in per group
//! of patients who share a model, branched at each one's age), treat them, and stream the
//! results to Parquet chunk by chunk; then summarise. Shards are contiguous ranges of whole
//! chunks, and merging them replays the same summary over the parts in patient order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use k2bone_sim::FastSimulator;

use crate::design::TrialDesign;
use crate::output::PatientWriter;
use crate::patient::{
    burn_in, patient_model, simulate_patient_draws, ParameterDraw, PatientResult,
};
use crate::population::Stream;
use crate::summary::{summarize, PatientFailure, RunMeta, TrialSummary};
use crate::TrialError;

/// Patients simulated together (and the unit of sharding): a chunk's burn-in groups depend
/// only on its patients, so results do not depend on threads or shards.
pub const CHUNK: u64 = 64;

/// One slice of a trial: `index` in `0..count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `i/N` (0-based `i`, as `SLURM_ARRAY_TASK_ID` with `--array=0-(N-1)`).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}`: write the shard as i/N, e.g. 0/8"))?;
        let (i, n): (usize, usize) = (
            i.trim()
                .parse()
                .map_err(|_| format!("`{i}` is not a shard index"))?,
            n.trim()
                .parse()
                .map_err(|_| format!("`{n}` is not a shard count"))?,
        );
        if n == 0 || i >= n {
            return Err(format!("shard {i}/{n}: accepted 0 <= i < N"));
        }
        Ok(Shard { index: i, count: n })
    }
}

/// How to run.
pub struct RunOptions<'a> {
    /// Worker threads (0: one per core).
    pub threads: usize,
    pub shard: Shard,
    /// Parameter draws; each replays the same patients. Empty: the design's `draws` posterior
    /// rows ([`crate::posterior_draws`]).
    pub draws: Vec<ParameterDraw>,
    /// Called after each chunk with (patients done, patients in this shard × groups of draws
    /// that share a solve).
    pub progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
    /// Asked before each chunk; `true` stops the run with [`TrialError::Cancelled`].
    pub cancel: Option<&'a (dyn Fn() -> bool + Sync)>,
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            threads: 0,
            shard: Shard::WHOLE,
            draws: Vec::new(),
            progress: None,
            cancel: None,
        }
    }
}

/// What a run wrote.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub patients_parquet: PathBuf,
    pub run_json: PathBuf,
    pub summary: TrialSummary,
}

/// The arm of patient `id`: permuted blocks of one patient per arm.
pub(crate) fn arm_of(seed: u64, n_arms: usize, id: u64) -> usize {
    let block = id / n_arms as u64;
    let mut s = Stream::new(seed ^ 0x5241_4e44_4f4d_4953, block);
    let mut perm: Vec<usize> = (0..n_arms).collect();
    for i in (1..n_arms).rev() {
        let j = ((s.uniform() * (i + 1) as f64) as usize).min(i);
        perm.swap(i, j);
    }
    perm[(id % n_arms as u64) as usize]
}

/// Runs `design` (or one shard of it) into `out_dir`: `patients.parquet` (or
/// `patients-<i>-of-<N>.parquet`), `run.json`, `summary.json`, `summary.csv`.
pub fn run_trial(
    design: &TrialDesign,
    options: &RunOptions<'_>,
    out_dir: &Path,
) -> Result<RunOutput, TrialError> {
    let io = |p: &Path, e: &dyn std::fmt::Display| TrialError::Io {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(out_dir).map_err(|e| io(out_dir, &e))?;
    let draws = if options.draws.is_empty() {
        crate::patient::posterior_draws(design.draws)
    } else {
        options.draws.clone()
    };
    // Draws with the same model parameters share one solve per patient (they differ only in
    // the bone response's posterior row); groups in the order of their first draw.
    let mut groups: Vec<Vec<ParameterDraw>> = Vec::new();
    for d in &draws {
        match groups.iter_mut().find(|g| g[0].values == d.values) {
            Some(g) => g.push(d.clone()),
            None => groups.push(vec![d.clone()]),
        }
    }
    let n = design.n_patients();
    let n_chunks = n.div_ceil(CHUNK);
    let (i, k) = (options.shard.index as u64, options.shard.count as u64);
    let (c0, c1) = (i * n_chunks / k, (i + 1) * n_chunks / k);
    let (first, end) = ((c0 * CHUNK).min(n), (c1 * CHUNK).min(n));
    let name = if options.shard.count == 1 {
        "patients.parquet".to_string()
    } else {
        format!(
            "patients-{}-of-{}.parquet",
            options.shard.index, options.shard.count
        )
    };
    let parquet = out_dir.join(&name);
    let iiv: Vec<String> = design
        .population
        .iiv
        .iter()
        .map(|p| p.parameter.clone())
        .collect();
    let mut writer = PatientWriter::create(&parquet, &iiv, &design.arms)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|e| TrialError::Population(format!("cannot start threads: {e}")))?;
    let total = (end - first) * groups.len() as u64;
    let mut done = 0;
    let mut failures = Vec::new();
    // Chunk by chunk, every draw of a chunk before the next chunk: rows are in patient order
    // within each draw in a whole run and in every shard alike, so merging replays the same
    // sums.
    let mut start = first;
    while start < end {
        if options.cancel.is_some_and(|c| c()) {
            return Err(TrialError::Cancelled);
        }
        let stop = (start + CHUNK).min(end);
        for group in &groups {
            let (chunk, failed) = pool.install(|| run_chunk(design, group, start, stop))?;
            writer.write(&chunk)?;
            failures.extend(failed);
            done += stop - start;
            if let Some(p) = options.progress {
                p(done, total);
            }
        }
        start = stop;
    }
    writer.close()?;
    let meta = RunMeta {
        title: design.title.clone(),
        origin: design.origin.clone(),
        seed: design.seed,
        n_per_arm: design.n_per_arm,
        arms: design.arms.clone(),
        control_arm: design.control_arm,
        visits_days: design.visits_days.clone(),
        duration_days: design.duration_days,
        k2_fracture_effect: design.k2_fracture_effect,
        iiv_parameters: iiv,
        draws: draws.iter().map(|d| d.id).collect(),
        shard_index: options.shard.index,
        shard_count: options.shard.count,
        first_patient: first,
        end_patient: end,
        evidence_study: design.evidence_study.clone(),
        evidence_arm: design.evidence_arm.clone(),
        bone_design: design.bone_design.clone(),
        failures,
    };
    let run_json = out_dir.join(if options.shard.count == 1 {
        "run.json".to_string()
    } else {
        format!(
            "run-{}-of-{}.json",
            options.shard.index, options.shard.count
        )
    });
    let text = serde_json::to_string_pretty(&meta).expect("run metadata serialises");
    std::fs::write(&run_json, text).map_err(|e| io(&run_json, &e))?;
    let summary = summarize(&meta, std::slice::from_ref(&parquet))?;
    write_summary(&summary, out_dir, options.shard)?;
    Ok(RunOutput {
        patients_parquet: parquet,
        run_json,
        summary,
    })
}

/// Patients of one chunk: the results, and the patients whose solve failed (recorded, not
/// fatal: a trial reports how many failed and why instead of aborting on the first).
type Chunk = (Vec<PatientResult>, Vec<PatientFailure>);

fn run_chunk(
    design: &TrialDesign,
    group: &[ParameterDraw],
    start: u64,
    stop: u64,
) -> Result<Chunk, TrialError> {
    let params = &group[0];
    let n_arms = design.arms.len();
    let sim = FastSimulator {
        rtol: design.rtol,
        atol: design.atol,
        ..FastSimulator::default()
    };
    // A model that cannot be built is a design error (an unknown parameter, a draw out of
    // range): that stops the trial. A solver failure is the patient's: recorded, skipped.
    let prepared: Vec<_> = (start..stop)
        .into_par_iter()
        .map(|id| {
            let arm = arm_of(design.seed, n_arms, id);
            let draw = design
                .population
                .draw(design.seed, id, design.dropout_per_year)?;
            let pm = patient_model(design, arm, &draw, params).map_err(|message| {
                TrialError::Patient {
                    patient: id,
                    arm: design.arms[arm].clone(),
                    draw: params.id,
                    message,
                }
            })?;
            let (model, burn_h) = (pm.model, pm.burn_in_h);
            let key = format!(
                "{:?}|{:?}|{:?}",
                model.core().params(),
                model.k_params(),
                model.person()
            );
            Ok((id, arm, draw, model, burn_h, key))
        })
        .collect::<Result<_, TrialError>>()?;
    // Patients with the same model share one burn-in (branched at each one's age).
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in prepared.iter().enumerate() {
        groups.entry(p.5.as_str()).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = groups.into_values().collect();
    type Enrolled = Result<Vec<f64>, String>;
    let states: Vec<Vec<(usize, Enrolled)>> = groups
        .par_iter()
        .map(|g| {
            let p0 = &prepared[g[0]];
            let times: Vec<f64> = g.iter().map(|&i| prepared[i].4).collect();
            match burn_in(&sim, &p0.3, &times) {
                Ok(ys) => g.iter().copied().zip(ys.into_iter().map(Ok)).collect(),
                Err(message) => g.iter().map(|&i| (i, Err(message.clone()))).collect(),
            }
        })
        .collect();
    let mut y_enrol: Vec<Result<Vec<f64>, String>> = vec![Err("no burn-in".into()); prepared.len()];
    for (i, y) in states.into_iter().flatten() {
        y_enrol[i] = y;
    }
    let outcomes: Vec<Result<Vec<PatientResult>, PatientFailure>> = prepared
        .par_iter()
        .zip(&y_enrol)
        .map(|(p, y)| {
            let failure = |stage: &str, message: String| PatientFailure {
                patient_id: p.0,
                arm: design.arms[p.1].clone(),
                draw_id: params.id,
                stage: stage.to_string(),
                age_years: p.2.covariates.age_years,
                d25_nmol_l: p.2.covariates.d25_nmol_l,
                message,
            };
            let y = y.as_ref().map_err(|m| failure("burn-in", m.clone()))?;
            simulate_patient_draws(design, group, p.0, p.1, &p.2, Some(y))
                .map_err(|e| failure("treatment", e.to_string()))
        })
        .collect();
    let mut done = Vec::with_capacity(outcomes.len());
    let mut failed = Vec::new();
    for o in outcomes {
        match o {
            Ok(r) => done.extend(r),
            Err(f) => failed.push(f),
        }
    }
    Ok((done, failed))
}

fn write_summary(summary: &TrialSummary, out_dir: &Path, shard: Shard) -> Result<(), TrialError> {
    let suffix = if shard.count == 1 {
        String::new()
    } else {
        format!("-{}-of-{}", shard.index, shard.count)
    };
    let json = out_dir.join(format!("summary{suffix}.json"));
    let csv = out_dir.join(format!("summary{suffix}.csv"));
    let io = |p: &Path, e: std::io::Error| TrialError::Io {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    std::fs::write(
        &json,
        serde_json::to_string_pretty(summary).expect("summary serialises"),
    )
    .map_err(|e| io(&json, e))?;
    std::fs::write(&csv, summary.to_csv()).map_err(|e| io(&csv, e))
}

/// Combines the shards found in `dirs` (their `run-*.json` and Parquet parts) into the
/// summary of one run, written to `out_dir` as `summary.json` and `summary.csv`.
pub fn merge(dirs: &[PathBuf], out_dir: &Path) -> Result<TrialSummary, TrialError> {
    let mut parts: Vec<(RunMeta, PathBuf)> = Vec::new();
    for d in dirs {
        let entries = std::fs::read_dir(d).map_err(|e| TrialError::Io {
            path: d.display().to_string(),
            message: e.to_string(),
        })?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !(name.starts_with("run") && name.ends_with(".json")) {
                continue;
            }
            let text = std::fs::read_to_string(e.path()).map_err(|err| TrialError::Io {
                path: e.path().display().to_string(),
                message: err.to_string(),
            })?;
            let meta: RunMeta = serde_json::from_str(&text).map_err(|err| TrialError::Data {
                path: e.path().display().to_string(),
                message: err.to_string(),
            })?;
            let pq = if meta.shard_count == 1 {
                d.join("patients.parquet")
            } else {
                d.join(format!(
                    "patients-{}-of-{}.parquet",
                    meta.shard_index, meta.shard_count
                ))
            };
            parts.push((meta, pq));
        }
    }
    let Some((first, _)) = parts.first().cloned() else {
        return Err(TrialError::Merge(
            "no run*.json in the given folders".into(),
        ));
    };
    let same = |m: &RunMeta| RunMeta {
        shard_index: 0,
        first_patient: 0,
        end_patient: 0,
        failures: Vec::new(),
        ..m.clone()
    };
    for (m, p) in &parts {
        if same(m) != same(&first) {
            return Err(TrialError::Merge(format!(
                "{} is from another trial or another shard count than {}",
                p.display(),
                parts[0].1.display()
            )));
        }
    }
    parts.sort_by_key(|(m, _)| m.shard_index);
    let indices: Vec<usize> = parts.iter().map(|(m, _)| m.shard_index).collect();
    let want: Vec<usize> = (0..first.shard_count).collect();
    if indices != want {
        return Err(TrialError::Merge(format!(
            "shards found: {indices:?}; need each of 0..{} exactly once",
            first.shard_count
        )));
    }
    let files: Vec<PathBuf> = parts.iter().map(|(_, p)| p.clone()).collect();
    let merged = RunMeta {
        shard_index: 0,
        shard_count: 1,
        first_patient: parts[0].0.first_patient,
        end_patient: parts[parts.len() - 1].0.end_patient,
        failures: parts.iter().flat_map(|(m, _)| m.failures.clone()).collect(),
        ..first.clone()
    };
    let summary = summarize(&merged, &files)?;
    std::fs::create_dir_all(out_dir).map_err(|e| TrialError::Io {
        path: out_dir.display().to_string(),
        message: e.to_string(),
    })?;
    write_summary(&summary, out_dir, Shard::WHOLE)?;
    Ok(summary)
}
