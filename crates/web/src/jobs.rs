//! Long runs as jobs: a bounded queue (at most `max_running` compute at once, `max_queued` wait;
//! one more is refused with 503, never a crash), progress through `k2bone-app`'s [`Progress`]
//! observer (the third implementation after the CLI's bar and `Silent`), read by polling
//! (`GET /api/jobs/{id}`) or as server-sent events (`/events`), and cancel through its
//! [`Cancel`] flag, which reaches the solver.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;
use tokio::sync::Semaphore;

use k2bone_app::{AppError, AppResult, Cancel, Progress};

use crate::error::{ApiError, ErrorDetail};
use crate::Limits;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl JobState {
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            JobState::Done | JobState::Failed | JobState::Cancelled
        )
    }
}

/// A job as `GET /api/jobs/{id}` answers it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct JobStatus {
    pub id: String,
    /// The use case, e.g. `study`.
    pub kind: String,
    pub state: JobState,
    /// Fraction done, 0 to 1.
    pub progress: f64,
    /// What it is doing, e.g. "simulating 2 arms".
    pub task: String,
    /// Jobs ahead of it in the queue (0 when running or finished).
    pub queue_position: usize,
    /// Seconds since it was submitted (to its end once finished).
    pub seconds: f64,
    /// The use case's result, once done.
    pub result: Option<serde_json::Value>,
    /// Why it failed or stopped.
    pub error: Option<ErrorDetail>,
}

/// The answer to a submitted job (202).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct JobCreated {
    pub id: String,
    /// Poll here.
    pub status_url: String,
    /// Server-sent events of progress here.
    pub events_url: String,
}

/// Progress of one job, written by the run's threads.
#[derive(Default)]
struct JobProgress {
    fraction_bits: AtomicU64,
    task: Mutex<String>,
}

impl Progress for JobProgress {
    fn update(&self, task: &str, fraction: f64) {
        self.fraction_bits
            .store(fraction.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
        let mut t = self.task.lock().unwrap_or_else(|e| e.into_inner());
        if t.as_str() != task {
            *t = task.to_string();
        }
    }
}

struct Outcome {
    state: JobState,
    result: Option<serde_json::Value>,
    error: Option<ErrorDetail>,
    finished: Option<Instant>,
}

struct Job {
    id: String,
    kind: String,
    seq: u64,
    submitted: Instant,
    cancel: Cancel,
    progress: JobProgress,
    outcome: Mutex<Outcome>,
    /// The job's run folder (its files, for download), removed when the job is dropped.
    folder: Option<PathBuf>,
}

impl Job {
    fn state(&self) -> JobState {
        self.outcome.lock().unwrap_or_else(|e| e.into_inner()).state
    }

    fn set(&self, state: JobState, result: Option<serde_json::Value>, error: Option<ErrorDetail>) {
        let mut o = self.outcome.lock().unwrap_or_else(|e| e.into_inner());
        if o.state.is_finished() {
            return;
        }
        o.state = state;
        o.result = result;
        o.error = error;
        if state.is_finished() {
            o.finished = Some(Instant::now());
        }
    }
}

/// The server's jobs.
pub struct Jobs {
    slots: Arc<Semaphore>,
    jobs: Mutex<BTreeMap<String, Arc<Job>>>,
    next: AtomicU64,
    max_waiting_or_running: usize,
    max_kept: usize,
    started: Instant,
}

impl Jobs {
    pub fn new(limits: &Limits) -> Jobs {
        Jobs {
            slots: Arc::new(Semaphore::new(limits.max_running.max(1))),
            jobs: Mutex::new(BTreeMap::new()),
            next: AtomicU64::new(1),
            max_waiting_or_running: limits.max_running.max(1) + limits.max_queued,
            max_kept: limits.max_kept_jobs.max(1),
            started: Instant::now(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Arc<Job>>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// (running, queued) now.
    pub fn load(&self) -> (usize, usize) {
        let jobs = self.lock();
        let count = |s: JobState| jobs.values().filter(|j| j.state() == s).count();
        (count(JobState::Running), count(JobState::Queued))
    }

    /// Queues `run` (called on a blocking thread with the job's progress and cancel flag);
    /// 503 when the queue is full.
    pub fn submit<T, F>(&self, kind: &str, run: F) -> Result<JobCreated, ApiError>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&dyn Progress, &Cancel) -> AppResult<T> + Send + 'static,
    {
        self.submit_in(kind, None, run)
    }

    /// [`Jobs::submit`] for a run that writes into `folder`: the job owns it (its files are
    /// served by [`Jobs::file`] once done) and removes it when the job is dropped; when the
    /// queue is full the folder is removed at once.
    pub fn submit_in<T, F>(
        &self,
        kind: &str,
        folder: Option<PathBuf>,
        run: F,
    ) -> Result<JobCreated, ApiError>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&dyn Progress, &Cancel) -> AppResult<T> + Send + 'static,
    {
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        // Unguessable enough for a local server, unique by the sequence number.
        let nanos = self.started.elapsed().as_nanos() as u64;
        let id = format!(
            "{seq:x}-{:012x}",
            (nanos ^ seq.wrapping_mul(0x9e37_79b9_7f4a_7c15)) & 0xffff_ffff_ffff
        );
        let job = Arc::new(Job {
            id: id.clone(),
            kind: kind.to_string(),
            seq,
            submitted: Instant::now(),
            cancel: Cancel::new(),
            progress: JobProgress::default(),
            outcome: Mutex::new(Outcome {
                state: JobState::Queued,
                result: None,
                error: None,
                finished: None,
            }),
            folder,
        });
        let dropped = {
            let mut jobs = self.lock();
            let active = jobs.values().filter(|j| !j.state().is_finished()).count();
            if active >= self.max_waiting_or_running {
                drop(jobs);
                remove_folder(job.folder.as_deref());
                return Err(ApiError::busy(format!(
                    "the server is running or queueing {active} jobs (its most); try again shortly"
                )));
            }
            jobs.insert(id.clone(), job.clone());
            self.evict(&mut jobs)
        };
        for j in dropped {
            remove_folder(j.folder.as_deref());
        }
        let slots = self.slots.clone();
        tokio::spawn(async move {
            let Ok(_permit) = slots.acquire_owned().await else {
                return;
            };
            if job.cancel.is_cancelled() {
                job.set(JobState::Cancelled, None, Some(cancelled()));
                return;
            }
            job.set(JobState::Running, None, None);
            let worker = job.clone();
            let outcome = tokio::task::spawn_blocking(move || {
                run(&worker.progress, &worker.cancel).and_then(|r| {
                    serde_json::to_value(r)
                        .map_err(|e| AppError::failed(format!("encoding the result: {e}")))
                })
            })
            .await;
            match outcome {
                Ok(Ok(value)) => job.set(JobState::Done, Some(value), None),
                Ok(Err(e)) => {
                    let e = ApiError::from(e);
                    let state = if e.kind == "cancelled" {
                        JobState::Cancelled
                    } else {
                        JobState::Failed
                    };
                    job.set(state, None, Some(e.body().error));
                }
                Err(join) => job.set(
                    JobState::Failed,
                    None,
                    Some(
                        ApiError::internal(format!("the run stopped: {join}"))
                            .body()
                            .error,
                    ),
                ),
            }
        });
        Ok(JobCreated {
            status_url: format!("/api/jobs/{id}"),
            events_url: format!("/api/jobs/{id}/events"),
            id,
        })
    }

    /// Drops the oldest finished jobs beyond the number kept (their folders are removed by the
    /// caller, outside the lock).
    fn evict(&self, jobs: &mut BTreeMap<String, Arc<Job>>) -> Vec<Arc<Job>> {
        let mut finished: Vec<(u64, String)> = jobs
            .values()
            .filter(|j| j.state().is_finished())
            .map(|j| (j.seq, j.id.clone()))
            .collect();
        if finished.len() <= self.max_kept {
            return Vec::new();
        }
        finished.sort();
        let excess = finished.len() - self.max_kept;
        finished
            .into_iter()
            .take(excess)
            .filter_map(|(_, id)| jobs.remove(&id))
            .collect()
    }

    /// The file `relative` of finished job `id`'s run folder (404 if the job is unknown, has
    /// no folder or is not done). `relative` comes from the caller's fixed list, never from a
    /// request.
    pub fn file(&self, id: &str, relative: &str) -> Result<PathBuf, ApiError> {
        let job = self.lock().get(id).ok_or_else(|| unknown(id))?.clone();
        let Some(folder) = &job.folder else {
            return Err(ApiError::not_found(format!(
                "job `{id}` ({}) has no files",
                job.kind
            )));
        };
        if job.state() != JobState::Done {
            return Err(ApiError::not_found(format!(
                "job `{id}` is not done; its files are served once it is"
            )));
        }
        Ok(folder.join(relative))
    }

    /// The status of job `id` (404 if unknown or dropped).
    pub fn status(&self, id: &str) -> Result<JobStatus, ApiError> {
        let (job, ahead) = {
            let jobs = self.lock();
            let job = jobs.get(id).ok_or_else(|| unknown(id))?.clone();
            let ahead = jobs
                .values()
                .filter(|j| j.seq < job.seq && j.state() == JobState::Queued)
                .count();
            (job, ahead)
        };
        let o = job.outcome.lock().unwrap_or_else(|e| e.into_inner());
        let queue_position = if o.state == JobState::Queued {
            ahead
        } else {
            0
        };
        let end = o.finished.unwrap_or_else(Instant::now);
        let task = job
            .progress
            .task
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let status = JobStatus {
            id: job.id.clone(),
            kind: job.kind.clone(),
            state: o.state,
            progress: if o.state == JobState::Done {
                1.0
            } else {
                f64::from_bits(job.progress.fraction_bits.load(Ordering::Relaxed))
            },
            task,
            queue_position,
            seconds: end.duration_since(job.submitted).as_secs_f64(),
            result: o.result.clone(),
            error: o.error.clone(),
        };
        Ok(status)
    }

    /// Asks job `id` to stop (a queued job never starts; a running one stops at the solver's
    /// next step). Finished jobs are left as they are.
    pub fn cancel(&self, id: &str) -> Result<JobStatus, ApiError> {
        {
            let jobs = self.lock();
            let job = jobs.get(id).ok_or_else(|| unknown(id))?;
            job.cancel.cancel();
            if job.state() == JobState::Queued {
                job.set(JobState::Cancelled, None, Some(cancelled()));
            }
        }
        self.status(id)
    }
}

fn remove_folder(folder: Option<&Path>) {
    if let Some(f) = folder {
        let _ = std::fs::remove_dir_all(f);
    }
}

fn unknown(id: &str) -> ApiError {
    ApiError::not_found(format!(
        "no job `{id}` (finished jobs are kept for a while, then dropped)"
    ))
}

fn cancelled() -> ErrorDetail {
    ErrorDetail {
        kind: "cancelled".into(),
        message: "cancelled".into(),
    }
}
