//! Malformed inputs give typed errors that name the row and the column (and never panic).
//! Rows are data rows counted from 1 (the header is CSV line 1).

use k2bone_evidence::{escalc, fit, read_csv, EvidenceError, FitOptions, Measure};

/// Parses, computes effect sizes and fits; returns the first error as text.
fn run(csv: &str, m: Measure) -> String {
    let res = read_csv(csv, m)
        .and_then(|d| escalc(m, &d.rows))
        .and_then(|es| fit(&es, &FitOptions::default()));
    match res {
        Ok(f) => panic!("expected an error, got a fit with k = {}", f.k),
        Err(e) => e.to_string(),
    }
}

fn assert_names(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message `{msg}` lacks `{p}`");
    }
}

#[test]
fn missing_column_is_named_with_the_accepted_layouts() {
    let msg = run("study,m1i,sd1i,n1i,m2i,sd2i\na,1,1,10,0,1\n", Measure::SMD);
    assert_names(
        &msg,
        &["`n2i`", "m1i,sd1i,n1i,m2i,sd2i,n2i", "found: study,m1i"],
    );
    let msg = run("name,yi,vi\na,1,1\n", Measure::GEN);
    assert_names(&msg, &["`study`"]);
}

#[test]
fn negative_sd_names_row_and_column() {
    let msg = run(
        "study,m1i,sd1i,n1i,m2i,sd2i,n2i\na,1,1,10,0,1,10\nb,1,-2,10,0,1,10\n",
        Measure::MD,
    );
    assert_names(&msg, &["row 2", "`b`", "`sd1i`", "-2", "sd1i >= 0"]);
}

#[test]
fn negative_count_names_row_and_column() {
    let msg = run("study,ai,bi,ci,di\na,1,9,2,8\nb,3,7,-1,9\n", Measure::OR);
    assert_names(&msg, &["row 2", "`ci`", "-1", ">= 0"]);
}

#[test]
fn zero_group_size_names_row_and_column() {
    let msg = run(
        "study,m1i,sd1i,n1i,m2i,sd2i,n2i\na,1,1,10,0,1,10\nb,1,1,10,0,1,0\n",
        Measure::SMD,
    );
    assert_names(&msg, &["row 2", "`n2i`", "n2i > 0"]);
    let msg = run("study,ai,bi,ci,di\na,1,9,2,8\nb,0,0,3,7\n", Measure::RR);
    assert_names(&msg, &["row 2", "`bi`", "group 1 is empty"]);
}

#[test]
fn text_in_a_number_names_row_column_and_value() {
    let msg = run(
        "study,yi,vi\na,0.1,0.01\nb,0.2,0.02\nc,0.3,n/a\n",
        Measure::GEN,
    );
    assert_names(&msg, &["row 3", "`c`", "`vi`", "\"n/a\"", "finite number"]);
    let msg = run("study,yi,vi\na,0.1,0.01\nb,,0.02\n", Measure::GEN);
    assert_names(&msg, &["row 2", "`yi`", "(empty)"]);
}

#[test]
fn nonpositive_variance_is_refused() {
    let msg = run("study,yi,vi\na,0.1,0.01\nb,0.2,0\n", Measure::GEN);
    assert_names(&msg, &["row 2", "`vi`", "vi > 0"]);
}

#[test]
fn one_study_only_is_refused() {
    let msg = run("study,yi,vi\na,0.1,0.01\n", Measure::GEN);
    assert_names(&msg, &["at least 2 studies", "got 1"]);
}

#[test]
fn empty_file_and_header_only_are_refused() {
    assert_names(&run("", Measure::GEN), &["empty"]);
    assert_names(&run("study,yi,vi\n", Measure::GEN), &["no data rows"]);
}

#[test]
fn duplicate_study_names_are_refused() {
    let msg = run(
        "study,yi,vi\na,0.1,0.01\nb,0.2,0.02\na,0.3,0.03\n",
        Measure::GEN,
    );
    assert_names(&msg, &["row 3", "`study`", "duplicate", "`a`", "row 1"]);
}

#[test]
fn ragged_rows_are_refused_with_the_line() {
    let msg = run("study,yi,vi\na,0.1,0.01\nb,0.2\n", Measure::GEN);
    assert_names(&msg, &["row 2", "line 3"]);
}

#[test]
fn wrong_layout_for_the_measure_names_the_missing_columns() {
    let err = read_csv("study,yi,vi\na,0.1,0.01\n", Measure::OR).unwrap_err();
    assert!(
        matches!(err, EvidenceError::MissingColumn { ref column, .. } if column == "ai"),
        "{err}"
    );
}
