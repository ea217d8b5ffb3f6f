//! The corpus of malformed scenarios in `tests/malformed/`: every file must fail — at parse or
//! at build — with its own message that names the file and contains each `# expect:` fragment
//! written at its top; `# expect-line: N` pins the reported line, and every error has a line
//! unless the file says `# expect-no-line`. No two files may produce the same message.

use std::path::Path;

use k2bone_diet::FoodDb;
use k2bone_scenario::{Scenario, ScenarioError};

fn run(path: &Path, db: &FoodDb) -> Result<(), ScenarioError> {
    let s = Scenario::from_file(path)?;
    s.build(Some(db)).map(|_| ())
}

#[test]
fn every_malformed_scenario_fails_with_its_own_clear_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let mut store = k2bone_store::Store::in_memory().unwrap();
    let db = FoodDb::open(&mut store).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "only {} malformed files", files.len());
    let mut problems = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let expects: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        let line: Option<usize> = text
            .lines()
            .find_map(|l| l.strip_prefix("# expect-line: "))
            .map(|n| n.trim().parse().unwrap());
        let no_line = text.lines().any(|l| l.trim() == "# expect-no-line");
        assert!(!expects.is_empty(), "{name}: no `# expect:` line");
        let err = match run(path, &db) {
            Ok(()) => {
                problems.push(format!("{name}: accepted"));
                continue;
            }
            Err(e) => e,
        };
        let msg = err.to_string();
        if !msg.contains(&name) {
            problems.push(format!("{name}: the message does not name the file: {msg}"));
        }
        for x in &expects {
            if !msg.contains(x) {
                problems.push(format!("{name}: missing `{x}` in: {msg}"));
            }
        }
        match (line, err.line, no_line) {
            (Some(want), got, _) if got != Some(want) => {
                problems.push(format!("{name}: line {got:?}, expected {want}: {msg}"))
            }
            (None, None, false) => problems.push(format!("{name}: no line in: {msg}")),
            _ => {}
        }
        if let Some((other, _)) = seen
            .iter()
            .find(|(_, m)| m.replace(other_name(m), "") == msg.replace(&name, ""))
        {
            problems.push(format!("{name}: same message as {other}"));
        }
        seen.push((name, msg));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The file name at the start of a message (`…/NN-name.toml:line:col: …`).
fn other_name(msg: &str) -> &str {
    let end = msg.find(".toml").map_or(0, |i| i + 5);
    let start = msg[..end].rfind('/').map_or(0, |i| i + 1);
    &msg[start..end]
}
