//! The JSON API under `/api/`, one file per page: [`study`] (Simulate), [`trial`] (Virtual
//! trial), [`evidence`] (Evidence), [`diet`] (Diet and warfarin), [`saved`] (saved runs and
//! their links), [`jobs`] (progress and cancel of long runs). Each handler parses the request,
//! calls one `k2bone-app` use case and answers its result.

pub mod diet;
pub mod evidence;
pub mod jobs;
pub mod saved;
pub mod study;
pub mod trial;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// Every API route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/info", get(info))
        .route("/api/openapi.json", get(crate::openapi::handler))
        .route("/api/builtins", get(study::builtins))
        .route("/api/builtins/{name}", get(study::builtin))
        .route("/api/studies", post(study::submit))
        .route("/api/trials", post(trial::submit))
        .route("/api/trials/examples", get(trial::examples))
        .route("/api/jobs/{id}", get(jobs::status).delete(jobs::cancel))
        .route("/api/jobs/{id}/events", get(jobs::events))
        .route("/api/jobs/{id}/files/{name}", get(trial::file))
        .route("/api/evidence/trials", get(evidence::trials))
        .route("/api/evidence/trials.csv", get(evidence::trials_csv))
        .route("/api/evidence/analyze", post(evidence::analyze))
        .route("/api/meta", post(evidence::meta))
        .route("/api/foods", get(diet::foods))
        .route("/api/diet/report", post(diet::report))
        .route("/api/saved", get(saved::list).post(saved::save))
        .route("/api/saved/{id}", get(saved::get))
}

/// What this server is and allows (`GET /api/info`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Info {
    pub version: String,
    /// The use cases this build offers; the pages hide what depends on a missing one.
    pub use_cases: Vec<String>,
    pub limits: InfoLimits,
    pub jobs_running: usize,
    pub jobs_queued: usize,
    pub disclaimer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct InfoLimits {
    pub max_body_bytes: usize,
    pub max_running: usize,
    pub max_queued: usize,
    pub max_duration_days: f64,
    pub max_arms: usize,
    pub max_output_rows: usize,
    pub max_patients_per_arm: usize,
}

pub async fn info(State(state): State<AppState>) -> Json<Info> {
    let l = state.limits();
    let (running, queued) = state.jobs().load();
    Json(Info {
        version: env!("CARGO_PKG_VERSION").to_string(),
        use_cases: k2bone_app::USE_CASES
            .iter()
            .map(|s| s.to_string())
            .collect(),
        limits: InfoLimits {
            max_body_bytes: l.max_body_bytes,
            max_running: l.max_running,
            max_queued: l.max_queued,
            max_duration_days: l.study.max_duration_days,
            max_arms: l.study.max_arms,
            max_output_rows: l.study.max_output_rows,
            max_patients_per_arm: l.max_patients_per_arm,
        },
        jobs_running: running,
        jobs_queued: queued,
        disclaimer: k2bone_report::disclaimer::DISCLAIMER.to_string(),
    })
}

/// Runs `f` on a blocking thread (database and statistics calls) and maps its error.
pub(crate) async fn blocking<T, F>(f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> k2bone_app::AppResult<T> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("the request stopped: {e}")))?
        .map_err(ApiError::from)
}

/// The lock of a database, even if a panicking request poisoned it.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
