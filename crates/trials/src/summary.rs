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

use k2bone_physiology::bone_posterior::quantile;
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
    /// The bone-target design (`data/bone/designs/`) this trial mirrors.
    #[serde(default)]
    pub bone_design: Option<String>,
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

/// One outcome at one visit in one arm, pooled over the run's parameter draws.
///
/// Two intervals that answer different questions:
/// - `ci95_low` … `ci95_high`: **between patients** — the 95% CI of the arm mean at this n
///   ($\bar x \pm t_{0.975,n-1}\,s/\sqrt n$), with $\bar x$ the mean over draws of each draw's
///   arm mean and $s^2$ the mean over draws of each draw's between-patient variance;
/// - `interval95_parameters_low` … `_high`: **parameter uncertainty** — the 2.5 and 97.5 %
///   quantiles over the posterior draws of the arm mean (absent with fewer than two draws).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutcomeSummary {
    pub outcome: String,
    pub visit_day: f64,
    pub n: u64,
    pub mean: f64,
    /// Between-patient SD (pooled over draws).
    pub sd: f64,
    /// 95% CI of the mean between patients.
    pub ci95_low: f64,
    pub ci95_high: f64,
    /// 2.5 % quantile over parameter draws of the arm mean.
    #[serde(default)]
    pub interval95_parameters_low: Option<f64>,
    /// 97.5 % quantile over parameter draws of the arm mean.
    #[serde(default)]
    pub interval95_parameters_high: Option<f64>,
}

/// An arm minus the control arm, one outcome at one visit, pooled over the parameter draws.
///
/// `ci95_*` is the Welch 95% CI between patients,
/// $d \pm t_{0.975,\nu}\sqrt{s_1^2/n_1 + s_2^2/n_2}$ (Welch–Satterthwaite $\nu$, pooled SDs as
/// in [`OutcomeSummary`]); `interval95_parameters_*` the 2.5/97.5 % quantiles over draws of
/// each draw's difference of arm means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DifferenceSummary {
    pub arm: String,
    pub control_arm: String,
    pub outcome: String,
    pub visit_day: f64,
    pub n_arm: u64,
    pub n_control: u64,
    /// Mean over draws of (arm mean − control mean).
    pub difference: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub interval95_parameters_low: Option<f64>,
    pub interval95_parameters_high: Option<f64>,
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

/// One arm, pooled over the run's parameter draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ArmSummary {
    /// The first pooled draw (every draw is in [`TrialSummary::draws`]).
    pub draw_id: u32,
    /// Parameter draws pooled.
    #[serde(default)]
    pub n_draws: u32,
    pub arm: String,
    /// Randomised and simulated (patients whose solve failed are not counted; see `n_failed`).
    pub n_randomised: u64,
    /// Randomised to this arm, but their solve failed (skipped; in [`TrialSummary::failures`]).
    pub n_failed: u64,
    pub outcomes: Vec<OutcomeSummary>,
    /// Expected counts are the mean over draws; drawn events are those under the first draw.
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
    /// The bone-target design (`data/bone/designs/`) this trial mirrors, for `trial compare`.
    #[serde(default)]
    pub bone_design: Option<String>,
    /// Posterior draws of the bone response pooled (`draw_id`s; row = id mod rows).
    #[serde(default)]
    pub draws: Vec<u32>,
    pub arms: Vec<ArmSummary>,
    /// Every arm but the control minus the control, per outcome and visit.
    #[serde(default)]
    pub differences: Vec<DifferenceSummary>,
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
    let years = meta.duration_days / k2bone_units::DAYS_PER_YEAR;
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
    let draws: Vec<u32> = {
        let mut d: Vec<u32> = randomised.keys().map(|k| k.0).collect();
        d.dedup();
        d
    };
    let empty_fractures = FractureSummary {
        n_completers: 0,
        years,
        hip_expected: 0.0,
        hip_events: 0,
        vertebral_expected: 0.0,
        vertebral_events: 0,
        any_expected: 0.0,
        any_events: 0,
    };
    let per_draw = |a: usize, v: usize, k: usize| -> Vec<Moments> {
        draws
            .iter()
            .map(|d| {
                moments
                    .get(&(*d, a, v))
                    .map_or_else(Moments::default, |m| m[k])
            })
            .collect()
    };
    let mut arms = Vec::new();
    let arms_present: Vec<usize> = {
        let mut v: Vec<usize> = randomised.keys().map(|k| k.1).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let first = draws.first().copied().unwrap_or(0);
    for &a in &arms_present {
        let mut outcomes = Vec::new();
        for (v, &day) in meta.visits_days.iter().enumerate() {
            for (k, name) in OUTCOMES.iter().enumerate() {
                outcomes.push(describe(name, day, &per_draw(a, v, k)));
            }
        }
        let mut failed: Vec<u64> = meta
            .failures
            .iter()
            .filter(|f| f.arm == meta.arms[a])
            .map(|f| f.patient_id)
            .collect();
        failed.sort_unstable();
        failed.dedup();
        let fr: Vec<&FractureSummary> = draws
            .iter()
            .filter_map(|d| fractures.get(&(*d, a)))
            .collect();
        let fractures = match fractures.get(&(first, a)) {
            None => empty_fractures.clone(),
            Some(f0) => {
                let mean = |g: fn(&FractureSummary) -> f64| {
                    fr.iter().map(|f| g(f)).sum::<f64>() / fr.len() as f64
                };
                FractureSummary {
                    hip_expected: mean(|f| f.hip_expected),
                    vertebral_expected: mean(|f| f.vertebral_expected),
                    any_expected: mean(|f| f.any_expected),
                    ..f0.clone()
                }
            }
        };
        arms.push(ArmSummary {
            draw_id: first,
            n_draws: draws.len() as u32,
            arm: meta.arms[a].clone(),
            n_randomised: randomised.get(&(first, a)).copied().unwrap_or(0),
            n_failed: failed.len() as u64,
            outcomes,
            fractures,
        });
    }
    let mut differences = Vec::new();
    let c = meta.control_arm;
    for &a in arms_present
        .iter()
        .filter(|a| **a != c && arms_present.contains(&c))
    {
        for (v, &day) in meta.visits_days.iter().enumerate() {
            for (k, name) in OUTCOMES.iter().enumerate() {
                let (t, ctl) = (per_draw(a, v, k), per_draw(c, v, k));
                differences.push(difference(
                    (&meta.arms[a], &meta.arms[c]),
                    name,
                    day,
                    &t,
                    &ctl,
                ));
            }
        }
    }
    let n_patients = randomised
        .iter()
        .filter(|(k, _)| k.0 == first)
        .map(|(_, n)| n)
        .sum();
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
        bone_design: meta.bone_design.clone(),
        draws: draws.clone(),
        arms,
        differences,
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
            format!("Two intervals, kept apart: ci95_* is the 95% CI between patients (variability at this n); interval95_parameters_* is the 2.5-97.5 % range over {} posterior draws of the bone response (parameter uncertainty) of the arm mean or the between-arm difference.", draws.len()),
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

/// Mean over draws of the draws' means, and the between-patient variance pooled over draws
/// (mean of the draws' variances; NaN below two patients).
fn pooled(ms: &[Moments]) -> (u64, f64, f64) {
    let n = ms.iter().map(|m| m.n).min().unwrap_or(0);
    if n == 0 {
        return (0, f64::NAN, f64::NAN);
    }
    let k = ms.len() as f64;
    let mean = ms.iter().map(|m| m.mean).sum::<f64>() / k;
    let var = if n > 1 {
        ms.iter().map(|m| m.m2 / (m.n - 1) as f64).sum::<f64>() / k
    } else {
        f64::NAN
    };
    (n, mean, var)
}

/// 2.5 and 97.5 % quantiles (R type 7) of `x`; none below two draws.
fn parameter_interval(x: &[f64]) -> (Option<f64>, Option<f64>) {
    if x.len() < 2 || x.iter().any(|v| !v.is_finite()) {
        return (None, None);
    }
    (Some(quantile(x, 0.025)), Some(quantile(x, 0.975)))
}

fn t975(df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df)
        .map(|s| s.inverse_cdf(0.975))
        .unwrap_or(f64::NAN)
}

fn describe(name: &str, day: f64, ms: &[Moments]) -> OutcomeSummary {
    let (n, mean, var) = pooled(ms);
    let sd = var.sqrt();
    let half = if n > 1 {
        t975((n - 1) as f64) * sd / (n as f64).sqrt()
    } else {
        f64::NAN
    };
    let means: Vec<f64> = ms.iter().map(|m| m.mean).collect();
    let (lo, hi) = parameter_interval(&means);
    OutcomeSummary {
        outcome: name.to_string(),
        visit_day: day,
        n,
        mean,
        sd,
        ci95_low: mean - half,
        ci95_high: mean + half,
        interval95_parameters_low: lo,
        interval95_parameters_high: hi,
    }
}

/// Difference of means `t − c` and its Welch 95% CI from the arms' sizes and between-patient
/// SDs (NaN when an arm has fewer than two).
pub fn welch(
    n_t: u64,
    mean_t: f64,
    sd_t: f64,
    n_c: u64,
    mean_c: f64,
    sd_c: f64,
) -> (f64, f64, f64) {
    let d = mean_t - mean_c;
    if n_t < 2 || n_c < 2 {
        return (d, f64::NAN, f64::NAN);
    }
    let (v1, v2) = (sd_t * sd_t / n_t as f64, sd_c * sd_c / n_c as f64);
    let se = (v1 + v2).sqrt();
    if se == 0.0 {
        return (d, d, d);
    }
    let df = (v1 + v2).powi(2) / (v1 * v1 / (n_t - 1) as f64 + v2 * v2 / (n_c - 1) as f64);
    let q = StudentsT::new(0.0, 1.0, df)
        .map(|s| s.inverse_cdf(0.975))
        .unwrap_or(1.96);
    (d, d - q * se, d + q * se)
}

fn difference(
    (arm, control): (&str, &str),
    name: &str,
    day: f64,
    t: &[Moments],
    c: &[Moments],
) -> DifferenceSummary {
    let (nt, mt, vt) = pooled(t);
    let (nc, mc, vc) = pooled(c);
    let (d, lo, hi) = welch(nt, mt, vt.sqrt(), nc, mc, vc.sqrt());
    let per_draw: Vec<f64> = t.iter().zip(c).map(|(a, b)| a.mean - b.mean).collect();
    let (plo, phi) = parameter_interval(&per_draw);
    DifferenceSummary {
        arm: arm.to_string(),
        control_arm: control.to_string(),
        outcome: name.to_string(),
        visit_day: day,
        n_arm: nt,
        n_control: nc,
        difference: d,
        ci95_low: lo,
        ci95_high: hi,
        interval95_parameters_low: plo,
        interval95_parameters_high: phi,
    }
}

impl TrialSummary {
    /// One row per arm, outcome and visit, pooled over draws, then one per difference from
    /// the control arm (`arm` = `<arm> - <control>`); NaN and absent values written as empty.
    pub fn to_csv(&self) -> String {
        let mut s = String::from(
            "arm,outcome,visit_day,n,mean,sd,ci95_low,ci95_high,interval95_parameters_low,interval95_parameters_high,n_draws\n",
        );
        let f = |x: f64| {
            if x.is_finite() {
                format!("{x}")
            } else {
                String::new()
            }
        };
        let o_ = |x: Option<f64>| x.map_or(String::new(), f);
        for a in &self.arms {
            for o in &a.outcomes {
                s.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{},{}\n",
                    a.arm,
                    o.outcome,
                    o.visit_day,
                    o.n,
                    f(o.mean),
                    f(o.sd),
                    f(o.ci95_low),
                    f(o.ci95_high),
                    o_(o.interval95_parameters_low),
                    o_(o.interval95_parameters_high),
                    a.n_draws
                ));
            }
        }
        for d in &self.differences {
            s.push_str(&format!(
                "{} - {},{},{},{},{},,{},{},{},{},{}\n",
                d.arm,
                d.control_arm,
                d.outcome,
                d.visit_day,
                d.n_arm.min(d.n_control),
                f(d.difference),
                f(d.ci95_low),
                f(d.ci95_high),
                o_(d.interval95_parameters_low),
                o_(d.interval95_parameters_high),
                self.draws.len()
            ));
        }
        s
    }

    /// `arm` minus the control arm for `outcome` at `visit_day`.
    pub fn difference(
        &self,
        arm: &str,
        outcome: &str,
        visit_day: f64,
    ) -> Option<&DifferenceSummary> {
        self.differences
            .iter()
            .find(|d| d.arm == arm && d.outcome == outcome && d.visit_day == visit_day)
    }

    /// The summary of `outcome` at `visit_day` in `arm`; `draw_id` is the first pooled draw
    /// ([`ArmSummary::draw_id`], 0 for a run over the posterior).
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
