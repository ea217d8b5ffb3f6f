//! `docs/architecture.md` draws the real crate graph and the README's layout table lists every
//! crate. Oracle: the `[dependencies]` of every `crates/*/Cargo.toml` (the graph cargo builds).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// crate directory → the k2bone crates (directory names) it depends on.
fn cargo_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut dirs = BTreeMap::new();
    let mut packages = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let manifest: toml::Table = toml::from_str(&text).unwrap();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let package = manifest["package"]["name"].as_str().unwrap().to_string();
        packages.insert(package, name.clone());
        dirs.insert(name, manifest);
    }
    dirs.iter()
        .map(|(name, manifest)| {
            let deps = manifest
                .get("dependencies")
                .and_then(|d| d.as_table())
                .map(|d| d.keys().filter_map(|k| packages.get(k).cloned()).collect())
                .unwrap_or_default();
            (name.clone(), deps)
        })
        .collect()
}

/// The graph block of docs/architecture.md: `crate ← dep, dep` per line.
fn documented_graph() -> BTreeMap<String, BTreeSet<String>> {
    let doc = std::fs::read_to_string(root().join("docs/architecture.md")).unwrap();
    let start = doc
        .find("<!-- crate-graph: begin -->")
        .expect("begin marker");
    let end = doc.find("<!-- crate-graph: end -->").expect("end marker");
    doc[start..end]
        .lines()
        .filter_map(|l| l.split_once('←'))
        .map(|(name, deps)| {
            let deps = deps
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .collect();
            (name.trim().to_string(), deps)
        })
        .collect()
}

#[test]
fn architecture_doc_draws_the_real_crate_graph() {
    let real = cargo_graph();
    let drawn = documented_graph();
    let mut diffs = Vec::new();
    for (name, deps) in &real {
        match drawn.get(name) {
            None => diffs.push(format!("{name}: not in docs/architecture.md")),
            Some(d) if d != deps => diffs.push(format!(
                "{name}: the doc says ← {:?}, Cargo.toml says ← {:?}",
                d, deps
            )),
            Some(_) => {}
        }
    }
    for name in drawn.keys().filter(|n| !real.contains_key(*n)) {
        diffs.push(format!("{name}: in the doc but not a crate"));
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn the_graph_flows_one_way_and_report_never_simulates() {
    let g = cargo_graph();
    // No cycles: cargo would refuse them, but a face must also sit on top of the app only.
    for (name, deps) in &g {
        if name != "cli" {
            assert!(!deps.contains("cli"), "{name} depends on the CLI");
        }
        if name != "app" && name != "cli" {
            assert!(!deps.contains("app"), "{name} depends on the app layer");
        }
    }
    for stage in ["scenario", "calibration", "app"] {
        assert!(!g["report"].contains(stage), "report depends on {stage}");
    }
    assert!(
        !g["evidence"].contains("store"),
        "the statistics depend on the database"
    );
    assert!(g["cli"].contains("app"));
}

#[test]
fn readme_layout_table_lists_every_crate() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for name in cargo_graph().keys() {
        assert!(
            readme.contains(&format!("| `crates/{name}` |")),
            "README layout table lacks crates/{name}"
        );
    }
}
