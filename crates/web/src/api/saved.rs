//! Saved runs: save a request (and its result), list them, reload one. A saved study's page is
//! `/scenarios/{id}`, a stable link: the id comes from the request's content.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use k2bone_app::saved::{SaveRequest, SavedKind, SavedList, SavedRun};
use k2bone_app::study_view::StudyViewRequest;

use super::{blocking, lock};
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// Where a saved run lives.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Saved {
    pub id: String,
    /// The page that reloads it.
    pub url: String,
    /// The API document of it.
    pub api_url: String,
}

/// The page of a saved run of `kind`.
pub fn page_url(kind: SavedKind, id: &str) -> String {
    match kind {
        SavedKind::Study => format!("/scenarios/{id}"),
        SavedKind::Meta => format!("/evidence/{id}"),
        SavedKind::Diary => format!("/diet/{id}"),
    }
}

pub async fn save(
    State(state): State<AppState>,
    body: Result<Json<SaveRequest>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Saved>)> {
    let Json(req) = body?;
    // A saved study must be a request the Simulate page can run again.
    if req.kind == SavedKind::Study {
        serde_json::from_value::<StudyViewRequest>(req.request.clone())
            .map_err(|e| ApiError::bad_input(format!("request: not a study request: {e}")))?;
    }
    let kind = req.kind;
    let id = blocking(move || lock(&state.inner.saved).save(&req)).await?;
    Ok((
        StatusCode::CREATED,
        Json(Saved {
            url: page_url(kind, &id),
            api_url: format!("/api/saved/{id}"),
            id,
        }),
    ))
}

pub async fn list(State(state): State<AppState>) -> ApiResult<Json<SavedList>> {
    let max = state.limits().max_list_rows;
    Ok(Json(
        blocking(move || lock(&state.inner.saved).list(max)).await?,
    ))
}

pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<SavedRun>> {
    if !(id.len() <= 32 && id.chars().all(|c| c.is_ascii_hexdigit())) {
        return Err(ApiError::not_found(format!("no saved run `{id}`")));
    }
    blocking(move || lock(&state.inner.saved).get(&id))
        .await
        .map(Json)
        .map_err(|e| {
            if e.kind == "bad_input" {
                ApiError::not_found(e.message)
            } else {
                e
            }
        })
}
