//! Property-based fuzzing of the trial-CSV reader (issue 15), with the hostile tables of
//! k2bone-evidence's meta-CSV target. Properties: nothing panics; an accepted row has finite,
//! bounded numbers and no terminal escapes.
//!
//! CI runs the default 256 cases; a long run:
//! `PROPTEST_CASES=20000 cargo test --release -p k2bone-trialdb --test fuzz_trials`.

use proptest::prelude::*;

use k2bone_trialdb::read_trials_csv;

#[path = "../../evidence/tests/hostile_table/mod.rs"]
mod hostile_table;
use hostile_table::table;

proptest! {
    #[test]
    fn trial_csv_never_panics(text in table(TRIAL_COLS)) {
        if let Ok(rows) = read_trials_csv(&text, "fuzz.csv") {
            for r in rows {
                for x in [r.mean_treat, r.mean_control, r.sd_treat, r.sd_control, r.dose_ug_per_day] {
                    assert!(x.is_none_or(|v| v.is_finite() && v.abs() <= 1e6));
                }
                assert!(r.timepoint_months.is_finite() && r.timepoint_months > 0.0);
                assert!(!format!("{r:?}").chars().any(|c| c == '\u{1b}'));
            }
        }
    }
}

const TRIAL_COLS: &[&str] = &[
    "study_id",
    "first_author",
    "year",
    "k_form",
    "outcome",
    "timepoint_months",
    "n_treat",
    "n_control",
    "source",
    "mean_treat",
    "sd_treat",
    "mean_control",
    "sd_control",
    "notes",
    "dose_ug_per_day",
    "events_treat",
    "events_control",
];
