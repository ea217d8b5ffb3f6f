//! The committed JSON schemas (`docs/schema/*.json`) are the ones the result types generate.
//! Oracle: the types themselves (`k2bone_app::schema::documents`); a change to a result type
//! that changes its JSON must update the schema in the same commit (`UPDATE_SCHEMA=1 cargo test
//! -p k2bone-app --test schema` rewrites them, and `git diff docs/schema` shows the change).

use std::path::Path;

#[test]
fn committed_schemas_match_the_result_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema");
    let update = std::env::var_os("UPDATE_SCHEMA").is_some();
    let mut stale = Vec::new();
    let docs = k2bone_app::schema::documents();
    for (name, _, schema) in &docs {
        let want = serde_json::to_string_pretty(schema).unwrap() + "\n";
        let path = dir.join(format!("{name}.json"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &want).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    // No schema file without a document behind it.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        if p.extension().is_some_and(|e| e == "json") && !docs.iter().any(|(n, _, _)| *n == stem) {
            stale.push(format!("{} (no type generates it)", p.display()));
        }
    }
    // The index lists every document.
    let index = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
    for (name, _, _) in &docs {
        if !index.contains(&format!("[`{name}.json`]")) {
            stale.push(format!("docs/schema/README.md does not list {name}.json"));
        }
    }
    assert!(
        stale.is_empty(),
        "schemas differ from the types (UPDATE_SCHEMA=1 rewrites them):\n{}",
        stale.join("\n")
    );
}

/// The study summary's schema names every end-of-study key with its unit in the name, and
/// requires the keys users script against (issue 3's `arms[].name` / `arms[].end`).
#[test]
fn study_summary_schema_requires_the_public_keys() {
    let docs = k2bone_app::schema::documents();
    let (_, _, schema) = docs.iter().find(|(n, _, _)| *n == "study-summary").unwrap();
    let v = serde_json::to_value(schema).unwrap();
    let required: Vec<&str> = v["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for key in ["scenario", "arms", "units", "fracture_risk", "disclaimer"] {
        assert!(required.contains(&key), "{key}: {required:?}");
    }
    let end = &v["$defs"]["EndOfStudy"]["properties"];
    for key in k2bone_results::END_KEYS {
        assert!(end.get(key.key).is_some(), "{}", key.key);
    }
}
