//! The standing corpus of hostile diet logs and food imports in `tests/corpus/` (issue 15): one
//! file per reproducer, `log-*.csv` read by the diet-log reader and `import-*.csv` by
//! `foods add`. `# expect: ok` lines at the top mean the file must be accepted (and, for a log,
//! give a report without NaN; for an import, be removable again); otherwise every `# expect:`
//! fragment must appear in the error, and a refused import must leave the database unchanged.
//! The harness strips the `#` lines before the reader sees the file.

use std::path::Path;

use k2bone_diet::import::{add_foods_csv, remove_user_food};
use k2bone_diet::log::parse_csv;
use k2bone_diet::report::build;
use k2bone_diet::safety::SafetyProfile;
use k2bone_diet::FoodDb;
use k2bone_store::Store;

fn split(text: &str) -> (Vec<String>, String) {
    let mut expect = Vec::new();
    let mut body = String::new();
    for line in text.split_inclusive('\n') {
        match line.strip_prefix("# expect: ") {
            Some(e) => expect.push(e.trim_end().to_string()),
            None => body.push_str(line),
        }
    }
    (expect, body)
}

fn run_log(db: &FoodDb, name: &str, body: &str) -> Result<String, String> {
    let log = parse_csv(db, name, body, false).map_err(|e| e.to_string())?;
    Ok(format!("{:?}", build(db, &log, &SafetyProfile::default())))
}

fn run_import(name: &str, body: &str) -> Result<String, String> {
    let mut store = Store::in_memory().unwrap();
    let db = FoodDb::open(&mut store).unwrap();
    let before = db.len();
    match add_foods_csv(&mut store, &db, name, body) {
        Ok(ids) => {
            let after = FoodDb::load(store.conn()).unwrap();
            assert_eq!(after.len(), before + ids.len(), "{name}");
            for id in &ids {
                remove_user_food(&mut store, &after, &id.to_string()).map_err(|e| e.to_string())?;
            }
            assert_eq!(
                FoodDb::load(store.conn()).unwrap().len(),
                before,
                "{name}: remove"
            );
            Ok(format!("{ids:?}"))
        }
        Err(e) => {
            let after = FoodDb::load(store.conn()).unwrap().len();
            assert_eq!(
                after, before,
                "{name}: a refused import changed the database"
            );
            Err(e.to_string())
        }
    }
}

#[test]
fn every_corpus_file_gives_its_expected_outcome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 40, "only {} corpus files", files.len());
    let mut store = Store::in_memory().unwrap();
    let db = FoodDb::open(&mut store).unwrap();
    let mut problems = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (expect, body) = split(&String::from_utf8(std::fs::read(path).unwrap()).unwrap());
        assert!(!expect.is_empty(), "{name}: no `# expect:` line");
        let got = std::panic::catch_unwind(|| {
            if name.starts_with("log-") {
                run_log(&db, &name, &body)
            } else {
                run_import(&name, &body)
            }
        });
        match (got, expect[0].as_str()) {
            (Err(_), _) => problems.push(format!("{name}: PANIC")),
            (Ok(Ok(out)), "ok") if out.contains("NaN") => problems.push(format!("{name}: NaN")),
            (Ok(Ok(_)), "ok") => {}
            (Ok(Err(e)), "ok") => problems.push(format!("{name}: error {e}")),
            (Ok(Ok(_)), _) => problems.push(format!("{name}: accepted")),
            (Ok(Err(e)), _) => {
                if e.chars().any(|c| c.is_control() && c != '\n') {
                    problems.push(format!("{name}: control character in the message: {e:?}"));
                }
                for x in &expect {
                    if !e.contains(x.as_str()) {
                        problems.push(format!("{name}: missing `{x}` in: {e}"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Ids and names are separate namespaces: a number is an id, never a name.
#[test]
fn a_number_is_always_an_id() {
    let mut store = Store::in_memory().unwrap();
    let db = FoodDb::open(&mut store).unwrap();
    let natto = db.get("natto").unwrap().id;
    assert_eq!(db.get(&natto.to_string()).unwrap().id, natto);
    assert_eq!(db.get(&format!("#{natto}")).unwrap().id, natto);
    // An old database may hold a food named like an id; the number still means the id.
    store
        .conn()
        .execute(
            "INSERT INTO foods (name, food_group, origin) VALUES (?1, 'x', 'user')",
            [natto.to_string()],
        )
        .unwrap();
    let db = FoodDb::load(store.conn()).unwrap();
    assert_eq!(
        db.get(&natto.to_string()).unwrap().name,
        db.by_id(natto).unwrap().name
    );
    assert_ne!(
        db.get(&natto.to_string()).unwrap().origin,
        k2bone_diet::Origin::User
    );
}

#[test]
fn shipped_foods_cannot_be_removed() {
    let mut store = Store::in_memory().unwrap();
    let db = FoodDb::open(&mut store).unwrap();
    let e = remove_user_food(&mut store, &db, "natto")
        .unwrap_err()
        .to_string();
    assert!(e.contains("shipped foods cannot be removed"), "{e}");
    assert_eq!(FoodDb::load(store.conn()).unwrap().len(), db.len());
}
