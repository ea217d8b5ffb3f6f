//! The pages and their files, compiled into the binary (`include_bytes!`): the server never
//! reads a file for a request, and nothing is fetched from elsewhere (uPlot is vendored under
//! `assets/vendor/uplot` with its MIT licence). The page routes (`/simulate`, `/scenarios/{id}`,
//! …) all answer the one `index.html`, whose script shows the page the path names.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::ApiError;
use crate::AppState;

macro_rules! asset {
    ($name:literal, $file:literal, $mime:literal) => {
        (
            $name,
            $mime,
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $file)) as &[u8],
        )
    };
}

/// (URL name, media type, bytes) of every asset.
pub const ASSETS: &[(&str, &str, &[u8])] = &[
    asset!("style.css", "assets/style.css", "text/css; charset=utf-8"),
    asset!("app.js", "assets/app.js", "text/javascript; charset=utf-8"),
    asset!(
        "charts.js",
        "assets/charts.js",
        "text/javascript; charset=utf-8"
    ),
    asset!(
        "simulate.js",
        "assets/simulate.js",
        "text/javascript; charset=utf-8"
    ),
    asset!(
        "trial.js",
        "assets/trial.js",
        "text/javascript; charset=utf-8"
    ),
    asset!(
        "evidence.js",
        "assets/evidence.js",
        "text/javascript; charset=utf-8"
    ),
    asset!(
        "diet.js",
        "assets/diet.js",
        "text/javascript; charset=utf-8"
    ),
    asset!(
        "example-studies.csv",
        "../../validation/metafor/bcg.csv",
        "text/csv; charset=utf-8"
    ),
    asset!(
        "uPlot.iife.min.js",
        "assets/vendor/uplot/uPlot.iife.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!(
        "uPlot.min.css",
        "assets/vendor/uplot/uPlot.min.css",
        "text/css; charset=utf-8"
    ),
    asset!(
        "uPlot-LICENSE.txt",
        "assets/vendor/uplot/LICENSE",
        "text/plain; charset=utf-8"
    ),
];

const INDEX: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/index.html"));

/// The page routes (each answers `index.html`) and `/assets/{name}`.
pub fn routes() -> Router<AppState> {
    let mut r = Router::new()
        .route("/", get(index))
        .route("/assets/{name}", get(asset));
    for page in ["/simulate", "/trial", "/evidence", "/diet"] {
        r = r.route(page, get(index));
    }
    for saved in ["/scenarios/{id}", "/evidence/{id}", "/diet/{id}"] {
        r = r.route(saved, get(index));
    }
    r
}

/// The answer to any other path: JSON under `/api/`, text elsewhere.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::not_found("no such API route (see /api/openapi.json)").into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "not found (the app is at /)",
        )
            .into_response()
    }
}

async fn index() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        INDEX,
    )
        .into_response()
}

async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, bytes)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *bytes,
        )
            .into_response(),
        None => ApiError::not_found(format!("no asset `{name}`")).into_response(),
    }
}
