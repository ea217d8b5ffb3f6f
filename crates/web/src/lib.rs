//! # k2bone-web: the local web app
//!
//! A second thin face over `k2bone-app`, like the CLI: [`router`] builds the axum router of the
//! JSON API (`/api/…`, described by `/api/openapi.json`) and the embedded pages (`/`, `/assets/…`,
//! `/scenarios/{id}`); every handler parses its request into a `k2bone-app` request, calls the
//! use case and answers its typed result as JSON. Nothing here computes.
//!
//! | concern | where |
//! |---|---|
//! | routes, shared state, limits, security headers | this file, [`guard`] |
//! | handlers, one file per page's use cases | [`api`] |
//! | long runs: a bounded queue, progress (SSE or polling), cancel | [`jobs`] |
//! | errors → HTTP status and JSON | [`error`] |
//! | the OpenAPI document, from the same types (schemars) | [`openapi`] |
//! | pages, scripts, uPlot (vendored, MIT) | [`assets`] |
//!
//! The server binds 127.0.0.1 unless told otherwise (`k2bone serve --bind`); no request path
//! reaches the file system (assets are compiled in, scenarios and data come in the body). A
//! virtual trial writes into its own folder of the server's run folder (`DATA/web-runs/server-…`,
//! removed with its job and when the server stops); its files are served from a fixed list of
//! names (`api::trial::FILES`).

pub mod api;
pub mod assets;
pub mod error;
pub mod guard;
pub mod jobs;
pub mod openapi;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use axum::extract::DefaultBodyLimit;
use axum::Router;

use k2bone_app::evidence::TrialDb;
use k2bone_app::foods::Foods;
use k2bone_app::saved::SavedRuns;
use k2bone_app::study_view::StudyLimits;
use k2bone_app::AppResult;

pub use error::ApiError;
pub use jobs::Jobs;

/// What one request may ask for, and how many runs the server takes at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Largest request body, bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Runs computing at once (one per core is the sensible most).
    pub max_running: usize,
    /// Runs waiting for a slot; one more is refused with 503 and `Retry-After`.
    pub max_queued: usize,
    /// Finished jobs kept for polling (oldest dropped first).
    pub max_kept_jobs: usize,
    /// Per study: duration, arms, output rows.
    pub study: StudyLimits,
    /// Most patients per arm of a virtual trial.
    pub max_patients_per_arm: usize,
    /// Most rows a food search or trial list returns.
    pub max_list_rows: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: 1 << 20,
            max_running: 2,
            max_queued: 8,
            max_kept_jobs: 64,
            study: StudyLimits::default(),
            max_patients_per_arm: 2000,
            max_list_rows: 200,
        }
    }
}

/// The server's state: the opened databases (one connection each, behind a lock), the jobs
/// and the limits.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub data_dir: PathBuf,
    pub foods: Mutex<Foods>,
    pub trials: Mutex<TrialDb>,
    pub saved: Mutex<SavedRuns>,
    pub jobs: Jobs,
    /// This server's run folder (`DATA/web-runs/server-…`): one sub-folder per trial job,
    /// removed with its job, the whole folder when the server stops.
    pub runs: tempfile::TempDir,
    pub limits: Limits,
    /// Host names accepted in the `Host` header (DNS-rebinding guard); empty = any.
    pub allowed_hosts: RwLock<Vec<String>>,
}

impl AppState {
    /// Opens (creating on first use) the database in `data_dir`, and a run folder in it.
    pub fn open(data_dir: &Path, limits: Limits) -> AppResult<AppState> {
        let runs_parent = data_dir.join("web-runs");
        let runs = std::fs::create_dir_all(&runs_parent)
            .and_then(|()| {
                tempfile::Builder::new()
                    .prefix("server-")
                    .tempdir_in(&runs_parent)
            })
            .map_err(|e| {
                k2bone_app::AppError::failed(format!(
                    "cannot create a run folder in {}: {e}",
                    runs_parent.display()
                ))
            })?;
        Ok(AppState {
            inner: Arc::new(Inner {
                data_dir: data_dir.to_path_buf(),
                foods: Mutex::new(Foods::open(Some(data_dir))?),
                trials: Mutex::new(TrialDb::open(Some(data_dir))?),
                saved: Mutex::new(SavedRuns::open(Some(data_dir))?),
                jobs: Jobs::new(&limits),
                runs,
                limits,
                allowed_hosts: RwLock::new(Vec::new()),
            }),
        })
    }

    /// Accept only these host names in the `Host` header (ports are ignored).
    pub fn set_allowed_hosts(&self, hosts: Vec<String>) {
        *self
            .inner
            .allowed_hosts
            .write()
            .unwrap_or_else(|e| e.into_inner()) = hosts;
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// This server's run folder.
    pub fn runs_dir(&self) -> &Path {
        self.inner.runs.path()
    }

    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    pub fn jobs(&self) -> &Jobs {
        &self.inner.jobs
    }
}

/// The whole app: API, OpenAPI document, pages and assets, with the body limit and the
/// security headers on every response.
pub fn router(state: AppState) -> Router {
    let body_limit = state.inner.limits.max_body_bytes;
    Router::new()
        .merge(api::routes())
        .merge(assets::routes())
        .fallback(assets::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// Host names a server bound to `addr` answers to: the loopback names for a loopback address,
/// any for another (the user chose to expose it).
pub fn default_allowed_hosts(addr: &SocketAddr) -> Vec<String> {
    if addr.ip().is_loopback() {
        vec![
            "localhost".into(),
            "127.0.0.1".into(),
            "[::1]".into(),
            addr.ip().to_string(),
        ]
    } else {
        Vec::new()
    }
}

/// Serves `state` on `addr` until Ctrl-C; `on_ready` gets the bound address (port 0 = any).
pub async fn serve(
    addr: SocketAddr,
    state: AppState,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    state.set_allowed_hosts(default_allowed_hosts(&bound));
    on_ready(bound);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// [`serve`] on a runtime of its own (for `k2bone serve`, which has none).
pub fn serve_blocking(
    addr: SocketAddr,
    state: AppState,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(addr, state, on_ready))
}
