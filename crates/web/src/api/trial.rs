//! The Virtual trial page: the shipped example trials with their designs
//! (`GET /api/trials/examples`), and a trial run as a job (`POST /api/trials`, 202) of
//! `k2bone_app::trial::run_trial` into a folder of the server's run folder, then
//! `k2bone_app::trial::compare` when the design mirrors a trial of the evidence database. The
//! run's files are served by `GET /api/jobs/{id}/files/{name}` from the fixed list [`FILES`].
//!
//! The request is checked before it is queued (unknown example, bad TOML, patients per arm,
//! duration and arms against the server's [`Limits`]), so a refusal is a 422 naming the field,
//! not a failed job. The web app never runs a trial engine of its own.

use std::path::{Path, PathBuf};

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use k2bone_app::trial::TrialRequest;
use k2bone_app::trial::{compare, run_trial, TrialCompareRequest, TrialComparison, TrialOutput};
use k2bone_app::trial_examples::{
    describe, inline_text, InlineTrial, TrialDesignInfo, TrialExample,
};
use k2bone_app::{AppError, AppResult, Cancel, Progress};

use crate::error::{ApiError, ApiResult};
use crate::jobs::JobCreated;
use crate::{AppState, Limits};

/// A virtual trial to run (`POST /api/trials`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrialRunRequest {
    /// `{"example": "knapen-2013"}` or `{"toml": "schema = 1 …"}`.
    pub trial: InlineTrial,
    /// Patients per arm, instead of the file's `n_per_arm` (accepted: 1 to the server's
    /// `max_patients_per_arm`, see `GET /api/info`).
    #[serde(default)]
    pub n_per_arm: Option<usize>,
    /// Seed, instead of the file's `seed`.
    #[serde(default)]
    pub seed: Option<u64>,
}

/// The shipped example trials (`GET /api/trials/examples`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TrialExamples {
    pub examples: Vec<TrialExample>,
}

/// A file of a finished trial job (`GET /api/jobs/{id}/files/{name}`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RunFile {
    pub name: String,
    pub media_type: String,
    pub bytes: u64,
}

/// A trial job's result.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TrialRun {
    /// The design as run (with the request's patients per arm and seed).
    pub design: TrialDesignInfo,
    /// The run: its summary (`summary.json`); `written` is relative to the run's folder.
    pub output: TrialOutput,
    /// Simulated effects beside the real trial's (`trial compare`), when the design names an
    /// `evidence_study`.
    pub comparison: Option<TrialComparison>,
    /// Why there is no comparison.
    pub comparison_note: Option<String>,
    /// The run's files, served by `GET /api/jobs/{id}/files/{name}`.
    pub files: Vec<RunFile>,
    pub disclaimer: String,
}

/// A downloadable file: its name in the URL, its place in the run folder, its media type.
pub struct FileEntry {
    pub name: &'static str,
    pub relative: &'static str,
    pub media_type: &'static str,
}

/// Every file a trial job's folder may be asked for (nothing else is ever read).
pub const FILES: [FileEntry; 5] = [
    FileEntry {
        name: "summary.json",
        relative: "summary.json",
        media_type: "application/json",
    },
    FileEntry {
        name: "summary.csv",
        relative: "summary.csv",
        media_type: "text/csv",
    },
    FileEntry {
        name: "patients.parquet",
        relative: "patients.parquet",
        media_type: "application/vnd.apache.parquet",
    },
    FileEntry {
        name: "trial.svg",
        relative: "figures/trial.svg",
        media_type: "image/svg+xml",
    },
    FileEntry {
        name: "trial.toml",
        relative: "trial.toml",
        media_type: "application/toml",
    },
];

pub async fn examples() -> ApiResult<Json<TrialExamples>> {
    let examples = super::blocking(k2bone_app::trial_examples::examples).await?;
    Ok(Json(TrialExamples { examples }))
}

/// Checks and queues a trial (202); its result is a [`TrialRun`].
pub async fn submit(
    State(state): State<AppState>,
    body: Result<Json<TrialRunRequest>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<JobCreated>)> {
    let Json(req) = body?;
    let limits = *state.limits();
    let runs = state.runs_dir().to_path_buf();
    let prepared = super::blocking(move || prepare(&req, &limits, &runs)).await?;
    let folder = prepared.folder.clone();
    let created = state
        .jobs()
        .submit_in("trial", Some(folder), move |progress, cancel| {
            run(&prepared, progress, cancel)
        })?;
    Ok((StatusCode::ACCEPTED, Json(created)))
}

/// A checked request: what to run, its design, and its folder.
struct Prepared {
    request: TrialRequest,
    design: TrialDesignInfo,
    folder: PathBuf,
}

/// The one place the web app builds a [`TrialRequest`]: one thread per job (the queue bounds
/// how many run at once), the whole trial, with its figure.
fn trial_request(folder: &Path, n_per_arm: Option<usize>, seed: Option<u64>) -> TrialRequest {
    TrialRequest {
        trial: folder.join("trial.toml"),
        out: folder.to_path_buf(),
        n_per_arm,
        seed,
        // The file's `draws` (posterior draws of the bone response; default 50).
        draws: None,
        shard: None,
        threads: 1,
        plots: true,
    }
}

/// Reads the trial, checks it against the server's limits, and writes it into a new folder.
fn prepare(req: &TrialRunRequest, limits: &Limits, runs: &Path) -> AppResult<Prepared> {
    let cap = limits.max_patients_per_arm;
    if let Some(n) = req.n_per_arm {
        if n == 0 || n > cap {
            return Err(AppError::bad_input(format!(
                "n_per_arm = {n} is out of range for this server (accepted: 1 … {cap} patients per arm)"
            )));
        }
    }
    let (origin, text) = inline_text(&req.trial)?;
    let mut design = describe(&text, &origin)?;
    match req.n_per_arm {
        Some(n) => design.n_per_arm = n,
        None if design.n_per_arm > cap => {
            return Err(AppError::bad_input(format!(
                "{origin}: `n_per_arm` = {} is more than this server runs (accepted: 1 … {cap} \
                 patients per arm); set n_per_arm in the request",
                design.n_per_arm
            )))
        }
        None => {}
    }
    if let Some(s) = req.seed {
        design.seed = s;
    }
    let s = &limits.study;
    if design.duration_days > s.max_duration_days {
        return Err(AppError::bad_input(format!(
            "{origin}: `duration` = {} days is out of range for this server (accepted: up to {} days)",
            design.duration_days, s.max_duration_days
        )));
    }
    if design.arms.len() > s.max_arms {
        return Err(AppError::bad_input(format!(
            "{origin}: `arms`: {} arms is more than this server runs at once (accepted: up to {})",
            design.arms.len(),
            s.max_arms
        )));
    }
    let folder = tempfile::Builder::new()
        .prefix("trial-")
        .tempdir_in(runs)
        .map_err(|e| AppError::failed(format!("cannot create the trial's folder: {e}")))?
        .keep();
    std::fs::write(folder.join("trial.toml"), &text)
        .map_err(|e| AppError::failed(format!("cannot write the trial file: {e}")))?;
    Ok(Prepared {
        request: trial_request(&folder, req.n_per_arm, req.seed),
        design,
        folder,
    })
}

/// Runs the trial, then sets it beside the real trial when there is one.
fn run(p: &Prepared, progress: &dyn Progress, cancel: &Cancel) -> AppResult<TrialRun> {
    // Messages name files as the user knows them, not the server's folder.
    let prefix = format!("{}/", p.folder.display());
    let unmask = |e: AppError| AppError {
        kind: e.kind,
        message: e.message.replace(&prefix, ""),
    };
    let mut output = run_trial(&p.request, progress, cancel).map_err(unmask)?;
    for w in &mut output.written {
        if let Ok(r) = w.strip_prefix(&p.folder) {
            *w = r.to_path_buf();
        }
    }
    let (comparison, comparison_note) = match &output.summary.evidence_study {
        None => (
            None,
            Some(
                "the trial file names no `evidence_study`: there is no real trial to set it beside"
                    .into(),
            ),
        ),
        Some(_) => match compare(&TrialCompareRequest {
            dir: p.folder.clone(),
        }) {
            Ok(c) => (Some(c), None),
            Err(e) => (None, Some(unmask(e).message)),
        },
    };
    let files = FILES
        .iter()
        .filter_map(|f| {
            let m = std::fs::metadata(p.folder.join(f.relative)).ok()?;
            Some(RunFile {
                name: f.name.to_string(),
                media_type: f.media_type.to_string(),
                bytes: m.len(),
            })
        })
        .collect();
    Ok(TrialRun {
        design: p.design.clone(),
        output,
        comparison,
        comparison_note,
        files,
        disclaimer: k2bone_report::disclaimer::DISCLAIMER.to_string(),
    })
}

/// One file of a finished trial job (`GET /api/jobs/{id}/files/{name}`); the figure inline, the
/// others as downloads.
pub async fn file(
    State(state): State<AppState>,
    UrlPath((id, name)): UrlPath<(String, String)>,
) -> ApiResult<Response> {
    let Some(f) = FILES.iter().find(|f| f.name == name) else {
        let names: Vec<&str> = FILES.iter().map(|f| f.name).collect();
        return Err(ApiError::not_found(format!(
            "no file `{name}` (accepted: {})",
            names.join(", ")
        )));
    };
    let path = state.jobs().file(&id, f.relative)?;
    let bytes = tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .map_err(|e| ApiError::internal(format!("reading the file stopped: {e}")))?
        .map_err(|_| ApiError::not_found(format!("job `{id}` wrote no {name}")))?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(f.media_type));
    if f.media_type != "image/svg+xml" {
        let disposition = format!("attachment; filename=\"{}\"", f.name);
        if let Ok(v) = HeaderValue::from_str(&disposition) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    Ok(res)
}
