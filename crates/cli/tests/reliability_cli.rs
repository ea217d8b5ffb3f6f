//! Issue 15 reproducers through the real binary (phase 1: the library guards as the CLI of
//! today reaches them). Each test states the reproducer of the issue and what it now gives:
//! a clear error (exit 2, naming row/line and column) or a correct result (exit 0, no NaN).
//! The full standing corpora live with the readers (crates/*/tests/corpus).

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn k2bone(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k2bone"))
        .args(args)
        .env("K2BONE_DATA", data)
        .output()
        .expect("run k2bone")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

#[test]
fn knapp_hartung_with_identical_studies_gives_metafor_limits_not_a_panic() {
    let t = tempfile::tempdir().unwrap();
    let f = write(t.path(), "z.csv", "study,yi,vi\nA,0.5,0.1\nB,0.5,0.1\n");
    for method in ["FE", "DL", "REML", "ML", "PM", "HE", "SJ", "EB"] {
        let o = k2bone(
            t.path(),
            &[
                "meta",
                &f,
                "--measure",
                "GEN",
                "--test",
                "knha",
                "--method",
                method,
                "--format",
                "json",
            ],
        );
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(0), "{method}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["se"], 0.0, "{method}: {out}");
        assert_eq!(v["ci_lower"], v["ci_upper"], "{method}");
        assert!(!out.contains("NaN"), "{method}: {out}");
    }
}

#[test]
fn reml_with_huge_sampling_variances_finishes_with_the_rescaled_answer() {
    let t = tempfile::tempdir().unwrap();
    let f = write(
        t.path(),
        "big.csv",
        "study,yi,vi\nA,1e99,1e200\nB,-2e99,1e200\nC,3e99,2e200\nD,0,1e200\n",
    );
    let o = k2bone(
        t.path(),
        &["meta", &f, "--measure", "GEN", "--method", "REML"],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!out.contains("NaN"), "{out}");
}

#[test]
fn a_moderator_column_with_na_is_refused_with_row_and_column() {
    let t = tempfile::tempdir().unwrap();
    let f = write(
        t.path(),
        "m.csv",
        "study,yi,vi,dose\nA,0.1,0.01,45\nB,0.3,0.02,90\nC,0.2,0.01,n/a\nD,0.4,0.03,180\nE,0.1,0.02,360\n",
    );
    let o = k2bone(
        t.path(),
        &["meta", &f, "--measure", "GEN", "--mods", "dose"],
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("row 3") && err.contains("`dose`") && err.contains("n/a"),
        "{err}"
    );
}

#[test]
fn an_absurd_calcium_bolus_in_a_dosing_table_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let f = write(
        t.path(),
        "d.csv",
        "time_h,drug,amount,unit\n0,calcium,5000,g\n",
    );
    let out = t.path().join("out");
    let o = k2bone(
        t.path(),
        &[
            "simulate",
            "--doses",
            &f,
            "--days",
            "10",
            "--no-plots",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("d.csv:2") && err.contains("`amount`") && err.contains("5000 mg"),
        "{err}"
    );
}

#[test]
fn calibration_targets_asking_for_terabytes_are_refused_before_simulating() {
    let t = tempfile::tempdir().unwrap();
    let f = write(
        t.path(),
        "t.toml",
        "[[target]]\nname = \"t\"\nsource = \"x\"\noutput = \"MK7_ng_mL\"\nmeasure = \"tmax_h\"\n\
         value = 6.0\ntolerance = 1.0\nwindow_h = 1e12\ndosing = [{ agent = \"mk7\", amount = 420, unit = \"ug\" }]\n",
    );
    let out = t.path().join("cal");
    let o = k2bone(
        t.path(),
        &[
            "calibrate",
            "--targets",
            &f,
            "--check",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let (_, err) = text(&o);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("window_h") && err.contains("1e12"), "{err}");
}

#[test]
fn imports_refuse_duplicate_headers_absurd_means_numeric_names_and_escapes() {
    let t = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/evidence/trials.csv"),
    )
    .unwrap();
    let header = shipped.lines().next().unwrap();
    let f = write(t.path(), "dup.csv", &format!("{header},notes\n"));
    let o = k2bone(t.path(), &["evidence", "import", &f]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o).1);
    assert!(
        text(&o).1.contains("repeats the header `notes`"),
        "{}",
        text(&o).1
    );

    let f = write(
        t.path(),
        "n.csv",
        "name,food_group,source,mk7_ug_per_100g\n93611,legumes,label,900\n",
    );
    let o = k2bone(t.path(), &["foods", "add", &f]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o).1);
    assert!(text(&o).1.contains("cannot be a number"), "{}", text(&o).1);

    let f = write(
        t.path(),
        "e.csv",
        "name,food_group,source,mk7_ug_per_100g\n\"x\u{1b}[2J\",legumes,label,900\n",
    );
    let o = k2bone(t.path(), &["foods", "add", &f]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        !err.contains('\u{1b}') && err.contains("control characters"),
        "{err:?}"
    );
}

/// Four processes on one fresh data directory, as the probe ran them (25% failed).
#[test]
fn concurrent_first_runs_on_one_fresh_data_dir_all_succeed() {
    for round in 0..4 {
        let t = tempfile::tempdir().unwrap();
        let data = t.path().join("data");
        let kids: Vec<_> = (0..4)
            .map(|i| {
                let args: &[&str] = if i % 2 == 0 {
                    &["foods", "search", "cheese"]
                } else {
                    &["evidence", "list"]
                };
                Command::new(env!("CARGO_BIN_EXE_k2bone"))
                    .args(args)
                    .env("K2BONE_DATA", &data)
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for k in kids {
            let o = k.wait_with_output().unwrap();
            assert!(
                o.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
}

/// Four `simulate` runs into one `--out`, each with its own dosing table (issue 15: two runs
/// interleaved rows, 67–82 fields in a 54-column CSV). Without `--force` exactly one run writes
/// and the others are refused as overwriting it; with `--force` all succeed, one after the
/// other, and the files left are one run's: every CSV row has the header's field count, the row
/// count is the run's, and `summary.json` counts the doses of the table whose amounts the
/// timeseries shows. No staging folder is left.
#[test]
fn concurrent_runs_into_one_out_never_interleave_or_clobber() {
    const KIDS: usize = 4;
    for (round, force) in [false, false, true, true].into_iter().enumerate() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("shared");
        let kids: Vec<_> = (0..KIDS)
            .map(|i| {
                // Run i has i + 1 doses of calcium.
                let mut table = String::from("time_h,drug,amount,unit\n");
                for d in 0..=i {
                    table += &format!("{},calcium,500,mg\n", d * 24);
                }
                let doses = write(t.path(), &format!("d{i}.csv"), &table);
                let mut c = Command::new(env!("CARGO_BIN_EXE_k2bone"));
                c.args([
                    "simulate",
                    "--doses",
                    &doses,
                    "--days",
                    "20",
                    "--no-plots",
                    "-q",
                ])
                .arg("--out")
                .arg(&out)
                .env("K2BONE_DATA", t.path().join("data"))
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
                if force {
                    c.arg("--force");
                }
                c.spawn().unwrap()
            })
            .collect();
        let mut ok = 0;
        for k in kids {
            let o = k.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr).into_owned();
            match o.status.code() {
                Some(0) => ok += 1,
                Some(2) if !force && err.contains("earlier outputs") => {}
                other => panic!("round {round}: exit {other:?}: {err}"),
            }
        }
        assert_eq!(ok, if force { KIDS } else { 1 }, "round {round}");
        let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
        let fields: Vec<usize> = csv.lines().map(|l| l.split(',').count()).collect();
        assert!(
            fields.iter().all(|&n| n == fields[0]),
            "round {round}: rows of {fields:?} fields"
        );
        assert_eq!(
            fields.len(),
            1 + 20 + 1,
            "round {round}: header + 21 daily rows"
        );
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap())
                .unwrap();
        let doses = summary["scenario"]["doses"].as_u64().unwrap() as usize;
        assert!((1..=KIDS).contains(&doses), "round {round}: {summary}");
        // The timeseries is the summary's run: its last row holds the summary's end values.
        let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let last: Vec<f64> = csv
            .lines()
            .last()
            .unwrap()
            .split(',')
            .map(|v| v.parse().unwrap())
            .collect();
        for key in ["BMDls", "BMDfn"] {
            let col = head.iter().position(|h| *h == key).unwrap();
            let end = summary["end"][key]["value"].as_f64().unwrap();
            assert!(
                (last[col] - end).abs() <= 1e-9 * end.abs(),
                "round {round}: {key} {} in the CSV, {end} in the summary",
                last[col]
            );
        }
        let names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            !names.iter().any(|n| n.starts_with(".k2bone-staging")),
            "round {round}: {names:?}"
        );
    }
}

/// Issue 10: `calibrate --leave-one-trial-out` is bad input (exit 2, saying what it needs) on a
/// file without bone targets, and clap refuses it beside `--check`.
#[test]
fn leave_one_trial_out_names_what_it_needs() {
    let t = tempfile::tempdir().unwrap();
    let pk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/calibration/pk.toml");
    let pk = pk.to_str().unwrap();
    let o = k2bone(
        t.path(),
        &["calibrate", "--targets", pk, "--leave-one-trial-out"],
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("[[bone_target]]"), "{err}");
    let o = k2bone(
        t.path(),
        &[
            "calibrate",
            "--targets",
            pk,
            "--leave-one-trial-out",
            "--check",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o).1);
    assert!(text(&o).1.contains("cannot be used with"), "{}", text(&o).1);
}
