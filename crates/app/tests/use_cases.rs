//! The use cases through their typed API, as a second face (the web server, a binding) calls
//! them: progress reaches the observer, a cancelled run stops with `ErrorKind::Cancelled` and
//! writes nothing, bad input is classified as such, and the result documents round-trip through
//! JSON. Oracles: the request itself (arms, duration), the monotone solver clock, and the
//! documents' own schema types.

use std::sync::Mutex;

use k2bone_app::{
    builtins, simulate_study, Cancel, ErrorKind, Progress, ScenarioSource, Silent, StudyRequest,
};

const SHORT: &str =
    "schema = 1\n[simulation]\nduration = \"30 days\"\n[arms.mk7]\nmk7 = \"180 ug daily\"\n";

/// Records every fraction it is told.
#[derive(Default)]
struct Recorder(Mutex<Vec<f64>>);

impl Progress for Recorder {
    fn update(&self, _task: &str, fraction: f64) {
        self.0.lock().unwrap().push(fraction);
    }
}

fn request(out: &std::path::Path) -> StudyRequest {
    StudyRequest {
        scenario: ScenarioSource::Text {
            toml: SHORT.into(),
            origin: "short.toml".into(),
        },
        out: out.to_path_buf(),
        plots: false,
        output_every_h: None,
    }
}

#[test]
fn a_study_reports_progress_and_returns_its_typed_summary() {
    let dir = tempfile::tempdir().unwrap();
    let rec = Recorder::default();
    let out = simulate_study(&request(&dir.path().join("o")), &rec, &Cancel::new()).unwrap();
    let seen = rec.0.into_inner().unwrap();
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|f| (0.0..=1.0).contains(f)), "{seen:?}");
    // Each arm's solver reaches the end of the run (burn-in included), so the mean gets to 1.
    assert!(seen.iter().cloned().fold(0.0, f64::max) > 0.999);
    let s = &out.summary;
    assert_eq!(s.duration_days, 30.0);
    let names: Vec<&str> = s.arms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["placebo", "mk7"]);
    assert!(s.arms[1].end.serum_mk7_ng_ml > s.arms[0].end.serum_mk7_ng_ml);
    // The document on disk is the one returned, and it reads back into its type.
    let text = std::fs::read_to_string(dir.path().join("o/summary.json")).unwrap();
    // (serde_json's default float parser may move the last bit, so numbers compare to 1e-12.)
    let back: k2bone_results::StudySummary = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (&back.person, &back.units, &back.notes),
        (&s.person, &s.units, &s.notes)
    );
    for (b, a) in back.arms.iter().zip(&s.arms) {
        assert_eq!((&b.name, &b.regimen), (&a.name, &a.regimen));
        for ((k, x), (_, y)) in b.end.entries().iter().zip(a.end.entries()) {
            assert!((x - y).abs() <= 1e-12 * y.abs().max(1.0), "{k}: {x} vs {y}");
        }
    }
}

#[test]
fn a_cancelled_study_stops_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cancel = Cancel::new();
    cancel.cancel();
    let err = simulate_study(&request(&dir.path().join("o")), &Silent, &cancel).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Cancelled, "{err}");
    assert!(err.message.contains("cancelled"), "{err}");
    assert!(!dir.path().join("o").exists());
}

#[test]
fn bad_input_is_classified_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut req = request(dir.path());
    req.scenario = ScenarioSource::Text {
        toml: "schema = 1\n[arms.mk7]\nmk7 = \"180 IU daily\"\n".into(),
        origin: "bad.toml".into(),
    };
    let err = simulate_study(&req, &Silent, &Cancel::new()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadInput);
    assert!(err.message.contains("bad.toml:3:1"), "{err}");
    let err = builtins::find("mk7-180-3yy").unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadInput);
    assert!(err.message.contains("did you mean `mk7-180-3y`"), "{err}");
    let mut req = request(dir.path());
    req.output_every_h = Some(0.0);
    let err = simulate_study(&req, &Silent, &Cancel::new()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadInput);
    assert!(
        err.message.contains("--every-hours 0 is out of range"),
        "{err}"
    );
}
