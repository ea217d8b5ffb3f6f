use k2bone_diet::log::parse_csv;
#[test]
fn t() {
    let db = k2bone_diet::FoodDb::open(&mut k2bone_store::Store::in_memory().unwrap()).unwrap();
    let text = include_str!("../../../examples/diet/dietitian-week.csv");
    match parse_csv(&db, "w.csv", text, true) {
        Ok(log) => {
            for e in &log.entries {
                eprintln!(
                    "{} {} -> {} {} g [{}]",
                    e.line,
                    e.day,
                    e.food,
                    e.grams,
                    e.measure.clone().unwrap_or_default()
                );
            }
            for m in &log.mappings {
                eprintln!(
                    "MAP {} {:?} '{}' -> '{}' {:?}",
                    m.line, m.kind, m.typed, m.food, m.note
                );
            }
            for u in &log.unknown {
                eprintln!("UNK {}", u);
            }
        }
        Err(e) => eprintln!("ERR {e}"),
    }
}
