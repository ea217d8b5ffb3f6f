//! The Simulate page: the built-in scenarios (to start from) and studies as jobs.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use k2bone_app::builtins::{self, BuiltinInfo};
use k2bone_app::study_view::{study_view, StudyViewRequest};

use crate::error::ApiResult;
use crate::jobs::JobCreated;
use crate::AppState;

/// The built-in full-model scenarios (`GET /api/builtins`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Builtins {
    pub builtins: Vec<BuiltinInfo>,
}

pub async fn builtins() -> Json<Builtins> {
    Json(Builtins {
        builtins: builtins::all()
            .iter()
            .map(|b| b.info())
            .filter(|i| i.kind == "scenario")
            .collect(),
    })
}

/// One built-in scenario's TOML, to edit (`GET /api/builtins/{name}`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BuiltinScenario {
    pub name: String,
    pub description: String,
    pub toml: String,
}

pub async fn builtin(Path(name): Path<String>) -> ApiResult<Json<BuiltinScenario>> {
    let t = builtins::scenario(&name)?;
    Ok(Json(BuiltinScenario {
        name: t.name.to_string(),
        description: t.description.to_string(),
        toml: t.toml.to_string(),
    }))
}

/// Queues a study (`POST /api/studies`, 202); its result is a `StudyView`.
pub async fn submit(
    State(state): State<AppState>,
    body: Result<Json<StudyViewRequest>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<JobCreated>)> {
    let Json(req) = body?;
    let limits = state.limits().study;
    let created = state.jobs().submit("study", move |progress, cancel| {
        study_view(&req, &limits, progress, cancel)
    })?;
    Ok((StatusCode::ACCEPTED, Json(created)))
}
