//! Shared by the `k2bone evidence` CLI tests: running the binary against a data directory and
//! a fixture of made-up trials (test inputs only, never literature values).
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use k2bone_evidence::{GroupMeans, StudyData, StudyRow};
use serde_json::Value;

pub fn k2bone(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k2bone"))
        .args(args)
        .env("K2BONE_DATA", data)
        .output()
        .expect("run k2bone")
}

pub fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= (1e-6 * b.abs()).max(1e-9)
}

pub const SHIPPED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/evidence/trials.csv"
));

/// Fixture row: (id, k_form, n1, m1, s1, n2, m2, s2, dispersion, integrity_concern).
pub type FixtureRow = (
    &'static str,
    &'static str,
    f64,
    f64,
    f64,
    f64,
    f64,
    f64,
    &'static str,
    u8,
);

pub const FIXTURE: &[FixtureRow] = &[
    (
        "fixture_a",
        "MK-4",
        40.0,
        1.2,
        2.5,
        42.0,
        -0.3,
        2.8,
        "sd",
        0,
    ),
    (
        "fixture_b",
        "MK-4",
        100.0,
        0.9,
        3.1,
        98.0,
        0.1,
        3.0,
        "sd",
        0,
    ),
    (
        "fixture_c",
        "MK-7",
        60.0,
        0.4,
        0.30,
        61.0,
        -0.2,
        0.35,
        "se",
        0,
    ),
    (
        "fixture_d",
        "MK-7",
        25.0,
        2.0,
        2.0,
        25.0,
        -0.5,
        2.2,
        "sd",
        1,
    ),
];

pub fn fixture_csv() -> String {
    let mut s = String::from("study_id,first_author,year,k_form,outcome,timepoint_months,n_treat,n_control,source,mean_treat,sd_treat,mean_control,sd_control,dispersion,control,integrity_concern,integrity_note\n");
    for (id, form, n1, m1, s1, n2, m2, s2, d, ic) in FIXTURE {
        s.push_str(&format!(
            "{id},Fixture,2020,{form},fixture_bmd_pct_change,12,{n1},{n2},test fixture (not literature),{m1},{s1},{m2},{s2},{d},placebo,{ic},{}\n",
            if *ic == 1 { "test flag" } else { "" }
        ));
    }
    s
}

/// The fixture's studies with SDs (SE converted here: SD = SE·√n), optionally without flagged ones.
pub fn fixture_studies(drop_flagged: bool) -> Vec<StudyRow> {
    FIXTURE
        .iter()
        .filter(|f| !(drop_flagged && f.9 == 1))
        .map(|&(id, _, n1, m1, s1, n2, m2, s2, d, _)| {
            let (sd1, sd2) = if d == "se" {
                (s1 * n1.sqrt(), s2 * n2.sqrt())
            } else {
                (s1, s2)
            };
            StudyRow {
                study: id.into(),
                data: StudyData::Continuous(GroupMeans {
                    m1i: m1,
                    sd1i: sd1,
                    n1i: n1,
                    m2i: m2,
                    sd2i: sd2,
                    n2i: n2,
                }),
            }
        })
        .collect()
}

pub fn imported() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("fixture.csv");
    std::fs::write(&csv, fixture_csv()).unwrap();
    let out = k2bone(dir.path(), &["evidence", "import", csv.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}
