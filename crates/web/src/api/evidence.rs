//! The Evidence page: the trial database (filter, CSV download), an outcome pooled over it, and
//! a meta-analysis of the user's own CSV, with forest and funnel plots as SVG. `?format=csv` on
//! the two analyses answers the weighted studies as CSV instead of JSON.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use k2bone_app::figures::{analyze_view, meta_view, AnalyzeViewRequest, MetaViewRequest};
use k2bone_app::text::Csv;
use k2bone_trialdb::trial_db::TrialFilter;

use super::{blocking, lock};
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// Filters of the trial list; none = every row.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrialQuery {
    /// Outcome name, e.g. `bmd_lumbar_spine`.
    pub outcome: Option<String>,
    /// `K1`, `MK-4` or `MK-7`.
    pub k_form: Option<String>,
    pub study_id: Option<String>,
}

/// `?format=csv` or JSON (default).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

impl FormatQuery {
    fn csv(&self) -> ApiResult<bool> {
        match self.format.as_deref() {
            None | Some("json") => Ok(false),
            Some("csv") => Ok(true),
            Some(other) => Err(ApiError::bad_input(format!(
                "format = `{other}` (accepted: json, csv)"
            ))),
        }
    }
}

fn filter(q: TrialQuery) -> TrialFilter {
    let clean = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    TrialFilter {
        outcome: clean(q.outcome),
        k_form: clean(q.k_form),
        study_id: clean(q.study_id),
    }
}

fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub async fn trials(
    State(state): State<AppState>,
    q: Result<Query<TrialQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q?;
    let f = filter(q);
    let rows = blocking(move || lock(&state.inner.trials).list(&f)).await?;
    Ok(Json(rows).into_response())
}

pub async fn trials_csv(
    State(state): State<AppState>,
    q: Result<Query<TrialQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q?;
    let f = filter(q);
    let rows = blocking(move || lock(&state.inner.trials).list(&f)).await?;
    Ok(csv_response("k2bone-trials.csv", Csv(&rows).to_string()))
}

pub async fn analyze(
    State(state): State<AppState>,
    q: Result<Query<FormatQuery>, QueryRejection>,
    body: Result<Json<AnalyzeViewRequest>, JsonRejection>,
) -> ApiResult<Response> {
    let Query(q) = q?;
    let Json(req) = body?;
    let csv = q.csv()?;
    let view = blocking(move || analyze_view(&lock(&state.inner.trials), &req)).await?;
    Ok(if csv {
        csv_response(
            &format!("{}-pooled.csv", view.analysis.outcome),
            Csv(&view.analysis).to_string(),
        )
    } else {
        Json(view).into_response()
    })
}

pub async fn meta(
    q: Result<Query<FormatQuery>, QueryRejection>,
    body: Result<Json<MetaViewRequest>, JsonRejection>,
) -> ApiResult<Response> {
    let Query(q) = q?;
    let Json(req) = body?;
    let csv = q.csv()?;
    let view = blocking(move || meta_view(&req)).await?;
    Ok(if csv {
        csv_response("meta-analysis.csv", Csv(&view.analysis).to_string())
    } else {
        Json(view).into_response()
    })
}
