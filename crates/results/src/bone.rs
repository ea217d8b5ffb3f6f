//! BMD and fracture risk of a study from the calibrated bone response, over the posterior draws:
//! for every arm and output day the posterior mean and 95 % interval by site, and at the end the
//! fracture risks with theirs (each draw's risk uses that draw's BMD difference from the first arm,
//! so the interval of a difference is not the difference of two intervals).

use k2bone_physiology::bone_posterior::{quantile, BonePosterior};
use k2bone_physiology::bone_response::{BoneDay, BoneSubject, Site};
use k2bone_physiology::fracture::FractureRisk;
use serde::{Deserialize, Serialize};

use crate::end_of_study::{risk_from_bmd_changes, StudyFacts};
use crate::ResultsError;

/// A posterior mean with its 95 % interval (2.5 and 97.5 % quantiles of the draws).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Interval95 {
    pub lower: f64,
    pub upper: f64,
}

/// Mean and interval of `x` over the draws.
fn summarise(x: &[f64]) -> (f64, Interval95) {
    let mean = x.iter().sum::<f64>() / x.len().max(1) as f64;
    (
        mean,
        Interval95 {
            lower: quantile(x, 0.025),
            upper: quantile(x, 0.975),
        },
    )
}

/// The posterior mean of every field of the draws' fracture risks.
fn mean_risk(r: &[FractureRisk]) -> FractureRisk {
    let n = r.len().max(1) as f64;
    let m = |f: fn(&FractureRisk) -> f64| r.iter().map(f).sum::<f64>() / n;
    FractureRisk {
        hip_1y_pct: m(|r| r.hip_1y_pct),
        hip_5y_pct: m(|r| r.hip_5y_pct),
        hip_10y_pct: m(|r| r.hip_10y_pct),
        vertebral_1y_pct: m(|r| r.vertebral_1y_pct),
        vertebral_5y_pct: m(|r| r.vertebral_5y_pct),
        vertebral_10y_pct: m(|r| r.vertebral_10y_pct),
        any_1y_pct: m(|r| r.any_1y_pct),
        any_5y_pct: m(|r| r.any_5y_pct),
        any_10y_pct: m(|r| r.any_10y_pct),
    }
}

/// One site's BMD % change of one arm on the sampled days: posterior mean and interval.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Band {
    pub mean: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

/// The intervals of an arm's end-of-study numbers that carry the bone response's uncertainty
/// (`summary.json` `arms[].interval`); the other end values come from fixed parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndIntervals {
    pub bmd_lumbar_pct_change: Interval95,
    pub bmd_femoral_neck_pct_change: Interval95,
    pub hip_fracture_risk_1y_pct: Interval95,
    pub hip_fracture_risk_5y_pct: Interval95,
    pub hip_fracture_risk_10y_pct: Interval95,
    pub vertebral_fracture_risk_10y_pct: Interval95,
    pub any_fracture_risk_10y_pct: Interval95,
}

/// What the bone response gives one arm.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmBone {
    /// BMD bands on the sampled days.
    pub lumbar: Band,
    pub femoral_neck: Band,
    /// Posterior means at the end.
    pub bmd_lumbar_pct_change: f64,
    pub bmd_femoral_neck_pct_change: f64,
    pub fracture: FractureRisk,
    pub interval: EndIntervals,
    /// Fracture risk on the sampled days (posterior mean).
    pub fracture_over_time: Vec<FractureRisk>,
    /// 10-year hip fracture risk on the sampled days: interval.
    pub hip_10y_interval_over_time: Vec<Interval95>,
}

/// The bone response of every arm; `days[arm]` are its daily inputs (all arms the same length),
/// the first arm is the reference of the fracture risk (as in [`crate::summarize`]). Bands and
/// fracture risk over time are computed on `sample_days` (indices into the daily inputs: the
/// output grid), the end values on the last day.
pub fn bone_study(
    facts: &StudyFacts,
    subject: &BoneSubject,
    days: &[(String, Vec<BoneDay>)],
    posterior: &BonePosterior,
    sample_days: &[usize],
) -> Result<Vec<ArmBone>, ResultsError> {
    let (ref_name, ref_days) = days.first().ok_or(ResultsError::NoArms)?;
    let n_days = ref_days.len();
    if n_days == 0 {
        return Err(ResultsError::MissingColumn {
            arm: ref_name.clone(),
            column: "daily bone-response inputs".into(),
        });
    }
    if let Some(&bad) = sample_days.iter().find(|&&d| d >= n_days) {
        return Err(ResultsError::MissingColumn {
            arm: ref_name.clone(),
            column: format!("bone-response inputs of day {bad} (the run has {n_days} days)"),
        });
    }
    for (name, d) in days {
        if d.len() != n_days {
            return Err(ResultsError::DifferentGrid {
                arm: name.clone(),
                reference: ref_name.clone(),
            });
        }
    }
    // series[arm][draw] = (lumbar, femoral neck) daily % change.
    let series: Vec<Vec<(Vec<f64>, Vec<f64>)>> = days
        .iter()
        .map(|(_, d)| {
            posterior
                .draws
                .iter()
                .map(|p| {
                    (
                        p.bmd_pct_change(Site::LumbarSpine, subject, d),
                        p.bmd_pct_change(Site::FemoralNeck, subject, d),
                    )
                })
                .collect()
        })
        .collect();
    let n_draws = posterior.draws.len();
    let band = |arm: usize, femoral: bool| -> Band {
        let mut b = Band::default();
        let mut col = vec![0.0; n_draws];
        for &t in sample_days {
            for (k, s) in series[arm].iter().enumerate() {
                col[k] = if femoral { s.1[t] } else { s.0[t] };
            }
            let (m, i) = summarise(&col);
            b.mean.push(m);
            b.lower.push(i.lower);
            b.upper.push(i.upper);
        }
        b
    };
    let age_at = |day: usize| facts.age_years_at_start + day as f64 / k2bone_units::DAYS_PER_YEAR;
    let risks_at = |arm: usize, day: usize| -> Vec<FractureRisk> {
        (0..n_draws)
            .map(|k| {
                let (a, r) = (&series[arm][k], &series[0][k]);
                risk_from_bmd_changes(
                    facts,
                    age_at(day),
                    (a.0[day], a.1[day]),
                    (r.0[day], r.1[day]),
                )
            })
            .collect()
    };
    let last = n_days - 1;
    let mut out = Vec::with_capacity(days.len());
    for (arm, (name, _)) in days.iter().enumerate() {
        let lumbar = band(arm, false);
        let femoral_neck = band(arm, true);
        let end = risks_at(arm, last);
        let pick = |f: fn(&FractureRisk) -> f64| summarise(&end.iter().map(f).collect::<Vec<_>>());
        let (_, hip1_i) = pick(|r| r.hip_1y_pct);
        let (_, hip5_i) = pick(|r| r.hip_5y_pct);
        let (hip10, hip10_i) = pick(|r| r.hip_10y_pct);
        let (vert, vert_i) = pick(|r| r.vertebral_10y_pct);
        let (any, any_i) = pick(|r| r.any_10y_pct);
        let fracture = mean_risk(&end);
        let mut fracture_over_time = Vec::with_capacity(sample_days.len());
        let mut hip_10y_interval_over_time = Vec::with_capacity(sample_days.len());
        for &day in sample_days {
            let r = risks_at(arm, day);
            fracture_over_time.push(mean_risk(&r));
            hip_10y_interval_over_time
                .push(summarise(&r.iter().map(|r| r.hip_10y_pct).collect::<Vec<_>>()).1);
        }
        let end_bmd = |femoral: bool| {
            summarise(
                &series[arm]
                    .iter()
                    .map(|s| if femoral { s.1[last] } else { s.0[last] })
                    .collect::<Vec<_>>(),
            )
        };
        let ((ls_end, ls_i), (fn_end, fn_i)) = (end_bmd(false), end_bmd(true));
        let interval = EndIntervals {
            bmd_lumbar_pct_change: ls_i,
            bmd_femoral_neck_pct_change: fn_i,
            hip_fracture_risk_1y_pct: hip1_i,
            hip_fracture_risk_5y_pct: hip5_i,
            hip_fracture_risk_10y_pct: hip10_i,
            vertebral_fracture_risk_10y_pct: vert_i,
            any_fracture_risk_10y_pct: any_i,
        };
        let values = [ls_end, fn_end, hip10, vert, any];
        if let Some(v) = values.iter().find(|v| !v.is_finite()) {
            return Err(ResultsError::NonFinite {
                arm: name.clone(),
                key: "bone response",
                value: *v,
            });
        }
        out.push(ArmBone {
            bmd_lumbar_pct_change: ls_end,
            bmd_femoral_neck_pct_change: fn_end,
            lumbar,
            femoral_neck,
            fracture,
            interval,
            fracture_over_time,
            hip_10y_interval_over_time,
        });
    }
    Ok(out)
}
