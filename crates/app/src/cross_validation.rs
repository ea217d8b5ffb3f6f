//! Leave-one-trial-out cross-validation of the bone calibration (issue 10): how far each
//! calibration trial's prediction moves when the bone response is fitted without it.
//!
//! A trial is the set of calibration targets that name one design. For each trial the fit is
//! repeated without that trial's targets — the posterior mode by Nelder–Mead, then, when asked, a
//! short ensemble chain from it for a 95 % interval — and the refit predicts the left-out targets
//! and every validation target, beside the full fit's predictions made the same way. The
//! designs are simulated once for all fits (the bone parameters do not change their inputs);
//! validation targets are only predicted, never fitted. A trial whose targets are all in
//! `[bone_fit] exclude` leaves the fit unchanged: its fold is the full fit, not refitted.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use k2bone_calibration::bone::{
    evaluate_target, BoneFit, BoneTarget, DesignRun, Posterior, TargetResult,
};
use k2bone_calibration::TargetFile;
use k2bone_physiology::bone_response::{BoneParamFile, BONE_PARAM_NAMES};
use k2bone_report::disclaimer::DISCLAIMER;

use crate::validate::{design_runs, target_files, SHIPPED_BONE};
use crate::{AppError, AppResult, Cancel, Progress};

/// Chain iterations per fit when the request names none: enough for the 64-walker ensemble to
/// spread from the mode over the posterior's bulk (a short chain; the shipped fit ran 3000).
pub const DEFAULT_ITERATIONS: usize = 400;
/// Draws kept per fit (evenly spaced), as for the shipped posterior.
const KEPT_DRAWS: usize = 400;

/// What to cross-validate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CrossValidateRequest {
    /// Calibration files with `[[bone_target]]`, `[bone_fit]` and `[bone_prior]`.
    pub targets: Vec<PathBuf>,
    /// Validation files predicted by every fit and fitted by none (empty: the shipped
    /// data/validation/bone.toml).
    #[serde(default)]
    pub validation: Vec<PathBuf>,
    /// Ensemble-chain iterations per fit after the mode (0: the mode only, no interval; none:
    /// [`DEFAULT_ITERATIONS`]). Half are burn-in.
    #[serde(default)]
    pub iterations: Option<usize>,
}

/// The cross-validation (`k2bone calibrate --leave-one-trial-out --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CrossValidation {
    /// Chain iterations per fit (0: posterior mode only) and walkers.
    pub iterations: usize,
    pub walkers: usize,
    /// The full fit: every fitted calibration target, fitted the same way as the folds.
    pub full: FitSummary,
    /// One fold per calibration trial, in the order the trials first appear.
    pub folds: Vec<Fold>,
    /// Wall time of the whole run (designs and every fit), s.
    pub seconds: f64,
    pub disclaimer: String,
}

/// One fit: what it was fitted to, its mode and how it predicts the validation set.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FitSummary {
    /// Calibration targets in the likelihood.
    pub fitted: Vec<String>,
    /// Posterior mode of each sampled parameter (the parameters with a `[bone_prior]`).
    pub mode: Vec<NamedValue>,
    /// Model discrepancy at the mode (percentage points).
    pub tau: f64,
    /// Mean acceptance of the chain (none when only the mode was found).
    pub acceptance: Option<f64>,
    /// Draws the predictions average over (1: the mode).
    pub draws: usize,
    /// Validation targets inside their acceptance interval, of all and of the out-of-sample ones
    /// (sharing no evidence with a calibration target).
    pub validation_inside: usize,
    pub validation_total: usize,
    pub independent_inside: usize,
    pub independent_total: usize,
    /// Wall time of this fit (mode, chain, predictions), s.
    pub seconds: f64,
}

/// A parameter and its value.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NamedValue {
    pub name: String,
    pub value: f64,
}

/// One calibration trial left out.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Fold {
    /// The trial: the design its targets name.
    pub trial: String,
    /// Its targets (all left out of this fold's fit).
    pub left_out: Vec<String>,
    /// Every target of the trial is in `[bone_fit] exclude`: the fold is the full fit.
    pub excluded_from_fit: bool,
    /// The fold's fit (its `fitted` is the full fit's without `left_out`).
    pub fit: FitSummary,
    /// The left-out targets: full-fit and fold predictions.
    pub targets: Vec<FoldTarget>,
    /// Each sampled parameter's mode in the full fit and in the fold.
    pub parameters: Vec<ParameterShift>,
    /// Every validation target: full-fit and fold predictions.
    pub validation: Vec<PredictionShift>,
}

/// A left-out calibration target, predicted by the full fit and by the fit without its trial.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FoldTarget {
    pub name: String,
    pub unit: String,
    pub reported: Option<f64>,
    pub reported_text: String,
    pub ci_lower: Option<f64>,
    pub ci_upper: Option<f64>,
    pub accept_lower: f64,
    /// `null` when unbounded.
    pub accept_upper: Option<f64>,
    /// Fitted by the full fit (false: in `[bone_fit] exclude`).
    pub fitted_in_full: bool,
    /// Full-fit prediction (mean over its draws) and 95 % interval.
    pub full: f64,
    pub full_lower: f64,
    pub full_upper: f64,
    /// Prediction of the fit without this trial, and its 95 % interval.
    pub left_out: f64,
    pub left_out_lower: f64,
    pub left_out_upper: f64,
    /// `left_out - full`.
    pub shift: f64,
    pub inside_full: bool,
    pub inside_left_out: bool,
    /// The fold's prediction minus the nearest end of the acceptance interval (0 when inside).
    pub miss_left_out: f64,
}

/// A validation target predicted by the full fit and by a fold.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PredictionShift {
    pub name: String,
    pub unit: String,
    pub full: f64,
    pub left_out: f64,
    /// `left_out - full`.
    pub shift: f64,
    pub inside_full: bool,
    pub inside_left_out: bool,
    /// Shares evidence with a calibration target (not out of sample).
    pub in_sample: bool,
}

/// A parameter's mode in the full fit and in a fold.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ParameterShift {
    pub name: String,
    pub full: f64,
    pub left_out: f64,
    /// `(left_out - full) / prior SD`.
    pub shift_prior_sd: f64,
}

/// One fit's result before it is set beside the full fit.
struct FitRun {
    summary: FitSummary,
    posterior: Posterior,
    validation: Vec<TargetResult>,
}

/// The inputs every fit shares.
struct Setup<'a> {
    cal: &'a TargetFile,
    val: &'a TargetFile,
    designs: &'a HashMap<String, DesignRun>,
    settings: k2bone_calibration::bone::BoneFitSettings,
}

impl Setup<'_> {
    fn fitted(&self, leave_out: Option<&str>) -> Vec<&BoneTarget> {
        self.cal
            .bone_targets
            .iter()
            .filter(|t| !self.settings.exclude.contains(&t.name))
            .filter(|t| leave_out != Some(t.design.as_str()))
            .collect()
    }

    /// Fits without the targets of design `leave_out` (none: the full fit) and predicts the
    /// validation set.
    fn fit(&self, leave_out: Option<&str>) -> AppResult<FitRun> {
        let started = std::time::Instant::now();
        let targets = self.fitted(leave_out);
        let fit = BoneFit {
            fixed: BoneParamFile::shipped().params,
            targets,
            priors: &self.cal.bone_prior,
            settings: &self.settings,
            designs: self.designs,
        };
        let mode = fit.mode();
        let (params, tau) = fit.params_at(&mode).ok_or_else(|| {
            AppError::failed(format!(
                "the posterior mode without {} is outside the parameters' ranges",
                leave_out.unwrap_or("no trial")
            ))
        })?;
        let (posterior, acceptance) = if self.settings.iterations == 0 {
            (
                Posterior {
                    draws: vec![params],
                    tau: vec![tau],
                },
                None,
            )
        } else {
            let res = fit.sample_from(&mode, &|_, _| {});
            let step = (res.posterior.draws.len() / KEPT_DRAWS).max(1);
            let kept = Posterior {
                draws: res.posterior.draws.iter().step_by(step).copied().collect(),
                tau: res.posterior.tau.iter().step_by(step).copied().collect(),
            };
            (kept, Some(res.acceptance))
        };
        let validation = self.evaluate(&self.val.bone_targets, &posterior)?;
        let independent = || {
            validation
                .iter()
                .filter(|t| t.shares_evidence_with.is_empty())
        };
        let all = params.to_vec();
        let mode_values = BONE_PARAM_NAMES
            .iter()
            .zip(&all)
            .filter(|(n, _)| self.cal.bone_prior.contains_key(**n))
            .map(|(n, v)| NamedValue {
                name: n.to_string(),
                value: *v,
            })
            .collect();
        Ok(FitRun {
            summary: FitSummary {
                fitted: fit.targets.iter().map(|t| t.name.clone()).collect(),
                mode: mode_values,
                tau,
                acceptance,
                draws: posterior.draws.len(),
                validation_inside: validation.iter().filter(|t| t.inside).count(),
                validation_total: validation.len(),
                independent_inside: independent().filter(|t| t.inside).count(),
                independent_total: independent().count(),
                seconds: started.elapsed().as_secs_f64(),
            },
            posterior,
            validation,
        })
    }

    fn evaluate(
        &self,
        targets: &[BoneTarget],
        posterior: &Posterior,
    ) -> AppResult<Vec<TargetResult>> {
        Ok(targets
            .iter()
            .map(|t| evaluate_target(t, posterior, &self.designs[&t.design]))
            .collect::<Result<Vec<_>, _>>()?)
    }
}

/// The calibration trials (designs), in the order they first appear.
pub fn trials(cal: &TargetFile) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in &cal.bone_targets {
        if !out.contains(&t.design) {
            out.push(t.design.clone());
        }
    }
    out
}

/// Leaves each calibration trial out in turn, refits, and predicts the left-out trial and the
/// validation set with the refit and with the full fit. The fits run in parallel; `progress`
/// hears after each.
pub fn cross_validate(
    req: &CrossValidateRequest,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<CrossValidation> {
    let started = std::time::Instant::now();
    let cal = target_files(&req.targets, &[])?;
    if cal.bone_targets.is_empty() {
        return Err(AppError::bad_input(
            "leave-one-trial-out needs calibration files with [[bone_target]] tables",
        ));
    }
    let Some(mut settings) = cal.bone_fit.clone() else {
        return Err(AppError::bad_input(
            "the target files have [[bone_target]] tables but no [bone_fit] table (walkers, iterations, burn_in, thin, seed, discrepancy_sd_prior)",
        ));
    };
    let iterations = req.iterations.unwrap_or(DEFAULT_ITERATIONS);
    if iterations == 1 || iterations > 1_000_000 {
        return Err(AppError::bad_input(format!(
            "chain iterations {iterations}: accepted 0 (posterior mode only) or 2..=1000000"
        )));
    }
    settings.iterations = iterations;
    settings.burn_in = iterations / 2;
    settings.thin = 1;
    let val = target_files(
        &req.validation,
        &[(SHIPPED_BONE, "data/validation/bone.toml")],
    )?;
    for t in &val.bone_targets {
        if cal.bone_targets.iter().any(|c| c.name == t.name) {
            return Err(AppError::bad_input(format!(
                "`{}` is both a calibration and a validation target; a validation target is never fitted",
                t.name
            )));
        }
    }
    let trials = trials(&cal);
    if trials.len() < 2 {
        return Err(AppError::bad_input(format!(
            "leave-one-trial-out needs targets from at least 2 designs (found: {})",
            trials.join(", ")
        )));
    }
    let names: Vec<&str> = cal
        .bone_targets
        .iter()
        .chain(&val.bone_targets)
        .map(|t| t.design.as_str())
        .collect();
    let designs = design_runs(
        &names,
        "bone designs (once for every fit)",
        progress,
        cancel,
    )?;
    let walkers = settings.walkers;
    let setup = Setup {
        cal: &cal,
        val: &val,
        designs: &designs,
        settings,
    };
    // The full fit, then one refit per trial that has fitted targets.
    let refit: Vec<Option<&str>> = std::iter::once(None)
        .chain(
            trials
                .iter()
                .filter(|d| setup.fitted(Some(d)).len() < setup.fitted(None).len())
                .map(|d| Some(d.as_str())),
        )
        .collect();
    let task = format!(
        "leave-one-trial-out: {} fits ({})",
        refit.len(),
        if iterations == 0 {
            "posterior mode".to_string()
        } else {
            format!("mode + {walkers} walkers x {iterations} iterations")
        }
    );
    progress.update(&task, 0.0);
    let done = AtomicUsize::new(0);
    let runs: Vec<FitRun> = refit
        .par_iter()
        .map(|leave_out| {
            cancel.check()?;
            let run = setup.fit(*leave_out)?;
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress.update(&task, n as f64 / refit.len() as f64);
            Ok(run)
        })
        .collect::<AppResult<_>>()?;
    cancel.check()?;
    let full = &runs[0];
    let mut folds = Vec::new();
    for trial in &trials {
        let run = refit
            .iter()
            .position(|r| *r == Some(trial.as_str()))
            .map_or(full, |i| &runs[i]);
        folds.push(fold(&setup, trial, full, run)?);
    }
    Ok(CrossValidation {
        iterations,
        walkers,
        full: full.summary.clone(),
        folds,
        seconds: started.elapsed().as_secs_f64(),
        disclaimer: DISCLAIMER.to_string(),
    })
}

/// Sets the fit without `trial` beside the full fit.
fn fold(setup: &Setup, trial: &str, full: &FitRun, run: &FitRun) -> AppResult<Fold> {
    let own: Vec<BoneTarget> = setup
        .cal
        .bone_targets
        .iter()
        .filter(|t| t.design == trial)
        .cloned()
        .collect();
    let before = setup.evaluate(&own, &full.posterior)?;
    let after = setup.evaluate(&own, &run.posterior)?;
    let targets = before
        .iter()
        .zip(&after)
        .map(|(f, l)| FoldTarget {
            name: f.name.clone(),
            unit: f.unit.clone(),
            reported: f.reported,
            reported_text: f.reported_text.clone(),
            ci_lower: f.ci_lower,
            ci_upper: f.ci_upper,
            accept_lower: f.accept_lower,
            accept_upper: f.accept_upper,
            fitted_in_full: full.summary.fitted.contains(&f.name),
            full: f.simulated,
            full_lower: f.sim_lower,
            full_upper: f.sim_upper,
            left_out: l.simulated,
            left_out_lower: l.sim_lower,
            left_out_upper: l.sim_upper,
            shift: l.simulated - f.simulated,
            inside_full: f.inside,
            inside_left_out: l.inside,
            miss_left_out: l.miss,
        })
        .collect();
    let validation = run
        .validation
        .iter()
        .zip(&full.validation)
        .map(|(l, f)| PredictionShift {
            name: f.name.clone(),
            unit: f.unit.clone(),
            full: f.simulated,
            left_out: l.simulated,
            shift: l.simulated - f.simulated,
            inside_full: f.inside,
            inside_left_out: l.inside,
            in_sample: !f.shares_evidence_with.is_empty(),
        })
        .collect();
    let parameters = full
        .summary
        .mode
        .iter()
        .zip(&run.summary.mode)
        .map(|(f, l)| ParameterShift {
            name: f.name.clone(),
            full: f.value,
            left_out: l.value,
            shift_prior_sd: (l.value - f.value) / setup.cal.bone_prior[&f.name].sd,
        })
        .collect();
    Ok(Fold {
        trial: trial.to_string(),
        left_out: own.iter().map(|t| t.name.clone()).collect(),
        excluded_from_fit: own.iter().all(|t| setup.settings.exclude.contains(&t.name)),
        fit: run.summary.clone(),
        targets,
        parameters,
        validation,
    })
}
