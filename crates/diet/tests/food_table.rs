//! The shipped food table, checked against its sources: values are copied from
//! data/foods/usda_vitamin_k.csv (USDA SR28 NUT_DATA) and data/foods/literature_values.csv;
//! empty cells must stay "not measured", never 0.

use k2bone_diet::{FoodDb, Nutrient};
use k2bone_store::Store;
use k2bone_units::Vitamer;

fn db() -> FoodDb {
    let mut store = Store::in_memory().unwrap();
    FoodDb::open(&mut store).unwrap()
}

#[test]
fn every_usda_row_and_the_literature_foods_are_loaded() {
    let db = db();
    // usda_vitamin_k.md: 5,227 foods; literature_values.csv defines 9 new foods (3 offal, 3 meat, 3 Turkish cheeses) (natto and gouda
    // rows attach to USDA 16113 and 01022).
    let usda = db.foods().iter().filter(|f| f.usda_ndb.is_some()).count();
    assert_eq!(usda, 5227);
    assert_eq!(db.len(), 5227 + 9);
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
    assert_eq!(FoodDb::open(&mut again).unwrap().len(), 5236);
}
