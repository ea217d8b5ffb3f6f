//! Diet logs and reports. Oracle: hand arithmetic from the shipped table values, written out
//! below (µg/100 g, data/foods/usda_vitamin_k.csv and literature_values.csv):
//!   Natto (16113)            K1 23.1, MK-7 1000 (NIH ODS)
//!   Cheese, cheddar (01009)  K1 2.4,  MK-4 8.6
//!   Spinach, raw (11457)     K1 482.9
//!   Cheese, gouda (01022)    K1 2.3,  K2 unsplit 75 (secondary)
//!   portions.csv: natto 3 oz serving = 85 g

use k2bone_diet::log::parse_csv;
use k2bone_diet::meal_plan::parse_toml;
use k2bone_diet::report::build;
use k2bone_diet::safety::SafetyProfile;
use k2bone_diet::{DietError, FoodDb};
use k2bone_store::Store;
use k2bone_units::Vitamer;

/// The shipped food table, seeded once for every test of this file (read-only).
fn db() -> &'static FoodDb {
    static DB: std::sync::OnceLock<FoodDb> = std::sync::OnceLock::new();
    DB.get_or_init(|| FoodDb::open(&mut Store::in_memory().unwrap()).unwrap())
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("measured");
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

const LOG: &str = "day,food,grams\n1,natto,50\n1,Cheddar cheese,30\n2,Spinach,100\n2,gouda,40\n";

#[test]
fn hand_computed_log_per_vitamer_per_day() {
    let db = db();
    let log = parse_csv(db, "log.csv", LOG, false).unwrap();
    let r = build(db, &log, &SafetyProfile::default());
    assert_eq!(r.days.len(), 2);
    let (d1, d2) = (&r.days[0].ug, &r.days[1].ug);
    // Day 1: K1 = 23.1 x 0.5 + 2.4 x 0.3 = 11.55 + 0.72 = 12.27; MK-4 = 8.6 x 0.3 = 2.58;
    //        MK-7 = 1000 x 0.5 = 500; total K2 = 502.58; MK-5 measured in nothing eaten: null.
    close(d1.vitamer(Vitamer::K1), 12.27);
    close(d1.vitamer(Vitamer::Mk4), 2.58);
    close(d1.vitamer(Vitamer::Mk7), 500.0);
    close(d1.total_k2(), 502.58);
    assert_eq!(d1.vitamer(Vitamer::Mk5), None);
    // Day 2: K1 = 482.9 x 1 + 2.3 x 0.4 = 483.82; MK-4 not measured in spinach or gouda: null;
    //        K2 unsplit = 75 x 0.4 = 30 = total K2.
    close(d2.vitamer(Vitamer::K1), 483.82);
    assert_eq!(d2.vitamer(Vitamer::Mk4), None);
    close(d2.total_k2(), 30.0);
    // Mean: K1 (12.27 + 483.82) / 2 = 248.045; MK-4 2.58 / 2 = 1.29 (day 2 counts 0);
    //       MK-7 250; total K2 (502.58 + 30) / 2 = 266.29; MK-5 null.
    let m = &r.mean_per_day_ug;
    close(m.vitamer(Vitamer::K1), 248.045);
    close(m.vitamer(Vitamer::Mk4), 1.29);
    close(m.vitamer(Vitamer::Mk7), 250.0);
    close(m.total_k2(), 266.29);
    assert_eq!(m.vitamer(Vitamer::Mk10), None);
    // Variation of K1: two days, SD = |483.82 - 12.27| / sqrt(2); swing = 471.55.
    let v = &r.variation["k1"];
    close(v.sd_ug, 471.55 / 2f64.sqrt());
    close(v.largest_swing_ug, 471.55);
    // Top contributor by K1 + K2 per day: spinach 482.9 / 2 = 241.45 < natto (11.55 + 500) / 2.
    assert_eq!(r.top_contributors[0].food, "Natto");
    assert!((r.top_contributors[0].total_k_ug_per_day - 255.775).abs() < 1e-9);
    // MK-7 180 ug/d reference (Knapen 2013): 250 / 180 = 138.9 %.
    let c = r
        .comparisons
        .iter()
        .find(|c| c.reference.compares == "mk7")
        .unwrap();
    assert!((c.percent_of_reference.unwrap() - 250.0 / 1.8).abs() < 1e-9);
    // Not measured: MK-4 in natto, spinach and gouda (50 + 100 + 40 = 190 g).
    let nm = r.not_measured.iter().find(|n| n.nutrient == "mk4").unwrap();
    assert_eq!(nm.grams, 190.0);
    assert_eq!(nm.foods.len(), 3);
}

#[test]
fn json_has_the_documented_keys_with_null_for_not_measured() {
    let db = db();
    let log = parse_csv(db, "log.csv", LOG, false).unwrap();
    let j = serde_json::to_value(build(db, &log, &SafetyProfile::default())).unwrap();
    let m = &j["mean_per_day_ug"];
    for k in [
        "k1", "mk4", "mk5", "mk6", "mk7", "mk8", "mk9", "mk10", "total_k2",
    ] {
        assert!(m.get(k).is_some(), "{k}");
    }
    assert!(m["mk5"].is_null());
    assert_eq!(m["mk7"], 250.0);
    assert!(j["days"][1]["ug"]["mk4"].is_null());
    for k in ["unknown_foods", "top_contributors", "safety_flags"] {
        assert!(j[k].is_array(), "{k}");
    }
}

#[test]
fn portions_use_the_typical_portion_and_match_grams() {
    let db = db();
    // 1 natto portion = 85 g (portions.csv): MK-7 = 1000 x 0.85 = 850 ug, same as 85 g.
    let by_portion = parse_csv(db, "p.csv", "day,food,portions\nmon,natto,1\n", false).unwrap();
    let by_grams = parse_csv(db, "g.csv", "day,food,grams\nmon,natto,85\n", false).unwrap();
    let a = &by_portion.daily(db)[0];
    let b = &by_grams.daily(db)[0];
    close(a.total().vitamer(Vitamer::Mk7), 850.0);
    assert_eq!(a.total(), b.total());
    // Half a portion of spinach: 0.5 x 30 g = 15 g -> K1 482.9 x 0.15 = 72.435.
    let s = parse_csv(db, "s.csv", "day,food,portions\n1,spinach,0.5\n", false).unwrap();
    close(s.daily(db)[0].total().vitamer(Vitamer::K1), 72.435);
    // A USDA food without a hand-written portion counts its first SR28 household measure, and
    // the entry says so: 11090 broccoli raw, WEIGHT seq 1 "1 cup chopped" = 91 g.
    let b = parse_csv(db, "b.csv", "day,food,portions\n1,Broccoli raw,1\n", false).unwrap();
    assert_eq!(b.entries[0].grams, 91.0);
    let basis = &b.measure_by_line[&2];
    assert!(basis.contains("NDB 11090 seq 1"), "{basis}");
    // A food with no portion at all (a literature food) is an error naming it.
    let e = parse_csv(
        db,
        "x.csv",
        "day,food,portions\n1,Goose liver pate,1\n",
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("line 2") && e.contains("no typical portion"),
        "{e}"
    );
}

#[test]
fn toml_meal_plan_equals_the_csv_log() {
    let db = db();
    let toml = r#"
[[days]]
day = 1
items = [ { food = "natto", grams = 50, meal = "breakfast" },
          { food = "Cheddar cheese", grams = 30, meal = "dinner" } ]
[[days]]
day = 2
items = [ { food = "Spinach", grams = 100 }, { food = "gouda", grams = 40 } ]
"#;
    let t = parse_toml(db, "plan.toml", toml, false).unwrap();
    let c = parse_csv(db, "log.csv", LOG, false).unwrap();
    let (t, c) = (t.daily(db), c.daily(db));
    for (a, b) in t.iter().zip(&c) {
        assert_eq!(a.total(), b.total());
    }
    let bad = "[[days]]\nday = 1\nitems = [ { food = \"nato\", grams = 5 } ]\n";
    let e = parse_toml(db, "plan.toml", bad, false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 3") && e.contains("Natto"), "{e}");
}

#[test]
fn unknown_foods_list_every_name_with_suggestions() {
    let db = db();
    let text = "day,food,grams\n1,goudda,30\n1,natto,10\n2,nato,20\n";
    let err = parse_csv(db, "log.csv", text, false).unwrap_err();
    let DietError::UnknownFoods { unknown, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(unknown.len(), 2);
    assert_eq!((unknown[0].line, unknown[1].line), (2, 4));
    assert_eq!(unknown[0].suggestions[0], "Cheese, gouda");
    assert!(unknown[1].suggestions.contains(&"Natto".to_string()));
    assert!(err.is_bad_input());
    // --skip-unknown: the report lists them instead of failing; the known rows still count.
    let log = parse_csv(db, "log.csv", text, true).unwrap();
    let r = build(db, &log, &SafetyProfile::default());
    assert_eq!(r.unknown_foods.len(), 2);
    close(r.days[0].ug.vitamer(Vitamer::Mk7), 100.0);
}

#[test]
fn empty_logs_are_errors() {
    let db = db();
    for text in ["", "day,food,grams\n"] {
        let e = parse_csv(db, "empty.csv", text, false).unwrap_err();
        assert!(matches!(e, DietError::EmptyLog { .. }), "{e}");
        assert!(e.to_string().contains("empty.csv"));
    }
    assert!(matches!(
        parse_toml(db, "e.toml", "", false),
        Err(DietError::EmptyLog { .. })
    ));
}

#[test]
fn negative_absurd_and_malformed_amounts_name_line_column_and_range() {
    let db = db();
    let text = "day,food,grams\n1,natto,-5\n1,natto,5000\n2,natto,abc\n2,natto,NaN\n";
    let e = parse_csv(db, "log.csv", text, false).unwrap_err();
    let DietError::Rows { errors, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!(
        errors.iter().map(|f| f.line).collect::<Vec<_>>(),
        vec![2, 3, 4, 5]
    );
    let msg = e.to_string();
    assert!(
        msg.contains("line 2, column `grams` = '-5'") && msg.contains("(0, 2000] g"),
        "{msg}"
    );
    assert!(msg.contains("'5000'"));
    let e = parse_csv(db, "log.csv", "day,food,portions\n1,natto,25\n", false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("(0, 20]"), "{e}");
    let e = parse_csv(
        db,
        "log.csv",
        "day,food,grams,meal\n1,natto,5,brunch\n",
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("`meal` = 'brunch'") && e.contains("HH:MM"),
        "{e}"
    );
    let e = parse_csv(db, "log.csv", "day,food,kg\n1,natto,5\n", false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown column `kg`"), "{e}");
    let e = parse_csv(
        db,
        "log.csv",
        "day,food,grams,dose\n1,supplement:mk7,,-3 ug\n",
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("`dose` = '-3 ug'"), "{e}");
}

#[test]
fn supplements_count_in_the_day_total() {
    let db = db();
    let text = "day,food,grams,dose\n1,natto,10,\n1,supplement:mk7,,180 ug\n";
    let log = parse_csv(db, "log.csv", text, false).unwrap();
    let r = build(db, &log, &SafetyProfile::default());
    // 10 g natto = 100 ug MK-7, plus 180 ug from the supplement.
    close(r.days[0].ug.vitamer(Vitamer::Mk7), 280.0);
    close(r.days[0].supplements_ug.vitamer(Vitamer::Mk7), 180.0);
}
