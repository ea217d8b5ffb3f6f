//! The INR predictions end to end (issue 14 phase 2): `diet report --anticoagulant warfarin
//! --inr 2.5` and a scenario with `inr = 2.5`, through the real binary with a private
//! K2BONE_DATA. Oracles: the safety rules' sourced thresholds (natto 40 g = 400 µg MK-7,
//! Theuwissen 2013), identities of the anchor (a steady intake equal to the usual diet stays at
//! the anchor INR; an arm with no vitamin K change stays at it), the direction the sources give
//! (more vitamin K lowers the INR: Schurgers 2004, Theuwissen 2013), hand arithmetic, and the
//! accepted ranges named in the errors (exit code 2 = bad input).

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

fn warnings(v: &Value) -> Vec<String> {
    v["safety_flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "warning")
        .map(|f| format!("{}: {}", f["rule"], f["finding"]))
        .collect()
}

/// The issue's case: natto twice a week (40 g on Tue and Fri) on warfarin.
#[test]
fn the_natto_week_on_warfarin_warns_and_predicts_the_inr() {
    let dir = tempfile::tempdir().unwrap();
    let week = example("week.csv");
    let args = [
        "diet",
        "report",
        &week,
        "--anticoagulant",
        "warfarin",
        "--inr",
        "2.5",
    ];
    let v = json(&k2bone(
        dir.path(),
        &[&args[..], &["--format", "json"]].concat(),
    ));
    let w = warnings(&v);
    let natto: Vec<&String> = w.iter().filter(|f| f.contains("vka-natto")).collect();
    assert_eq!(natto.len(), 2, "{w:?}");
    assert!(natto[0].contains("natto 40 g = 400 ug MK-7") && natto[0].contains("Theuwissen 2013"));
    let p = &v["inr"];
    assert_eq!(p["anchor_inr"], 2.5);
    assert_eq!(p["anticoagulant"], "warfarin");
    // A 7-day log: the usual diet is the whole log, so its steady intake is the anchor itself.
    assert_eq!(p["usual_diet"], "first-week");
    assert!(
        (p["steady"]["inr"].as_f64().unwrap() - 2.5).abs() < 1e-6,
        "{}",
        p["steady"]
    );
    // The course: the start of each of the 7 days and the end of the log; it starts at the
    // anchor, and every point lies inside its interval.
    let course = p["course"].as_array().unwrap();
    assert_eq!(course.len(), 8);
    assert_eq!(course[0]["when"], "start of Mon");
    assert!((course[0]["inr"].as_f64().unwrap() - 2.5).abs() < 1e-9);
    for c in course {
        let (i, lo, hi) = (
            c["inr"].as_f64().unwrap(),
            c["inr_low"].as_f64().unwrap(),
            c["inr_high"].as_f64().unwrap(),
        );
        assert!(lo <= i + 1e-12 && i <= hi + 1e-12, "{c}");
    }
    // Natto days swing the INR below the anchor: the lowest point comes after a natto breakfast.
    let lowest = p["lowest"]["inr"].as_f64().unwrap();
    assert!(lowest < 2.2, "{lowest}");
    assert!(p["lowest"]["time_h"].as_f64().unwrap() > 24.0 + 8.0);
    assert!(p["disclaimer"]
        .as_str()
        .unwrap()
        .contains("The INR must be measured"));
    assert!(p["disclaimer"]
        .as_str()
        .unwrap()
        .contains("clinician decides"));
    assert!(v.get("inr_hint").is_none());

    // The text report says the same in words.
    let o = k2bone(dir.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    for want in [
        "[Warning] vka-natto",
        "Predicted INR (model) on warfarin, stable INR 2.5",
        "start of Tue",
        "steady intake",
        "This is a model, not medical advice. The INR must be measured",
        "Nakajima 2021",
    ] {
        assert!(t.contains(want), "missing {want:?} in\n{t}");
    }
}

#[test]
fn the_same_week_without_an_anticoagulant_raises_no_warning_and_no_inr() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(&k2bone(
        dir.path(),
        &["diet", "report", &example("week.csv"), "--format", "json"],
    ));
    assert!(warnings(&v).is_empty(), "{:?}", warnings(&v));
    assert!(v.get("inr").is_none() && v.get("inr_hint").is_none());
    let o = k2bone(dir.path(), &["diet", "report", &example("week.csv")]);
    assert!(!stdout(&o).contains("Predicted INR") && !stdout(&o).contains("[Warning]"));
    // On warfarin without --inr: the warnings, and a hint how to get the INR course.
    let v = json(&k2bone(
        dir.path(),
        &[
            "diet",
            "report",
            &example("week.csv"),
            "--anticoagulant",
            "warfarin",
            "--format",
            "json",
        ],
    ));
    assert!(v.get("inr").is_none());
    assert!(v["inr_hint"].as_str().unwrap().contains("--inr"));
}

/// Two weeks: a usual first week, then more spinach and natto. The first week is the anchor,
/// so the second week's extra vitamin K lowers the INR (the direction of Schurgers 2004 and
/// Theuwissen 2013); the steady intake at the two weeks' mean lies below the anchor too.
#[test]
fn a_change_after_the_usual_week_lowers_the_inr_and_the_csv_has_no_float_noise() {
    let dir = tempfile::tempdir().unwrap();
    let log = example("warfarin-two-weeks.csv");
    let base = [
        "diet",
        "report",
        &log,
        "--anticoagulant",
        "warfarin",
        "--inr",
        "2.5",
    ];
    let v = json(&k2bone(
        dir.path(),
        &[&base[..], &["--format", "json"]].concat(),
    ));
    let course = v["inr"]["course"].as_array().unwrap();
    assert_eq!(course.len(), 15);
    let at = |k: usize| course[k]["inr"].as_f64().unwrap();
    // The usual week stays near the anchor (meal-time pulses vs the steady anchor: < 0.05).
    for k in 0..8 {
        assert!((at(k) - 2.5).abs() < 0.05, "day {k}: {}", at(k));
    }
    // Then it falls day after day.
    for k in 9..15 {
        assert!(at(k) < at(k - 1), "day {k}");
    }
    assert!(at(14) < 2.0, "{}", at(14));
    let steady = v["inr"]["steady"]["inr"].as_f64().unwrap();
    assert!(steady < 2.5 && steady > at(14), "{steady}");
    // --usual log: the whole log is the usual diet, so its steady intake is the anchor.
    let v = json(&k2bone(
        dir.path(),
        &[&base[..], &["--usual", "log", "--format", "json"]].concat(),
    ));
    assert!((v["inr"]["steady"]["inr"].as_f64().unwrap() - 2.5).abs() < 1e-6);

    // CSV: one row per day with the INR at its start, numbers without float noise.
    let o = k2bone(dir.path(), &[&base[..], &["--format", "csv"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with("total_k,calcium_mg,vitamin_d_ug,inr,inr_low,inr_high"),
        "{header}"
    );
    let row1: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    // Day 1: 30 g spinach (K1 482.9/100 g) + 30 g cheddar (K1 2.4/100 g) = 144.87 + 0.72.
    assert_eq!(row1[2], "145.59", "{row1:?}");
    assert_eq!(row1[row1.len() - 3], "2.5");
    for line in csv.lines().filter(|l| !l.starts_with('#')).skip(1) {
        for field in line.split(',') {
            let digits = field.trim_start_matches('-').replace('.', "");
            assert!(
                field.parse::<f64>().is_err() || digits.trim_start_matches('0').len() <= 10,
                "float noise in {field:?} of {line}"
            );
        }
    }
    assert!(csv.contains("# This is a model, not medical advice. The INR must be measured"));
}

#[test]
fn the_dietitian_week_shows_mappings_meals_and_calcium() {
    let dir = tempfile::tempdir().unwrap();
    let o = k2bone(
        dir.path(),
        &["diet", "report", &example("dietitian-week.csv")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    for want in [
        "Names mapped to foods:",
        "Per meal:",
        "Calcium and vitamin D from food",
        "Calcium RDA",
        "Vitamin D RDA",
        "not medical advice",
    ] {
        assert!(t.contains(want), "missing {want:?} in\n{t}");
    }
    // Every line resolves, and the mappings say which food each name became.
    let v = json(&k2bone(
        dir.path(),
        &[
            "diet",
            "report",
            &example("dietitian-week.csv"),
            "--format",
            "json",
        ],
    ));
    assert!(v["unknown_foods"].as_array().unwrap().is_empty());
    let mappings = v["mappings"].as_array().unwrap();
    assert!(!mappings.is_empty());
    for m in mappings {
        let line = format!(
            "line {:>3}  {} → {}",
            m["line"].as_u64().unwrap(),
            m["typed"].as_str().unwrap(),
            m["food"].as_str().unwrap()
        );
        assert!(t.contains(&line), "missing {line:?}");
    }
    // The meals of a day add up to the day (calcium, mg).
    let day = v["days"][0]["day"].as_str().unwrap();
    let meals: f64 = v["meals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["day"] == day)
        .map(|m| m["bone"]["calcium_mg"].as_f64().unwrap_or(0.0))
        .sum();
    let whole = v["days"][0]["bone"]["calcium_mg"].as_f64().unwrap();
    assert!((meals - whole).abs() < 1e-6 * whole, "{meals} vs {whole}");
    // The week's Jarlsberg-style mapping is shown with the food it became.
    let o = k2bone(dir.path(), &["diet", "report", &example("week.csv")]);
    assert!(
        stdout(&o).contains("jarlsberg → Cheese, swiss"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn bad_inr_requests_are_refused_with_the_accepted_range() {
    let dir = tempfile::tempdir().unwrap();
    let week = example("week.csv");
    let run = |extra: &[&str]| {
        let o = k2bone(
            dir.path(),
            &[&["diet", "report", &week[..]][..], extra].concat(),
        );
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stdout(&o));
        assert!(o.stdout.is_empty(), "{extra:?}");
        stderr(&o)
    };
    for bad in ["7", "6.01", "1", "0.8", "-2", "NaN"] {
        let e = run(&["--anticoagulant", "warfarin", &format!("--inr={bad}")]);
        assert!(
            e.contains("--inr") && e.contains("1 < INR <= 6"),
            "{bad}: {e}"
        );
    }
    let e = run(&["--inr", "2.5"]);
    assert!(e.contains("needs --anticoagulant"), "{e}");
    let e = run(&["--anticoagulant", "apixaban", "--inr", "2.5"]);
    assert!(e.contains("direct oral anticoagulant"), "{e}");
    let e = run(&["--anticoagulant", "heparin", "--inr", "2.5"]);
    assert!(
        e.contains("heparin") && e.contains("warfarin, acenocoumarol"),
        "{e}"
    );
    // The edges of the range are accepted.
    for ok in ["6", "1.05"] {
        let o = k2bone(
            dir.path(),
            &[
                "diet",
                "report",
                &week,
                "--anticoagulant",
                "acenocoumarol",
                "--inr",
                ok,
            ],
        );
        assert!(o.status.success(), "{ok}: {}", stderr(&o));
    }
}

const WARFARIN_SCENARIO: &str = r#"schema = 1
[person]
age_years = 70
anticoagulant = "warfarin"
inr = 2.5
[simulation]
duration = "8 weeks"
output_every = "1 day"
[arms.steady]
[arms.mk7-45]
mk7 = "45 ug daily"
"#;

#[test]
fn a_scenario_with_a_stable_inr_gains_inr_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("warfarin.toml");
    std::fs::write(&file, WARFARIN_SCENARIO).unwrap();
    let out = dir.path().join("out");
    let o = k2bone(
        dir.path(),
        &[
            "simulate",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(
        t.contains("Predicted INR at the end") && t.contains("The INR must be measured"),
        "{t}"
    );
    let s: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let arms = s["arms"].as_array().unwrap();
    // No vitamin K change: the INR stays at the anchor. 45 ug/day MK-7 lowers it (Theuwissen
    // 2013: about -40 %; the model's validation point is -27 %, docs/model/inr.md).
    assert!((arms[0]["inr"]["inr"].as_f64().unwrap() - 2.5).abs() < 1e-9);
    let mk7 = arms[1]["inr"]["inr"].as_f64().unwrap();
    let fall = 1.0 - mk7 / 2.5;
    assert!((0.2..0.4).contains(&fall), "{mk7}");
    assert!(arms[1]["inr"]["inr_low"].as_f64().unwrap() < mk7);
    assert!(arms[1]["inr"]["inr_high"].as_f64().unwrap() > mk7);
    assert!(s["person"]["anticoagulant"]
        .as_str()
        .unwrap()
        .contains("stable INR of 2.5"));
    // The timeseries has the INR columns, one value per output time, starting at the anchor.
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "INR")
        .expect("an INR column");
    assert!(header.contains(&"INR_low") && header.contains(&"INR_high"));
    let mk7_rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[0] == "mk7-45")
        .collect();
    assert_eq!(mk7_rows.len(), 57);
    assert_eq!(mk7_rows[0][col], "2.5");
    let last: f64 = mk7_rows[56][col].parse().unwrap();
    assert!((last - mk7).abs() < 1e-6);
    // The resolved scenario keeps the INR.
    let resolved = std::fs::read_to_string(out.join("scenario.toml")).unwrap();
    assert!(resolved.contains("inr = 2.5"), "{resolved}");
}

#[test]
fn old_and_bad_warfarin_scenarios_say_what_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            WARFARIN_SCENARIO.replace("inr = 2.5", "vka_recycling_inhibition = 0.8"),
            vec![
                "vka_recycling_inhibition",
                "no longer accepted",
                "`inr = 2.5`",
            ],
        ),
        (
            WARFARIN_SCENARIO.replace("inr = 2.5", "inr = 7"),
            vec!["person.inr", "7 is out of range", "1 < INR <= 6"],
        ),
        (
            WARFARIN_SCENARIO.replace("inr = 2.5\n", ""),
            vec!["needs `inr`", "stable INR"],
        ),
        (
            WARFARIN_SCENARIO.replace("\"warfarin\"", "\"heparin\""),
            vec!["`heparin` is not accepted", "warfarin"],
        ),
    ];
    for (k, (text, wants)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("bad{k}.toml"));
        std::fs::write(&file, text).unwrap();
        let o = k2bone(
            dir.path(),
            &[
                "simulate",
                file.to_str().unwrap(),
                "--out",
                dir.path().join("o").to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{k}");
        let e = stderr(&o);
        assert!(e.contains(&format!("bad{k}.toml:")), "{e}");
        for w in wants {
            assert!(e.contains(w), "case {k}: missing {w:?} in {e}");
        }
    }
}
