//! A sharded virtual trial through a real Slurm scheduler: `examples/slurm/submit.sh` submits an
//! `sbatch --array` of shards and a merge job with `--dependency=afterok`; the merged
//! `summary.json` must equal the one an unsharded run writes (oracle: the single run; both are
//! the same patients, so equality is exact). `.ci/run` starts a one-node cluster
//! (`.ci/slurm-up.sh`) and sets `K2BONE_REQUIRE_SLURM=1`; elsewhere the test skips with a
//! message when `sbatch` or a controller is missing.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const TRIAL: &str = r#"
schema = 1
title = "slurm test: MK-7 180 ug/d vs placebo for 1 year"
seed = 12
n_per_arm = 96
duration = "1 year"
visits = ["6 months", "12 months"]
dropout_per_year = 0.1
control_arm = "placebo"

[population]
sex = "female"
age_years = { dist = "uniform", min = 55, max = 65 }
d25_nmol_l = { dist = "lognormal", median = 70, cv = 0.3, min = 20, max = 110 }
variability = [{ parameter = "ob_emax", cv = 0.3 }]

[arms.placebo]

[arms.mk7]
mk7 = "180 ug daily"
"#;

fn slurm_available() -> bool {
    Command::new("sinfo")
        .arg("-h")
        .output()
        .is_ok_and(|o| o.status.success())
        && Command::new("sbatch")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the command starts");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn summary(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("summary.json")).expect("summary.json written");
    serde_json::from_str(&text).expect("summary.json is JSON")
}

#[test]
fn sharded_trial_through_slurm_equals_the_single_run() {
    if !slurm_available() {
        assert!(
            std::env::var("K2BONE_REQUIRE_SLURM").as_deref() != Ok("1"),
            "K2BONE_REQUIRE_SLURM=1 but sbatch/sinfo do not answer (start a cluster with .ci/slurm-up.sh)"
        );
        eprintln!(
            "skipped: no Slurm here (sbatch/sinfo missing or no controller); .ci/run starts one"
        );
        return;
    }
    let exe = env!("CARGO_BIN_EXE_k2bone");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    // Slurm jobs run as the submitting user on this node; a temporary folder is visible to them.
    let tmp = tempfile::tempdir().unwrap();
    let trial = tmp.path().join("trial.toml");
    std::fs::write(&trial, TRIAL).unwrap();
    let single = tmp.path().join("single");
    run(Command::new(exe)
        .args(["trial", trial.to_str().unwrap(), "--out"])
        .arg(&single)
        .args(["--threads", "2", "--quiet", "--no-plots"]));

    let sharded = tmp.path().join("sharded");
    let merge_job = run(Command::new(root.join("examples/slurm/submit.sh"))
        .arg(&trial)
        .arg(&sharded)
        .arg("3")
        .env("K2BONE", exe));
    let merge_job = merge_job.trim().to_string();
    assert!(
        merge_job.chars().all(|c| c.is_ascii_digit()),
        "submit.sh prints the merge job id, got `{merge_job}`"
    );
    // Wait for the merge job to leave the queue (its array must have succeeded for it to run).
    let started = Instant::now();
    loop {
        let q = run(Command::new("squeue").args(["-h", "-j", &merge_job, "-o", "%T"]));
        if q.trim().is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "merge job {merge_job} still `{}` after 10 minutes",
            q.trim()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let merged = sharded.join("merged");
    assert!(
        merged.join("summary.json").exists(),
        "the merge job wrote no summary (array failed?); logs in {}",
        sharded.display()
    );
    for i in 0..3 {
        assert!(
            sharded.join(format!("patients-{i}-of-3.parquet")).exists(),
            "shard {i} wrote its part"
        );
    }
    let (a, b) = (summary(&single), summary(&merged));
    assert_eq!(a, b, "merged shards differ from the single run");
    assert_eq!(a["n_patients"], 192);
}
