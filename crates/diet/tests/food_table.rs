//! The shipped food table, checked against its sources: values are copied from
//! data/foods/usda_vitamin_k.csv (USDA SR28 NUT_DATA) and data/foods/literature_values.csv;
//! empty cells must stay "not measured", never 0.

use k2bone_diet::{FoodDb, Nutrient};
use k2bone_store::Store;
use k2bone_units::Vitamer;

/// The shipped food table, seeded once for every test of this file (read-only).
fn db() -> &'static FoodDb {
    static DB: std::sync::OnceLock<FoodDb> = std::sync::OnceLock::new();
    DB.get_or_init(|| {
        let mut store = Store::in_memory().unwrap();
        FoodDb::open(&mut store).unwrap()
    })
}

#[test]
fn every_usda_row_and_the_literature_foods_are_loaded() {
    let db = db();
    // usda_vitamin_k.md: 5,227 foods; usda_foods_without_vitamin_k.csv: the other 3,562 of SR28's
    // 8,789 (issue 14); literature_values.csv defines 9 new foods (3 offal, 3 meat, 3 Turkish
    // cheeses) (natto and gouda rows attach to USDA 16113 and 01022).
    let usda = db.foods().iter().filter(|f| f.usda_ndb.is_some()).count();
    assert_eq!(usda, 8789);
    assert_eq!(db.len(), 8789 + 9);
    // The foods added for calcium and vitamin D have no vitamin K value at all: not measured.
    let tofu = db.resolve("tofu").unwrap();
    assert!(tofu.values.is_empty(), "{:?}", tofu.values);
    // usda_vitamin_k.md: K1 for 5,226 foods, MK-4 for 588, dihydro-K1 for 1,410.
    let count = |n: Nutrient| {
        db.foods()
            .iter()
            .filter(|f| {
                f.usda_ndb.is_some() && f.values.get(n.key()).is_some_and(|v| v.status == "sr28")
            })
            .count()
    };
    assert_eq!(count(Nutrient::Vitamer(Vitamer::K1)), 5226);
    assert_eq!(count(Nutrient::Vitamer(Vitamer::Mk4)), 588);
    assert_eq!(count(Nutrient::DihydroK1), 1410);
}

#[test]
fn values_keep_their_source_and_empty_cells_stay_not_measured() {
    let db = db();
    // usda_vitamin_k.csv: 16113,Natto,...,23.1,,, ; literature_values.csv adds MK-7 1000.
    let natto = db.resolve("natto").unwrap();
    assert_eq!(natto.id, 16113);
    assert_eq!(
        natto.ug_per_100g(Nutrient::Vitamer(Vitamer::K1)),
        Some(23.1)
    );
    assert_eq!(
        natto.ug_per_100g(Nutrient::Vitamer(Vitamer::Mk7)),
        Some(1000.0)
    );
    assert_eq!(natto.ug_per_100g(Nutrient::Vitamer(Vitamer::Mk4)), None);
    assert!(natto.values["mk7"].source.contains("NIH ODS"));
    assert!(natto.values["k1"].source.contains("NDB 16113"));
    // 01001,"Butter, salted",...,7.0,,, : MK-4 empty in SR28 = not measured.
    let butter = db.resolve("Butter, salted").unwrap();
    assert_eq!(butter.ug_per_100g(Nutrient::Vitamer(Vitamer::Mk4)), None);
    // 01015 cottage cheese 2%: MK-4 reported as 0.0 = measured zero.
    let cottage = db.by_id(1015).unwrap();
    assert_eq!(
        cottage.ug_per_100g(Nutrient::Vitamer(Vitamer::Mk4)),
        Some(0.0)
    );
}

#[test]
fn aliases_portions_and_search() {
    let db = db();
    for alias in [
        "gouda",
        "Gouda cheese",
        "GOUDA",
        "jarlsberg",
        "natto",
        "egg yolk",
        "Goose liver pâté",
    ] {
        assert!(db.get(alias).is_some(), "{alias}");
    }
    assert_eq!(db.get("gouda").unwrap().name, "Cheese, gouda");
    assert_eq!(db.get("#16113").unwrap().name, "Natto");
    // portions.csv: natto 3 oz serving = 85 g (NIH ODS).
    let p = db.resolve("natto").unwrap().default_portion().unwrap();
    assert_eq!((p.grams, p.status.as_str()), (85.0, "sourced"));
    assert_eq!(db.search("gouda", 1)[0].0.name, "Cheese, gouda");
    assert_eq!(db.search("brie", 1)[0].0.name, "Cheese, brie");
    assert_eq!(db.search("goudda", 1)[0].0.name, "Cheese, gouda");
    let s = db.suggest("nato", 3);
    assert!(s.iter().any(|n| n == "Natto"), "{s:?}");
}

#[test]
fn dairy_detection_keeps_eggs_and_catches_cheese() {
    let db = db();
    assert!(db.resolve("gouda").unwrap().is_dairy());
    assert!(db.resolve("butter").unwrap().is_dairy());
    assert!(db
        .resolve("Orgu cheese (Hatay, Turkey)")
        .unwrap()
        .is_dairy());
    assert!(!db.resolve("egg yolk").unwrap().is_dairy());
    assert!(!db.resolve("natto").unwrap().is_dairy());
}

#[test]
fn seeding_happens_once_per_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    assert!(k2bone_diet::seed::seed_if_needed(store.conn_mut()).unwrap());
    assert!(!k2bone_diet::seed::seed_if_needed(store.conn_mut()).unwrap());
    drop(store);
    let mut again = Store::open_in(dir.path()).unwrap();
    assert_eq!(FoodDb::open(&mut again).unwrap().len(), 8798);
}

#[test]
fn calcium_vitamin_d_and_household_measures_come_from_sr28() {
    let db = db();
    // data/notes README of the extraction: calcium for 8,441 SR28 foods, vitamin D (ug) for 5,527.
    let count = |f: &dyn Fn(&k2bone_diet::Food) -> bool| db.foods().iter().filter(|x| f(x)).count();
    assert_eq!(count(&|x| x.calcium_mg.is_some()), 8441);
    assert_eq!(count(&|x| x.vitamin_d_ug.is_some()), 5527);
    // usda_calcium_vitamin_d.csv: 01004 "Cheese, blue" calcium 528 mg, vitamin D 0.5 ug (src 1? as
    // printed in the file's src column).
    let blue = db.by_id(1004).unwrap();
    assert_eq!(blue.calcium_mg.as_ref().unwrap().per_100g, 528.0);
    assert_eq!(blue.vitamin_d_ug.as_ref().unwrap().per_100g, 0.5);
    // 01001 butter: vitamin D 0.0 with SR28 source code 7 = assumed zero, kept distinct.
    let butter = db.by_id(1001).unwrap();
    assert!(butter.vitamin_d_ug.as_ref().unwrap().assumed_zero());
    // Wild Atlantic salmon, raw (15076) has no vitamin D record: not reported, not 0.
    assert!(db.by_id(15076).unwrap().vitamin_d_ug.is_none());
    // usda_portions.csv: 01001,1,1,"pat (1"" sq, 1/3"" high)",5.0 and 01001,2,1,tbsp,14.2; the
    // hand-written "1 pat" (10 g, A-diet-3) stays first, the default portion.
    assert_eq!(butter.default_portion().unwrap().label, "1 pat");
    let tbsp = butter
        .portions
        .iter()
        .find(|p| p.label == "1 tbsp")
        .unwrap();
    assert_eq!((tbsp.grams, tbsp.status.as_str()), (14.2, "sr28"));
    assert!(tbsp.source.contains("NDB 01001 seq 2"));
    // 15,438 SR28 measures + 22 hand-written portions, none lost to a clash of labels.
    let portions: usize = db.foods().iter().map(|f| f.portions.len()).sum();
    assert_eq!(portions, 15_438 + 22);
}

#[test]
fn common_names_map_with_their_notes_and_aliases_csv_wins_a_clash() {
    let db = db();
    // common_names.csv: olive oil -> 04053, spinach cooked -> 11458.
    assert_eq!(db.resolve("Olive oil").unwrap().id, 4053);
    assert_eq!(db.resolve("spinach, cooked").unwrap().id, 11458);
    // aliases.csv maps "beef liver" to raw liver; common_names.csv to braised: aliases.csv wins.
    assert_eq!(
        db.resolve("beef liver").unwrap().name,
        "Beef, variety meats and by-products, liver, raw"
    );
    // The Jarlsberg note says it is a near food.
    assert!(db
        .alias_note("Jarlsberg")
        .unwrap()
        .contains("Emmental-style"));
    // A choice among SR28 variants keeps its rule in the note.
    // common_names.csv: salmon -> 15237, rule choice, "farmed Atlantic is the most common retail".
    assert_eq!(db.resolve("Salmon").unwrap().id, 15237);
    let note = db.alias_note("salmon").unwrap();
    assert!(
        note.contains("rule choice") && note.contains("farmed Atlantic"),
        "{note}"
    );
    // An exact mapping carries no note.
    assert_eq!(db.alias_note("olive oil"), None);
}

#[test]
fn search_ranks_word_matches_first_the_issue_14_cases() {
    let db = db();
    let names = |q: &str| -> Vec<String> {
        db.search(q, 5)
            .into_iter()
            .map(|(f, _)| f.name.clone())
            .collect()
    };
    // Issue 14: `gouda` ranked "Gourd, dishcloth" second, `sauerkraut` returned barbecue sauce first.
    let gouda = names("gouda");
    assert_eq!(gouda[0], "Cheese, gouda");
    assert!(gouda.iter().all(|n| !n.starts_with("Gourd")), "{gouda:?}");
    let kraut = names("sauerkraut");
    assert!(kraut[0].starts_with("Sauerkraut"), "{kraut:?}");
    assert!(kraut.iter().all(|n| !n.contains("barbecue")), "{kraut:?}");
    // A typo still finds the food when nothing matches exactly.
    assert_eq!(names("goudda")[0], "Cheese, gouda");
}
