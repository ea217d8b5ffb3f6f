//! API tests: every endpoint of `/api/openapi.json` through the real router (tower `oneshot`, no
//! socket), the CLI's messages on bad input (400/413/415/422 naming the field), the limits, the
//! jobs (poll, server-sent events, cancel, a full queue), saved runs and their stable URLs, and
//! the guard (Host/Origin, headers, no path reaches the file system).
//!
//! Oracles: the meta-analysis of metafor's `dat.bcg` (RR, REML) against metafor's own documented
//! result (estimate −0.7145, SE 0.1798, τ² 0.3132: `?rma.uni` example, Viechtbauer 2010); a study's
//! chart ends where its `summary.json` ends (two different code paths of the report crate);
//! the trial CSV has one line per JSON row.

use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use tower::ServiceExt;

use k2bone_web::{router, AppState, Limits};

struct App {
    _dir: tempfile::TempDir,
    state: AppState,
}

fn app_with(limits: Limits) -> App {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(dir.path(), limits).unwrap();
    App { _dir: dir, state }
}

fn app() -> App {
    app_with(Limits::default())
}

impl App {
    fn router(&self) -> Router {
        router(self.state.clone())
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let res = self.router().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = to_bytes(res.into_body(), 64 << 20).await.unwrap().to_vec();
        (status, headers, body)
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let (s, _, b) = self
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let (s, _, b) = self
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        (s, String::from_utf8_lossy(&b).into_owned())
    }

    async fn post_raw(&self, path: &str, body: impl Into<Body>) -> (StatusCode, Value) {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.into())
            .unwrap();
        let (s, _, b) = self.send(req).await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.post_raw(path, body.to_string()).await
    }

    async fn delete(&self, path: &str) -> (StatusCode, Value) {
        let (s, _, b) = self
            .send(Request::delete(path).body(Body::empty()).unwrap())
            .await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    /// Polls a job until it is finished (at most 120 s).
    async fn wait(&self, id: &str) -> Value {
        let start = Instant::now();
        loop {
            let (s, v) = self.get(&format!("/api/jobs/{id}")).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            if ["done", "failed", "cancelled"].contains(&v["state"].as_str().unwrap()) {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "job {id} did not finish: {v}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn message(v: &Value) -> String {
    v["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

const SHORT: &str = "schema = 1\ntitle = \"short\"\n[simulation]\nduration = \"30 days\"\n[arms.mk7]\nmk7 = \"180 ug daily\"\n";

fn bcg() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../validation/metafor/bcg.csv"
    ))
    .unwrap()
}

#[tokio::test]
async fn every_documented_route_exists_and_every_ref_resolves() {
    let a = app();
    let (s, doc) = a.get("/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(
        paths.len(),
        k2bone_web::openapi::operations()
            .iter()
            .map(|o| o.path)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", "0").replace("{name}", "minimal");
            let req = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&concrete)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let (status, _, body) = a.send(req).await;
            let text = String::from_utf8_lossy(&body);
            // The route exists: not the fallback's "no such API route", not 405.
            assert!(
                !text.contains("no such API route"),
                "{method} {path}: {text}"
            );
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        }
    }
    // Every $ref points at a component.
    let comps = doc["components"]["schemas"].as_object().unwrap();
    assert!(comps.contains_key("StudyView") && comps.contains_key("StudyViewRequest"));
    assert!(comps.contains_key("TrialRun") && comps.contains_key("TrialRunRequest"));
    let text = doc.to_string();
    for r in text.split("\"$ref\":\"").skip(1) {
        let target = r.split('"').next().unwrap();
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("ref {target}"));
        assert!(comps.contains_key(name), "dangling $ref {target}");
    }
}

#[tokio::test]
async fn info_builtins_and_pages() {
    let a = app();
    let (s, info) = a.get("/api/info").await;
    assert_eq!(s, StatusCode::OK);
    assert!(info["disclaimer"]
        .as_str()
        .unwrap()
        .contains("not medical advice"));
    assert!(info["use_cases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u == "study_view"));
    assert_eq!(info["limits"]["max_arms"], 8);
    let (_, b) = a.get("/api/builtins").await;
    let names: Vec<&str> = b["builtins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"mk7-180-3y") && names.contains(&"minimal"),
        "{names:?}"
    );
    let (s, t) = a.get("/api/builtins/minimal").await;
    assert_eq!(s, StatusCode::OK);
    assert!(t["toml"].as_str().unwrap().contains("schema = 1"));
    let (s, e) = a.get("/api/builtins/no-such").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&e).contains("no-such"), "{e}");
    for page in [
        "/",
        "/simulate",
        "/trial",
        "/evidence",
        "/diet",
        "/scenarios/00ab",
        "/diet/12",
    ] {
        let (s, html) = a.get_text(page).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert!(
            html.contains("not medical advice") && html.contains("/assets/app.js"),
            "{page}"
        );
    }
    let (s, js) = a.get_text("/assets/uPlot.iife.min.js").await;
    assert_eq!(s, StatusCode::OK);
    assert!(js.contains("uPlot"));
    let (s, _) = a.get_text("/nothing-here").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, e) = a.get("/api/nothing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(e["error"]["kind"], "not_found");
}

#[tokio::test]
async fn a_study_runs_as_a_job_and_its_charts_end_at_the_summary() {
    let a = app();
    let (s, created) = a
        .post(
            "/api/studies",
            &json!({"scenario": {"toml": SHORT}, "max_points": 40}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{created}");
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["status_url"], format!("/api/jobs/{id}"));
    let job = a.wait(id).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["progress"], 1.0);
    let view = &job["result"];
    let arms = view["summary"]["arms"].as_array().unwrap();
    let names: Vec<&str> = arms.iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["placebo", "mk7"]);
    let bmd = view["charts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["topic"] == "bmd")
        .unwrap();
    let times = bmd["times_days"].as_array().unwrap();
    assert!(
        times.len() > 2 && times.len() <= 40,
        "{} points",
        times.len()
    );
    assert!((times.last().unwrap().as_f64().unwrap() - 30.0).abs() < 1.01);
    let panel = bmd["panels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"].as_str().unwrap().contains("Lumbar"))
        .unwrap();
    for (arm, series) in arms.iter().zip(panel["series"].as_array().unwrap()) {
        assert_eq!(series["label"], arm["name"]);
        let last = series["values"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .as_f64()
            .unwrap();
        let end = arm["end"]["bmd_lumbar_pct_change"].as_f64().unwrap();
        assert!(
            (last - end).abs() < 1e-9 * (1.0 + end.abs()),
            "{last} vs {end}"
        );
    }
    // MK-7 lowers ucOC/cOC against placebo (the carboxylation the model is about).
    let ratio = |i: usize| {
        arms[i]["end"]["ucoc_coc_ratio_pct_change"]
            .as_f64()
            .unwrap()
    };
    assert!(ratio(1) < ratio(0) - 10.0, "{} vs {}", ratio(1), ratio(0));
}

#[tokio::test]
async fn study_bad_inputs_name_the_field() {
    let a = app();
    let toml = |s: &str| json!({"scenario": {"toml": s}});
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (toml("schema = 1\n[person]\nage_years = 20\n[arms.a]\nmk7 = \"180 ug daily\"\n"), StatusCode::UNPROCESSABLE_ENTITY, "age_years"),
        (toml("schema = 1\n[simulation]\nduration = \"20 years\"\n[arms.a]\nmk7 = \"180 ug daily\"\n"), StatusCode::UNPROCESSABLE_ENTITY, "duration_days"),
        (toml("schema = 1\n[arms.a]\nmk7 = \"-5 ug daily\"\n"), StatusCode::UNPROCESSABLE_ENTITY, "mk7"),
        (toml("schema = 1\n[arms.a]\ndiet = \"week.csv\"\n"), StatusCode::UNPROCESSABLE_ENTITY, "week.csv"),
        (toml("this is not toml"), StatusCode::UNPROCESSABLE_ENTITY, "scenario"),
        (json!({"scenario": {"builtin": "minimal"}, "max_points": 1}), StatusCode::UNPROCESSABLE_ENTITY, "max_points"),
        (json!({"scenario": {"path": "/etc/passwd"}}), StatusCode::BAD_REQUEST, "scenario"),
        (json!({"scenario": {"builtin": "minimal"}, "extra": 1}), StatusCode::BAD_REQUEST, "extra"),
        (json!({"diets": {}}), StatusCode::BAD_REQUEST, "scenario"),
    ];
    let mut arms = String::from("schema = 1\n");
    for i in 0..9 {
        arms.push_str(&format!("[arms.a{i}]\nmk7 = \"{} ug daily\"\n", 10 + i));
    }
    let mut cases = cases;
    cases.push((toml(&arms), StatusCode::UNPROCESSABLE_ENTITY, "arms"));
    for (body, status, field) in cases {
        let (s, v) = a.post("/api/studies", &body).await;
        // Bad scenarios are found when the job runs (422 in the job) or at once (4xx).
        let (s, msg) = if s == StatusCode::ACCEPTED {
            let job = a.wait(v["id"].as_str().unwrap()).await;
            assert_eq!(job["state"], "failed", "{body}: {job}");
            assert_eq!(job["error"]["kind"], "bad_input", "{job}");
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                job["error"]["message"].as_str().unwrap().to_string(),
            )
        } else {
            (s, message(&v))
        };
        assert_eq!(s, status, "{body}: {msg}");
        assert!(
            msg.contains(field),
            "{body}: message does not name `{field}`: {msg}"
        );
    }
    // Not JSON, wrong content type, too large.
    let (s, v) = a.post_raw("/api/studies", "{not json").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let req = Request::post("/api/studies")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("{}"))
        .unwrap();
    let (s, _, _) = a.send(req).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = json!({"scenario": {"toml": "#".repeat(2 << 20)}}).to_string();
    let (s, v) = a.post_raw("/api/studies", huge).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"]["kind"], "too_large");
}

#[tokio::test]
async fn jobs_cancel_queue_limit_and_events() {
    let limits = Limits {
        max_running: 1,
        max_queued: 1,
        ..Limits::default()
    };
    let a = app_with(limits);
    let long = json!({"scenario": {"builtin": "mk7-180-3y"}});
    let (s1, j1) = a.post("/api/studies", &long).await;
    let (s2, j2) = a.post("/api/studies", &long).await;
    assert_eq!((s1, s2), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
    // Running 1 + queued 1 = full: the third is refused with 503 and Retry-After.
    let req = Request::post("/api/studies")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(long.to_string()))
        .unwrap();
    let (s3, h3, b3) = a.send(req).await;
    assert_eq!(
        s3,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        String::from_utf8_lossy(&b3)
    );
    assert!(h3.contains_key(header::RETRY_AFTER));
    let (id1, id2) = (j1["id"].as_str().unwrap(), j2["id"].as_str().unwrap());
    // The second waits behind the first.
    let (_, st2) = a.get(&format!("/api/jobs/{id2}")).await;
    assert_eq!(st2["state"], "queued", "{st2}");
    // Cancel both: the queued one never starts, the running one stops at the solver's next step.
    let (s, c2) = a.delete(&format!("/api/jobs/{id2}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c2["state"], "cancelled");
    // Let the first start before cancelling it.
    let start = Instant::now();
    while a.get(&format!("/api/jobs/{id1}")).await.1["state"] == "queued" {
        assert!(start.elapsed() < Duration::from_secs(20));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.delete(&format!("/api/jobs/{id1}")).await;
    let t0 = Instant::now();
    let done = a.wait(id1).await;
    assert_eq!(done["state"], "cancelled", "{done}");
    assert!(
        t0.elapsed() < Duration::from_secs(10),
        "cancel took {:?}",
        t0.elapsed()
    );
    assert!(done["result"].is_null());
    // A slot is free again; the SSE stream of a new job ends with `done`.
    let (s, j) = a
        .post(
            "/api/studies",
            &json!({"scenario": {"toml": SHORT}, "max_points": 10}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let (s, h, body) = a
        .send(
            Request::get(j["events_url"].as_str().unwrap())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(h[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("event: done"), "{text}");
    assert!(
        !text.contains("\"result\":{"),
        "the stream carries no result"
    );
    // Unknown jobs.
    let (s, e) = a.get("/api/jobs/nope").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(message(&e).contains("nope"));
    assert_eq!(a.delete("/api/jobs/nope").await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        a.get("/api/jobs/nope/events").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn evidence_trials_csv_pooling_and_meta() {
    let a = app();
    let (s, rows) = a.get("/api/evidence/trials").await;
    assert_eq!(s, StatusCode::OK);
    let n = rows["count"].as_u64().unwrap();
    assert!(n >= 10, "{n} rows");
    let (s, csv) = a.get_text("/api/evidence/trials.csv").await;
    assert_eq!(s, StatusCode::OK);
    assert!(csv.starts_with("study_id,first_author,year"));
    assert_eq!(csv.lines().count() as u64, n + 1);
    let (_, mk7) = a.get("/api/evidence/trials?k_form=MK-7").await;
    let mk7_rows = mk7["rows"].as_array().unwrap();
    assert!(!mk7_rows.is_empty() && (mk7_rows.len() as u64) < n);
    assert!(mk7_rows.iter().all(|r| r["k_form"] == "MK-7"));
    let (s, e) = a.get("/api/evidence/trials?colour=red").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(message(&e).contains("colour"), "{e}");
    // Pooling the database: too few poolable studies is said with the reasons.
    let (s, e) = a
        .post(
            "/api/evidence/analyze",
            &json!({"outcome": "bmd_lumbar_pct_change", "method": "REML", "test": "z"}),
        )
        .await;
    if s == StatusCode::OK {
        assert!(e["forest_svg"].as_str().unwrap().starts_with("<svg"));
    } else {
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(message(&e).contains("poolable"), "{e}");
    }
    let (s, e) = a
        .post(
            "/api/evidence/analyze",
            &json!({"outcome": "bmd_lumbar_pct_change", "method": "LOUD", "test": "z"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(message(&e).contains("method"), "{e}");
    // metafor's documented dat.bcg result.
    let req = json!({"csv": bcg(), "measure": "RR", "method": "REML", "test": "z", "egger": true});
    let (s, v) = a.post("/api/meta", &req).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let an = &v["analysis"];
    assert_eq!(an["k"], 13);
    assert!(
        (an["estimate"].as_f64().unwrap() + 0.7145).abs() < 5e-4,
        "{}",
        an["estimate"]
    );
    assert!((an["se"].as_f64().unwrap() - 0.1798).abs() < 5e-4);
    assert!((an["tau2"].as_f64().unwrap() - 0.3132).abs() < 5e-4);
    assert!(v["forest_svg"].as_str().unwrap().starts_with("<svg"));
    assert!(v["funnel_svg"].as_str().unwrap().starts_with("<svg"));
    for study in ["Aronson 1948", "Comstock et al 1976"] {
        assert!(
            v["forest_svg"].as_str().unwrap().contains(study),
            "{study} not in the forest plot"
        );
    }
    let (s, _, body) = a
        .send(
            Request::post("/api/meta?format=csv")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(req.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    assert!(text.starts_with("study,yi,vi,weight_pct"));
    let weights: f64 = text
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse::<f64>().unwrap())
        .sum();
    assert!((weights - 100.0).abs() < 1e-6, "weights sum to {weights}");
    let (s, e) = a.post("/api/meta?format=xml", &req).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&e).contains("format"));
    let (s, e) = a
        .post(
            "/api/meta",
            &json!({"csv": "study,ai\nx,1\n", "measure": "RR", "method": "REML", "test": "z"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, e) = a
        .post(
            "/api/meta",
            &json!({"csv": bcg(), "measure": "RR", "method": "REML", "test": "z", "level": 120}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(message(&e).contains("level"), "{e}");
}

#[tokio::test]
async fn foods_and_diet_report() {
    let a = app();
    let (s, f) = a.get("/api/foods?q=natto&limit=3").await;
    assert_eq!(s, StatusCode::OK);
    let first = &f["results"][0];
    assert_eq!(first["name"], "Natto");
    assert!(first["per_100g_ug"]["mk7"].as_f64().unwrap() > 500.0);
    let (s, e) = a.get("/api/foods?q=natto&limit=0").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&e).contains("limit"));
    let (s, e) = a.get("/api/foods").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(message(&e).contains('q'), "{e}");
    // 50 g natto: 50 % of the per-100 g MK-7 value (hand computation from the search answer).
    let per100 = first["per_100g_ug"]["mk7"].as_f64().unwrap();
    let diary = json!({"csv": "day,food,grams,meal\n1,natto,50,breakfast\n1,spinach raw,100,lunch\n", "person": {"anticoagulant": "warfarin", "age_years": 70, "pregnant": false}});
    let (s, r) = a.post("/api/diet/report", &diary).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!((r["mean_per_day_ug"]["mk7"].as_f64().unwrap() - per100 * 0.5).abs() < 1e-9);
    let rules: Vec<&str> = r["safety_flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"vka-natto"), "{rules:?}");
    assert!(r["disclaimer"].as_str().unwrap().contains("clinician"));
    // Without an anticoagulant, food raises no VKA flag.
    let (_, r2) = a
        .post(
            "/api/diet/report",
            &json!({"csv": "day,food,grams\n1,natto,50\n"}),
        )
        .await;
    assert!(!r2["safety_flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"].as_str().unwrap().starts_with("vka")));
    let (s, e) = a
        .post(
            "/api/diet/report",
            &json!({"csv": "day,food,grams\n1,unobtainium pie,50\n"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&e).contains("unobtainium"), "{e}");
    let (s, e) = a
        .post(
            "/api/diet/report",
            &json!({"csv": "day,food,grams\n1,natto,-5\n"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&e).contains("line 2"), "{e}");
    let (s, e) = a.post("/api/diet/report", &json!({"csv": "day,food,grams\n1,natto,5\n", "person": {"age_years": 500, "pregnant": false}})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&e).contains("130"), "{e}");
}

#[tokio::test]
async fn saved_runs_have_stable_urls() {
    let a = app();
    let request = json!({"scenario": {"toml": SHORT}, "diets": {}, "max_points": 40});
    let body = json!({"kind": "study", "title": "my run", "request": request, "result": {"x": 1}});
    let (s, saved) = a.post("/api/saved", &body).await;
    assert_eq!(s, StatusCode::CREATED, "{saved}");
    let id = saved["id"].as_str().unwrap();
    assert_eq!(saved["url"], format!("/scenarios/{id}"));
    // The same request saves to the same id (a link stays valid), with the newer title.
    let (_, again) = a
        .post(
            "/api/saved",
            &json!({"kind": "study", "title": "renamed", "request": request}),
        )
        .await;
    assert_eq!(again["id"], id);
    let (s, got) = a.get(&format!("/api/saved/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(got["request"], request);
    assert_eq!(got["title"], "renamed");
    let (_, list) = a.get("/api/saved").await;
    assert_eq!(list["saved"].as_array().unwrap().len(), 1);
    let (s, html) = a.get_text(saved["url"].as_str().unwrap()).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("/assets/simulate.js"));
    // Survives a restart: a new state on the same folder finds it.
    let again = AppState::open(a.state.data_dir(), Limits::default()).unwrap();
    let (s, _, _) = {
        let res = router(again)
            .oneshot(
                Request::get(format!("/api/saved/{id}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        (res.status(), (), ())
    };
    assert_eq!(s, StatusCode::OK);
    for bad in [
        "/api/saved/ffffffffffffffff",
        "/api/saved/..%2F..%2Fetc",
        "/api/saved/zz",
    ] {
        assert_eq!(a.get(bad).await.0, StatusCode::NOT_FOUND, "{bad}");
    }
    let (s, e) = a
        .post(
            "/api/saved",
            &json!({"kind": "study", "title": "x", "request": {"nope": 1}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&e).contains("request"), "{e}");
    let (s, e) = a
        .post(
            "/api/saved",
            &json!({"kind": "study", "title": "", "request": request}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&e).contains("title"), "{e}");
    let (s, _) = a
        .post(
            "/api/saved",
            &json!({"kind": "poem", "title": "x", "request": {}}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

/// Trial folders in the server's run folder.
fn trial_folders(a: &App) -> usize {
    std::fs::read_dir(a.state.runs_dir())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("trial-")
        })
        .count()
}

/// Two-sided 95% Student t quantiles for n − 1 = 1, 2, 3 degrees of freedom (table values).
const T975: [f64; 3] = [12.7062, 4.3027, 3.1824];

#[tokio::test]
async fn a_tiny_trial_runs_as_a_job_with_its_files_and_the_real_trial_beside_it() {
    assert!(k2bone_app::USE_CASES.contains(&"trial"));
    let a = app();
    let (s, ex) = a.get("/api/trials/examples").await;
    assert_eq!(s, StatusCode::OK, "{ex}");
    let cheung = ex["examples"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "cheung-2008-k1-5mg")
        .unwrap();
    assert_eq!(cheung["design"]["n_per_arm"], 220);
    assert_eq!(
        cheung["design"]["arms"][1]["regimen"][0],
        "k1 = \"5 mg daily\""
    );
    let (s, j) = a
        .post(
            "/api/trials",
            &json!({"trial": {"example": "cheung-2008-k1-5mg"}, "n_per_arm": 4, "seed": 7}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{j}");
    let id = j["id"].as_str().unwrap();
    let done = a.wait(id).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["kind"], "trial");
    let r = &done["result"];
    assert_eq!(
        (
            r["design"]["n_per_arm"].as_u64(),
            r["design"]["seed"].as_u64()
        ),
        (Some(4), Some(7))
    );
    assert!(r["disclaimer"].as_str().unwrap().contains("blood thinners"));
    let summary = &r["output"]["summary"];
    let arms = summary["arms"].as_array().unwrap();
    assert_eq!(arms.len(), 2);
    let mut checked = 0;
    for arm in arms {
        assert_eq!(
            arm["n_randomised"].as_u64().unwrap() + arm["n_failed"].as_u64().unwrap(),
            4
        );
        // Each CI is mean ± t(0.975, n − 1) · sd / √n (hand computation from the t table).
        for o in arm["outcomes"].as_array().unwrap() {
            let n = o["n"].as_u64().unwrap() as usize;
            if !(2..=4).contains(&n) || o["sd"].as_f64().unwrap() == 0.0 {
                continue;
            }
            let half = T975[n - 2] * o["sd"].as_f64().unwrap() / (n as f64).sqrt();
            let got = o["ci95_high"].as_f64().unwrap() - o["mean"].as_f64().unwrap();
            assert!(
                (got - half).abs() <= 1e-3 * half,
                "{o}: half-width {got} vs {half}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} intervals checked");
    // No server path leaks into the result.
    for w in r["output"]["written"].as_array().unwrap() {
        assert!(!w.as_str().unwrap().starts_with('/'), "{w}");
    }
    // The files: summary.json as written equals the job's result (two paths to one run).
    let file = |name: &str| format!("/api/jobs/{id}/files/{name}");
    let (s, h, body) = a
        .send(
            Request::get(file("summary.json"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(h[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("summary.json"));
    let on_disk: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(&on_disk, summary);
    let (s, csv) = a.get_text(&file("summary.csv")).await;
    assert_eq!(s, StatusCode::OK);
    // One row per arm, outcome and visit, then one per between-arm difference.
    let rows: usize = arms
        .iter()
        .map(|a| a["outcomes"].as_array().unwrap().len())
        .sum::<usize>()
        + summary["differences"].as_array().map_or(0, Vec::len);
    assert_eq!(csv.lines().count(), 1 + rows, "{csv}");
    assert!(csv.starts_with(
        "arm,outcome,visit_day,n,mean,sd,ci95_low,ci95_high,interval95_parameters_low,interval95_parameters_high,n_draws\n"
    ));
    let (s, _, parquet) = a
        .send(
            Request::get(file("patients.parquet"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(parquet.starts_with(b"PAR1") && parquet.ends_with(b"PAR1"));
    let (s, h, svg) = a
        .send(Request::get(file("trial.svg")).body(Body::empty()).unwrap())
        .await;
    assert_eq!(
        (s, h[header::CONTENT_TYPE].to_str().unwrap()),
        (StatusCode::OK, "image/svg+xml")
    );
    assert!(String::from_utf8_lossy(&svg).contains("<svg"));
    let listed: Vec<&str> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            "summary.json",
            "summary.csv",
            "patients.parquet",
            "trial.svg",
            "trial.toml"
        ]
    );
    assert_eq!(a.get(&file("run.json")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        a.get(&file("..%2Fsummary.json")).await.0,
        StatusCode::NOT_FOUND
    );
    // Beside the real trial: Cheung 2008 reports lumbar spine −1.28 % vs −1.22 % at 24 months
    // (difference −0.06); the simulated difference is the arms' means at that visit.
    let c = &r["comparison"];
    assert_eq!(c["study_id"], "cheung_2008_ecko", "{r}");
    let row = c["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["outcome"] == "bmd_lumbar_pct_change" && x["timepoint_months"] == 24.0)
        .unwrap();
    assert!(
        (row["reported_difference"].as_f64().unwrap() + 0.06).abs() < 1e-9,
        "{row}"
    );
    let mean = |arm: &str| {
        arms.iter().find(|x| x["arm"] == arm).unwrap()["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["outcome"] == "bmd_lumbar_pct_change" && o["visit_day"] == row["visit_day"])
            .unwrap()["mean"]
            .as_f64()
            .unwrap()
    };
    let d = mean("k1-5mg") - mean("placebo");
    assert!((row["simulated_difference"].as_f64().unwrap() - d).abs() < 1e-12);
}

#[tokio::test]
async fn trial_bad_inputs_name_the_field_and_write_nothing() {
    let a = app();
    let knapen = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/trials/knapen-2013.toml"
    ))
    .unwrap();
    let ex = |n: Value| json!({"trial": {"example": "knapen-2013"}, "n_per_arm": n});
    let toml = |t: String| json!({"trial": {"toml": t}, "n_per_arm": 2});
    let cases: Vec<(Value, StatusCode, Vec<&str>)> = vec![
        (
            ex(json!(5000)),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["n_per_arm = 5000", "1 … 2000"],
        ),
        (
            ex(json!(0)),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["n_per_arm = 0", "1 … 2000"],
        ),
        (ex(json!(-3)), StatusCode::BAD_REQUEST, vec!["n_per_arm"]),
        (
            json!({"trial": {"example": "knapen"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["trial.example", "knapen-2013", "cheung-2008-k1-5mg"],
        ),
        (
            toml(knapen.replace("schema = 1", "schema = 2")),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["trial.toml", "`schema`", "accepted: 1"],
        ),
        (
            toml(knapen.replace("duration = \"3 years\"", "duration = \"15 years\"")),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["`duration`", "3650"],
        ),
        (
            toml(knapen.replace(
                "[population]",
                "[population]\ncovariates_csv = \"../../etc/passwd\"",
            )),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["population.covariates_csv"],
        ),
        (
            toml("schema = 1\ntitle = ".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["trial.toml"],
        ),
        (
            json!({"trial": {"toml": knapen.replace("n_per_arm = 100", "n_per_arm = 100000")}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["`n_per_arm` = 100000", "1 … 2000", "set n_per_arm"],
        ),
        (
            json!({"trial": {"path": "/etc/passwd"}}),
            StatusCode::BAD_REQUEST,
            vec!["path"],
        ),
        (
            json!({"trial": {"example": "knapen-2013"}, "n": 4}),
            StatusCode::BAD_REQUEST,
            vec!["`n`"],
        ),
    ];
    for (body, status, needles) in cases {
        let (s, e) = a.post("/api/trials", &body).await;
        assert_eq!(s, status, "{body}: {e}");
        let m = message(&e);
        for n in needles {
            assert!(m.contains(n), "{body}: `{m}` does not say `{n}`");
        }
        assert!(
            !m.contains(&a.state.runs_dir().display().to_string()),
            "{m}"
        );
    }
    assert_eq!(trial_folders(&a), 0, "a refused trial wrote a folder");
    // A file of an unknown job, and of a study job (no folder).
    assert_eq!(
        a.get("/api/jobs/nope/files/summary.json").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_running_trial_cancels_and_finished_trials_give_back_their_folders() {
    let a = app_with(Limits {
        max_kept_jobs: 1,
        ..Limits::default()
    });
    let (s, j) = a
        .post(
            "/api/trials",
            &json!({"trial": {"example": "knapen-2013"}, "n_per_arm": 2000}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{j}");
    let id = j["id"].as_str().unwrap();
    let start = Instant::now();
    while a.get(&format!("/api/jobs/{id}")).await.1["state"] != "running" {
        assert!(start.elapsed() < Duration::from_secs(20));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.delete(&format!("/api/jobs/{id}")).await;
    let t0 = Instant::now();
    let st = a.wait(id).await;
    assert_eq!(st["state"], "cancelled", "{st}");
    assert!(
        t0.elapsed() < Duration::from_secs(10),
        "cancel took {:?}",
        t0.elapsed()
    );
    assert_eq!(
        a.get(&format!("/api/jobs/{id}/files/summary.json")).await.0,
        StatusCode::NOT_FOUND
    );
    // One finished job is kept: each new submission drops the oldest finished one and its folder.
    let mut ids = vec![id.to_string()];
    for seed in 1..=2 {
        let (s, j) = a
            .post(
                "/api/trials",
                &json!({"trial": {"example": "cheung-2008-k1-5mg"}, "n_per_arm": 1, "seed": seed}),
            )
            .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{j}");
        let id = j["id"].as_str().unwrap().to_string();
        assert_eq!(a.wait(&id).await["state"], "done");
        ids.push(id);
    }
    // Submitting the third dropped the oldest finished job (the cancelled one) and its folder.
    assert_eq!(trial_folders(&a), 2);
    assert_eq!(
        a.get(&format!("/api/jobs/{}", ids[0])).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        a.get(&format!("/api/jobs/{}/files/summary.csv", ids[1]))
            .await
            .0,
        StatusCode::OK
    );
    let runs = a.state.runs_dir().to_path_buf();
    drop(a);
    assert!(!runs.exists(), "the run folder outlived the server");
}

#[tokio::test]
async fn guard_hosts_origins_headers_and_no_file_system() {
    let a = app();
    a.state
        .set_allowed_hosts(vec!["127.0.0.1".into(), "localhost".into()]);
    let get = |host: &str, path: &str| {
        Request::get(path)
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap()
    };
    let (s, h, _) = a.send(get("127.0.0.1:8080", "/api/info")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    // DNS rebinding: a foreign Host is refused.
    let (s, _, b) = a.send(get("evil.example", "/api/info")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{}", String::from_utf8_lossy(&b));
    // A page on another site cannot post; this server's own pages can.
    let post = |origin: &str| {
        Request::post("/api/diet/report")
            .header(header::HOST, "localhost:8080")
            .header(header::ORIGIN, origin)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"csv": "day,food,grams\n1,natto,5\n"}).to_string(),
            ))
            .unwrap()
    };
    assert_eq!(
        a.send(post("http://evil.example")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        a.send(post("http://localhost:8080")).await.0,
        StatusCode::OK
    );
    // No path reaches the file system.
    for path in [
        "/assets/../Cargo.toml",
        "/assets/..%2F..%2FCargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/../../etc/passwd",
        "/assets/Cargo.toml",
        "/assets/",
    ] {
        let (s, _, b) = a.send(get("localhost", path)).await;
        let text = String::from_utf8_lossy(&b);
        assert!(
            s == StatusCode::NOT_FOUND || s == StatusCode::BAD_REQUEST,
            "{path}: {s}"
        );
        assert!(
            !text.contains("[package]") && !text.contains("root:"),
            "{path}: {text}"
        );
    }
}
