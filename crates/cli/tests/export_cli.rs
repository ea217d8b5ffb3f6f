//! `k2bone export sbml` end to end with the real binary: the core and a scenario arm are
//! written as SBML L3V2 whose notes carry the disclaimer and say that the bone response is not
//! in the file; bad input (unknown arm, both or neither of --scenario/--core, an arm to pick,
//! --out a folder) exits 2 and writes nothing; an unwritable --out exits 1. When the Python
//! packages are present (`.venv-sbml`, or `K2BONE_PYTHON`), libSBML's consistency checks must
//! report no error on both files (oracle: libSBML, independent of k2bone); the check is skipped
//! without them unless `K2BONE_REQUIRE_SBML_TOOLS=1` (CI sets it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn k2bone(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_k2bone"))
        .args(args)
        .current_dir(dir)
        .env("K2BONE_DATA", dir.join(".k2bone-data"))
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// libSBML's errors (all check categories, units included) on `file`; `None` when libSBML is
/// missing and that is allowed.
fn libsbml_errors(file: &Path) -> Option<(u64, String)> {
    let required = std::env::var_os("K2BONE_REQUIRE_SBML_TOOLS").is_some_and(|v| v == "1");
    let python = std::env::var_os("K2BONE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".venv-sbml/bin/python"));
    let script = "import sys\ntry:\n    import libsbml\nexcept ImportError:\n    sys.exit(3)\n\
        d = libsbml.readSBMLFromFile(sys.argv[1])\n\
        d.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, True)\n\
        d.checkConsistency()\n\
        errs = [d.getError(i) for i in range(d.getNumErrors()) if d.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR]\n\
        print(len(errs))\n\
        print(' | '.join(e.getMessage().strip()[:200] for e in errs[:3]))\n";
    let out = Command::new(&python)
        .arg("-c")
        .arg(script)
        .arg(file)
        .output();
    let skip = |why: String| {
        assert!(!required, "K2BONE_REQUIRE_SBML_TOOLS=1 but {why}");
        eprintln!("SKIPPED libSBML check: {why}");
        None
    };
    match out {
        Err(e) => skip(format!("{} cannot run: {e}", python.display())),
        Ok(o) if o.status.code() == Some(3) => skip("python-libsbml is missing".into()),
        Ok(o) => {
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let text = String::from_utf8_lossy(&o.stdout).into_owned();
            let mut lines = text.lines();
            let n = lines.next().unwrap().trim().parse().unwrap();
            Some((n, lines.next().unwrap_or("").to_string()))
        }
    }
}

#[test]
fn core_export_is_sbml_l3v2_with_the_disclaimer() {
    let tmp = tempfile::tempdir().unwrap();
    let text = ok(&k2bone(
        &["export", "sbml", "--core", "--out", "sub/core.xml"],
        tmp.path(),
    ));
    assert!(text.contains("the core model at its baseline"), "{text}");
    assert!(text.contains("not medical advice"), "{text}");
    let xml = std::fs::read_to_string(tmp.path().join("sub/core.xml")).unwrap();
    assert!(xml.contains("level=\"3\" version=\"2\""));
    // The core has 39 states, each a rate rule; no doses, so no events.
    assert_eq!(count(&xml, "<rateRule "), 39);
    assert_eq!(count(&xml, "<event "), 0);
    assert!(xml.contains("not medical advice"));
    assert!(
        xml.contains("post-processor"),
        "the notes say the bone response is not in the file"
    );
    if let Some((n, first)) = libsbml_errors(&tmp.path().join("sub/core.xml")) {
        assert_eq!(n, 0, "libSBML errors: {first}");
    }
}

#[test]
fn scenario_arm_export_has_its_doses_and_start() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = workspace().join("examples/scenarios/mk7-180-3y.toml");
    let out = k2bone(
        &[
            "export",
            "sbml",
            "--scenario",
            scenario.to_str().unwrap(),
            "--arm",
            "mk7-180",
            "--out",
            "mk7.xml",
            "--format",
            "json",
        ],
        tmp.path(),
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    // 3 years of daily MK-7 at 08:00: 1,095 doses, one self-rescheduling event.
    assert_eq!(v["doses"], 1095);
    assert_eq!(v["events"], 1);
    assert_eq!(v["states"], 53);
    assert_eq!(v["arm"], "mk7-180");
    assert_eq!(v["model"], "full");
    let clock = v["clock_start_h"].as_f64().unwrap();
    assert!(clock > 0.0, "a 60-year-old starts after a burn-in");
    let xml = std::fs::read_to_string(tmp.path().join("mk7.xml")).unwrap();
    assert_eq!(v["bytes"].as_u64().unwrap() as usize, xml.len());
    assert_eq!(count(&xml, "<rateRule "), 53);
    assert!(xml.contains("arm `mk7-180`"));
    assert!(xml.contains("post-processor"));
    assert!(xml.contains("not medical advice"));
    let clock_param = xml
        .split("<parameter id=\"model_clock_start_h\"")
        .nth(1)
        .and_then(|rest| rest.split("value=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .expect("the burn-in clock is a parameter");
    assert_eq!(clock_param.parse::<f64>().unwrap(), clock);
    if let Some((n, first)) = libsbml_errors(&tmp.path().join("mk7.xml")) {
        assert_eq!(n, 0, "libSBML errors: {first}");
    }
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = workspace().join("examples/scenarios/mk7-180-3y.toml");
    let s = scenario.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        // Unknown arm: the arms are listed, with the nearest.
        (
            &["--scenario", s, "--arm", "mk7-18", "--out", "x.xml"],
            "did you mean `mk7-180`",
        ),
        // Several arms and none named.
        (&["--scenario", s, "--out", "x.xml"], "name one with --arm"),
        // Both, neither, an arm without a scenario: clap's usage errors.
        (
            &["--scenario", s, "--core", "--out", "x.xml"],
            "cannot be used with",
        ),
        (&["--out", "x.xml"], "required"),
        (
            &["--core", "--arm", "mk7-180", "--out", "x.xml"],
            "--scenario",
        ),
        // --out a folder.
        (&["--core", "--out", "."], "is a folder"),
        // A scenario that does not exist.
        (&["--scenario", "nope.toml", "--out", "x.xml"], "nope.toml"),
    ];
    for (args, says) in cases {
        let mut all = vec!["export", "sbml"];
        all.extend_from_slice(args);
        let out = k2bone(&all, tmp.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?} should say `{says}`: {err}");
        assert!(!tmp.path().join("x.xml").exists(), "{args:?} wrote a file");
    }
    let out = k2bone(
        &[
            "export",
            "sbml",
            "--scenario",
            s,
            "--arm",
            "mk7-18",
            "--out",
            "x.xml",
        ],
        tmp.path(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("placebo+d3+ca"), "the arms are listed: {err}");
}

#[test]
fn unwritable_out_exits_1_naming_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a-file"), "").unwrap();
    // Its folder would have to be a plain file.
    let out = k2bone(
        &["export", "sbml", "--core", "--out", "a-file/core.xml"],
        tmp.path(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("a-file"), "{err}");
}
