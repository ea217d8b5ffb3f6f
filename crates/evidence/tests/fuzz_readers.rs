//! Property-based fuzzing of the meta-analysis CSV reader and fits (issue 15; the trial-CSV
//! reader's target is in k2bone-trialdb). Tables are assembled from valid and hostile headers (duplicates, unknown names)
//! and hostile cells (NaN, inf, -0, 1e308, 1e-320, n/a, control characters, quotes, commas);
//! the numeric property feeds extreme but finite yi and vi straight to every estimator.
//! Properties: nothing panics; an accepted table has finite numbers; a fit that succeeds prints
//! no NaN and keeps its estimate inside its CI.
//!
//! CI runs the default 256 cases per property; a long run:
//! `PROPTEST_CASES=20000 cargo test --release -p k2bone-evidence --test fuzz_readers`
//! (see the issue-15 report for the last long run).

use proptest::prelude::*;

use k2bone_evidence::*;

mod hostile_table;
use hostile_table::table;

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
}
