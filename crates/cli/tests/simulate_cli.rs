//! `k2bone simulate` through the real binary (ripgrep's pattern): files written, columns named
//! as in the spec, bad input refused with exit code 2 and a message naming the problem.

use std::process::Command;

fn k2bone(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_k2bone"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn issue_2_baseline_writes_timeseries_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let o = k2bone(&[
        "simulate",
        "--builtin",
        "baseline",
        "--years",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("not medical advice"), "{stdout}");

    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(header[0], "time_days");
    for name in [
        "PTH",
        "Q",
        "Qbone",
        "BMDlsDEN",
        "GFR",
        "PTHpm",
        "CaC",
        "OBchange",
        "OCchange",
        "BMDlsDENchange",
        "DENCP",
    ] {
        assert!(header.contains(&name), "missing column {name}");
    }
    // Daily rows over 10 years: 3651 data rows; no NaN anywhere.
    assert_eq!(csv.lines().count(), 1 + 3651);
    assert!(!csv.contains("NaN") && !csv.contains("inf"));
    let last: Vec<&str> = csv.lines().last().unwrap().split(',').collect();
    assert_eq!(last[0], "3650");

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let ca = summary["end"]["CaC"]["value"].as_f64().unwrap();
    assert!((ca - 2.35).abs() < 1e-3, "serum Ca at 10 y {ca}");
    assert!(summary["disclaimer"]
        .as_str()
        .unwrap()
        .contains("blood thinners"));
}

#[test]
fn dosing_table_with_ii_and_addl_runs() {
    let dir = tempfile::tempdir().unwrap();
    let doses = dir.path().join("d.csv");
    std::fs::write(
        &doses,
        "time_h,drug,amount,unit,ii_h,addl\n0,denosumab,60,mg,4032,1\n",
    )
    .unwrap();
    let out = dir.path().join("o");
    let o = k2bone(&[
        "simulate",
        "--doses",
        doses.to_str().unwrap(),
        "--days",
        "400",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["scenario"]["doses"], 2);
    assert!(s["end"]["BMDlsDENchange"]["value"].as_f64().unwrap() > 3.0);
}

#[test]
fn bad_input_exits_2_and_names_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let out = out.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["simulate", "--builtin", "nope", "--out", out],
            "unknown built-in scenario `nope`",
        ),
        (
            vec!["simulate", "--years", "-1", "--out", out],
            "--years -1 is out of range",
        ),
        (
            vec!["simulate", "--years", "1000", "--out", out],
            "at most 100 years",
        ),
        (
            vec![
                "simulate",
                "--days",
                "10",
                "--every-hours",
                "0",
                "--out",
                out,
            ],
            "--every-hours 0 is out of range",
        ),
        (
            vec!["simulate", "--doses", "/no/such/file.csv", "--out", out],
            "cannot read /no/such/file.csv",
        ),
        (
            vec!["simulate", "--rtol", "2", "--out", out],
            "--rtol 2 is out of range",
        ),
    ];
    for (args, want) in cases {
        let o = k2bone(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "time_h,drug,amount,unit\n0,denosumab,60,mg\n24,denosumab,sixty,mg\n",
    )
    .unwrap();
    let o = k2bone(&["simulate", "--doses", bad.to_str().unwrap(), "--out", out]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("bad.csv:3: column `amount`") && err.contains("`sixty` is not a number"),
        "{err}"
    );
    let params = dir.path().join("p.toml");
    std::fs::write(
        &params,
        k2bone_physiology::SHIPPED_PARAMS_TOML.replace("\nkb = 0.000605516", "\nkb = -1"),
    )
    .unwrap();
    let o = k2bone(&[
        "simulate",
        "--params",
        params.to_str().unwrap(),
        "--out",
        out,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`kb` = -1"));
}
