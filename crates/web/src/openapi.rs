//! The OpenAPI 3.1 document of the API (`GET /api/openapi.json`), generated from the same types
//! the handlers take and answer: their JSON schemas come from `schemars` (the home of every
//! schema in k2bone, as for `docs/schema/`), draft 2020-12, which OpenAPI 3.1 uses as it is.
//! The route table here is checked against the router by `tests/api.rs`.

use axum::Json;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

use crate::api::diet::FoodQuery;
use crate::api::evidence::{FormatQuery, TrialQuery};
use crate::api::saved::Saved;
use crate::api::study::{BuiltinScenario, Builtins};
use crate::api::trial::{TrialExamples, TrialRun, TrialRunRequest};
use crate::api::Info;
use crate::error::ErrorBody;
use crate::jobs::{JobCreated, JobStatus};
use k2bone_app::diary::DiaryRequest;
use k2bone_app::diet::DietLogReport;
use k2bone_app::evidence::TrialRows;
use k2bone_app::figures::{AnalyzeView, AnalyzeViewRequest, MetaView, MetaViewRequest};
use k2bone_app::foods::FoodSearch;
use k2bone_app::saved::{SaveRequest, SavedList, SavedRun};
use k2bone_app::study_view::{StudyView, StudyViewRequest};

/// One operation: method, path, summary, query type, body type, (status, answer type or media).
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    query: Option<fn(&mut SchemaGenerator) -> Value>,
    body: Option<fn(&mut SchemaGenerator) -> Value>,
    status: u16,
    answer: Answer,
}

enum Answer {
    Json(fn(&mut SchemaGenerator) -> Value),
    Media(&'static str),
}

fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Value {
    g.subschema_for::<T>().to_value()
}

macro_rules! op {
    ($m:literal, $p:literal, $s:literal, query: $q:ty, body: $b:ty, $st:literal => $a:ty) => {
        Operation {
            method: $m,
            path: $p,
            summary: $s,
            query: Some(schema::<$q>),
            body: Some(schema::<$b>),
            status: $st,
            answer: Answer::Json(schema::<$a>),
        }
    };
    ($m:literal, $p:literal, $s:literal, query: $q:ty, $st:literal => $a:ty) => {
        Operation {
            method: $m,
            path: $p,
            summary: $s,
            query: Some(schema::<$q>),
            body: None,
            status: $st,
            answer: Answer::Json(schema::<$a>),
        }
    };
    ($m:literal, $p:literal, $s:literal, body: $b:ty, $st:literal => $a:ty) => {
        Operation {
            method: $m,
            path: $p,
            summary: $s,
            query: None,
            body: Some(schema::<$b>),
            status: $st,
            answer: Answer::Json(schema::<$a>),
        }
    };
    ($m:literal, $p:literal, $s:literal, $st:literal => $a:ty) => {
        Operation {
            method: $m,
            path: $p,
            summary: $s,
            query: None,
            body: None,
            status: $st,
            answer: Answer::Json(schema::<$a>),
        }
    };
}

/// Every operation of the API.
pub fn operations() -> Vec<Operation> {
    vec![
        op!("get", "/api/info", "Version, use cases of this build, limits and the disclaimer", 200 => Info),
        Operation { method: "get", path: "/api/openapi.json", summary: "This document", query: None, body: None, status: 200, answer: Answer::Media("application/json") },
        op!("get", "/api/builtins", "The built-in full-model scenarios", 200 => Builtins),
        op!("get", "/api/builtins/{name}", "One built-in scenario's TOML", 200 => BuiltinScenario),
        op!("post", "/api/studies", "Queue a multi-arm study; the job's result is a StudyView", body: StudyViewRequest, 202 => JobCreated),
        op!("post", "/api/trials", "Queue a virtual trial (an example or trial TOML); the job's result is a TrialRun", body: TrialRunRequest, 202 => JobCreated),
        op!("get", "/api/trials/examples", "The shipped example trials with their designs and TOML", 200 => TrialExamples),
        op!("get", "/api/jobs/{id}", "A job's state, progress and, once done, its result (a StudyView for a study, a TrialRun for a trial)", 200 => JobStatus),
        op!("delete", "/api/jobs/{id}", "Cancel a job", 200 => JobStatus),
        Operation { method: "get", path: "/api/jobs/{id}/files/{name}", summary: "A file of a finished trial job: summary.json, summary.csv, patients.parquet, trial.svg or trial.toml (404 until it is done)", query: None, body: None, status: 200, answer: Answer::Media("application/octet-stream") },
        Operation { method: "get", path: "/api/jobs/{id}/events", summary: "A job's progress as server-sent events: `progress`, then `done`, `failed` or `cancelled` (data: JobStatus without the result)", query: None, body: None, status: 200, answer: Answer::Media("text/event-stream") },
        op!("get", "/api/evidence/trials", "Trial rows of the evidence database", query: TrialQuery, 200 => TrialRows),
        Operation { method: "get", path: "/api/evidence/trials.csv", summary: "Trial rows as CSV", query: Some(schema::<TrialQuery>), body: None, status: 200, answer: Answer::Media("text/csv") },
        op!("post", "/api/evidence/analyze", "Pool one outcome over the trial database, with its forest plot (`?format=csv`: the weighted trials)", query: FormatQuery, body: AnalyzeViewRequest, 200 => AnalyzeView),
        op!("post", "/api/meta", "Meta-analysis of a CSV of studies, with forest and funnel plots (`?format=csv`: the weighted studies)", query: FormatQuery, body: MetaViewRequest, 200 => MetaView),
        op!("get", "/api/foods", "Search the food database", query: FoodQuery, 200 => FoodSearch),
        op!("post", "/api/diet/report", "Report on a food diary: vitamers per day, contributors, safety flags", body: DiaryRequest, 200 => DietLogReport),
        op!("get", "/api/saved", "Saved runs, newest first", 200 => SavedList),
        op!("post", "/api/saved", "Save a request and its result; answers its stable page URL", body: SaveRequest, 201 => Saved),
        op!("get", "/api/saved/{id}", "One saved run", 200 => SavedRun),
    ]
}

/// Query parameters from the query type's schema (top-level properties).
fn parameters(schema: &Value, g: &SchemaGenerator, path: &str) -> Vec<Value> {
    let mut out: Vec<Value> = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    // Resolve a $ref to the definition.
    let resolved = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .and_then(|name| g.definitions().get(name))
        .unwrap_or(schema);
    let required: Vec<&str> = resolved
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = resolved.get("properties").and_then(Value::as_object) {
        for (name, s) in props {
            out.push(json!({
                "name": name,
                "in": "query",
                "required": required.contains(&name.as_str()),
                "description": s.get("description").cloned().unwrap_or(Value::Null),
                "schema": s,
            }));
        }
    }
    out
}

/// The document.
pub fn document() -> Value {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let error = schema::<ErrorBody>(&mut g);
    // A job's `result` is untyped JSON; the study's and the trial's result types are listed
    // among the components so a client can read them (`#/components/schemas/StudyView`,
    // `TrialRun`).
    schema::<StudyView>(&mut g);
    schema::<TrialRun>(&mut g);
    let mut paths = Map::new();
    for op in operations() {
        let mut o = Map::new();
        o.insert("summary".into(), op.summary.into());
        let mut params = Vec::new();
        if let Some(q) = op.query {
            let s = q(&mut g);
            params = parameters(&s, &g, op.path);
        } else {
            params.extend(parameters(&json!({}), &g, op.path));
        }
        if !params.is_empty() {
            o.insert("parameters".into(), params.into());
        }
        if let Some(b) = op.body {
            o.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": b(&mut g)}}}),
            );
        }
        let content = match op.answer {
            Answer::Json(a) => json!({"application/json": {"schema": a(&mut g)}}),
            Answer::Media(m) => json!({ m: {} }),
        };
        let err = json!({"content": {"application/json": {"schema": error}}});
        o.insert(
            "responses".into(),
            json!({
                op.status.to_string(): {"description": "success", "content": content},
                "400": {"description": "the body or query is not JSON of the right shape (names the field)", "content": err["content"]},
                "413": {"description": "the body is larger than the server accepts", "content": err["content"]},
                "422": {"description": "bad input: the CLI's message, naming the field and the accepted range", "content": err["content"]},
                "503": {"description": "the job queue is full (Retry-After)", "content": err["content"]},
            }),
        );
        let entry = paths
            .entry(op.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        entry[op.method] = Value::Object(o);
    }
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "k2bone local web app API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": k2bone_report::disclaimer::DISCLAIMER,
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"},
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": g.take_definitions(true)},
    })
}

pub async fn handler() -> Json<Value> {
    Json(document())
}
