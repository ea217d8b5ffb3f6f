//! Food plans. Oracle: a two-food LP solved by hand (fractional knapsack argument written out in
//! the comments), and the constraints of a plan on the shipped table checked one by one.

use k2bone_diet::plan::{suggest, PlanOptions, Target};
use k2bone_diet::{DietError, FoodDb, Nutrient};
use k2bone_store::Store;
use k2bone_units::Vitamer;
use rusqlite::params;

const MK7: Target = Target::Vitamer(Vitamer::Mk7);

/// A database with only the given foods: (name, K1, MK-7) µg/100 g.
fn tiny(foods: &[(&str, Option<f64>, f64)]) -> FoodDb {
    let store = Store::in_memory().unwrap();
    let c = store.conn();
    for (i, (name, k1, mk7)) in foods.iter().enumerate() {
        let id = i as i64 + 1;
        c.execute(
            "INSERT INTO foods (id, name, food_group, origin) VALUES (?1, ?2, 'test', 'user')",
            params![id, name],
        )
        .unwrap();
        c.execute(
            "INSERT INTO food_values VALUES (?1, 'mk7', ?2, 'test', 'test', NULL)",
            params![id, mk7],
        )
        .unwrap();
        if let Some(k1) = k1 {
            c.execute(
                "INSERT INTO food_values VALUES (?1, 'k1', ?2, 'test', 'test', NULL)",
                params![id, k1],
            )
            .unwrap();
        }
    }
    FoodDb::load(c).unwrap()
}

fn opts(target: f64, cap: f64) -> PlanOptions {
    PlanOptions {
        targets_ug: vec![(MK7, target)],
        max_grams_per_food: cap,
        ..PlanOptions::default()
    }
}

fn grams(plan: &k2bone_diet::plan::FoodPlan, food: &str) -> f64 {
    plan.items
        .iter()
        .find(|i| i.food == food)
        .map_or(0.0, |i| i.grams)
}

#[test]
fn hand_solved_two_food_plan_is_optimal() {
    // A: 100 ug MK-7/100 g, B: 40 ug/100 g, at most 100 g each; target 120 ug.
    // Fewest grams = densest food first: 100 g of A gives 100 ug; the other 20 ug need
    // 20 / 0.40 = 50 g of B. Optimum 150 g (any other mix uses more grams per ug).
    let db = tiny(&[("A", Some(50.0), 100.0), ("B", Some(0.0), 40.0)]);
    let plan = suggest(&db, &opts(120.0, 100.0)).unwrap();
    assert!((grams(&plan, "A") - 100.0).abs() < 1e-6);
    assert!((grams(&plan, "B") - 50.0).abs() < 1e-6);
    assert!((plan.total_grams - 150.0).abs() < 1e-6);
    assert!((plan.intake_ug.vitamer(Vitamer::Mk7).unwrap() - 120.0).abs() < 1e-6);
}

#[test]
fn steady_k1_window_changes_the_optimum_as_by_hand() {
    // Same foods, K1 held in [0, 40] ug: A has 50 ug K1/100 g, so A <= 80 g (40 ug K1) giving
    // 80 ug MK-7; the other 40 ug need 100 g of B. Optimum 180 g, K1 exactly 40 ug.
    let db = tiny(&[("A", Some(50.0), 100.0), ("B", Some(0.0), 40.0)]);
    let o = PlanOptions {
        k1_range_ug: Some((0.0, 40.0)),
        ..opts(120.0, 100.0)
    };
    let plan = suggest(&db, &o).unwrap();
    assert!((grams(&plan, "A") - 80.0).abs() < 1e-6, "{plan:?}");
    assert!((grams(&plan, "B") - 100.0).abs() < 1e-6);
    assert!((plan.intake_ug.vitamer(Vitamer::K1).unwrap() - 40.0).abs() < 1e-6);
    // K1 within [0, 30]: A <= 60 g -> 60 ug, B gives at most 40 ug: 100 < 120, infeasible jointly.
    let o = PlanOptions {
        k1_range_ug: Some((0.0, 30.0)),
        ..opts(120.0, 100.0)
    };
    assert!(matches!(
        suggest(&db, &o),
        Err(DietError::Infeasible { .. })
    ));
    // A food with K1 not measured is never used when K1 is held steady.
    let db = tiny(&[("A", None, 100.0), ("B", Some(0.0), 40.0)]);
    let o = PlanOptions {
        k1_range_ug: Some((0.0, 1000.0)),
        ..opts(30.0, 100.0)
    };
    let plan = suggest(&db, &o).unwrap();
    assert_eq!(grams(&plan, "A"), 0.0);
    assert!((grams(&plan, "B") - 75.0).abs() < 1e-6); // 30 / 0.40
}

#[test]
fn shipped_table_plan_meets_every_constraint() {
    let mut store = Store::in_memory().unwrap();
    let db = FoodDb::open(&mut store).unwrap();
    let o = PlanOptions {
        targets_ug: vec![(Target::TotalK2, 60.0)],
        exclude: vec!["liver".into()],
        no_dairy: true,
        max_grams_per_food: 150.0,
        ..PlanOptions::default()
    };
    let plan = suggest(&db, &o).unwrap();
    assert!(!plan.items.is_empty());
    for item in &plan.items {
        let food = db.by_id(item.food_id).unwrap();
        assert!(item.grams <= 150.0 + 1e-6, "{item:?}");
        assert!(!food.is_dairy(), "{}", food.name);
        assert!(!food.name.to_lowercase().contains("liver"), "{}", food.name);
    }
    assert!(plan.intake_ug.total_k2().unwrap() >= 60.0 - 1e-6);
    // Natto is the densest K2 food (MK-7 1000 ug/100 g): 60 ug needs only 6 g of it.
    assert_eq!(plan.items[0].food, "Natto");
    assert!((plan.total_grams - 6.0).abs() < 1e-6, "{plan:?}");
}

#[test]
fn mk7_without_natto_and_pharmacological_mk4_are_explained() {
    let mut store = Store::in_memory().unwrap();
    let db = FoodDb::open(&mut store).unwrap();
    let o = PlanOptions {
        targets_ug: vec![(MK7, 180.0)],
        exclude: vec!["natto".into()],
        ..PlanOptions::default()
    };
    let err = suggest(&db, &o).unwrap_err().to_string();
    assert!(
        err.contains("MK-7: at most 0.0 ug/day") && err.contains("Natto 1000.0"),
        "{err}"
    );
    let o = PlanOptions {
        targets_ug: vec![(Target::Vitamer(Vitamer::Mk4), 45_000.0)],
        ..PlanOptions::default()
    };
    let err = suggest(&db, &o).unwrap_err().to_string();
    assert!(err.contains("pharmacological"), "{err}");
    // With natto allowed, 180 ug MK-7 = 18 g of natto (1000 ug/100 g).
    let o = PlanOptions {
        targets_ug: vec![(MK7, 180.0)],
        ..PlanOptions::default()
    };
    let plan = suggest(&db, &o).unwrap();
    assert!((plan.total_grams - 18.0).abs() < 1e-6);
    assert_eq!(
        db.by_id(plan.items[0].food_id)
            .unwrap()
            .ug_per_100g(Nutrient::Vitamer(Vitamer::Mk7)),
        Some(1000.0)
    );
}

#[test]
fn bad_plan_options_name_the_range() {
    let db = tiny(&[("A", Some(0.0), 10.0)]);
    let err = suggest(&db, &opts(-5.0, 100.0)).unwrap_err().to_string();
    assert!(err.contains("-5") && err.contains("(0, 1000000]"), "{err}");
    let err = suggest(&db, &opts(10.0, 0.0)).unwrap_err().to_string();
    assert!(err.contains("(0, 5000] g"), "{err}");
}

#[test]
fn steady_k1_window_on_the_shipped_table_pulls_in_k1_foods() {
    let mut store = Store::in_memory().unwrap();
    let db = FoodDb::open(&mut store).unwrap();
    let o = PlanOptions {
        targets_ug: vec![(MK7, 180.0)],
        k1_range_ug: Some((90.0, 120.0)),
        ..PlanOptions::default()
    };
    let plan = suggest(&db, &o).unwrap();
    let k1 = plan.intake_ug.vitamer(Vitamer::K1).unwrap();
    assert!((90.0 - 1e-6..=120.0 + 1e-6).contains(&k1), "{k1}");
    assert!(plan.intake_ug.vitamer(Vitamer::Mk7).unwrap() >= 180.0 - 1e-6);
    // Natto alone gives 18 g x 0.231 = 4.16 ug K1, so another food must bring the rest.
    assert!(plan.items.len() >= 2, "{plan:?}");
    for item in &plan.items {
        assert!(db
            .by_id(item.food_id)
            .unwrap()
            .ug_per_100g(Nutrient::Vitamer(Vitamer::K1))
            .is_some());
    }
}
