//! Every issue-15 reproducer through the real binary, each a file with its expected outcome:
//!
//! - `tests/corpus/*.toml` here: the CLI-level cases (closed pipes, `--anticoagulant none`,
//!   dosing tables against the run length, output-directory safety, `evidence delete`, `foods
//!   remove`). Each file gives `args` (`{dir}` is the case's own folder, `{repo}` the checkout),
//!   `expect` (`ok` = exit 0, `bad-input`/`usage` = exit 2, `failed` = exit 1), fragments that
//!   must appear in `stdout`/`stderr`, files to create first (`[[file]]`, `[[link]]`), commands
//!   to run `before` (each must succeed), and paths that must be `unchanged`, `absent` or
//!   `present` afterwards; `pipe = true` closes stdout after the first byte.
//! - the library corpora (crates/{evidence,sim,diet,calibration,trialdb}/tests/corpus), each
//!   file run through the command that reads it, with the expectation written in its `# expect:`
//!   lines: `ok` = exit 0 and no NaN printed, otherwise exit 1 or 2 with every fragment in the
//!   message.
//!
//! No run may panic (exit 101, "panicked"), die of a signal, or print a control character in an
//! error. The oracle is the expectation in each file; the counts are printed.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_k2bone"));
    c.env("RUST_BACKTRACE", "0").env("NO_COLOR", "1");
    c
}

fn sorted_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

/// The `# expect:` fragments and the body without its `# ` lines.
fn split(text: &str) -> (Vec<String>, Vec<(String, String)>, String) {
    let mut expect = Vec::new();
    let mut keys = Vec::new();
    for l in text.lines() {
        if let Some(x) = l.strip_prefix("# expect: ") {
            expect.push(x.to_string());
        } else if let Some((k, v)) = l.strip_prefix("# ").and_then(|l| l.split_once(": ")) {
            keys.push((k.to_string(), v.to_string()));
        }
    }
    let body = text
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("# "))
        .collect();
    (expect, keys, body)
}

/// Problems with one finished run, judged against `expect` (`ok` or message fragments).
fn judge(case: &str, o: &Output, expect: &[String]) -> Vec<String> {
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    let mut p = Vec::new();
    if err.contains("panicked") || o.status.code() == Some(101) {
        p.push(format!("{case}: panic: {err}"));
        return p;
    }
    let Some(code) = o.status.code() else {
        p.push(format!("{case}: killed by a signal ({:?})", o.status));
        return p;
    };
    let nan = |s: &str| {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "NaN" || w == "nan")
    };
    if expect.first().map(String::as_str) == Some("ok") {
        if code != 0 {
            p.push(format!("{case}: refused: {err}"));
        } else if nan(&out) {
            p.push(format!("{case}: NaN printed"));
        }
    } else if code == 0 {
        p.push(format!("{case}: accepted (expected {expect:?})"));
    } else {
        if code != 2 && code != 1 {
            p.push(format!("{case}: exit {code}: {err}"));
        }
        if err.chars().any(|c| c.is_control() && c != '\n') {
            p.push(format!("{case}: control character in: {err:?}"));
        }
        for x in expect {
            if !err.contains(x.as_str()) {
                p.push(format!("{case}: missing `{x}` in: {err}"));
            }
        }
    }
    p
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CliCase {
    args: Vec<String>,
    expect: String,
    #[serde(default)]
    stdout: Vec<String>,
    #[serde(default)]
    stderr: Vec<String>,
    #[serde(default)]
    unchanged: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    present: Vec<String>,
    #[serde(default)]
    pipe: bool,
    #[serde(default)]
    fresh_data: bool,
    #[serde(default)]
    before: Vec<Vec<String>>,
    #[serde(default)]
    file: Vec<CaseFile>,
    #[serde(default)]
    link: Vec<CaseLink>,
}

#[derive(serde::Deserialize)]
struct CaseFile {
    path: String,
    text: String,
}

#[derive(serde::Deserialize)]
struct CaseLink {
    path: String,
    to: String,
}

/// Runs `cmd`; with `pipe`, reads one byte of stdout and closes it.
fn run(mut cmd: Command, pipe: bool) -> Output {
    if !pipe {
        return cmd.output().expect("run k2bone");
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run k2bone");
    let mut stdout = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    let _ = stdout.read(&mut one);
    drop(stdout);
    let mut err = Vec::new();
    child.stderr.take().unwrap().read_to_end(&mut err).unwrap();
    let status = child.wait().unwrap();
    Output {
        status,
        stdout: one.to_vec(),
        stderr: err,
    }
}

fn cli_case(path: &Path, shared_data: &Path) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let case: CliCase = match toml::from_str(&std::fs::read_to_string(path).unwrap()) {
        Ok(c) => c,
        Err(e) => return vec![format!("{name}: {e}")],
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = if case.fresh_data {
        dir.join(".data")
    } else {
        shared_data.to_path_buf()
    };
    let fill = |a: &String| {
        a.replace("{dir}", &dir.display().to_string())
            .replace("{repo}", &repo().display().to_string())
    };
    for f in &case.file {
        let p = dir.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &f.text).unwrap();
    }
    for l in &case.link {
        let p = dir.join(&l.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&l.to, &p).unwrap();
        #[cfg(not(unix))]
        return Vec::new();
    }
    let mut problems = Vec::new();
    for b in &case.before {
        let o = bin()
            .args(b.iter().map(fill))
            .env("K2BONE_DATA", &data)
            .current_dir(dir)
            .output()
            .unwrap();
        if !o.status.success() {
            problems.push(format!(
                "{name}: `before` {b:?} failed: {}",
                String::from_utf8_lossy(&o.stderr)
            ));
            return problems;
        }
    }
    let mut cmd = bin();
    cmd.args(case.args.iter().map(fill))
        .env("K2BONE_DATA", &data)
        .current_dir(dir);
    let o = run(cmd, case.pipe);
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    let want = match case.expect.as_str() {
        "ok" => 0,
        "bad-input" | "usage" => 2,
        "failed" => 1,
        other => return vec![format!("{name}: unknown expect `{other}`")],
    };
    if err.contains("panicked") || o.status.code() != Some(want) {
        problems.push(format!(
            "{name}: exit {:?}, expected {want}: {err}",
            o.status.code()
        ));
    }
    for x in &case.stdout {
        if !out.contains(x.as_str()) {
            problems.push(format!("{name}: stdout lacks `{x}`: {out}"));
        }
    }
    for x in &case.stderr {
        if !err.contains(x.as_str()) {
            problems.push(format!("{name}: stderr lacks `{x}`: {err}"));
        }
    }
    for p in &case.unchanged {
        let before = case.file.iter().find(|f| &f.path == p).map(|f| &f.text);
        let now = std::fs::read_to_string(dir.join(p)).ok();
        if before != now.as_ref() {
            problems.push(format!("{name}: {p} changed to {now:?}"));
        }
    }
    for p in &case.absent {
        if dir.join(p).symlink_metadata().is_ok() {
            problems.push(format!("{name}: {p} exists"));
        }
    }
    for p in &case.present {
        if !dir.join(p).is_file() {
            problems.push(format!("{name}: {p} missing"));
        }
    }
    problems
}

/// The library corpora through the binary: (runs, problems).
fn library_corpora(work: &Path, data: &Path) -> (usize, Vec<String>) {
    let root = repo().join("crates");
    let mut runs = 0;
    let mut problems = Vec::new();
    let mut wrote = Vec::new();
    let mut check = |case: String, cmd: &mut Command, expect: &[String]| {
        runs += 1;
        let o = cmd.output().expect("run k2bone");
        problems.extend(judge(&case, &o, expect));
    };
    // Meta-analysis CSVs: the run each file names, every method and test it asks for.
    const ALL: [&str; 8] = ["FE", "DL", "REML", "ML", "PM", "HE", "SJ", "EB"];
    for path in sorted_files(&root.join("evidence/tests/corpus"), "csv") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (expect, keys, body) = split(&std::fs::read_to_string(&path).unwrap());
        let file = work.join(&name);
        std::fs::write(&file, body).unwrap();
        let key = |k: &str| keys.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
        let methods: Vec<String> = match key("method").as_deref() {
            Some("ALL") => ALL.iter().map(|m| m.to_string()).collect(),
            Some(m) => vec![m.to_string()],
            None => vec!["REML".into()],
        };
        let tests = match key("test").as_deref() {
            None | Some("both") => vec!["z", "knha"],
            Some("z") => vec!["z"],
            Some(_) => vec!["knha"],
        };
        for m in &methods {
            for t in &tests {
                let mut cmd = bin();
                cmd.env("K2BONE_DATA", data).arg("meta").arg(&file);
                cmd.args(["--measure", &key("measure").unwrap_or("GEN".into())]);
                cmd.args(["--method", m, "--test", t]);
                for (flag, k) in [("--mods", "mods"), ("--by", "by"), ("--level", "level")] {
                    if let Some(v) = key(k) {
                        cmd.args([flag, &v]);
                    }
                }
                check(format!("meta/{name}/{m}/{t}"), &mut cmd, &expect);
            }
        }
    }
    // Dosing tables (`#` lines are comments of the format): `--hours end_h` when given.
    for path in sorted_files(&root.join("sim/tests/corpus"), "csv") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (expect, keys, _) = split(&std::fs::read_to_string(&path).unwrap());
        if expect[0] == "ok-parse" {
            continue; // too many doses to simulate in a test (hostile_dosing.rs parses it)
        }
        let mut cmd = bin();
        cmd.env("K2BONE_DATA", data).args(["simulate", "--doses"]);
        cmd.arg(&path).args(["--no-plots", "-q", "--out"]);
        cmd.arg(work.join(format!("sim-{name}")));
        if let Some((_, h)) = keys.iter().find(|(k, _)| k == "end_h") {
            cmd.args(["--hours", h]);
        }
        check(format!("dosing/{name}"), &mut cmd, &expect);
    }
    // Diet logs (diet report) and food imports (foods add; a fresh database for each accepted
    // one, so that later files meet the shipped table only).
    for path in sorted_files(&root.join("diet/tests/corpus"), "csv") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let (expect, _, _) = split(&String::from_utf8_lossy(&bytes));
        let file = work.join(&name);
        // Byte-exact body (a corpus file may hold bytes that are not UTF-8).
        let raw: Vec<u8> = bytes
            .split_inclusive(|b| *b == b'\n')
            .filter(|l| !l.starts_with(b"# "))
            .flatten()
            .copied()
            .collect();
        std::fs::write(&file, raw).unwrap();
        let mut cmd = bin();
        if name.starts_with("log-") {
            cmd.env("K2BONE_DATA", data)
                .args(["diet", "report"])
                .arg(&file);
            check(format!("diet/{name}"), &mut cmd, &expect);
        } else {
            let d = if expect[0] == "ok" {
                work.join(format!("data-{name}"))
            } else {
                data.to_path_buf()
            };
            cmd.env("K2BONE_DATA", d).args(["foods", "add"]).arg(&file);
            check(format!("foods/{name}"), &mut cmd, &expect);
        }
    }
    // Calibration targets: `calibrate --check` refuses before simulating and writes nothing.
    for path in sorted_files(&root.join("calibration/tests/corpus"), "toml") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (expect, _, _) = split(&std::fs::read_to_string(&path).unwrap());
        let out = work.join(format!("cal-{name}"));
        let mut cmd = bin();
        cmd.env("K2BONE_DATA", data)
            .args(["calibrate", "--check", "--targets"]);
        cmd.arg(&path).arg("--out").arg(&out);
        check(format!("calibrate/{name}"), &mut cmd, &expect);
        if out.exists() {
            wrote.push(format!("calibrate/{name}: --check wrote {}", out.display()));
        }
    }
    // Trial imports; an accepted one is deleted again with `evidence delete`.
    for path in sorted_files(&root.join("trialdb/tests/corpus"), "csv") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (expect, _, body) = split(&std::fs::read_to_string(&path).unwrap());
        let file = work.join(&name);
        std::fs::write(&file, body).unwrap();
        let mut cmd = bin();
        cmd.env("K2BONE_DATA", data)
            .args(["evidence", "import"])
            .arg(&file);
        check(format!("trials/{name}"), &mut cmd, &expect);
        if expect[0] == "ok" {
            let mut cmd = bin();
            cmd.env("K2BONE_DATA", data)
                .args(["evidence", "delete", "probe_2024"]);
            check(format!("trials/{name}/delete"), &mut cmd, &expect);
        }
    }
    problems.extend(wrote);
    (runs, problems)
}

#[test]
fn every_reproducer_gives_its_expected_outcome_through_the_binary() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let cli = sorted_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus"),
        "toml",
    );
    let mut problems: Vec<String> = cli.iter().flat_map(|p| cli_case(p, &data)).collect();
    let (runs, more) = library_corpora(work.path(), &data);
    problems.extend(more);
    let total = cli.len() + runs;
    eprintln!(
        "{} CLI cases + {runs} runs of the library corpora = {total}; {} problems",
        cli.len(),
        problems.len()
    );
    assert!(cli.len() >= 50, "only {} CLI cases", cli.len());
    assert!(total >= 300, "only {total} cases in all");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
