//! The standing corpus of hostile trial imports in `tests/corpus/` (issue 15: duplicate
//! headers where the last one won, ±1e308 means that poisoned an outcome and could not be
//! deleted, terminal escapes reaching the terminal). Each file is imported into a seeded
//! in-memory database; `# expect: ok` files must import and then be deletable with
//! `delete_imported`, leaving the database as it was; otherwise every `# expect:` fragment must
//! appear in the error and the database must be unchanged. The `#` lines are stripped first.

use std::path::Path;

use k2bone_store::Store;
use k2bone_trialdb::trial_db::{count, delete_imported, import_csv, open_trials};

#[test]
fn every_trial_import_gives_its_expected_outcome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 20, "only {} files", files.len());
    let mut store = Store::in_memory().unwrap();
    open_trials(&mut store).unwrap();
    let shipped = count(store.conn()).unwrap();
    let mut problems = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let expect: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        let body: String = text
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("# "))
            .collect();
        match (import_csv(store.conn_mut(), &body, &name), expect[0]) {
            (Ok(n), "ok") => {
                let gone = delete_imported(store.conn_mut(), "probe_2024", None, None).unwrap();
                assert_eq!(gone, n, "{name}");
            }
            (Ok(_), _) => problems.push(format!("{name}: accepted")),
            (Err(e), "ok") => problems.push(format!("{name}: error {e}")),
            (Err(e), _) => {
                let msg = e.to_string();
                if msg.chars().any(|c| c.is_control()) {
                    problems.push(format!("{name}: control character in: {msg:?}"));
                }
                for x in &expect {
                    if !msg.contains(x) {
                        problems.push(format!("{name}: missing `{x}` in: {msg}"));
                    }
                }
            }
        }
        assert_eq!(
            count(store.conn()).unwrap(),
            shipped,
            "{name}: database changed"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn shipped_rows_cannot_be_deleted() {
    let mut store = Store::in_memory().unwrap();
    open_trials(&mut store).unwrap();
    let before = count(store.conn()).unwrap();
    let e = delete_imported(store.conn_mut(), "shiraki_2000", None, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("only rows imported"), "{e}");
    let e = delete_imported(store.conn_mut(), "nobody_1999", None, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no study `nobody_1999`"), "{e}");
    assert_eq!(count(store.conn()).unwrap(), before);
}
