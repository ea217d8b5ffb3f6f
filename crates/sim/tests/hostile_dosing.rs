//! The standing corpus of hostile dosing tables in `tests/corpus/` (issue 15), read with the core
//! model. `#` lines are comments to the dosing-table reader itself, so every file is also a
//! valid input to `k2bone simulate --doses`. `# end_h: H` reads the table for a run ending at H
//! hours ([`parse_dose_table_until`]); `# expect: ok` files must parse and, when they carry an
//! `end_h`, simulate to the end with every output finite and every amount and concentration
//! non-negative (the physical oracle: 5,000 g of calcium used to give PO4 −1.17 mM);
//! `# expect: ok-parse` files must parse (too many doses to simulate in a test); otherwise every
//! `# expect:` fragment must appear in the error.

use std::path::Path;

use k2bone_physiology::CalciumBoneModel;
use k2bone_sim::{grid, parse_dose_table, parse_dose_table_until, Simulator};

#[test]
fn every_dosing_table_gives_its_expected_outcome() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 40, "only {} corpus files", files.len());
    let m = CalciumBoneModel::default();
    let mut problems = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let expect: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        let end_h: Option<f64> = text
            .lines()
            .find_map(|l| l.strip_prefix("# end_h: "))
            .map(|v| v.parse().unwrap());
        assert!(!expect.is_empty(), "{name}: no `# expect:` line");
        let parsed = match end_h {
            Some(end) => parse_dose_table_until(&text, &name, &m, end),
            None => parse_dose_table(&text, &name, &m),
        };
        match (parsed, expect[0]) {
            (Ok(doses), "ok") => {
                let Some(end) = end_h else {
                    problems.push(format!("{name}: an `ok` case needs `# end_h`"));
                    continue;
                };
                match Simulator::default().run(&m, &doses, &grid(end, 24.0)) {
                    Err(e) => problems.push(format!("{name}: simulation failed: {e}")),
                    Ok(tr) => {
                        // States are amounts; outputs in pM, mM, ng/mL, pg/mL are concentrations:
                        // all must stay >= 0 (% changes may be negative).
                        let n = tr.n_states();
                        for (j, c) in tr.columns.iter().enumerate() {
                            let nonneg =
                                j < n || ["pM", "mM", "ng/mL", "pg/mL"].contains(&c.unit.as_str());
                            if c.values
                                .iter()
                                .any(|v| !v.is_finite() || (nonneg && *v < 0.0))
                            {
                                problems
                                    .push(format!("{name}: `{}` negative or non-finite", c.name));
                            }
                        }
                    }
                }
            }
            (Ok(_), "ok-parse") => {}
            (Ok(_), _) => problems.push(format!("{name}: accepted")),
            (Err(e), "ok" | "ok-parse") => problems.push(format!("{name}: error {e}")),
            (Err(e), _) => {
                let msg = e.to_string();
                if !msg.contains(&name) {
                    problems.push(format!("{name}: the message does not name the file: {msg}"));
                }
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
