//! Jobs: poll (`GET /api/jobs/{id}`), follow as server-sent events (`/events`: one `progress`
//! event per change, then one `done`, `failed` or `cancelled` event carrying the status), cancel
//! (`DELETE`).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures_util::stream::Stream;

use crate::error::ApiResult;
use crate::jobs::{JobState, JobStatus};
use crate::AppState;

pub async fn status(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<JobStatus>> {
    Ok(Json(state.jobs().status(&id)?))
}

pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<JobStatus>> {
    Ok(Json(state.jobs().cancel(&id)?))
}

/// How often the event stream looks at the job.
const TICK: Duration = Duration::from_millis(200);

pub async fn events(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    state.jobs().status(&id)?;
    // (state, id, last progress sent, finished)
    let stream = futures_util::stream::unfold(
        (state, id, None::<(JobState, u64, String)>, false),
        |(state, id, last, finished)| async move {
            if finished {
                return None;
            }
            loop {
                let Ok(mut s) = state.jobs().status(&id) else {
                    let ev = Event::default()
                        .event("failed")
                        .data(r#"{"error":{"kind":"not_found","message":"the job was dropped"}}"#);
                    return Some((Ok(ev), (state, id, last, true)));
                };
                if s.state.is_finished() {
                    let name = match s.state {
                        JobState::Done => "done",
                        JobState::Cancelled => "cancelled",
                        _ => "failed",
                    };
                    // The result itself is fetched with GET (it can be large).
                    s.result = None;
                    let data = serde_json::to_string(&s).unwrap_or_default();
                    let ev = Event::default().event(name).data(data);
                    return Some((Ok(ev), (state, id, last, true)));
                }
                let now = (s.state, (s.progress * 1000.0) as u64, s.task.clone());
                if last.as_ref() != Some(&now) {
                    let data = serde_json::to_string(&s).unwrap_or_default();
                    let ev = Event::default().event("progress").data(data);
                    return Some((Ok(ev), (state, id, Some(now), false)));
                }
                tokio::time::sleep(TICK).await;
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
