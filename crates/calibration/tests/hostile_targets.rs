//! The standing corpus of hostile calibration target files in `tests/corpus/` (issue 15:
//! `window_h = 1e12` or `every_h = 1e-9` aborted allocating 80 TB, `window_h = 1e7` took
//! 17.9 GB). Each file must be refused by [`TargetFile::from_toml_str`] with every `# expect:`
//! fragment in the message, before anything is simulated; and every shipped target file
//! (data/calibration, data/validation) must still be accepted.

use std::path::Path;

use k2bone_calibration::TargetFile;

#[test]
fn every_hostile_target_file_is_refused_with_its_reason() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "only {} corpus files", files.len());
    let mut problems = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let expect: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        assert!(!expect.is_empty(), "{name}: no `# expect:` line");
        match TargetFile::from_toml_str(&text, &name) {
            Ok(_) => problems.push(format!("{name}: accepted")),
            Err(e) => {
                let msg = e.to_string();
                for x in &expect {
                    if !msg.contains(x) {
                        problems.push(format!("{name}: missing `{x}` in: {msg}"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_shipped_target_file_is_accepted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut n = 0;
    for sub in ["data/calibration", "data/validation"] {
        for e in std::fs::read_dir(root.join(sub)).unwrap() {
            let p = e.unwrap().path();
            // inr.toml is an INR evidence set (read by k2bone_physiology::inr), not targets.
            if p.extension().is_some_and(|x| x == "toml") && !p.ends_with("inr.toml") {
                let text = std::fs::read_to_string(&p).unwrap();
                TargetFile::from_toml_str(&text, &p.display().to_string()).unwrap();
                n += 1;
            }
        }
    }
    assert!(n >= 4, "{n} files");
}
