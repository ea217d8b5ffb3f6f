//! Property-based fuzzing of the meta-analysis CSV reader and fits, and of the trial-CSV reader
//! (issue 15). Tables are assembled from valid and hostile headers (duplicates, unknown names)
//! and hostile cells (NaN, inf, -0, 1e308, 1e-320, n/a, control characters, quotes, commas);
//! the numeric property feeds extreme but finite yi and vi straight to every estimator.
//! Properties: nothing panics; an accepted table has finite numbers; a fit that succeeds prints
//! no NaN and keeps its estimate inside its CI.
//!
//! CI runs the default 256 cases per property; a long run:
//! `PROPTEST_CASES=20000 cargo test --release -p k2bone-evidence --test fuzz_readers`
//! (see the issue-15 report for the last long run).

use proptest::prelude::*;

use k2bone_evidence::trials::read_trials_csv;
use k2bone_evidence::*;

fn hostile_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-Infinity".to_string()),
        Just("-0".to_string()),
        Just("1e308".to_string()),
        Just("-1e308".to_string()),
        Just("1e-320".to_string()),
        Just("1e400".to_string()),
        Just("n/a".to_string()),
        Just("\u{1b}[31mred".to_string()),
        Just("\"".to_string()),
        Just("a,b".to_string()),
        Just("line\nbreak".to_string()),
        (-1e3f64..1e3).prop_map(|v| v.to_string()),
        (0.0001f64..10.0).prop_map(|v| v.to_string()),
        (0u32..200).prop_map(|v| v.to_string()),
        "[a-z]{1,6}",
        "\\PC{0,6}",
    ]
}

fn quote(cell: &str, q: bool) -> String {
    if q {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

fn table(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    let header = prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(names).prop_map(str::to_string),
            1 => "[a-z_]{1,8}",
        ],
        1..9,
    );
    let rows = prop::collection::vec(
        prop::collection::vec((hostile_cell(), any::<bool>()), 0..9),
        0..8,
    );
    (header, rows, any::<bool>()).prop_map(|(h, rows, full)| {
        let mut s = h.join(",") + "\n";
        for r in rows {
            let n = if full { h.len() } else { r.len() };
            let cells: Vec<String> = r.iter().take(n).map(|(c, q)| quote(c, *q)).collect();
            s += &cells.join(",");
            s.push('\n');
        }
        s
    })
}

const META_COLS: &[&str] = &[
    "study", "yi", "vi", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i", "ai", "bi", "ci", "di", "x",
];

fn check_meta(text: &str, m: Measure) {
    let Ok(d) = read_csv(text, m) else { return };
    for r in &d.rows {
        assert!(!r.study.is_empty());
    }
    let _ = d.moderator("x");
    let Ok(es) = escalc(m, &d.rows) else { return };
    for e in &es {
        assert!(e.yi.is_finite() && e.vi.is_finite(), "{e:?}");
    }
    check_fits(&es);
}

fn check_fits(es: &[EffectSize]) {
    for method in [
        Tau2Method::REML,
        Tau2Method::DL,
        Tau2Method::PM,
        Tau2Method::EB,
    ] {
        for test in [Test::Z, Test::Knha] {
            let opts = FitOptions {
                method,
                test,
                level: 95.0,
                tau2_ci: true,
            };
            if let Ok(f) = fit(es, &opts) {
                let dbg = format!("{f:?}");
                assert!(!dbg.contains("NaN"), "{dbg}");
                assert!(
                    f.ci_lower <= f.estimate && f.estimate <= f.ci_upper,
                    "{dbg}"
                );
            }
            if es.len() >= 3 {
                let _ = egger(es, &opts);
                let _ = trim_fill(es, &opts);
                let _ = leave_one_out(es, &opts);
            }
        }
    }
}

fn extreme() -> impl Strategy<Value = f64> {
    prop_oneof![
        -10.0f64..10.0,
        (-300i32..300, 1.0f64..10.0).prop_map(|(e, m)| m * 10f64.powi(e)),
        (-300i32..300, 1.0f64..10.0).prop_map(|(e, m)| -m * 10f64.powi(e)),
        Just(0.0),
        Just(f64::MIN_POSITIVE),
        Just(f64::MAX),
    ]
}

proptest! {
    #[test]
    fn meta_csv_never_panics(text in table(META_COLS), m in prop::sample::select(vec![Measure::GEN, Measure::SMD, Measure::OR, Measure::RD])) {
        check_meta(&text, m);
    }

    #[test]
    fn fits_of_extreme_effects_never_panic_or_print_nan(
        pairs in prop::collection::vec((extreme(), extreme()), 2..7)
    ) {
        let es: Vec<EffectSize> = pairs
            .iter()
            .enumerate()
            .map(|(i, &(y, v))| EffectSize::new(format!("s{i}"), y, v.abs()))
            .collect();
        check_fits(&es);
    }

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
