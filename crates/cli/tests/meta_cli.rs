//! `k2bone meta` end to end: the real binary on CSVs exported by metafor, its JSON compared with
//! metafor's numbers (one dataset per input layout), and the exit code 2 with row and column on
//! malformed input.
//!
//! Oracle: `Rscript validation/metafor/crosscheck.R OUTDIR` (metafor 3.8-1 on the development
//! machine), which writes the CSVs and `reference.tsv`; the reference names used here are the
//! calls `rma(yi, vi, method=M, test=T)`, `predict()`, `confint()` and `rma.mh()` listed there.
//! Tolerance: 1e-6 relative with a 1e-9 absolute floor (as crates/evidence/tests/tolerances.rs).
//! Skips (with a note) only when Rscript is missing and K2BONE_REQUIRE_R is unset.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

fn k2bone(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k2bone"))
        .args(args)
        .output()
        .expect("run k2bone")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= (1e-6 * b.abs()).max(1e-9)
}

fn reference(dir: &Path) -> Option<HashMap<String, f64>> {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../validation/metafor/crosscheck.R");
    let required = std::env::var_os("K2BONE_REQUIRE_R").is_some();
    let out = match Command::new("Rscript").arg(&script).arg(dir).output() {
        Ok(o) => o,
        Err(e) => {
            assert!(
                !required,
                "K2BONE_REQUIRE_R is set but Rscript cannot run: {e}"
            );
            eprintln!("SKIPPED: Rscript not found ({e})");
            return None;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.join("reference.tsv")).unwrap();
    Some(
        text.lines()
            .filter_map(|l| l.split_once('\t'))
            .filter_map(|(k, v)| v.trim().parse().ok().map(|v| (k.to_string(), v)))
            .collect(),
    )
}

#[test]
fn json_output_agrees_with_metafor_for_each_input_layout() {
    let dir = tempfile::tempdir().unwrap();
    let Some(r) = reference(dir.path()) else {
        return;
    };
    let cases = [
        ("bcg.csv", "OR", "REML", "z"),
        ("bcg.csv", "RR", "DL", "knha"),
        ("normand.csv", "SMD", "PM", "z"),
        ("normand.csv", "MD", "REML", "knha"),
        ("hackshaw.csv", "GEN", "FE", "z"),
        ("hackshaw.csv", "GEN", "EB", "z"),
    ];
    let mut checked = 0;
    for (file, measure, method, test) in cases {
        let path = dir.path().join(file);
        let out = k2bone(&[
            "meta",
            path.to_str().unwrap(),
            "--measure",
            measure,
            "--method",
            method,
            "--test",
            test,
            "--format",
            "json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
        let set = file.trim_end_matches(".csv");
        for key in [
            "estimate", "se", "ci_lower", "ci_upper", "pi_lower", "pi_upper", "tau2", "i2", "h2",
            "q", "q_pvalue", "pvalue",
        ] {
            let name = format!("{set}/{measure}/{method}/{test}/{key}");
            match r.get(&name) {
                Some(&expected) => {
                    let got = v[key]
                        .as_f64()
                        .unwrap_or_else(|| panic!("{name}: missing in JSON"));
                    assert!(
                        close(got, expected),
                        "{name}: k2bone {got} vs metafor {expected}"
                    );
                    checked += 1;
                }
                None => assert!(
                    v[key].is_null(),
                    "{name}: metafor has no value (FE) but k2bone printed {}",
                    v[key]
                ),
            }
        }
        assert_eq!(
            v["k"].as_u64().unwrap() as usize,
            v["studies"].as_array().unwrap().len()
        );
    }
    // Mantel–Haenszel through --method MH.
    let out = k2bone(&[
        "meta",
        dir.path().join("yusuf.csv").to_str().unwrap(),
        "--measure",
        "OR",
        "--method",
        "MH",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "estimate", "se", "ci_lower", "ci_upper", "q", "q_pvalue", "pvalue", "i2",
    ] {
        let expected = r[&format!("yusuf/OR/MH/{key}")];
        assert!(
            close(v[key].as_f64().unwrap(), expected),
            "MH {key}: {} vs {expected}",
            v[key]
        );
        checked += 1;
    }
    assert!(v["pi_lower"].is_null());
    assert!(checked >= 70, "checked {checked}");
}

#[test]
fn text_report_back_transforms_ratios_and_carries_the_disclaimer() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("t.csv");
    std::fs::write(
        &csv,
        "study,ai,bi,ci,di\nA,4,119,11,128\nB,6,300,29,274\nC,3,228,11,209\n",
    )
    .unwrap();
    let png = dir.path().join("forest.png");
    let out = k2bone(&[
        "meta",
        csv.to_str().unwrap(),
        "--measure",
        "OR",
        "--method",
        "DL",
        "--forest",
        png.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Pooled odds ratio:"), "{text}");
    assert!(text.contains("not medical advice"), "{text}");
    assert!(std::fs::metadata(&png).unwrap().len() > 1000);
}

#[test]
fn malformed_csv_exits_2_naming_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "study,m1i,sd1i,n1i,m2i,sd2i,n2i\na,1,1,10,0,1,10\nb,1,-1,10,0,1,10\n",
            "SMD",
            &["row 2", "sd1i"][..],
        ),
        (
            "study,ai,bi,ci,di\na,1,9,2,8\nb,x,7,1,9\n",
            "OR",
            &["row 2", "ai", "\"x\""][..],
        ),
        ("study,yi\na,1\n", "GEN", &["vi"][..]),
        ("study,yi,vi\na,1,0.1\n", "GEN", &["at least 2 studies"][..]),
        ("", "GEN", &["empty"][..]),
    ];
    for (i, (csv, measure, parts)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.csv"));
        std::fs::write(&path, csv).unwrap();
        let out = k2bone(&["meta", path.to_str().unwrap(), "--measure", measure]);
        assert_eq!(out.status.code(), Some(2), "case {i}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        for p in *parts {
            assert!(err.contains(p), "case {i}: `{err}` lacks `{p}`");
        }
    }
    let out = k2bone(&["meta", "/nonexistent.csv", "--measure", "GEN"]);
    assert_eq!(out.status.code(), Some(2));
    let out = k2bone(&["meta", "x.csv", "--measure", "XYZ"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("MD, SMD, OR, RR, RD, GEN"));
}
