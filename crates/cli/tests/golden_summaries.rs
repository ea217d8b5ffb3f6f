//! Golden files: `summary.json` of every scenario in `examples/scenarios/`, run through the
//! real binary, must match `tests/golden/<name>.summary.json` (numbers to 1e-6 relative or
//! 1e-9 absolute, every key and string exactly; solver step counts are not pinned).
//!
//! The goldens were written by this code (`UPDATE_GOLDEN=1 cargo test -p k2bone --release
//! --test golden_summaries`) and reviewed against independent checks before being committed:
//! the built-in studies' dose events are checked by hand in crates/scenario/tests/examples.rs, the
//! calibration targets pin the biology (crates/calibration tests). The BMD and fracture keys
//! (`end.bmd_*`, `end.*fracture*`, `interval.*`) come from the calibrated bone response: no
//! per-scenario oracle exists for them; their oracle is the held-out trial gate
//! (crates/app/tests/bone_validation.rs). They guard against unintended change; an intended
//! change updates them in the same commit.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/scenarios");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 || (a - b).abs() <= 1e-6 * a.abs().max(b.abs())
}

fn compare(path: &str, got: &Value, want: &Value, errors: &mut Vec<String>) {
    match (got, want) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            if !close(a, b) {
                errors.push(format!("{path}: {a} vs golden {b}"));
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            for (k, vb) in b {
                if k == "solver" || k == "runtime_seconds" {
                    continue;
                }
                match a.get(k) {
                    Some(va) => compare(&format!("{path}.{k}"), va, vb, errors),
                    None => errors.push(format!("{path}.{k}: missing")),
                }
            }
            for k in a.keys() {
                if !b.contains_key(k) {
                    errors.push(format!("{path}.{k}: not in the golden file"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                errors.push(format!("{path}: {} items vs golden {}", a.len(), b.len()));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(&format!("{path}[{i}]"), x, y, errors);
            }
        }
        (a, b) if a == b => {}
        (a, b) => errors.push(format!("{path}: {a} vs golden {b}")),
    }
}

#[test]
fn summaries_of_the_example_scenarios_match_their_golden_files() {
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let tmp = tempfile::tempdir().unwrap();
    let mut errors = Vec::new();
    let files = examples();
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let out = tmp.path().join(&name);
        let status = Command::new(env!("CARGO_BIN_EXE_k2bone"))
            // A fresh database (the diet-log scenario opens the food table), as in CI.
            .env("K2BONE_DATA", tmp.path().join("data"))
            .args(["simulate", "--quiet", "--no-plots", "--out"])
            .arg(&out)
            .arg(&file)
            .status()
            .unwrap();
        assert!(status.success(), "{name}: exit {status}");
        let text = std::fs::read_to_string(out.join("summary.json")).unwrap();
        let mut got: Value = serde_json::from_str(&text).unwrap();
        // The scenario's origin is a path on this machine; pin its file name only.
        got["scenario"] = Value::String(name.clone());
        let golden = golden_dir.join(format!("{name}.summary.json"));
        if update {
            std::fs::write(&golden, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            continue;
        }
        let want: Value =
            serde_json::from_str(&std::fs::read_to_string(&golden).unwrap_or_else(|e| {
                panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", golden.display())
            }))
            .unwrap();
        compare(&name, &got, &want, &mut errors);
        // Shape required by issue 3 and kept by every multi-arm command.
        for arm in got["arms"].as_array().unwrap() {
            assert!(arm["name"].is_string());
            for key in [
                "bmd_lumbar_pct_change",
                "bmd_femoral_neck_pct_change",
                "ucoc_pct_change",
                "dp_ucmgp_pct_change",
                "calcification_index_pct_change",
                "hip_fracture_risk_10y_pct",
            ] {
                assert!(arm["end"][key].is_f64(), "{name}: {key}");
            }
        }
        assert!(got["disclaimer"]
            .as_str()
            .unwrap()
            .contains("not medical advice"));
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
