//! `k2bone trial compare DIR`: the simulated between-arm differences of a run set beside the
//! real trial's, read from the evidence database (`data/evidence/trials.csv`, the study named by
//! the trial file's `evidence_study`).
//!
//! Simulated difference at a visit: vitamin K arm mean − control arm mean over completers
//! (the summary's [`k2bone_trials::DifferenceSummary`]), with two intervals kept apart: the
//! Welch 95% CI between patients, $d \pm t_{0.975,\nu}\sqrt{s_1^2/n_1 + s_2^2/n_2}$
//! (Welch–Satterthwaite $\nu$), and the 2.5–97.5 % range of the difference over the run's
//! posterior draws (parameter uncertainty). Real difference: the rows' `mean_treat − mean_control`; its 95% CI only when the row
//! says whether its spread is an SD (SE of the difference $\sqrt{s_1^2/n_1+s_2^2/n_2}$) or an
//! SE ($\sqrt{e_1^2+e_2^2}$), with 1.96 (the rows hold no degrees of freedom); a row whose
//! spread is unclear gets the difference only (Cochrane Handbook §6.5.2 for both readings).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use k2bone_calibration::bone::targets::{BoneMeasure, BoneTarget, TargetSite};
use k2bone_trialdb::trials::{Dispersion, TrialRow};
use k2bone_trials::{DifferenceSummary, TrialSummary};
use k2bone_units::DAYS_PER_MONTH;

use crate::{AppError, AppResult};

/// Compare a run (or a merge) with its real trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrialCompareRequest {
    /// A folder with `summary.json` (a run or a merge).
    pub dir: PathBuf,
}

/// One outcome at one time point: simulated beside reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EffectComparison {
    pub outcome: String,
    pub timepoint_months: f64,
    /// The simulated visit used (days after randomisation).
    pub visit_day: f64,
    pub simulated_difference: f64,
    /// Welch 95% CI between patients (variability at the simulated n).
    pub simulated_ci95_low: f64,
    pub simulated_ci95_high: f64,
    /// 2.5 % quantile over posterior draws of the difference (parameter uncertainty).
    #[serde(default)]
    pub simulated_interval95_parameters_low: Option<f64>,
    /// 97.5 % quantile over posterior draws of the difference.
    #[serde(default)]
    pub simulated_interval95_parameters_high: Option<f64>,
    pub simulated_n_treat: u64,
    pub simulated_n_control: u64,
    /// `mean_treat − mean_control` of the evidence row (None when the row has no means).
    pub reported_difference: Option<f64>,
    pub reported_ci95_low: Option<f64>,
    pub reported_ci95_high: Option<f64>,
    /// How the row's spread is read: `sd`, `se`, `unclear` or none.
    pub reported_dispersion: Option<String>,
    /// The reported difference lies inside the simulated 95% CI.
    pub reported_in_simulated_ci: Option<bool>,
    /// The simulated difference lies inside the reported 95% CI.
    pub simulated_in_reported_ci: Option<bool>,
    pub source: String,
    pub provenance: String,
    /// The curator's note on the row (what the abstract says when numbers are missing).
    pub notes: Option<String>,
    /// `calibration` (the bone response was fitted to this number: agreement checks the fit)
    /// or `validation` (not fitted: a test), from data/calibration|validation/bone.toml;
    /// none when the number is in neither.
    #[serde(default)]
    pub role: Option<String>,
    /// The bone target that holds the same number.
    #[serde(default)]
    pub bone_target: Option<String>,
}

/// A run set beside its real trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrialComparison {
    pub title: String,
    pub study_id: String,
    pub treated_arm: String,
    pub control_arm: String,
    /// The first pooled draw.
    pub draw_id: u32,
    /// Posterior draws pooled.
    #[serde(default)]
    pub n_draws: u32,
    pub rows: Vec<EffectComparison>,
    /// Outcomes of the real trial the simulation has no output for.
    pub not_simulated: Vec<String>,
    pub notes: Vec<String>,
}

/// Reads `summary.json` in `req.dir` and sets it beside the real trial.
pub fn compare(req: &TrialCompareRequest) -> AppResult<TrialComparison> {
    let path = req.dir.join("summary.json");
    let text = crate::read_input(&path)?;
    let summary: TrialSummary = serde_json::from_str(&text).map_err(|e| {
        AppError::bad_input(format!(
            "{}: not a trial summary ({e}); run `k2bone trial` or `k2bone trial merge` into it first",
            path.display()
        ))
    })?;
    if summary.evidence_study.is_none() && summary.bone_design.is_none() {
        return Err(AppError::bad_input(format!(
            "{}: the trial file names no `evidence_study` and no `bone_design`, so there is no real trial to compare with",
            path.display()
        )));
    }
    let study = summary
        .evidence_study
        .clone()
        .or_else(|| summary.bone_design.clone())
        .unwrap_or_default();
    let rows: Vec<TrialRow> = match &summary.evidence_study {
        None => Vec::new(),
        Some(study) => {
            let rows: Vec<TrialRow> = k2bone_trialdb::trials::shipped_trials()
                .map_err(AppError::failed)?
                .into_iter()
                .filter(|r| &r.study_id == study)
                .collect();
            if rows.is_empty() {
                return Err(AppError::bad_input(format!(
                    "evidence_study `{study}` is not in data/evidence/trials.csv"
                )));
            }
            rows
        }
    };
    let targets = match &summary.bone_design {
        None => Vec::new(),
        Some(design) => {
            let t = bone_targets(design)?;
            if t.is_empty() {
                return Err(AppError::bad_input(format!(
                    "bone_design `{design}` has no difference targets in data/calibration/bone.toml or data/validation/bone.toml"
                )));
            }
            t
        }
    };
    let mut cmp = compare_rows(&summary, &study, &rows)?;
    add_bone_targets(&mut cmp, &summary, &targets)?;
    Ok(cmp)
}

/// The shipped bone calibration set (fitted) and validation set (not fitted).
const BONE_SETS: [(&str, &str, &str); 2] = [
    (
        "calibration",
        "data/calibration/bone.toml",
        include_str!("../../../data/calibration/bone.toml"),
    ),
    (
        "validation",
        "data/validation/bone.toml",
        include_str!("../../../data/validation/bone.toml"),
    ),
];

/// The between-arm difference targets of bone design `design`, with their role
/// (`calibration` or `validation`).
pub fn bone_targets(design: &str) -> AppResult<Vec<(&'static str, BoneTarget)>> {
    let mut out = Vec::new();
    for (role, origin, text) in BONE_SETS {
        let file = k2bone_calibration::TargetFile::from_toml_str(text, origin)?;
        out.extend(
            file.bone_targets
                .into_iter()
                .filter(|t| t.design == design && t.measure == BoneMeasure::Difference)
                .map(|t| (role, t)),
        );
    }
    Ok(out)
}

/// The trial's outcome a bone target's site is read at (total hip at the femoral neck,
/// A-bone-12).
fn outcome_of(site: TargetSite) -> &'static str {
    match site {
        TargetSite::LumbarSpine => "bmd_lumbar_pct_change",
        TargetSite::FemoralNeck | TargetSite::TotalHip => "bmd_femoral_neck_pct_change",
    }
}

/// Sets every bone target of the design beside the simulated difference (its role on the rows
/// from trials.csv that report the same site and time; a row of its own otherwise).
fn add_bone_targets(
    cmp: &mut TrialComparison,
    summary: &TrialSummary,
    targets: &[(&'static str, BoneTarget)],
) -> AppResult<()> {
    let visits = crate::trial::visits_of(summary);
    for (role, t) in targets {
        let outcome = outcome_of(t.site);
        let months = t.time_months.unwrap_or(0.0);
        let site_note = if t.site == TargetSite::TotalHip {
            " (total hip, read at the model's femoral neck: A-bone-12)"
        } else {
            ""
        };
        let rep_ci = t.ci.map(|[a, b]| (a, b)).or_else(|| {
            t.value
                .zip(t.se)
                .map(|(v, se)| (v - 1.96 * se, v + 1.96 * se))
        });
        if let Some(r) = cmp.rows.iter_mut().find(|r| {
            r.outcome == outcome
                && (r.timepoint_months - months).abs() < 1e-9
                && t.site != TargetSite::TotalHip
        }) {
            r.role = Some(role.to_string());
            r.bone_target = Some(t.name.clone());
            // The target's CI where the database row has none (same number, same trial).
            let same = matches!((r.reported_difference, t.value), (Some(a), Some(b)) if (a - b).abs() < 1e-9);
            if r.reported_ci95_low.is_none() && same {
                if let Some((a, b)) = rep_ci {
                    r.reported_ci95_low = Some(a);
                    r.reported_ci95_high = Some(b);
                    r.simulated_in_reported_ci =
                        Some(a <= r.simulated_difference && r.simulated_difference <= b);
                }
            }
            continue;
        }
        // A total hip target is read at the model's femoral neck and named as what it is.
        let label = if t.site == TargetSite::TotalHip {
            let name = format!("bmd_total_hip_pct_change at {months} months");
            cmp.not_simulated.retain(|n| n != &name);
            "bmd_total_hip_pct_change"
        } else {
            outcome
        };
        let Some(visit) = visit_at(&visits, months) else {
            cmp.not_simulated.push(format!(
                "bone target {} at {months} months (no visit then)",
                t.name
            ));
            continue;
        };
        let Some(diff) = summary.difference(&cmp.treated_arm, outcome, visit) else {
            return Err(AppError::bad_input(format!(
                "the summary has no `{outcome}` at day {visit} for arm `{}` minus `{}`",
                cmp.treated_arm, cmp.control_arm
            )));
        };
        cmp.rows.push(EffectComparison {
            reported_dispersion: Some(
                if t.ci.is_some() {
                    "ci"
                } else if t.se.is_some() {
                    "se"
                } else {
                    "none"
                }
                .to_string(),
            ),
            source: format!("{}{site_note}", t.source),
            provenance: format!("bone target `{}`", t.name),
            notes: t.reported.map(|q| {
                format!(
                    "reported qualitatively: {}",
                    serde_json::to_string(&q)
                        .unwrap_or_default()
                        .trim_matches('"')
                )
            }),
            role: Some(role.to_string()),
            bone_target: Some(t.name.clone()),
            ..EffectComparison::simulated(label, months, visit, diff, t.value, rep_ci)
        });
    }
    Ok(())
}

/// The visit nearest `months` after randomisation, within half a month, if the run has one.
fn visit_at(visits: &[f64], months: f64) -> Option<f64> {
    let want = months * DAYS_PER_MONTH;
    visits
        .iter()
        .copied()
        .filter(|v| (v - want).abs() <= 0.5 * DAYS_PER_MONTH)
        .min_by(|a, b| (a - want).abs().total_cmp(&(b - want).abs()))
}

impl EffectComparison {
    /// A row's simulated side (`diff` at `visit_day`) and its verdicts against `reported` and
    /// its 95% CI; the source fields are empty for the caller to fill.
    fn simulated(
        outcome: &str,
        timepoint_months: f64,
        visit_day: f64,
        diff: &DifferenceSummary,
        reported: Option<f64>,
        reported_ci: Option<(f64, f64)>,
    ) -> EffectComparison {
        let (d, lo, hi) = (diff.difference, diff.ci95_low, diff.ci95_high);
        EffectComparison {
            outcome: outcome.to_string(),
            timepoint_months,
            visit_day,
            simulated_difference: d,
            simulated_ci95_low: lo,
            simulated_ci95_high: hi,
            simulated_interval95_parameters_low: diff.interval95_parameters_low,
            simulated_interval95_parameters_high: diff.interval95_parameters_high,
            simulated_n_treat: diff.n_arm,
            simulated_n_control: diff.n_control,
            reported_difference: reported,
            reported_ci95_low: reported_ci.map(|c| c.0),
            reported_ci95_high: reported_ci.map(|c| c.1),
            reported_dispersion: None,
            reported_in_simulated_ci: reported.map(|x| lo <= x && x <= hi),
            simulated_in_reported_ci: reported_ci.map(|(a, b)| a <= d && d <= b),
            source: String::new(),
            provenance: String::new(),
            notes: None,
            role: None,
            bone_target: None,
        }
    }
}

/// The comparison of `summary` with the evidence `rows` of `study`.
pub fn compare_rows(
    summary: &TrialSummary,
    study: &str,
    rows: &[TrialRow],
) -> AppResult<TrialComparison> {
    let draw_id = summary.arms.first().map_or(0, |a| a.draw_id);
    let arms: Vec<&str> = summary
        .arms
        .iter()
        .filter(|a| a.draw_id == draw_id)
        .map(|a| a.arm.as_str())
        .collect();
    let control = summary.control_arm.clone();
    let treated = summary
        .evidence_arm
        .clone()
        .or_else(|| arms.iter().find(|a| **a != control).map(|s| s.to_string()))
        .ok_or_else(|| AppError::bad_input("the summary has no arm besides the control"))?;
    let visits = crate::trial::visits_of(summary);
    let mut out = Vec::new();
    let mut not_simulated = Vec::new();
    for r in rows {
        if !k2bone_trials::OUTCOMES.contains(&r.outcome.as_str()) {
            not_simulated.push(format!("{} at {} months", r.outcome, r.timepoint_months));
            continue;
        }
        let Some(visit) = visit_at(&visits, r.timepoint_months) else {
            not_simulated.push(format!(
                "{} at {} months (no visit then)",
                r.outcome, r.timepoint_months
            ));
            continue;
        };
        let Some(diff) = summary.difference(&treated, &r.outcome, visit) else {
            return Err(AppError::bad_input(format!(
                "the summary has no `{}` at day {visit} for arm `{treated}` minus `{control}`",
                r.outcome
            )));
        };
        let reported = match (r.mean_treat, r.mean_control) {
            (Some(a), Some(b)) => Some(a - b),
            _ => None,
        };
        let se_rep = match (
            r.dispersion,
            r.sd_treat,
            r.sd_control,
            r.n_treat,
            r.n_control,
        ) {
            (Some(Dispersion::Sd), Some(s1), Some(s2), Some(n1), Some(n2)) if n1 > 0 && n2 > 0 => {
                Some((s1 * s1 / n1 as f64 + s2 * s2 / n2 as f64).sqrt())
            }
            (Some(Dispersion::Se), Some(e1), Some(e2), _, _) => Some((e1 * e1 + e2 * e2).sqrt()),
            _ => None,
        };
        let rep_ci = reported
            .zip(se_rep)
            .map(|(x, s)| (x - 1.96 * s, x + 1.96 * s));
        out.push(EffectComparison {
            reported_dispersion: r.dispersion.map(|d| d.label().to_string()),
            source: r.source.clone(),
            provenance: r.provenance.clone(),
            notes: r.notes.clone(),
            ..EffectComparison::simulated(
                &r.outcome,
                r.timepoint_months,
                visit,
                diff,
                reported,
                rep_ci,
            )
        });
    }
    Ok(TrialComparison {
        title: summary.title.clone(),
        study_id: study.to_string(),
        treated_arm: treated,
        control_arm: control,
        draw_id,
        n_draws: summary.draws.len() as u32,
        rows: out,
        not_simulated,
        notes: vec![
            "A model, not medical advice. People on blood thinners (vitamin K antagonists) must talk to their clinician before changing vitamin K intake.".into(),
            format!("Simulated: vitamin K arm minus control arm over completers; ci95 is the Welch 95% CI between patients (variability at this n), interval95_parameters the 2.5-97.5 % range over {} posterior draws of the bone response (parameter uncertainty); they answer different questions and are not combined.", summary.draws.len()),
            "Reported: from the trial's abstract as curated in data/evidence/trials.csv (a 95% CI only where the row says SD or SE) and the bone targets of data/calibration/bone.toml (role calibration: fitted, agreement checks the fit) and data/validation/bone.toml (role validation: not fitted).".into(),
        ],
    })
}

#[cfg(test)]
mod tests {
    use k2bone_trials::welch;

    /// Every example trial names a real trial: its `evidence_study` rows exist in
    /// data/evidence/trials.csv and its `bone_design` has difference targets with their role
    /// (Shiraki 2000 and ECKO were fitted; Knapen 2013 and Dawson-Hughes 1997 were not).
    #[test]
    fn every_example_trial_names_its_real_trial_and_the_targets_role() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/trials");
        let expect = [
            ("knapen-2013.toml", "knapen2013", "validation"),
            ("shiraki-2000-mk4-45mg.toml", "shiraki2000", "calibration"),
            ("cheung-2008-k1-5mg.toml", "ecko", "calibration"),
            (
                "dawson-hughes-1997-ca-d3.toml",
                "dawson-hughes1997",
                "validation",
            ),
        ];
        let trials = k2bone_trialdb::trials::shipped_trials().unwrap();
        for (file, design, role) in expect {
            let d = k2bone_trials::TrialDesign::from_file(&dir.join(file)).unwrap();
            assert_eq!(d.bone_design.as_deref(), Some(design), "{file}");
            let t = super::bone_targets(design).unwrap();
            assert!(!t.is_empty(), "{file}: no targets");
            assert!(
                t.iter().all(|(r, _)| *r == role),
                "{file}: {:?}",
                t.iter().map(|x| x.0).collect::<Vec<_>>()
            );
            if let Some(s) = &d.evidence_study {
                assert!(trials.iter().any(|r| &r.study_id == s), "{file}: {s}");
            }
        }
        // Dawson-Hughes 1997: the two 36-month differences of the abstract, 0.90 and 1.20.
        let dh = super::bone_targets("dawson-hughes1997").unwrap();
        let mut v: Vec<f64> = dh.iter().filter_map(|(_, t)| t.value).collect();
        v.sort_by(f64::total_cmp);
        assert_eq!(v, vec![0.9, 1.2]);
    }

    // Hand computation: d = 1, se = sqrt(4/10 + 4/10) = 0.8944; equal n and SD give
    // ν = 18, t(0.975, 18) = 2.1009 (table value), so the CI is 1 ± 1.8791.
    #[test]
    fn welch_matches_the_hand_computation() {
        let (d, lo, hi) = welch(10, 3.0, 2.0, 10, 2.0, 2.0);
        assert_eq!(d, 1.0);
        assert!((hi - 1.0 - 2.1009 * 0.894_427).abs() < 1e-3, "{hi}");
        assert!((1.0 - lo - (hi - 1.0)).abs() < 1e-12);
    }

    #[test]
    fn welch_needs_two_per_arm() {
        let (_, lo, hi) = welch(1, 3.0, f64::NAN, 10, 2.0, 2.0);
        assert!(lo.is_nan() && hi.is_nan());
    }
}
