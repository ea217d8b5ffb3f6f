//! The Diet and warfarin page: food search (common names, aliases, household portions) and the
//! report of a day's (or week's) diary: µg per vitamer, top contributors, safety flags, and on a
//! vitamin K antagonist whatever `k2bone-app`'s diet report adds (the INR course, issue 14).

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;

use k2bone_app::diary::{diary_report, DiaryRequest};
use k2bone_app::diet::DietLogReport;
use k2bone_app::foods::FoodSearch;

use super::{blocking, lock};
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// A food search.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FoodQuery {
    /// Words to look for, e.g. `gouda` or `natto`.
    pub q: String,
    /// Most results (default 10; accepted 1 to the server's list limit).
    pub limit: Option<usize>,
}

pub async fn foods(
    State(state): State<AppState>,
    q: Result<Query<FoodQuery>, QueryRejection>,
) -> ApiResult<Json<FoodSearch>> {
    let Query(q) = q?;
    let max = state.limits().max_list_rows;
    let limit = q.limit.unwrap_or(10);
    if !(1..=max).contains(&limit) {
        return Err(ApiError::bad_input(format!(
            "limit = {limit} is out of range (accepted: 1 to {max})"
        )));
    }
    let found = blocking(move || lock(&state.inner.foods).search(&q.q, limit)).await?;
    Ok(Json(found))
}

pub async fn report(
    State(state): State<AppState>,
    body: Result<Json<DiaryRequest>, JsonRejection>,
) -> ApiResult<Json<DietLogReport>> {
    let Json(req) = body?;
    let report = blocking(move || diary_report(&lock(&state.inner.foods), &req)).await?;
    Ok(Json(report))
}
