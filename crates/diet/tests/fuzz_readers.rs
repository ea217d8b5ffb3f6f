//! Property-based fuzzing of the diet-log reader and the food import (issue 15): CSVs assembled
//! from valid and hostile headers (duplicates, unknown names, a BOM) and cells (NaN, inf, 1e308,
//! numbers as names, control characters, quotes, real food names). Properties: nothing panics;
//! an accepted log has finite grams in range and a report without NaN; an accepted import adds
//! exactly its rows, a refused one leaves the database unchanged, and no accepted name is a
//! number or holds a control character.
//!
//! CI runs the default 256 cases per property; a long run:
//! `PROPTEST_CASES=20000 cargo test --release -p k2bone-diet --test fuzz_readers`.

use std::sync::{Mutex, OnceLock};

use proptest::prelude::*;

use k2bone_diet::foods::food_id;
use k2bone_diet::import::{add_foods_csv, remove_user_food};
use k2bone_diet::log::{parse_csv, GRAMS_RANGE};
use k2bone_diet::report::build;
use k2bone_diet::safety::SafetyProfile;
use k2bone_diet::FoodDb;
use k2bone_store::Store;

/// One seeded database for all cases (seeding takes ~0.3 s).
fn shared() -> &'static Mutex<(Store, FoodDb)> {
    static S: OnceLock<Mutex<(Store, FoodDb)>> = OnceLock::new();
    S.get_or_init(|| {
        let mut store = Store::in_memory().unwrap();
        let db = FoodDb::open(&mut store).unwrap();
        Mutex::new((store, db))
    })
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-0".to_string()),
        Just("1e308".to_string()),
        Just("1e-320".to_string()),
        Just("93611".to_string()),
        Just("#16113".to_string()),
        Just("\u{1b}[2J".to_string()),
        Just("a\tb".to_string()),
        Just("\"quoted, with comma\"".to_string()),
        prop::sample::select(vec![
            "natto",
            "spinach",
            "Cheddar cheese",
            "supplement:mk7",
            "supplement:k1",
            "kale"
        ])
        .prop_map(str::to_string),
        prop::sample::select(vec![
            "breakfast",
            "dinner",
            "12:30",
            "25:00",
            "180 ug",
            "1 mg",
            "5 IU"
        ])
        .prop_map(str::to_string),
        (0.0f64..3000.0).prop_map(|v| format!("{v:.1}")),
        (-10.0f64..0.0).prop_map(|v| v.to_string()),
        "[A-Za-z ]{1,10}",
        "\\PC{0,6}",
    ]
}

fn table(cols: &'static [&'static str]) -> impl Strategy<Value = String> {
    let header = prop::collection::vec(
        prop_oneof![
            5 => prop::sample::select(cols).prop_map(str::to_string),
            1 => "[a-z_]{1,8}",
        ],
        1..8,
    );
    let rows = prop::collection::vec(prop::collection::vec(cell(), 0..8), 0..6);
    (any::<bool>(), header, rows).prop_map(|(bom, h, rows)| {
        let mut s = if bom {
            "\u{feff}".to_string()
        } else {
            String::new()
        };
        s += &(h.join(",") + "\n");
        for r in rows {
            s += &r.join(",");
            s.push('\n');
        }
        s
    })
}

const LOG_COLS: &[&str] = &["day", "food", "grams", "portions", "meal", "dose"];
const IMPORT_COLS: &[&str] = &[
    "name",
    "food_group",
    "source",
    "status",
    "aliases",
    "portion_label",
    "portion_g",
    "k1_ug_per_100g",
    "mk4_ug_per_100g",
    "mk7_ug_per_100g",
];

proptest! {
    #[test]
    fn diet_logs_never_panic(text in table(LOG_COLS)) {
        let guard = shared().lock().unwrap();
        let db = &guard.1;
        if let Ok(log) = parse_csv(db, "fuzz.csv", &text, true) {
            for e in &log.entries {
                assert!(e.grams.is_finite() && e.grams > 0.0 && e.grams <= GRAMS_RANGE.1 * 20.0, "{e:?}");
                assert!(!e.day.chars().any(char::is_control));
            }
            let r = format!("{:?}", build(db, &log, &SafetyProfile::default()));
            assert!(!r.contains("NaN"), "{r}");
        }
    }

    #[test]
    fn food_imports_never_panic_or_half_import(text in table(IMPORT_COLS)) {
        let mut guard = shared().lock().unwrap();
        let (store, db) = &mut *guard;
        let count = |s: &Store| -> i64 {
            s.conn().query_row("SELECT COUNT(*) FROM foods", [], |r| r.get(0)).unwrap()
        };
        let before = count(store);
        match add_foods_csv(store, db, "fuzz.csv", &text) {
            Ok(ids) => {
                let now = FoodDb::load(store.conn()).unwrap();
                assert_eq!(now.len() as i64, before + ids.len() as i64);
                for id in &ids {
                    let f = now.by_id(*id).unwrap();
                    assert!(food_id(&f.name).is_none(), "numeric name {:?}", f.name);
                    assert!(!f.name.chars().any(char::is_control), "{:?}", f.name);
                    remove_user_food(store, &now, &id.to_string()).unwrap();
                }
                assert_eq!(count(store), before);
            }
            Err(_) => assert_eq!(count(store), before),
        }
    }
}
