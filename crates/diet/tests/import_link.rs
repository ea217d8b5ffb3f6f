//! `foods add` validation (like the trial import: row + column, duplicates refused, all or
//! nothing) and the simulation link (conservation: the dose events add up to the report's intake).

use k2bone_diet::import::add_foods_csv;
use k2bone_diet::link::{from_log, from_plan};
use k2bone_diet::log::parse_csv;
use k2bone_diet::plan::{suggest, PlanOptions, Target};
use k2bone_diet::{DietError, FoodDb, Nutrient};
use k2bone_store::Store;
use k2bone_units::Vitamer;

#[test]
fn user_foods_are_added_in_one_transaction_and_found_by_alias() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let db = FoodDb::open(&mut store).unwrap();
    let csv =
        "name,food_group,mk7_ug_per_100g,mk9_ug_per_100g,k1_ug_per_100g,source,aliases,portion_g\n\
               My natto,fermented soy,870,,30,label of brand X,brand natto;nx,50\n";
    let ids = add_foods_csv(&mut store, &db, "mine.csv", csv).unwrap();
    assert_eq!(ids.len(), 1);
    drop(store);
    let db = FoodDb::open(&mut Store::open_in(dir.path()).unwrap()).unwrap();
    let f = db.get("nx").unwrap();
    assert_eq!(f.name, "My natto");
    assert_eq!(f.ug_per_100g(Nutrient::Vitamer(Vitamer::Mk7)), Some(870.0));
    // Empty MK-9 cell = not measured, not 0.
    assert_eq!(f.ug_per_100g(Nutrient::Vitamer(Vitamer::Mk9)), None);
    assert_eq!(f.default_portion().unwrap().grams, 50.0);
    assert_eq!(f.values["mk7"].source, "label of brand X");
}

#[test]
fn bad_rows_are_named_and_nothing_is_imported() {
    let mut store = Store::in_memory().unwrap();
    let db = FoodDb::open(&mut store).unwrap();
    let csv = "name,food_group,mk7_ug_per_100g,source\n\
               Good food,x,10,s\n\
               Natto,x,10,s\n\
               Twice,x,10,s\n\
               twice,x,10,s\n\
               Neg,x,-1,s\n\
               Huge,x,1e9,s\n\
               NoSource,x,5,\n\
               Nothing,x,,s\n";
    let err = add_foods_csv(&mut store, &db, "bad.csv", csv).unwrap_err();
    let DietError::Rows { errors, .. } = &err else {
        panic!("{err}")
    };
    let at: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
    assert_eq!(
        at,
        vec![
            (3, "name"),
            (5, "name"),
            (6, "mk7_ug_per_100g"),
            (7, "mk7_ug_per_100g"),
            (8, "source"),
            (9, "*_ug_per_100g")
        ]
    );
    let msg = err.to_string();
    assert!(
        msg.contains("already in the database as food 16113") && msg.contains("[0, 100000]"),
        "{msg}"
    );
    // All or nothing: "Good food" was not added.
    assert!(FoodDb::load(store.conn())
        .unwrap()
        .get("Good food")
        .is_none());
    // Header problems.
    let e = add_foods_csv(
        &mut store,
        &db,
        "h.csv",
        "name,food_group,source,mk11_ug_per_100g\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("unknown column `mk11_ug_per_100g`") && e.contains("mk10_ug_per_100g"),
        "{e}"
    );
    let e = add_foods_csv(&mut store, &db, "h.csv", "name,mk7_ug_per_100g\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing column `food_group`"), "{e}");
}

#[test]
fn dose_events_conserve_the_logged_intake() {
    let db = FoodDb::open(&mut Store::in_memory().unwrap()).unwrap();
    let text = "day,food,grams,meal,dose\n\
                1,natto,50,breakfast,\n1,Cheddar cheese,30,breakfast,\n1,gouda,40,dinner,\n\
                2,spinach,100,19:30,\n2,supplement:mk7,,08:00,90 ug\n";
    let log = parse_csv(&db, "log.csv", text, false).unwrap();
    let s = from_log(&db, &log);
    let sum = |v: Vitamer| {
        s.events
            .iter()
            .filter(|e| e.vitamer == v)
            .map(|e| e.amount_ug)
            .sum::<f64>()
    };
    let days = log.daily(&db);
    for v in Vitamer::ALL {
        let want: f64 = days
            .iter()
            .map(|d| d.total().vitamer(v).unwrap_or(0.0))
            .sum();
        assert!((sum(v) - want).abs() < 1e-9, "{v}: {} vs {want}", sum(v));
    }
    // Breakfast day 1 = 8 h: natto MK-7 500 ug in one event (natto and cheddar share the meal,
    // so K1 is one event of 11.55 + 0.72 ug). Day 2 at 19:30 = 24 + 19.5 h.
    let at = |t: f64, v: Vitamer| {
        s.events
            .iter()
            .find(|e| e.time_h == t && e.vitamer == v)
            .map(|e| e.amount_ug)
    };
    assert_eq!(at(8.0, Vitamer::Mk7), Some(500.0));
    assert!((at(8.0, Vitamer::K1).unwrap() - 12.27).abs() < 1e-9);
    assert!((at(43.5, Vitamer::K1).unwrap() - 482.9).abs() < 1e-9);
    assert_eq!(at(32.0, Vitamer::Mk7), Some(90.0));
    // Gouda's unsplit K2 (75 x 0.4 = 30 ug at dinner, 19 h) is carried, not dropped.
    assert_eq!(s.unsplit_k2_ug, vec![(19.0, 30.0)]);
    // Food and the supplement stay apart (the model absorbs them through different vehicles).
    assert!(s
        .events
        .iter()
        .all(|e| e.from_food != (e.time_h == 32.0 && e.vitamer == Vitamer::Mk7)));
    // Times are ordered.
    assert!(s.events.windows(2).all(|w| w[0].time_h <= w[1].time_h));
}

#[test]
fn a_plan_becomes_one_event_per_day() {
    let db = FoodDb::open(&mut Store::in_memory().unwrap()).unwrap();
    let o = PlanOptions {
        targets_ug: vec![(Target::Vitamer(Vitamer::Mk7), 180.0)],
        ..PlanOptions::default()
    };
    let plan = suggest(&db, &o).unwrap();
    let s = from_plan(&plan, 3, 12.0);
    let mk7: Vec<(f64, f64)> = s
        .events
        .iter()
        .filter(|e| e.vitamer == Vitamer::Mk7)
        .map(|e| (e.time_h, e.amount_ug))
        .collect();
    assert_eq!(mk7.len(), 3);
    for (i, (t, ug)) in mk7.iter().enumerate() {
        assert_eq!(*t, 12.0 + 24.0 * i as f64);
        assert!((ug - 180.0).abs() < 1e-6);
    }
}
