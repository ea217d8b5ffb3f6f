//! `k2bone evidence` end to end: the real binary with `K2BONE_DATA` in a fresh temporary
//! directory (as on a user's first run).
//!
//! Oracles: the shipped CSV itself (row counts, values), `k2bone_evidence::fit` called directly
//! on effect sizes built here from the fixture, metafor 3.8-1 through Rscript (`rma(measure =
//! "MD", ..., method = "REML", test = "knha")`), and a fixed-effect pool written out by hand
//! below. The fixture trials (`fixture_*`) are made-up test inputs, not literature values; they
//! live only in the temporary database.

use k2bone_evidence::{escalc, fit, FitOptions, Measure, Tau2Method, Test};

mod evidence_fixture;
#[path = "../../evidence/tests/rscript.rs"]
mod rscript;
use evidence_fixture::*;

#[test]
fn list_and_show_report_the_shipped_rows() {
    let dir = tempfile::tempdir().unwrap();
    let v = json_of(&k2bone(
        dir.path(),
        &["evidence", "list", "--format", "json"],
    ));
    let shipped = k2bone_trialdb::read_trials_csv(SHIPPED, "trials.csv").unwrap();
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
