//! A realistic week typed as a dietitian types it (common names, household measures, meals):
//! `examples/diet/dietitian-week.csv`. Oracles: USDA SR28 (data/foods: composition per 100 g,
//! WEIGHT gram weights), the curated common-name list (data/foods/common_names.csv), the US
//! customary volume ratios, and conservation (meals add up to days, days to the mean).

use k2bone_diet::log::parse_csv;
use k2bone_diet::report::build;
use k2bone_diet::safety::SafetyProfile;
use k2bone_diet::{BoneNutrient, DietError, FoodDb, MatchKind, Nutrient};
use k2bone_store::Store;
use k2bone_units::Vitamer;

const WEEK: &str = include_str!("../../../examples/diet/dietitian-week.csv");

fn db() -> &'static FoodDb {
    static DB: std::sync::OnceLock<FoodDb> = std::sync::OnceLock::new();
    DB.get_or_init(|| FoodDb::open(&mut Store::in_memory().unwrap()).unwrap())
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9 * b.abs().max(1.0), "{a} vs {b}");
}

#[test]
fn every_line_of_the_week_resolves_and_says_which_food_it_chose() {
    let db = db();
    let log = parse_csv(db, "dietitian-week.csv", WEEK, false).expect("every line resolves");
    assert_eq!(log.days, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    assert_eq!(log.entries.len(), WEEK.lines().count() - 1);
    let mapped = |typed: &str| log.mappings.iter().find(|m| m.typed == typed).unwrap();
    // The names (common_names.csv): olive oil 04053, salmon 15237, spinach cooked 11458.
    assert_eq!(mapped("Olive oil").food_id, 4053);
    assert_eq!(mapped("Salmon").food_id, 15237);
    assert!(mapped("Salmon")
        .note
        .as_deref()
        .unwrap()
        .contains("farmed Atlantic"));
    assert_eq!(mapped("Spinach cooked").food_id, 11458);
    // Jarlsberg is a near food, and the report says so.
    let j = mapped("Jarlsberg");
    assert_eq!(
        (j.food.as_str(), j.kind),
        ("Cheese, swiss", MatchKind::Alias)
    );
    assert!(j.note.as_deref().unwrap().contains("Emmental-style"));
    // A name in no list resolves by its words and names what else matched.
    let r = mapped("roast chicken");
    assert_eq!(r.kind, MatchKind::Words);
    assert!(r.food.contains("roasted") && r.note.as_deref().unwrap().contains("also matched"));
    // Every mapping of the log is in the report.
    let report = build(db, &log, &SafetyProfile::default());
    assert_eq!(report.mappings, log.mappings);
    assert!(report.disclaimer.contains("not medical advice"));
}

#[test]
fn household_measures_become_sr28_gram_weights() {
    let db = db();
    let log = parse_csv(db, "dietitian-week.csv", WEEK, false).unwrap();
    let grams = |line: usize| log.entries.iter().find(|e| e.line == line).unwrap().grams;
    // Line 13, "Olive oil,1 tbsp": SR28 04053 "1 tablespoon" = 13.5 g.
    close(grams(13), 13.5);
    // Line 11, "Spinach cooked,1/2 cup": SR28 11458 "1 cup" = 180 g -> 90 g.
    close(grams(11), 90.0);
    // Line 6, "wholemeal bread,2 slices": SR28 18075 "1 slice" = 32 g -> 64 g.
    close(grams(6), 64.0);
    // Line 7, "Cheddar cheese,1 oz": 28.349523125 g (avoirdupois ounce, exact).
    close(grams(7), 28.349_523_125);
    // Line 4, "banana,1 banana": one medium, SR28 09040 "1 medium" = 118 g.
    close(grams(4), 118.0);
    // Line 25, "boiled egg,2 eggs": SR28 01129 "1 large" = 50 g (no medium listed) -> 100 g.
    close(grams(25), 100.0);
    // Line 27, "butter,1 tsp": SR28 01001 has no tsp; 1 cup = 227 g and cup = 48 tsp -> 4.729 g.
    close(grams(27), 227.0 / 48.0);
    // Line 63, "red wine,5 fl oz": SR28 14096 "1 fl oz" = 29.4 g -> 147 g.
    close(grams(63), 147.0);
    let basis = &log.measure_by_line[&27];
    assert!(basis.contains("US cup = 16 tbsp = 48 tsp"), "{basis}");
}

#[test]
fn meals_add_up_to_days_and_calcium_and_vitamin_d_come_from_food() {
    let db = db();
    let log = parse_csv(db, "dietitian-week.csv", WEEK, false).unwrap();
    let report = build(db, &log, &SafetyProfile::default());
    // Monday: breakfast, lunch, dinner, in that order.
    let mon: Vec<&str> = report
        .meals
        .iter()
        .filter(|m| m.day == "Mon")
        .map(|m| m.meal.as_str())
        .collect();
    assert_eq!(mon, ["breakfast", "lunch", "dinner"]);
    for d in &report.days {
        let meals: Vec<_> = report.meals.iter().filter(|m| m.day == d.day).collect();
        let k1: f64 = meals
            .iter()
            .map(|m| m.ug.vitamer(Vitamer::K1).unwrap_or(0.0))
            .sum();
        close(k1, d.ug.vitamer(Vitamer::K1).unwrap_or(0.0));
        let ca: f64 = meals.iter().map(|m| m.bone.calcium_mg.unwrap_or(0.0)).sum();
        close(ca, d.bone.calcium_mg.unwrap_or(0.0));
        close(meals.iter().map(|m| m.grams).sum(), d.grams);
    }
    // Line 7: 1 oz cheddar, SR28 01009 calcium 710 mg/100 g -> 201.28 mg; line 10: 3 oz farmed
    // salmon. The week's mean is the sum of the days over 7.
    let cheddar = db.by_id(1009).unwrap();
    close(
        cheddar.bone_for_grams(28.349_523_125).calcium_mg.unwrap(),
        710.0 * 0.283_495_231_25,
    );
    let sum: f64 = report.days.iter().map(|d| d.bone.calcium_mg.unwrap()).sum();
    close(report.bone.mean_per_day.calcium_mg.unwrap(), sum / 7.0);
    assert_eq!(
        report.bone.inputs.calcium_mg_per_day,
        report.bone.mean_per_day.calcium_mg
    );
    // A realistic mixed week is in the range of the calcium RDA (IOM 2011: 1000 mg/d).
    let ca = report.bone.mean_per_day.calcium_mg.unwrap();
    assert!(ca > 500.0 && ca < 2000.0, "{ca}");
    // SR28 "assumed zero" vitamin D values are listed apart: olive oil (04053, source code 7).
    let assumed = report
        .bone
        .gaps
        .iter()
        .find(|g| g.nutrient == BoneNutrient::VitaminDUg && g.kind == "assumed_zero")
        .unwrap();
    assert!(assumed
        .foods
        .iter()
        .any(|f| f == "Oil, olive, salad or cooking"));
    // Vitamin K too: spinach cooked 90 g x 493.6 ug/100 g = 444.24 ug on Monday dinner.
    let dinner = report
        .meals
        .iter()
        .find(|m| m.day == "Mon" && m.meal == "dinner")
        .unwrap();
    assert!(dinner.ug.get(Nutrient::Vitamer(Vitamer::K1)).unwrap() > 444.24);
}

#[test]
fn lines_that_cannot_be_resolved_are_all_named_with_suggestions_or_reasons() {
    let db = db();
    let text = "day,meal,food,amount
Mon,lunch,salad,1 bowl
Mon,lunch,halloumi,2 oz
Mon,dinner,brocoli,1 cup
Mon,dinner,tomato sauce,1/2 cup
Mon,dinner,red wine,1 glass
Mon,dinner,Spinach cooked,1/2 cup
";
    let Err(DietError::Rows { errors, .. }) = parse_csv(db, "bad.csv", text, false) else {
        panic!("expected row errors");
    };
    let at = |line: usize| {
        errors
            .iter()
            .find(|e| e.line == line)
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    // Deliberately unmapped names say why (common_names.csv, rule "missing").
    assert!(
        at(2).contains("too unspecific: log the components"),
        "{}",
        at(2)
    );
    assert!(at(3).contains("SR28 has no halloumi"), "{}", at(3));
    // A single mistyped word is not guessed, it is suggested.
    assert!(
        at(4).contains("unknown food") && at(4).contains("Broccoli"),
        "{}",
        at(4)
    );
    // Measures the food does not have name what it has.
    assert!(
        at(5).contains("no volume measure") && at(5).contains("serving"),
        "{}",
        at(5)
    );
    assert!(
        at(6).contains("'glass' is not a measure") && at(6).contains("floz"),
        "{}",
        at(6)
    );
    // The good line is not among them, and every bad line is.
    assert_eq!(
        errors.iter().map(|e| e.line).collect::<Vec<_>>(),
        [2, 3, 4, 5, 6]
    );
}
