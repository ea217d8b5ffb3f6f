//! Property-based fuzzing of the dosing-table reader (issue 15), with the core model and the
//! full bone-health model: tables assembled from valid and hostile headers and cells. The reader
//! must never panic; an error names the file, a line and a column; an accepted table has finite
//! times ≥ 0 and amounts > 0 within the per-dose limits, and with `parse_dose_table_until` no
//! dose at or after the end of the run.
//!
//! CI runs the default 256 cases per property; a long run:
//! `PROPTEST_CASES=50000 cargo test --release -p k2bone-sim --test fuzz_dosing`.

use proptest::prelude::*;

use k2bone_physiology::{BoneHealthModel, CalciumBoneModel};
use k2bone_sim::{parse_dose_table, parse_dose_table_until, OdeModel};

const COLS: &[&str] = &["time_h", "drug", "amount", "unit", "ii_h", "addl", "dur_h"];

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-0".to_string()),
        Just("1e308".to_string()),
        Just("1e-320".to_string()),
        Just("1e12".to_string()),
        prop::sample::select(vec![
            "calcium",
            "denosumab",
            "teriparatide",
            "calcitriol",
            "mk7",
            "d3",
            "PTH",
            "aspirin"
        ])
        .prop_map(str::to_string),
        prop::sample::select(vec!["mg", "ug", "g", "IU", "nmol", "kg", "µg"])
            .prop_map(str::to_string),
        (0.0f64..10_000.0).prop_map(|v| format!("{v:.3}")),
        (0u32..50).prop_map(|v| v.to_string()),
        (-100.0f64..0.0).prop_map(|v| v.to_string()),
        "\\PC{0,5}",
        Just("#".to_string()),
    ]
}

fn table() -> impl Strategy<Value = String> {
    let header = prop_oneof![
        3 => Just(COLS[..4].to_vec()).prop_map(|v| v.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
        2 => prop::collection::vec(prop::sample::select(COLS).prop_map(str::to_string), 1..8),
        1 => prop::collection::vec("[a-z_]{1,7}", 1..5),
    ];
    let rows = prop::collection::vec(prop::collection::vec(cell(), 0..8), 0..6);
    (header, rows).prop_map(|(h, rows)| {
        let mut s = h.join(",") + "\n";
        for r in rows {
            s += &r.join(",");
            s.push('\n');
        }
        s
    })
}

fn check<M: OdeModel>(text: &str, m: &M, end: f64) {
    let all = parse_dose_table(text, "fuzz.csv", m);
    match &all {
        Err(e) => {
            assert!(e.to_string().starts_with("fuzz.csv:"), "{e}");
            assert!(!e.column.is_empty() && !e.message.is_empty(), "{e}");
        }
        Ok(doses) => {
            assert!(!doses.is_empty());
            for d in doses {
                assert!(d.time_h.is_finite() && d.time_h >= 0.0);
                assert!(d.amount.is_finite() && d.amount > 0.0);
            }
        }
    }
    if let Ok(doses) = parse_dose_table_until(text, "fuzz.csv", m, end) {
        assert!(doses.iter().all(|d| d.time_h < end));
        assert!(all.is_ok());
    }
}

proptest! {
    #[test]
    fn dosing_tables_never_panic(text in table(), end in 1.0f64..1e5) {
        check(&text, &CalciumBoneModel::default(), end);
        check(&text, &BoneHealthModel::default(), end);
    }
}
