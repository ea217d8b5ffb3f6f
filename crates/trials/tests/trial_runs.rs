//! Trials end to end on a small design: reproducibility across thread counts, shards merged
//! equal one run, the 95% CI covers the population mean at its nominal rate, and bad designs
//! are refused with the field named.

use std::path::Path;

use k2bone_trials::{merge, read_patients, run_trial, PatientRow, RunOptions, Shard, TrialDesign};

/// 12 weeks of MK-7 vs nothing in women aged 42–48 (short burn-ins), with variability on the
/// MK-7 elimination rate and the osteoblast effect of vitamin K.
fn design(n_per_arm: usize, seed: u64) -> TrialDesign {
    design_k(n_per_arm, seed, 1)
}

/// The same with `draws` posterior draws of the bone response.
fn design_k(n_per_arm: usize, seed: u64, draws: usize) -> TrialDesign {
    let text = format!(
        r#"
schema = 1
title = "test trial"
seed = {seed}
n_per_arm = {n_per_arm}
duration = "12 weeks"
visits = ["4 weeks", "12 weeks"]
dropout_per_year = 0.3
control_arm = "placebo"
draws = {draws}
rtol = 1e-7
atol = 1e-9

[population]
sex = "female"
age_years = {{ dist = "uniform", min = 42, max = 48 }}
d25_nmol_l = {{ dist = "lognormal", median = 60, cv = 0.35, min = 20, max = 100 }}
bmd_z_lumbar_spine = {{ dist = "normal", mean = -1, sd = 1, min = -3, max = 3 }}
variability = [
  {{ parameter = "mk7_kel_per_h", cv = 0.3 }},
  {{ parameter = "ob_emax", cv = 0.3 }},
]
correlation = [[1, 0.5], [0.5, 1]]

[arms.placebo]
[arms.mk7]
mk7 = "180 ug daily"
"#
    );
    TrialDesign::from_str_in(&text, "test.toml", Path::new("")).unwrap()
}

fn rows(path: &Path) -> Vec<PatientRow> {
    let mut out = Vec::new();
    read_patients(path, &mut |r| {
        out.push(r.clone());
        Ok(())
    })
    .unwrap();
    out
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let d = design_k(6, 7, 3);
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: usize, sub: &str| {
        let opts = RunOptions {
            threads,
            ..RunOptions::default()
        };
        run_trial(&d, &opts, &dir.path().join(sub)).unwrap()
    };
    let one = run(1, "one");
    let two = run(2, "two");
    let (a, b) = (rows(&one.patients_parquet), rows(&two.patients_parquet));
    // 12 patients × 3 visits × 3 draws.
    assert_eq!(a.len(), 12 * 3 * 3);
    assert_eq!(a, b, "per-patient rows differ between 1 and 2 threads");
    assert_eq!(one.summary, two.summary);
    // Patients differ from each other (the variability is real), and both arms are filled.
    assert!(a
        .iter()
        .any(|r| r.outcomes[2] != a[a.len() - 1].outcomes[2]));
    assert_eq!(
        one.summary.arms.iter().map(|x| x.n_randomised).sum::<u64>(),
        12
    );
    assert!(one.summary.arms.iter().all(|x| x.n_randomised == 6));
}

#[test]
fn shards_merged_equal_one_run() {
    // 130 patients: three chunks of at most 64, so three shards of one chunk each; 4 posterior
    // draws of the bone response, so the pooled summary and both intervals are merged too.
    let d = design_k(65, 11, 4);
    let dir = tempfile::tempdir().unwrap();
    let whole = run_trial(&d, &RunOptions::default(), &dir.path().join("whole")).unwrap();
    let mut dirs = Vec::new();
    for i in 0..3 {
        let sub = dir.path().join(format!("shard{i}"));
        let opts = RunOptions {
            shard: Shard { index: i, count: 3 },
            threads: 1,
            ..RunOptions::default()
        };
        run_trial(&d, &opts, &sub).unwrap();
        dirs.push(sub);
    }
    let merged = merge(&dirs, &dir.path().join("merged")).unwrap();
    assert_eq!(merged, whole.summary);
    assert_eq!(merged.draws, vec![0, 100, 200, 300]);
    let bmd = merged
        .difference("mk7", "bmd_lumbar_pct_change", 84.0)
        .unwrap();
    let (lo, hi) = (
        bmd.interval95_parameters_low.unwrap(),
        bmd.interval95_parameters_high.unwrap(),
    );
    assert!(lo < hi && bmd.ci95_low < bmd.ci95_high, "{bmd:?}");
    // The parameter interval is over the draws' differences of arm means: recompute it from
    // the per-patient rows (R type-7 quantiles of 4 values).
    let rows_all: Vec<PatientRow> = (0..3)
        .flat_map(|i| {
            rows(
                &dir.path()
                    .join(format!("shard{i}/patients-{i}-of-3.parquet")),
            )
        })
        .collect();
    let arm_mean = |draw: u32, arm: &str| {
        let v: Vec<f64> = rows_all
            .iter()
            .filter(|r| r.draw_id == draw && r.arm == arm && r.visit_day == 84.0 && r.observed)
            .map(|r| r.outcomes[0])
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let mut diffs: Vec<f64> = [0, 100, 200, 300]
        .iter()
        .map(|&k| arm_mean(k, "mk7") - arm_mean(k, "placebo"))
        .collect();
    diffs.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let h = 3.0 * p;
        let i = h.floor() as usize;
        diffs[i] + (h - i as f64) * (diffs[(i + 1).min(3)] - diffs[i])
    };
    assert!(
        (q(0.025) - lo).abs() < 1e-9 && (q(0.975) - hi).abs() < 1e-9,
        "{diffs:?} vs {lo} {hi}"
    );
    // One solve feeds every draw: outcomes of the core (ucOC) are the same under each draw,
    // BMD (the bone response's posterior row) is not.
    let p0: Vec<&PatientRow> = rows_all
        .iter()
        .filter(|r| r.patient_id == 5 && r.visit_day == 84.0)
        .collect();
    assert_eq!(p0.len(), 4);
    assert!(p0.iter().all(|r| r.outcomes[2] == p0[0].outcomes[2]));
    assert!(p0.iter().any(|r| r.outcomes[0] != p0[0].outcomes[0]));
    // A missing shard is refused.
    let err = merge(&dirs[..2], &dir.path().join("bad")).unwrap_err();
    assert!(err.to_string().contains("exactly once"), "{err}");
    // The MK-7 arm's ucOC falls, the placebo's does not (the outcome is the model's, not noise).
    let uc = |arm: &str| {
        merged
            .outcome(0, arm, "ucoc_pct_change", 84.0)
            .unwrap()
            .mean
    };
    assert!(
        uc("mk7") < -20.0 && uc("placebo").abs() < 1.0,
        "{} {}",
        uc("mk7"),
        uc("placebo")
    );
}

#[test]
fn the_95pct_ci_of_an_arm_mean_covers_the_population_mean_at_its_nominal_rate() {
    // Truth: the population mean of the 12-week ucOC change under MK-7, from 1,000 patients.
    // Then 100 trials of 10 per arm with other seeds; a correct 95% CI covers the truth in
    // about 95 of them (binomial SD 2.2); 100 of 100 (too wide) or fewer than 88 fail.
    let dir = tempfile::tempdir().unwrap();
    let big = design(1000, 1_000_003);
    let truth = run_trial(&big, &RunOptions::default(), &dir.path().join("truth"))
        .unwrap()
        .summary
        .outcome(0, "mk7", "ucoc_pct_change", 28.0)
        .unwrap()
        .mean;
    let mut covered = 0;
    for k in 0..100u64 {
        let d = design(10, 5_000 + k);
        let s = run_trial(
            &d,
            &RunOptions::default(),
            &dir.path().join(format!("t{k}")),
        )
        .unwrap()
        .summary;
        let o = s.outcome(0, "mk7", "ucoc_pct_change", 28.0).unwrap();
        if o.ci95_low <= truth && truth <= o.ci95_high {
            covered += 1;
        }
    }
    eprintln!("coverage {covered}/100 around the population mean {truth:.3}%");
    assert!((88..=99).contains(&covered), "coverage {covered}/100");
}

#[test]
fn bad_designs_name_the_field_and_the_accepted_range() {
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/trials/knapen-2013.toml"),
    )
    .unwrap();
    let cases = [
        ("n_per_arm = 100", "n_per_arm = 0", "n_per_arm"),
        ("n_per_arm = 100", "n_per_arm = 100\ndraws = 0", "draws"),
        (
            "n_per_arm = 100",
            "n_per_arm = 100\ndraws = 401",
            "accepted: 1 … 400",
        ),
        (
            "dropout_per_year = 0.08",
            "dropout_per_year = 1.5",
            "dropout_per_year",
        ),
        ("\"ob_emax\"", "\"ob_emaxx\"", "variability[1].parameter"),
        (
            "duration = \"3 years\"",
            "duration = \"3 parsecs\"",
            "duration",
        ),
    ];
    for (from, to, field) in cases {
        assert!(base.contains(from), "{from}");
        let text = base.replacen(from, to, 1);
        let e = TrialDesign::from_str_in(&text, "knapen.toml", Path::new(""))
            .unwrap_err()
            .to_string();
        assert!(e.contains(field) && e.contains("knapen.toml"), "{to}: {e}");
    }
    let csv = "sex,age_years,years_since_menopause,d25_nmol_l,calcium_intake_mg_per_day,bmd_z_lumbar_spine,bmd_z_femoral_neck,vka_inhibition\nfemale,60,9,70,900,-1,-1,0\nfemale,60,9,70,-5,-1,-1,0\n";
    let e = k2bone_trials::parse_covariates(csv, "cov.csv")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("cov.csv:3:") && e.contains("calcium_intake_mg_per_day"),
        "{e}"
    );
}
