//! `k2bone foods` and `k2bone diet` end to end: the real binary with K2BONE_DATA in a temporary
//! directory (the food table is seeded there on first use). Oracles: the shipped table values
//! (natto MK-7 1000 ug/100 g, K1 23.1; spinach K1 482.9) and hand arithmetic in the comments;
//! exit codes from crates/cli/src/exit.rs (2 = bad input).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn k2bone(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k2bone"))
        .args(args)
        .env("K2BONE_DATA", data)
        .output()
        .expect("run k2bone")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("one JSON object")
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/diet")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn foods_search_show_and_add() {
    let dir = tempfile::tempdir().unwrap();
    let o = k2bone(
        dir.path(),
        &["foods", "search", "gouda", "--format", "json"],
    );
    assert_eq!(json(&o)["results"][0]["name"], "Cheese, gouda");
    let o = k2bone(dir.path(), &["foods", "show", "natto", "--format", "json"]);
    let v = json(&o);
    assert_eq!(v["per_100g_ug"]["mk7"], 1000.0);
    assert!(v["per_100g_ug"]["mk4"].is_null());
    let o = k2bone(dir.path(), &["foods", "show", "16113"]);
    assert!(stdout(&o).contains("not measured") && stdout(&o).contains("NIH ODS"));
    let o = k2bone(dir.path(), &["foods", "show", "nato"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean") && stderr(&o).contains("Natto"),
        "{}",
        stderr(&o)
    );
    // add: the example file, then the same again is refused as a duplicate (exit 2).
    let o = k2bone(
        dir.path(),
        &["foods", "add", &example("my-foods.csv"), "--format", "csv"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = k2bone(
        dir.path(),
        &["foods", "show", "example natto", "--format", "json"],
    );
    assert_eq!(json(&o)["per_100g_ug"]["mk7"], 870.0);
    let o = k2bone(dir.path(), &["foods", "add", &example("my-foods.csv")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("line 2, column `name`")
            && stderr(&o).contains("duplicates are refused"),
        "{}",
        stderr(&o)
    );
    // --data-dir overrides K2BONE_DATA.
    let other = tempfile::tempdir().unwrap();
    let o = k2bone(
        dir.path(),
        &[
            "foods",
            "search",
            "example natto",
            "--data-dir",
            other.path().to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(json(&o)["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["name"] != "Example natto brand"));
}

#[test]
fn diet_report_json_has_the_documented_shape_and_hand_values() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.csv");
    // Day 1: 50 g natto -> MK-7 500, K1 11.55. Day 2: 100 g spinach -> K1 482.9, nothing else.
    std::fs::write(&log, "day,food,grams\n1,natto,50\n2,spinach,100\n").unwrap();
    let v = json(&k2bone(
        dir.path(),
        &[
            "diet",
            "report",
            log.to_str().unwrap(),
            "--format",
            "json",
            "--anticoagulant",
            "warfarin",
        ],
    ));
    assert_eq!(v["days"].as_array().unwrap().len(), 2);
    assert_eq!(v["days"][0]["ug"]["mk7"], 500.0);
    assert!(v["days"][1]["ug"]["mk7"].is_null());
    let m = &v["mean_per_day_ug"];
    // Mean MK-7 = 500 / 2 = 250; K1 = (11.55 + 482.9) / 2 = 247.225; MK-4 never measured: null.
    assert_eq!(m["mk7"], 250.0);
    assert!((m["k1"].as_f64().unwrap() - 247.225).abs() < 1e-9);
    for k in ["mk4", "mk5", "mk6", "mk8", "mk9", "mk10"] {
        assert!(m[k].is_null(), "{k}");
    }
    assert_eq!(m["total_k2"], 250.0);
    assert_eq!(v["unknown_foods"].as_array().unwrap().len(), 0);
    assert!(!v["top_contributors"].as_array().unwrap().is_empty());
    let rules: Vec<&str> = v["safety_flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"vka-stable-intake"), "{rules:?}");
    assert!(v["disclaimer"]
        .as_str()
        .unwrap()
        .contains("not medical advice"));
}

#[test]
fn every_diet_output_carries_the_disclaimer() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["text", "json", "csv"] {
        for args in [
            vec![
                "diet",
                "report",
                &example("week.csv")[..],
                "--format",
                format,
            ],
            vec![
                "diet",
                "report",
                &example("meal-plan.toml")[..],
                "--format",
                format,
            ],
            vec![
                "diet",
                "plan",
                "--target-k2-ug",
                "100",
                "--no-dairy",
                "--format",
                format,
            ],
        ] {
            let o = k2bone(dir.path(), &args);
            assert!(o.status.success(), "{args:?}: {}", stderr(&o));
            assert!(stdout(&o).contains("not medical advice"), "{args:?}");
        }
    }
}

#[test]
fn diet_plan_meets_its_constraints_or_explains() {
    let dir = tempfile::tempdir().unwrap();
    // 180 ug MK-7 with natto allowed: 18 g natto (1000 ug/100 g).
    let v = json(&k2bone(
        dir.path(),
        &["diet", "plan", "--target-mk7-ug", "180", "--format", "json"],
    ));
    assert!((v["total_grams"].as_f64().unwrap() - 18.0).abs() < 1e-6);
    assert_eq!(v["items"][0]["food"], "Natto");
    // Without natto no food has MK-7 measured: exit 2 with the explanation.
    let o = k2bone(
        dir.path(),
        &[
            "diet",
            "plan",
            "--target-mk7-ug",
            "180",
            "--exclude",
            "natto",
            "--max-grams-per-day",
            "300",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("at most 0.0 ug/day"), "{}", stderr(&o));
    let o = k2bone(dir.path(), &["diet", "plan", "--target-mk4-ug", "45000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pharmacological"));
    // --no-dairy and a per-food cap hold on every item.
    let v = json(&k2bone(
        dir.path(),
        &[
            "diet",
            "plan",
            "--target-k2-ug",
            "100",
            "--no-dairy",
            "--exclude",
            "natto",
            "--max-grams-per-day",
            "150",
            "--format",
            "json",
        ],
    ));
    for item in v["items"].as_array().unwrap() {
        assert!(item["grams"].as_f64().unwrap() <= 150.0 + 1e-6);
        let name = item["food"].as_str().unwrap().to_lowercase();
        assert!(
            !name.contains("cheese") && !name.contains("natto") && !name.contains("milk"),
            "{name}"
        );
    }
    assert!(v["intake_ug"]["total_k2"].as_f64().unwrap() >= 100.0 - 1e-6);
}

#[test]
fn bad_logs_exit_2_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("bad.csv");
    std::fs::write(&log, "day,food,grams\n1,natto,-20\n").unwrap();
    let o = k2bone(dir.path(), &["diet", "report", log.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("line 2, column `grams` = '-20'") && stderr(&o).contains("(0, 2000] g"),
        "{}",
        stderr(&o)
    );
    std::fs::write(&log, "day,food,grams\n1,goudda,20\n").unwrap();
    let o = k2bone(dir.path(), &["diet", "report", log.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Cheese, gouda"));
    let o = k2bone(
        dir.path(),
        &[
            "diet",
            "report",
            log.to_str().unwrap(),
            "--skip-unknown",
            "--format",
            "json",
        ],
    );
    assert_eq!(json(&o)["unknown_foods"][0]["name"], "goudda");
    std::fs::write(&log, "day,food,grams\n").unwrap();
    let o = k2bone(dir.path(), &["diet", "report", log.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no entries"));
    let o = k2bone(dir.path(), &["diet", "report", "/nonexistent/log.csv"]);
    assert_eq!(o.status.code(), Some(2));
    let o = k2bone(
        dir.path(),
        &[
            "diet",
            "report",
            &example("week.csv"),
            "--anticoagulant",
            "aspirin",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("apixaban"));
}

#[test]
fn dose_events_file_adds_up_to_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.csv");
    let v = json(&k2bone(
        dir.path(),
        &[
            "diet",
            "report",
            &example("week.csv"),
            "--format",
            "json",
            "--dose-events",
            events.to_str().unwrap(),
        ],
    ));
    let text = std::fs::read_to_string(&events).unwrap();
    let mk7: f64 = text
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(1) == Some("mk7"))
        .map(|l| l.split(',').nth(2).unwrap().parse::<f64>().unwrap())
        .sum();
    let days = v["days"].as_array().unwrap();
    let want: f64 = days
        .iter()
        .map(|d| d["ug"]["mk7"].as_f64().unwrap_or(0.0))
        .sum();
    assert!((mk7 - want).abs() < 1e-9, "{mk7} vs {want}");
}
