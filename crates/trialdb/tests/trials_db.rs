//! The trial database: the shipped CSV validates and seeds once; imports are validated row by row
//! with the row and column named; a refused import leaves the database exactly as it was;
//! pooling converts rows to effect sizes by the documented rules (hand calculations below).

use k2bone_evidence::{escalc, Measure, StudyData};
use k2bone_store::Store;
use k2bone_trialdb::pooling::{pool, study_data, PoolSelection};
use k2bone_trialdb::published::{parse_published, reproduce, shipped_published, Reproduction};
use k2bone_trialdb::trial_db::{
    count, import_csv, list, open_trials, seed_if_needed, study, TrialFilter,
};
use k2bone_trialdb::trials::shipped_trials;
use k2bone_trialdb::TrialRow;

const HEADER: &str = "study_id,first_author,year,k_form,outcome,timepoint_months,n_treat,n_control,source,mean_treat,sd_treat,mean_control,sd_control,dispersion,events_treat,events_control,control,integrity_concern";

fn seeded() -> Store {
    let mut s = Store::in_memory().unwrap();
    open_trials(&mut s).unwrap();
    s
}

/// Every row of the database, in a canonical order, to compare before and after.
fn snapshot(s: &Store) -> Vec<TrialRow> {
    list(s.conn(), &TrialFilter::default()).unwrap()
}

fn shipped_line_count() -> usize {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/evidence/trials.csv"
    ))
    .unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.records().count()
}

#[test]
fn seeding_loads_every_shipped_row_once_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open_in(dir.path()).unwrap();
    assert!(seed_if_needed(s.conn_mut()).unwrap(), "first open seeds");
    let n = count(s.conn()).unwrap();
    // Oracle: the number of records in the CSV file, counted by the csv crate directly.
    assert_eq!(n, shipped_line_count());
    let before = snapshot(&s);
    drop(s);
    let mut s = Store::open_in(dir.path()).unwrap();
    assert!(
        !seed_if_needed(s.conn_mut()).unwrap(),
        "second open does not seed again"
    );
    assert_eq!(snapshot(&s), before);
}

#[test]
fn shipped_rows_keep_their_sources_and_values() {
    let rows = shipped_trials().unwrap();
    assert!(rows.iter().all(|r| !r.source.is_empty()));
    // Jiang 2014 abstract: "Two patients (1.9%, 2/108) in Group M and four patients (3.8%, 4/105)".
    let j = rows
        .iter()
        .find(|r| r.study_id == "jiang_2014" && r.outcome == "any_new_fracture")
        .unwrap();
    assert_eq!(
        (j.events_treat, j.n_treat, j.events_control, j.n_control),
        (Some(2), Some(108), Some(4), Some(105))
    );
    assert_eq!(j.control, "active");
    // Empty cells are "not reported", not zero.
    let e = rows.iter().find(|r| r.study_id == "emaus_2010").unwrap();
    assert_eq!((e.n_treat, e.mean_treat), (None, None));
}

fn refused(csv_text: &str, needles: &[&str]) {
    let mut s = seeded();
    let before = snapshot(&s);
    let err = import_csv(s.conn_mut(), csv_text, "mine.csv")
        .unwrap_err()
        .to_string();
    for n in needles {
        assert!(err.contains(n), "error `{err}` should contain `{n}`");
    }
    assert_eq!(
        snapshot(&s),
        before,
        "a refused import must leave the database unchanged"
    );
}

#[test]
fn missing_column_is_refused() {
    let text = "study_id,first_author,year,k_form,outcome,timepoint_months,n_treat,source\nx,A,2020,MK-7,bmd_lumbar_pct_change,12,10,src\n";
    refused(text, &["mine.csv", "missing column `n_control`"]);
}

#[test]
fn text_in_a_number_is_refused_with_row_and_column() {
    let text = format!(
        "{HEADER}\nu1,A,2020,MK-7,bmd_lumbar_pct_change,12,50,50,src,1.0,2.0,0.5,2.1,sd,,,placebo,0\n\
         u2,B,2021,MK-7,bmd_lumbar_pct_change,12,40,41,src,1.2,abc,0.4,2.0,sd,,,placebo,0\n"
    );
    refused(&text, &["row 2 (line 3)", "`sd_treat`", "\"abc\""]);
}

#[test]
fn negative_sd_and_zero_or_negative_n_are_refused() {
    let sd = format!("{HEADER}\nu1,A,2020,MK-7,bmd_lumbar_pct_change,12,50,50,src,1.0,-2.0,0.5,2.1,sd,,,placebo,0\n");
    refused(&sd, &["row 1", "`sd_treat`", "\"-2.0\"", "> 0"]);
    let n = format!("{HEADER}\nu1,A,2020,MK-7,bmd_lumbar_pct_change,12,0,50,src,1.0,2.0,0.5,2.1,sd,,,placebo,0\n");
    refused(&n, &["row 1", "`n_treat`", "\"0\"", ">= 1"]);
    let neg =
        format!("{HEADER}\nu1,A,2020,MK-7,vertebral_fracture,12,50,-3,src,,,,,,1,2,placebo,0\n");
    refused(&neg, &["`n_control`", "\"-3\""]);
    let ev =
        format!("{HEADER}\nu1,A,2020,MK-7,vertebral_fracture,12,50,30,src,,,,,,1,31,placebo,0\n");
    refused(&ev, &["`events_control`", "at most n_control = 30"]);
}

#[test]
fn duplicates_in_the_file_or_against_the_database_are_refused_atomically() {
    // The first row is valid; the second repeats its key: nothing may be imported.
    let dup = format!(
        "{HEADER}\nu1,A,2020,MK-7,bmd_lumbar_pct_change,12,50,50,src,1.0,2.0,0.5,2.1,sd,,,placebo,0\n\
         u1,A,2020,MK-7,bmd_lumbar_pct_change,12,51,50,src,1.1,2.0,0.5,2.1,sd,,,placebo,0\n"
    );
    refused(
        &dup,
        &[
            "row 2",
            "duplicate trial row u1/bmd_lumbar_pct_change/12 mo",
            "first in row 1",
        ],
    );
    // A new valid row followed by a row that is already shipped: the new row must not stay.
    let clash = format!(
        "{HEADER}\nu9,A,2020,MK-7,bmd_lumbar_pct_change,12,50,50,src,1.0,2.0,0.5,2.1,sd,,,placebo,0\n\
         jiang_2014,Jiang Y,2014,MK-4,any_new_fracture,12,108,105,src,,,,,,2,4,active,0\n"
    );
    refused(&clash, &["row 2", "already in the database (shipped data)"]);
}

#[test]
fn a_valid_import_is_listed_and_shown() {
    let mut s = seeded();
    let before = count(s.conn()).unwrap();
    let text = format!("{HEADER}\nu1,A,2020,MK-7,bmd_lumbar_pct_change,12,50,50,src,1.0,2.0,0.5,2.1,sd,,,placebo,0\n");
    assert_eq!(import_csv(s.conn_mut(), &text, "mine.csv").unwrap(), 1);
    assert_eq!(count(s.conn()).unwrap(), before + 1);
    let rows = study(s.conn(), "u1").unwrap();
    assert_eq!(rows[0].provenance, "user");
    let err = study(s.conn(), "nope").unwrap_err().to_string();
    assert!(
        err.contains("no study `nope`") && err.contains("shiraki_2000"),
        "{err}"
    );
}

#[test]
fn pooling_rules_by_hand() {
    let base = shipped_trials()
        .unwrap()
        .into_iter()
        .find(|r| r.study_id == "shiraki_2000" && r.timepoint_months == 6.0)
        .unwrap();
    // Shiraki 2000 prints ± without saying SD or SE: not poolable, and the reason says so.
    let why = study_data(&base).unwrap_err();
    assert!(why.contains("SD or SE"), "{why}");
    // The same row declared as SE: SD = SE·√n. 0.7·√120 = 7.668115, 0.6·√121 = 6.6.
    let se = TrialRow {
        dispersion: Some(k2bone_trialdb::trials::Dispersion::Se),
        ..base.clone()
    };
    let (data, note) = study_data(&se).unwrap();
    let StudyData::Continuous(g) = data else {
        panic!("continuous")
    };
    assert!((g.sd1i - 7.668_115_805).abs() < 1e-6 && (g.sd2i - 6.6).abs() < 1e-12);
    assert!(note.unwrap().contains("SE converted"));
    // MD of the converted row by hand: yi = 1.4 − (−1.8) = 3.2 (6-month row),
    // vi = 0.7²·120/120 + 0.6²·121/121 = 0.49 + 0.36 = 0.85 (SE² back again).
    let es = escalc(
        Measure::MD,
        &[k2bone_evidence::StudyRow {
            study: "s".into(),
            data,
        }],
    )
    .unwrap();
    assert!((es[0].yi - 3.2).abs() < 1e-12 && (es[0].vi - 0.85).abs() < 1e-12);
    // The pool takes each study's latest time point (24 months) and says why Shiraki is out.
    let all = shipped_trials().unwrap();
    let p = pool(&all, &PoolSelection::outcome("bmd_lumbar_pct_change"));
    let sh = p
        .excluded
        .iter()
        .find(|e| e.study_id == "shiraki_2000")
        .unwrap();
    assert_eq!(sh.timepoint_months, Some(24.0));
    let j = p
        .excluded
        .iter()
        .find(|e| e.study_id == "jiang_2014")
        .unwrap();
    assert!(j.reason.contains("active comparator"), "{}", j.reason);
}

#[test]
fn published_targets_parse_and_reproduce_or_name_missing_studies() {
    let all = shipped_published().unwrap();
    let rows = shipped_trials().unwrap();
    for a in &all {
        match reproduce(a, &rows, false).unwrap() {
            Reproduction::MissingStudies {
                missing, unnamed, ..
            } => {
                // Either the list is incomplete (and says so) or a named study is missing.
                assert!(unnamed.is_some() || !missing.is_empty(), "{}", a.name);
                for m in &missing {
                    assert!(a.studies.contains(&m.study_id));
                }
            }
            Reproduction::Reproduced { ours, .. } => {
                assert!(a.studies_complete, "{}", a.name);
                assert!(ours.k == a.studies.len());
            }
        }
    }
    // A target file with an inverted CI is refused.
    let bad = "[[analysis]]\nname='x'\ncitation='c'\nsource='s'\ngrade='B'\noutcome='o'\nmeasure='MD'\nmethod='FE'\nestimate=1.0\nci_lower=2.0\nci_upper=0.5\nstudies=[]\nstudies_complete=false\n";
    assert!(parse_published(bad, "t.toml")
        .unwrap_err()
        .to_string()
        .contains("ci_lower 2 > ci_upper 0.5"));
}
