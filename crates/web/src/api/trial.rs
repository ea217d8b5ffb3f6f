//! The Virtual trial page's run (`POST /api/trials`). The trial engine (issue 12) is not yet a
//! `k2bone-app` use case, so this answers 501 until `k2bone_app::USE_CASES` has `trial`; then
//! this handler submits `k2bone_app::trial`'s run as a job, like [`super::study::submit`], with
//! the population checked against [`crate::Limits::max_patients_per_arm`]. The page is built
//! against this route and the jobs API already. The web app never runs a trial engine of its own.

use axum::http::StatusCode;

use crate::error::ApiError;

/// Whether this build has the trial use case.
pub fn available() -> bool {
    k2bone_app::USE_CASES.contains(&"trial")
}

pub async fn submit() -> ApiError {
    ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "not_available",
        "virtual trials are not in this build's application layer yet (issue 12); \
         `k2bone trial` will bring them",
    )
}
