//! `k2bone evidence` end to end: the real binary with `K2BONE_DATA` in a fresh temporary
//! directory (as on a user's first run).
//!
//! Oracles: the shipped CSV itself (row counts, values), `k2bone_evidence::fit` called directly
//! on effect sizes built here from the fixture, metafor 3.8-1 through Rscript (`rma(measure =
//! "MD", ..., method = "REML", test = "knha")`), and a fixed-effect pool written out by hand
//! below. The fixture trials (`fixture_*`) are made-up test inputs, not literature values; they
//! live only in the temporary database.

use std::path::Path;
use std::process::{Command, Output};

use k2bone_evidence::{
    escalc, fit, FitOptions, GroupMeans, Measure, StudyData, StudyRow, Tau2Method, Test,
};
use serde_json::Value;

#[path = "../../evidence/tests/rscript.rs"]
mod rscript;

fn k2bone(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k2bone"))
        .args(args)
        .env("K2BONE_DATA", data)
        .output()
        .expect("run k2bone")
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= (1e-6 * b.abs()).max(1e-9)
}

const SHIPPED: &str = include_str!("../../../data/evidence/trials.csv");

/// Fixture row: (id, k_form, n1, m1, s1, n2, m2, s2, dispersion, integrity_concern).
type FixtureRow = (
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

const FIXTURE: &[FixtureRow] = &[
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

fn fixture_csv() -> String {
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
fn fixture_studies(drop_flagged: bool) -> Vec<StudyRow> {
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

fn imported() -> tempfile::TempDir {
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

#[test]
fn list_and_show_report_the_shipped_rows() {
    let dir = tempfile::tempdir().unwrap();
    let v = json_of(&k2bone(
        dir.path(),
        &["evidence", "list", "--format", "json"],
    ));
    let shipped = k2bone_evidence::read_trials_csv(SHIPPED, "trials.csv").unwrap();
    assert_eq!(v["count"].as_u64().unwrap() as usize, shipped.len());
    let mk7 = json_of(&k2bone(
        dir.path(),
        &["evidence", "list", "--k-form", "mk-7", "--format", "json"],
    ));
    let expected = shipped.iter().filter(|r| r.k_form == "MK-7").count();
    assert_eq!(mk7["count"].as_u64().unwrap() as usize, expected);
    let show = json_of(&k2bone(
        dir.path(),
        &["evidence", "show", "jiang_2014", "--format", "json"],
    ));
    let fr = show["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["outcome"] == "any_new_fracture")
        .unwrap();
    // Jiang 2014 abstract: 2/108 vs 4/105.
    assert_eq!(
        (fr["events_treat"].as_i64(), fr["events_control"].as_i64()),
        (Some(2), Some(4))
    );
    assert!(fr["source"].as_str().unwrap().contains("Clin Interv Aging"));
    let missing = k2bone(dir.path(), &["evidence", "show", "no_such_trial"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn bad_import_exits_2_names_row_and_column_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let before = json_of(&k2bone(
        dir.path(),
        &["evidence", "list", "--format", "json"],
    ));
    let csv = dir.path().join("bad.csv");
    let text = fixture_csv().replace(",98,", ",-98,");
    std::fs::write(&csv, text).unwrap();
    let out = k2bone(dir.path(), &["evidence", "import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("row 2 (line 3)") && err.contains("`n_control`") && err.contains("\"-98\""),
        "{err}"
    );
    let after = json_of(&k2bone(
        dir.path(),
        &["evidence", "list", "--format", "json"],
    ));
    assert_eq!(
        before, after,
        "fixture_a (row 1, valid) must not have been imported"
    );
}

#[test]
fn analyze_agrees_with_fit_and_with_metafor() {
    let dir = imported();
    let plot = dir.path().join("forest.svg");
    let out = k2bone(
        dir.path(),
        &[
            "evidence",
            "analyze",
            "--outcome",
            "fixture_bmd_pct_change",
            "--method",
            "REML",
            "--test",
            "knha",
            "--by",
            "k_form",
            "--plot",
            plot.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let v = json_of(&out);
    for key in [
        "k",
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "pi_lower",
        "pi_upper",
        "tau2",
        "i2",
        "h2",
        "q",
        "q_pvalue",
        "pvalue",
        "studies",
        "excluded",
        "subgroups",
        "disclaimer",
    ] {
        assert!(v.get(key).is_some(), "missing key {key}");
    }
    assert!(std::fs::read_to_string(&plot).unwrap().contains("<svg"));
    // Oracle 1: the engine called directly on effect sizes built from the fixture here.
    let es = escalc(Measure::MD, &fixture_studies(false)).unwrap();
    let f = fit(
        &es,
        &FitOptions {
            test: Test::Knha,
            ..FitOptions::new(Tau2Method::REML)
        },
    )
    .unwrap();
    assert_eq!(v["k"].as_u64(), Some(4));
    for (key, want) in [
        ("estimate", f.estimate),
        ("se", f.se),
        ("ci_lower", f.ci_lower),
        ("ci_upper", f.ci_upper),
        ("tau2", f.tau2),
        ("i2", f.i2),
        ("q", f.q),
        ("pvalue", f.pvalue),
    ] {
        assert!(
            close(v[key].as_f64().unwrap(), want),
            "{key}: {} vs fit {want}",
            v[key]
        );
    }
    // Oracle 2: metafor on the same numbers (SE row converted to SD in R, independently).
    let col = |i: usize| {
        FIXTURE
            .iter()
            .map(|f| {
                match i {
                    2 => f.2,
                    3 => f.3,
                    4 => f.4,
                    5 => f.5,
                    6 => f.6,
                    _ => f.7,
                }
                .to_string()
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let se = FIXTURE
        .iter()
        .map(|f| if f.8 == "se" { "TRUE" } else { "FALSE" })
        .collect::<Vec<_>>()
        .join(",");
    let script = format!(
        "suppressMessages(library(metafor)); n1<-c({}); m1<-c({}); s1<-c({}); n2<-c({}); m2<-c({}); s2<-c({}); se<-c({se}); \
         s1<-ifelse(se, s1*sqrt(n1), s1); s2<-ifelse(se, s2*sqrt(n2), s2); \
         r<-rma(measure='MD', m1i=m1, sd1i=s1, n1i=n1, m2i=m2, sd2i=s2, n2i=n2, method='REML', test='knha'); \
         cat(sprintf('%.15g', c(r$b, r$se, r$ci.lb, r$ci.ub, r$tau2, r$I2, r$QE, r$pval)), sep='\\n')",
        col(2), col(3), col(4), col(5), col(6), col(7)
    );
    let Some(r) = rscript::rscript(&["-e", &script]) else {
        return;
    };
    let nums: Vec<f64> = r.lines().map(|l| l.trim().parse().unwrap()).collect();
    for (key, want) in [
        "estimate", "se", "ci_lower", "ci_upper", "tau2", "i2", "q", "pvalue",
    ]
    .iter()
    .zip(nums)
    {
        assert!(
            close(v[*key].as_f64().unwrap(), want),
            "{key}: {} vs metafor {want}",
            v[*key]
        );
    }
}

#[test]
fn integrity_switch_drops_flagged_trials() {
    let dir = imported();
    let v = json_of(&k2bone(
        dir.path(),
        &[
            "evidence",
            "analyze",
            "--outcome",
            "fixture_bmd_pct_change",
            "--method",
            "DL",
            "--exclude-integrity-concerns",
            "--format",
            "json",
        ],
    ));
    assert_eq!(v["k"].as_u64(), Some(3));
    let ex = v["excluded"].as_array().unwrap();
    assert!(ex.iter().any(
        |e| e["study_id"] == "fixture_d" && e["reason"].as_str().unwrap().contains("integrity")
    ));
    let f = fit(
        &escalc(Measure::MD, &fixture_studies(true)).unwrap(),
        &FitOptions::new(Tau2Method::DL),
    )
    .unwrap();
    assert!(close(v["estimate"].as_f64().unwrap(), f.estimate));
}

/// Independent poolability check on a shipped row (JSON of `list`): the columns a pool needs.
fn poolable(row: &Value) -> bool {
    let has = |k: &str| !row[k].is_null();
    if row["outcome"].as_str().unwrap().ends_with("fracture") {
        has("events_treat") && has("events_control") && has("n_treat") && has("n_control")
    } else {
        [
            "mean_treat",
            "sd_treat",
            "mean_control",
            "sd_control",
            "n_treat",
            "n_control",
        ]
        .iter()
        .all(|k| has(k))
            && matches!(row["dispersion"].as_str(), Some("sd") | Some("se"))
    }
}

#[test]
fn every_published_analysis_reproduces_or_names_its_missing_studies() {
    let dir = tempfile::tempdir().unwrap();
    let rows = json_of(&k2bone(
        dir.path(),
        &["evidence", "list", "--format", "json"],
    ));
    let rows = rows["rows"].as_array().unwrap();
    let targets = json_of(&k2bone(
        dir.path(),
        &["evidence", "reproduce", "--list", "--format", "json"],
    ));
    for t in targets["analyses"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        let named: Vec<&str> = t["studies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        let outcome = t["outcome"].as_str().unwrap();
        let at = t["timepoint_months"].as_f64();
        // A named study is missing unless it has a poolable row for the outcome (at the time point).
        let expect_missing: Vec<&str> = named
            .iter()
            .copied()
            .filter(|id| {
                !rows.iter().any(|r| {
                    r["study_id"] == *id
                        && r["outcome"] == outcome
                        && at.is_none_or(|t| r["timepoint_months"].as_f64() == Some(t))
                        && poolable(r)
                })
            })
            .collect();
        let complete = t["studies_complete"].as_bool().unwrap();
        let v = json_of(&k2bone(
            dir.path(),
            &["evidence", "reproduce", name, "--format", "json"],
        ));
        let res = &v["result"];
        if complete && expect_missing.is_empty() && named.len() >= 2 {
            assert_eq!(res["status"], "reproduced", "{name}");
            assert_eq!(res["ours"]["matches_published"], true, "{name}: {res}");
        } else {
            assert_eq!(res["status"], "missing_studies", "{name}");
            let got: Vec<&str> = res["missing"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["study_id"].as_str().unwrap())
                .collect();
            assert_eq!(got, expect_missing, "{name}");
            assert_eq!(res["unnamed"].is_null(), complete, "{name}");
            let text = k2bone(dir.path(), &["evidence", "reproduce", name]);
            let text = String::from_utf8_lossy(&text.stdout);
            assert!(
                text.contains("NOT REPRODUCED") && !text.contains("ours:"),
                "{name}: {text}"
            );
            for id in &expect_missing {
                assert!(text.contains(&format!("missing {id}")), "{name}: {text}");
            }
        }
    }
}

#[test]
fn a_complete_target_reproduces_within_rounding() {
    let dir = imported();
    // Fixed-effect MD of fixture_a and fixture_b by hand:
    //   y = m1 − m2, v = s1²/n1 + s2²/n2, w = 1/v, est = Σwy/Σw, se = 1/√Σw, CI = est ± 1.959964·se.
    let ab: Vec<(f64, f64)> = FIXTURE[..2]
        .iter()
        .map(|f| (f.3 - f.6, f.4 * f.4 / f.2 + f.7 * f.7 / f.5))
        .collect();
    let sw: f64 = ab.iter().map(|(_, v)| 1.0 / v).sum();
    let est = ab.iter().map(|(y, v)| y / v).sum::<f64>() / sw;
    let half = 1.959_963_985 / sw.sqrt();
    let target = |name: &str, e: f64| {
        format!(
            "[[analysis]]\nname = '{name}'\ncitation = 'fixture'\nsource = 'test'\ngrade = 'A'\noutcome = 'fixture_bmd_pct_change'\nmeasure = 'MD'\nmethod = 'FE'\n\
             estimate = {:.2}\nci_lower = {:.2}\nci_upper = {:.2}\nstudies = ['fixture_a', 'fixture_b']\nstudies_complete = true\n",
            e, est - half, est + half
        )
    };
    let toml = dir.path().join("targets.toml");
    std::fs::write(&toml, target("fx", est) + &target("fx-off", est + 0.05)).unwrap();
    let p = toml.to_str().unwrap();
    let ok = json_of(&k2bone(
        dir.path(),
        &[
            "evidence",
            "reproduce",
            "fx",
            "--published",
            p,
            "--format",
            "json",
        ],
    ));
    assert_eq!(ok["result"]["status"], "reproduced");
    assert_eq!(ok["result"]["ours"]["matches_published"], true);
    assert!(close(
        ok["result"]["ours"]["estimate"].as_f64().unwrap(),
        est
    ));
    let off = json_of(&k2bone(
        dir.path(),
        &[
            "evidence",
            "reproduce",
            "fx-off",
            "--published",
            p,
            "--format",
            "json",
        ],
    ));
    assert_eq!(off["result"]["ours"]["matches_published"], false);
    let text = String::from_utf8_lossy(
        &k2bone(
            dir.path(),
            &["evidence", "reproduce", "fx", "--published", p],
        )
        .stdout,
    )
    .to_string();
    assert!(
        text.contains("REPRODUCED within rounding") && text.contains("not medical advice"),
        "{text}"
    );
}

#[test]
fn analyze_with_too_few_poolable_studies_lists_them_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = k2bone(
        dir.path(),
        &["evidence", "analyze", "--outcome", "bmd_lumbar_pct_change"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("at least 2 poolable studies")
            && err.contains("shiraki_2000")
            && err.contains("SD or SE"),
        "{err}"
    );
    let unknown = k2bone(dir.path(), &["evidence", "analyze", "--outcome", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
}
