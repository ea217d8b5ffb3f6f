//! Per-arm summaries of per-patient Parquet files, streamed (memory flat in n):
//! for every draw, arm, visit and outcome the number observed, mean, SD and the 95% CI of the
//! mean, $\bar x \pm t_{0.975,\,n-1}\, s/\sqrt n$; and fractures over the trial from the
//! fracture-risk model (docs/model: `fracture.rs`), expected and drawn.
//!
//! Fracture risk uses each completer's BMD relative to the population average of their age:
//! the baseline Z-score plus their BMD change minus the control arm's mean change (which
//! carries the ageing that the fracture incidence table already holds), as the single-person
//! summary does. A patient has the fracture if their uniform draw falls below their risk.

use std::collections::BTreeMap;
use std::path::PathBuf;

use k2bone_physiology::fracture::{risk_over_years, BMD_SD_PCT_OF_MEAN_FN, BMD_SD_PCT_OF_MEAN_LS};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::output::{read_patients, OUTCOMES};
use crate::TrialError;

/// What a summary needs to know about the run (written as `run.json` beside the Parquet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    pub title: String,
    pub origin: String,
    pub seed: u64,
    pub n_per_arm: usize,
    pub arms: Vec<String>,
    pub control_arm: usize,
    pub visits_days: Vec<f64>,
    pub duration_days: f64,
    pub k2_fracture_effect: bool,
    pub iiv_parameters: Vec<String>,
    pub draws: Vec<u32>,
    pub shard_index: usize,
    pub shard_count: usize,
    /// Patient ids in this part: `[first, end)`.
    pub first_patient: u64,
    pub end_patient: u64,
    /// The real trial this design mirrors (`data/evidence/trials.csv` `study_id`).
    #[serde(default)]
    pub evidence_study: Option<String>,
    #[serde(default)]
    pub evidence_arm: Option<String>,
    /// Patients whose solve failed in this part (skipped and recorded).
    #[serde(default)]
    pub failures: Vec<PatientFailure>,
}

/// A patient whose solve failed: skipped, recorded with where and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PatientFailure {
    pub patient_id: u64,
    pub arm: String,
    pub draw_id: u32,
    /// `burn-in` (ageing to enrolment, untreated) or `treatment`.
    pub stage: String,
    pub age_years: f64,
    pub d25_nmol_l: f64,
    /// The solver's message (time, state, likely cause).
    pub message: String,
}

/// How many patients failed for one reason (the message up to its first detail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FailureReason {
    pub stage: String,
    pub reason: String,
    pub count: u64,
}

/// One outcome at one visit in one arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutcomeSummary {
    pub outcome: String,
    pub visit_day: f64,
    pub n: u64,
    pub mean: f64,
    pub sd: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

/// Fractures over the trial among completers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FractureSummary {
    pub n_completers: u64,
    pub years: f64,
    pub hip_expected: f64,
    pub hip_events: u64,
    pub vertebral_expected: f64,
    pub vertebral_events: u64,
    pub any_expected: f64,
    pub any_events: u64,
}

/// One arm under one parameter draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ArmSummary {
    pub draw_id: u32,
    pub arm: String,
    /// Randomised and simulated (patients whose solve failed are not counted; see `n_failed`).
    pub n_randomised: u64,
    /// Randomised to this arm, but their solve failed (skipped; in [`TrialSummary::failures`]).
    pub n_failed: u64,
    pub outcomes: Vec<OutcomeSummary>,
    pub fractures: FractureSummary,
}

/// The whole trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrialSummary {
    pub title: String,
    /// Patients simulated (failed ones not counted).
    pub n_patients: u64,
    /// The arm BMD changes and fracture risks are compared against.
    pub control_arm: String,
    /// The real trial this design mirrors and its vitamin K arm, for `trial compare`.
    pub evidence_study: Option<String>,
    pub evidence_arm: Option<String>,
    pub arms: Vec<ArmSummary>,
    /// Patients whose solve failed, by stage and reason.
    pub failure_reasons: Vec<FailureReason>,
    /// Every failed patient (skipped, not in the means).
    pub failures: Vec<PatientFailure>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn add(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }
}

/// Summarises the per-patient files `parts` (in patient order) of a run described by `meta`.
pub fn summarize(meta: &RunMeta, parts: &[PathBuf]) -> Result<TrialSummary, TrialError> {
    let arm_of = |name: &str| meta.arms.iter().position(|a| a == name);
    let visit_of = |d: f64| meta.visits_days.iter().position(|v| *v == d);
    let last = meta.visits_days.len() - 1;
    let mut moments: BTreeMap<(u32, usize, usize), [Moments; 6]> = BTreeMap::new();
    let mut randomised: BTreeMap<(u32, usize), u64> = BTreeMap::new();
    let bad_row = |p: &PathBuf, m: String| TrialError::Data {
        path: p.display().to_string(),
        message: m,
    };
    for part in parts {
        read_patients(part, &mut |r| {
            let a =
                arm_of(&r.arm).ok_or_else(|| bad_row(part, format!("unknown arm `{}`", r.arm)))?;
            let v = visit_of(r.visit_day).ok_or_else(|| {
                bad_row(
                    part,
                    format!("visit day {} is not a visit of this trial", r.visit_day),
                )
            })?;
            if v == 0 {
                *randomised.entry((r.draw_id, a)).or_default() += 1;
            }
            if r.observed {
                let m = moments.entry((r.draw_id, a, v)).or_default();
                for (k, x) in r.outcomes.iter().enumerate() {
                    m[k].add(*x);
                }
            }
            Ok(())
        })?;
    }
    // Fractures: needs the control arm's mean change at the end, per draw.
    let years = meta.duration_days / 365.25;
    let mut fractures: BTreeMap<(u32, usize), FractureSummary> = BTreeMap::new();
    for part in parts {
        read_patients(part, &mut |r| {
            if !r.observed || visit_of(r.visit_day) != Some(last) {
                return Ok(());
            }
            let a = arm_of(&r.arm).expect("checked in the first pass");
            let ctrl = moments.get(&(r.draw_id, meta.control_arm, last));
            let (c_ls, c_fn) = ctrl.map_or((0.0, 0.0), |m| (m[0].mean, m[1].mean));
            let ls = r.bmd_z_lumbar_spine * BMD_SD_PCT_OF_MEAN_LS + r.outcomes[0] - c_ls;
            let fnk = r.bmd_z_femoral_neck * BMD_SD_PCT_OF_MEAN_FN + r.outcomes[1] - c_fn;
            let k2 = meta.k2_fracture_effect && a != meta.control_arm;
            let risk = risk_over_years(r.sex, r.age_years, ls, fnk, k2, years);
            let f = fractures.entry((r.draw_id, a)).or_insert(FractureSummary {
                n_completers: 0,
                years,
                hip_expected: 0.0,
                hip_events: 0,
                vertebral_expected: 0.0,
                vertebral_events: 0,
                any_expected: 0.0,
                any_events: 0,
            });
            f.n_completers += 1;
            let p = risk.map(|x| x / 100.0);
            f.hip_expected += p[0];
            f.vertebral_expected += p[1];
            f.any_expected += p[2];
            f.hip_events += u64::from(r.u_fracture[0] < p[0]);
            f.vertebral_events += u64::from(r.u_fracture[1] < p[1]);
            f.any_events += u64::from(r.u_fracture[2] < p[2]);
            Ok(())
        })?;
    }
    let mut arms = Vec::new();
    for (&(draw, a), &n_rand) in &randomised {
        let mut outcomes = Vec::new();
        for (v, &day) in meta.visits_days.iter().enumerate() {
            let m = moments.get(&(draw, a, v)).copied().unwrap_or_default();
            for (k, name) in OUTCOMES.iter().enumerate() {
                outcomes.push(describe(name, day, m[k]));
            }
        }
        let n_failed = meta
            .failures
            .iter()
            .filter(|f| f.draw_id == draw && f.arm == meta.arms[a])
            .count() as u64;
        arms.push(ArmSummary {
            draw_id: draw,
            arm: meta.arms[a].clone(),
            n_randomised: n_rand,
            n_failed,
            outcomes,
            fractures: fractures.remove(&(draw, a)).unwrap_or(FractureSummary {
                n_completers: 0,
                years,
                hip_expected: 0.0,
                hip_events: 0,
                vertebral_expected: 0.0,
                vertebral_events: 0,
                any_expected: 0.0,
                any_events: 0,
            }),
        });
    }
    let n_patients = randomised.values().sum();
    let mut reasons: BTreeMap<(String, String), u64> = BTreeMap::new();
    for f in &meta.failures {
        *reasons
            .entry((f.stage.clone(), reason_of(&f.message)))
            .or_default() += 1;
    }
    Ok(TrialSummary {
        title: meta.title.clone(),
        n_patients,
        control_arm: meta.arms[meta.control_arm].clone(),
        evidence_study: meta.evidence_study.clone(),
        evidence_arm: meta.evidence_arm.clone(),
        arms,
        failure_reasons: reasons
            .into_iter()
            .map(|((stage, reason), count)| FailureReason {
                stage,
                reason,
                count,
            })
            .collect(),
        failures: meta.failures.clone(),
        notes: vec![
            "A model, not medical advice. People on blood thinners (vitamin K antagonists) must talk to their clinician before changing vitamin K intake.".into(),
            "Mean, SD and 95% CI are over completers at each visit (patients who dropped out before it are not counted); fractures over completers.".into(),
            "Between-patient variability is inside each draw; parameter uncertainty is the spread across draw_id.".into(),
        ],
    })
}

/// A failure's reason: its message without the times and numbers that differ per patient.
fn reason_of(message: &str) -> String {
    let cut = message
        .find(" at t")
        .or_else(|| message.find(" at day"))
        .or_else(|| message.find(" (t ="))
        .unwrap_or(message.len());
    let head = message[..cut].trim_end_matches([':', ' ', ',', ';']);
    head.chars().take(160).collect()
}

fn describe(name: &str, day: f64, m: Moments) -> OutcomeSummary {
    let sd = if m.n > 1 {
        (m.m2 / (m.n - 1) as f64).sqrt()
    } else {
        f64::NAN
    };
    let half = if m.n > 1 {
        let t = StudentsT::new(0.0, 1.0, (m.n - 1) as f64)
            .expect("n - 1 > 0 degrees of freedom")
            .inverse_cdf(0.975);
        t * sd / (m.n as f64).sqrt()
    } else {
        f64::NAN
    };
    OutcomeSummary {
        outcome: name.to_string(),
        visit_day: day,
        n: m.n,
        mean: if m.n > 0 { m.mean } else { f64::NAN },
        sd,
        ci95_low: m.mean - half,
        ci95_high: m.mean + half,
    }
}

impl TrialSummary {
    /// One row per draw, arm, outcome and visit (NaN written as empty).
    pub fn to_csv(&self) -> String {
        let mut s = String::from("draw_id,arm,outcome,visit_day,n,mean,sd,ci95_low,ci95_high\n");
        let f = |x: f64| {
            if x.is_finite() {
                format!("{x}")
            } else {
                String::new()
            }
        };
        for a in &self.arms {
            for o in &a.outcomes {
                s.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{}\n",
                    a.draw_id,
                    a.arm,
                    o.outcome,
                    o.visit_day,
                    o.n,
                    f(o.mean),
                    f(o.sd),
                    f(o.ci95_low),
                    f(o.ci95_high)
                ));
            }
        }
        s
    }

    /// The summary of `outcome` at `visit_day` in `arm` under draw `draw_id`.
    pub fn outcome(
        &self,
        draw_id: u32,
        arm: &str,
        outcome: &str,
        visit_day: f64,
    ) -> Option<&OutcomeSummary> {
        self.arms
            .iter()
            .find(|a| a.draw_id == draw_id && a.arm == arm)?
            .outcomes
            .iter()
            .find(|o| o.outcome == outcome && o.visit_day == visit_day)
    }
}
