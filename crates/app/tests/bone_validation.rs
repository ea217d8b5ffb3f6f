//! Issue 10's gate: the calibrated bone response against trials it was not fitted to
//! (`data/validation/bone.toml`, declared before fitting). The oracle is each trial's reported
//! effect and 95 % CI. The floor and the list of known misses are recorded here: a model change
//! that loses a held-out trial fails, one that gains trials raises the floor by hand.

use std::collections::BTreeSet;
use std::path::Path;

use k2bone_app::validate::{validate, ValidateRequest};
use k2bone_app::{Cancel, Silent};
use k2bone_calibration::TargetFile;

/// Out-of-sample targets inside their acceptance interval with the shipped posterior (the fourth
/// fit, docs/model/bone-evidence.md): 22 of 51 when recorded (23 of 55 with the four that share
/// data with a calibration target; 22 of 49 before Chapuy 1992's two misses were added after the
/// fit). The third fit had 23 of 49 (23 of 48 before Ooms 1995 was added to validation after it),
/// the second 22 of 48, the first 24 of 48. The fourth fit samples the third's posterior with a
/// better-mixing chain; it loses Mott 2019's spine at 24 months.
const FLOOR_INSIDE: usize = 22;

/// The held-out targets the shipped model misses (sizes and reasons in
/// docs/model/bone-evidence.md), grouped by cause.
const KNOWN_MISSES: &[&str] = &[
    // Postmenopausal loss: the spine too fast in a late cohort and in ECKO's placebo arm, the hip
    // too slow in Aloia and Melton (by 0.005 %/y) and too fast in Emaus (the early-postmenopausal
    // hip cohorts disagree); Shiraki's untreated arm loses too little (in sample).
    "guthrie-ls-rate",
    "ecko-placebo-ls-24mo",
    "aloia-placebo-fn-rate",
    "melton-fn-rate",
    "emaus-placebo-th-12mo",
    "shiraki2000-untreated-ls-6mo",
    "shiraki2000-untreated-ls-12mo",
    "shiraki2000-untreated-ls-24mo",
    // Calcium and vitamin D: too small at both sites in Shea's calcium pool, too small for D3
    // 1000 IU at the hip, too large in a vitamin D-deficient man (+1.69 against a null of +/-0.80,
    // from +2.37 before Hansen 2015 was fitted).
    "macdonald2013-d3-1000-hip-12mo",
    "shea2002-ls",
    "shea2002-hip",
    "issue-d3-deficient-man-ls-null",
    // ... and too small at the femoral neck of women of 70+ (Ooms 1995, added after the fit).
    "ooms1995-fn-diff-24mo",
    // ... and far too small for calcium + D3 in women of 84 (Chapuy 1992, added after the fit:
    // +0.18 against +7.3 points at the hip, the placebo arm losing -1.0 against -4.6 %).
    "chapuy1992-th-diff-18mo",
    "chapuy1992-placebo-th-18mo",
    // Denosumab beyond the fitted 24 months (CIs of +/- 0.1-0.2 points) and its extension.
    "freedom-th-diff-36mo",
    "freedom-placebo-th-36mo",
    "freedom-denosumab-th-36mo",
    "freedom-fn-diff-36mo",
    "freedom-ext-longterm-ls-60mo",
    "freedom-ext-longterm-th-60mo",
    "freedom-ext-crossover-ls",
    "freedom-ext-crossover-th",
    // Teriparatide: anabolic, outside the model's scope (excluded from the fit as well).
    "neer2001-ls-40ug",
    "neer2001-fn-40ug",
    // MK-4 45 mg: the Shiraki-driven effect is about twice the pooled trials, and the one effect
    // shared by both sites (A-bone-16) puts +3.3-4.0 points at the hip, where the pools and Knapen
    // 2007 saw little or none.
    "mott2019-ls-12mo",
    "mott2019-ls-24mo",
    "mott2019-hip-6mo",
    "fang2012-ls",
    "fang2012-fn",
    "binkley2009-mk4-ls-null",
    "knapen2007-fn-null",
];

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn read(rel: &str) -> TargetFile {
    let text = std::fs::read_to_string(root().join(rel)).expect(rel);
    TargetFile::from_toml_str(&text, rel).expect(rel)
}

#[test]
fn held_out_bone_trials_keep_their_floor_and_only_known_misses() {
    let v = validate(&ValidateRequest::default(), &Silent, &Cancel::new()).expect("validate");
    let b = &v.bone;
    // The committed results the study reports list (data/validation/bone-results.json) are this
    // run's: a change detector whose oracle is the gate below.
    let committed = root().join("data/validation/bone-results.json");
    let fresh = serde_json::to_string_pretty(b).unwrap() + "\n";
    if std::env::var_os("UPDATE_BONE_RESULTS").is_some() {
        std::fs::write(&committed, &fresh).unwrap();
    }
    let old: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&committed).unwrap()).unwrap();
    let new: serde_json::Value = serde_json::from_str(&fresh).unwrap();
    assert_eq!(
        old, new,
        "data/validation/bone-results.json is stale (UPDATE_BONE_RESULTS=1 rewrites it)"
    );
    let val = read("data/validation/bone.toml");
    assert_eq!(
        b.total,
        val.bone_targets.len(),
        "every held-out target is simulated"
    );
    assert!(b.draws >= 100, "the posterior has {} draws", b.draws);
    let mut misses = Vec::new();
    for t in &b.targets {
        for (what, x) in [
            ("simulated", t.simulated),
            ("sim_lower", t.sim_lower),
            ("sim_upper", t.sim_upper),
            ("miss", t.miss),
        ] {
            assert!(x.is_finite(), "{}: {what} = {x}", t.name);
        }
        assert!(
            t.sim_lower <= t.simulated && t.simulated <= t.sim_upper,
            "{}: mean {} outside its own interval [{}, {}]",
            t.name,
            t.simulated,
            t.sim_lower,
            t.sim_upper
        );
        assert_eq!(
            t.inside,
            t.simulated >= t.accept_lower && t.accept_upper.is_none_or(|u| t.simulated <= u),
            "{}: inside flag",
            t.name
        );
        println!(
            "{:<44} reported {:>14} accept [{:7.2}, {:?}] sim {:7.2} [{:7.2}, {:7.2}] {}",
            t.name,
            t.reported_text,
            t.accept_lower,
            t.accept_upper,
            t.simulated,
            t.sim_lower,
            t.sim_upper,
            if t.inside {
                "inside".to_string()
            } else {
                format!("MISS {:+.2}", t.miss)
            }
        );
        if !t.inside {
            misses.push(t.name.clone());
        }
    }
    println!(
        "{} of {} out-of-sample inside ({} of {} all)",
        b.independent_inside, b.independent, b.inside, b.total
    );
    let in_sample = b
        .targets
        .iter()
        .filter(|t| !t.shares_evidence_with.is_empty())
        .count();
    assert_eq!(b.independent, b.total - in_sample);
    let new: Vec<&String> = misses
        .iter()
        .filter(|m| !KNOWN_MISSES.contains(&m.as_str()))
        .collect();
    assert!(
        new.is_empty(),
        "held-out targets the model now misses (were inside): {new:?}"
    );
    assert!(
        b.independent_inside >= FLOOR_INSIDE,
        "{} of {} out-of-sample targets inside, the recorded floor is {FLOOR_INSIDE}",
        b.independent_inside,
        b.independent
    );
}

#[test]
fn validation_targets_are_never_fitted() {
    let cal = read("data/calibration/bone.toml");
    let val = read("data/validation/bone.toml");
    let cal_names: BTreeSet<&str> = cal.bone_targets.iter().map(|t| t.name.as_str()).collect();
    for t in &val.bone_targets {
        assert!(
            !cal_names.contains(t.name.as_str()),
            "{} is both a calibration and a validation target",
            t.name
        );
    }
    // A trial result in both sets must be declared (`shares_evidence_with`, then it is counted
    // as in sample), and the declaration must be exactly the calibration targets it shares with.
    for t in &val.bone_targets {
        let sharing: BTreeSet<&str> = cal
            .bone_targets
            .iter()
            .filter(|c| c.evidence_rows.iter().any(|r| t.evidence_rows.contains(r)))
            .map(|c| c.name.as_str())
            .collect();
        let declared: BTreeSet<&str> = t.shares_evidence_with.iter().map(String::as_str).collect();
        assert_eq!(
            sharing, declared,
            "{}: evidence rows shared with calibration targets vs declared shares_evidence_with",
            t.name
        );
    }
    let key = |t: &k2bone_calibration::bone::BoneTarget| {
        format!(
            "{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            t.design,
            t.arm,
            t.control,
            t.site,
            t.measure,
            t.time_months,
            t.from_months,
            t.to_months
        )
    };
    let cal_keys: BTreeSet<String> = cal.bone_targets.iter().map(key).collect();
    for t in &val.bone_targets {
        assert!(
            !cal_keys.contains(&key(t)),
            "{} asks the same question of the same design as a calibration target",
            t.name
        );
    }
    // No file the calibration reads carries a validation target.
    for entry in std::fs::read_dir(root().join("data/calibration")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            for t in &val.bone_targets {
                assert!(
                    !text.contains(&format!("name = \"{}\"", t.name)),
                    "{} names validation target {}",
                    path.display(),
                    t.name
                );
            }
        }
    }
}

/// `k2bone calibrate` on bone targets samples the posterior and writes a parameter file and draws
/// that the model reads back; parameters without a prior keep the shipped values. (A short chain
/// on the Sowers design only: the shipped fit's numbers are the gate above.)
#[test]
fn calibrate_samples_the_bone_response_and_writes_what_the_model_reads() {
    use k2bone_app::calibrate::{calibrate, CalibrateRequest};
    use k2bone_physiology::bone_posterior::BonePosterior;
    use k2bone_physiology::bone_response::{BoneParamFile, BONE_PARAM_NAMES};

    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("bone-small.toml");
    std::fs::write(
        &targets,
        r#"
[[bone_target]]
name = "sowers-ls-rate-0-2y"
design = "sowers2010"
site = "lumbar_spine"
measure = "annual_rate"
arm = "untreated"
from_months = 0
to_months = 24
value = -3.3
se = 0.25
source = "Sowers 2010 [abstract]"

[[bone_target]]
name = "sowers-ls-rate-2-7y"
design = "sowers2010"
site = "lumbar_spine"
measure = "annual_rate"
arm = "untreated"
from_months = 24
to_months = 84
value = -1.1
se = 0.25
source = "Sowers 2010 [abstract]"

[bone_fit]
walkers = 8
iterations = 40
burn_in = 20
thin = 1
seed = 7
discrepancy_sd_prior = 0.5

[bone_prior]
"ls.early_loss_pct_per_year" = { mean = 3.0, sd = 2.0, lower = 0.0, upper = 10.0 }
"ls.late_loss_pct_per_year" = { mean = 1.0, sd = 1.0, lower = 0.0, upper = 5.0 }
"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    let req = CalibrateRequest {
        targets: vec![targets],
        params: None,
        out: out.clone(),
        check_only: false,
        bone_iterations: None,
        force: false,
    };
    let c = calibrate(&req, &Silent, &Cancel::new()).expect("calibrate");
    let b = c.bone.as_ref().expect("bone calibration");
    assert_eq!(b.fitted.len(), 2);
    assert_eq!(b.parameters.len(), 2, "{:?}", b.parameters);
    let acc = b.acceptance.unwrap();
    assert!((0.0..=1.0).contains(&acc) && acc > 0.0, "acceptance {acc}");
    // 20 kept iterations: the autocorrelation time is at least one iteration, and the chain
    // length in those times is what the report says it is.
    let a = b.autocorrelation.as_ref().expect("a sampled chain has one");
    assert!(a.iterations >= 1.0 && a.iterations.is_finite(), "{a:?}");
    assert!(b.parameters.iter().any(|p| p.name == a.slowest) || a.slowest == "tau");
    assert!(
        (a.chain_lengths - 20.0 / a.iterations).abs() < 1e-9,
        "{a:?}"
    );
    for p in &b.parameters {
        assert!(p.lower <= p.median && p.median <= p.upper, "{p:?}");
    }
    let params_text = std::fs::read_to_string(out.join("bone-response-params.toml")).unwrap();
    let file = BoneParamFile::from_toml_str(&params_text, "written").expect("reads back");
    let post_text = std::fs::read_to_string(out.join("bone-posterior.csv")).unwrap();
    let post = BonePosterior::from_csv(&post_text, "written").expect("reads back");
    assert_eq!(post.draws.len(), b.draws);
    let shipped = BoneParamFile::shipped().params.to_vec();
    let written = file.params.to_vec();
    for (i, n) in BONE_PARAM_NAMES.iter().enumerate() {
        let sampled = b.parameters.iter().find(|p| p.name == *n);
        match sampled {
            Some(p) => assert!(
                (written[i] - p.median).abs() <= 1e-9 * p.median.abs().max(1.0),
                "{n}"
            ),
            None => assert_eq!(
                written[i], shipped[i],
                "{n} has no prior and keeps its value"
            ),
        }
    }
    let report = std::fs::read_to_string(out.join("calibration-report.md")).unwrap();
    assert!(report.contains("## Bone response") && report.contains("sowers-ls-rate-2-7y"));
    assert!(
        report.contains("integrated autocorrelation time"),
        "{report}"
    );
}

/// Every bone target, fitted or held out, cites rows of `data/bone/evidence.csv` that exist and
/// come from the study its source names: the row ids are how the split test above decides what is
/// in sample, so a stale id (rows renumbered) would silently mark a result out of sample. The
/// oracle is the evidence table's own `study_id`, one of whose words the target's source must name.
#[test]
fn every_bone_target_cites_evidence_rows_of_its_own_study() {
    let csv = std::fs::read_to_string(root().join("data/bone/evidence.csv")).unwrap();
    let mut study_of_row = std::collections::BTreeMap::new();
    for (i, line) in csv.lines().enumerate().skip(1) {
        let mut fields = line.splitn(3, ',');
        let id: u32 = fields
            .next()
            .and_then(|f| f.parse().ok())
            .unwrap_or_else(|| panic!("data/bone/evidence.csv line {}: no row_id", i + 1));
        let study = fields.next().unwrap_or_default().to_string();
        assert!(
            study_of_row.insert(id, study).is_none(),
            "data/bone/evidence.csv: row_id {id} twice"
        );
    }
    for file in ["data/calibration/bone.toml", "data/validation/bone.toml"] {
        for t in &read(file).bone_targets {
            assert!(
                !t.evidence_rows.is_empty(),
                "{file}: {} cites no evidence row",
                t.name
            );
            let source = t.source.to_lowercase();
            for row in &t.evidence_rows {
                let study = study_of_row.get(row).unwrap_or_else(|| {
                    panic!("{file}: {} cites row {row}, not in the table", t.name)
                });
                let named = study
                    .split('_')
                    .filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_alphabetic()))
                    .any(|w| source.contains(w));
                assert!(
                    named,
                    "{file}: {} cites row {row} ({study}), a study its source does not name",
                    t.name
                );
            }
        }
    }
}
