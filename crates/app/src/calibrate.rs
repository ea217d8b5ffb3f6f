//! Fitting the vitamin K extension to its calibration targets (`data/calibration/*.toml`), group
//! by group, and writing the fitted parameter file and a Markdown report.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use k2bone_calibration::bone::{evaluate_target, quantile, BoneFit, Posterior, TargetResult};
use k2bone_calibration::{evaluate, fit_group, Evaluation, TargetFile, MIN_IMPROVEMENT};
use k2bone_physiology::bone_response::{BoneParamFile, BONE_PARAM_NAMES};
use k2bone_physiology::{CalciumBoneModel, KParamFile};

use crate::error::{read_input, write_output};
use crate::output_dir::OutputDir;
use crate::validate::target_files;
use crate::{AppResult, Cancel, Progress};

/// What to fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CalibrateRequest {
    /// Target files (TOML: `[[target]]` and `[[fit]]` tables).
    pub targets: Vec<PathBuf>,
    /// Starting extension parameters (default: the shipped data/model/vitamin-k-params.toml).
    pub params: Option<PathBuf>,
    /// Output directory for vitamin-k-params.toml and calibration-report.md.
    pub out: PathBuf,
    /// Only evaluate the targets with the starting parameters; fit nothing, write nothing.
    pub check_only: bool,
    /// Iterations of the bone response's sampler instead of the file's `[bone_fit]` value (a
    /// quick look; the shipped posterior used the file's value).
    #[serde(default)]
    pub bone_iterations: Option<usize>,
    /// Replace an earlier fit in `out`.
    #[serde(default)]
    pub force: bool,
}

/// The outcome of a calibration.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Calibration {
    pub groups: Vec<GroupFit>,
    pub targets: Vec<TargetCheck>,
    /// The bone response, when the target files have `[[bone_target]]`s and `[bone_fit]`.
    pub bone: Option<BoneCalibration>,
    /// The parameter file and the report written.
    pub written: Vec<PathBuf>,
}

/// The bone response's Bayesian calibration: an ensemble MCMC on the calibration targets (each
/// trial's effect with its SE, plus a model-discrepancy term), started at the posterior mode.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BoneCalibration {
    /// Targets fitted, and those listed in `[bone_fit] exclude` (evaluated, not fitted).
    pub fitted: Vec<String>,
    pub excluded: Vec<String>,
    /// Mean acceptance rate of the sampler (none with `check_only`: the shipped posterior).
    pub acceptance: Option<f64>,
    pub iterations: usize,
    /// Iterations dropped at the start of the chain.
    pub burn_in: usize,
    /// Longest integrated autocorrelation time over the sampled parameters (and the discrepancy),
    /// in iterations, with its parameter (none with `check_only`). The chain after the burn-in
    /// should be at least 50 of them long for the estimate and the posterior to be trusted
    /// (Foreman-Mackey et al. 2013).
    pub autocorrelation: Option<Autocorrelation>,
    pub draws: usize,
    /// Posterior median and 95 % interval of each sampled parameter.
    pub parameters: Vec<BoneParameter>,
    /// Every calibration target with the posterior (fitted and excluded).
    pub targets: Vec<TargetResult>,
    pub inside: usize,
    pub seconds: f64,
}

/// Chain length, in integrated autocorrelation times, from which the time's estimate and the
/// posterior's intervals are trusted (Foreman-Mackey et al. 2013, PASP 125:306, and the emcee
/// documentation's "autocorr" tutorial: at least 50).
pub const LONG_ENOUGH_CHAIN_LENGTHS: f64 = 50.0;

/// How correlated the chain is: the slowest-mixing coordinate.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Autocorrelation {
    /// The coordinate with the longest integrated autocorrelation time (`tau` is the discrepancy).
    pub slowest: String,
    /// Its integrated autocorrelation time, iterations.
    pub iterations: f64,
    /// Iterations after the burn-in divided by that time (long enough at 50 or more:
    /// `LONG_ENOUGH_CHAIN_LENGTHS`).
    pub chain_lengths: f64,
}

/// One sampled parameter of the bone response.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BoneParameter {
    pub name: String,
    pub median: f64,
    pub lower: f64,
    pub upper: f64,
}

/// One fitted group.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct GroupFit {
    pub group: String,
    pub cost_before: f64,
    pub cost_after: f64,
    pub iterations: u64,
    /// The start was kept: the fit improved the cost by less than the minimum gain.
    pub kept_start: bool,
    /// (parameter, start, fitted).
    pub parameters: Vec<(String, f64, f64)>,
}

/// One target with the final parameters.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TargetCheck {
    pub name: String,
    pub published: f64,
    pub simulated: f64,
    pub tolerance: f64,
    pub scaled_residual: f64,
    pub within_tolerance: bool,
}

impl From<Evaluation> for TargetCheck {
    fn from(e: Evaluation) -> TargetCheck {
        TargetCheck {
            within_tolerance: e.within_tolerance(),
            name: e.name,
            published: e.target,
            simulated: e.simulated,
            tolerance: e.tolerance,
            scaled_residual: e.scaled_residual,
        }
    }
}

impl Calibration {
    /// The targets as a Markdown table (also the end of the report).
    pub fn targets_table(&self) -> String {
        let mut s = String::from("| target | published | simulated | tolerance | residual/tol | within |\n|---|---|---|---|---|---|\n");
        for e in &self.targets {
            s.push_str(&format!(
                "| {} | {:.3} | {:.3} | {:.3} | {:+.2} | {} |\n",
                e.name,
                e.published,
                e.simulated,
                e.tolerance,
                e.scaled_residual,
                if e.within_tolerance { "yes" } else { "NO" }
            ));
        }
        s
    }

    fn report(&self) -> String {
        let mut report = String::from("# k2bone calibration report\n\n");
        for r in &self.groups {
            report.push_str(&format!(
                "## {}\n\ncost {:.4} → {:.4} after {} iterations{}\n\n| parameter | start | fitted |\n|---|---|---|\n",
                r.group,
                r.cost_before,
                r.cost_after,
                r.iterations,
                if r.kept_start {
                    format!(" (start kept: the fit improved the cost by less than {MIN_IMPROVEMENT})")
                } else {
                    String::new()
                }
            ));
            for (name, before, after) in &r.parameters {
                report.push_str(&format!("| `{name}` | {before:.6} | {after:.6} |\n"));
            }
            report.push('\n');
        }
        report.push_str("## Targets\n\n");
        report.push_str(&self.targets_table());
        if let Some(b) = &self.bone {
            report.push('\n');
            report.push_str(&b.report());
        }
        report
    }
}

impl BoneCalibration {
    /// The Markdown section of the calibration report.
    pub fn report(&self) -> String {
        let mixing = self.autocorrelation.as_ref().map_or(String::new(), |a| {
            format!(
                "Slowest-mixing coordinate `{}`: integrated autocorrelation time {:.0} iterations; \
                 the chain after its {} burn-in iterations is {:.1} of them long ({}).\n\n",
                a.slowest,
                a.iterations,
                self.burn_in,
                a.chain_lengths,
                if a.chain_lengths >= LONG_ENOUGH_CHAIN_LENGTHS {
                    format!("at least {LONG_ENOUGH_CHAIN_LENGTHS}: long enough")
                } else {
                    format!(
                        "under {LONG_ENOUGH_CHAIN_LENGTHS}: the chain is too short for its intervals to be \
                         trusted, and the time itself is a lower bound"
                    )
                }
            )
        });
        let mut s = format!(
            "## Bone response\n\n{} targets fitted, {} excluded; {} iterations, {} draws kept{}; {:.0} s.\n\n\
             {mixing}| parameter | median | 95% interval |\n|---|---|---|\n",
            self.fitted.len(),
            self.excluded.len(),
            self.iterations,
            self.draws,
            self.acceptance
                .map_or(" (shipped posterior, nothing fitted)".to_string(), |a| format!(", acceptance {a:.2}")),
            self.seconds
        );
        for p in &self.parameters {
            s.push_str(&format!(
                "| `{}` | {:.4} | [{:.4}, {:.4}] |\n",
                p.name, p.median, p.lower, p.upper
            ));
        }
        s.push_str(&format!(
            "\n{} of {} calibration targets inside their acceptance interval.\n\n\
             | target | reported | acceptance | simulated | 95% interval | |\n|---|---|---|---|---|---|\n",
            self.inside,
            self.targets.len()
        ));
        for t in &self.targets {
            let note = if self.excluded.contains(&t.name) {
                " (excluded)"
            } else {
                ""
            };
            s.push_str(&format!(
                "| {}{note} | {} | [{:.2}, {}] | {:.2} | [{:.2}, {:.2}] | {} |\n",
                t.name,
                t.reported_text,
                t.accept_lower,
                t.accept_upper
                    .map_or("∞".to_string(), |u| format!("{u:.2}")),
                t.simulated,
                t.sim_lower,
                t.sim_upper,
                if t.inside {
                    "inside".to_string()
                } else {
                    format!("miss {}", crate::text::miss_size(t.miss))
                }
            ));
        }
        s
    }
}

/// Fits the bone response to the files' `[[bone_target]]`s (or, with `check_only`, evaluates
/// them with the shipped posterior). Returns the result and, when fitted, the posterior.
fn calibrate_bone(
    all: &TargetFile,
    req: &CalibrateRequest,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<Option<(BoneCalibration, Option<Posterior>)>> {
    if all.bone_targets.is_empty() {
        return Ok(None);
    }
    let Some(mut settings) = all.bone_fit.clone() else {
        return Err(crate::AppError::bad_input(
            "the target files have [[bone_target]] tables but no [bone_fit] table (walkers, iterations, burn_in, thin, seed, discrepancy_sd_prior)",
        ));
    };
    if let Some(n) = req.bone_iterations {
        if !(2..=1_000_000).contains(&n) {
            return Err(crate::AppError::bad_input(format!(
                "bone iterations {n}: accepted 2..=1000000"
            )));
        }
        settings.iterations = n;
        settings.burn_in = settings.burn_in.min(n / 2);
    }
    let started = std::time::Instant::now();
    let designs = crate::validate::bone_designs(all, "bone calibration designs", progress, cancel)?;
    let fitted: Vec<String> = all
        .bone_targets
        .iter()
        .filter(|t| !settings.exclude.contains(&t.name))
        .map(|t| t.name.clone())
        .collect();
    let (posterior, acceptance, autocorrelation, fresh) = if req.check_only {
        (crate::study::shipped_posterior().clone(), None, None, false)
    } else {
        let fit = BoneFit {
            targets: all
                .bone_targets
                .iter()
                .filter(|t| !settings.exclude.contains(&t.name))
                .collect(),
            priors: &all.bone_prior,
            settings: &settings,
            designs: &designs,
            fixed: BoneParamFile::shipped().params,
        };
        let res =
            fit.sample(&|it, n| progress.update("bone response MCMC", it as f64 / n.max(1) as f64));
        // At most 400 evenly spaced draws (what the shipped posterior keeps).
        let step = (res.posterior.draws.len() / 400).max(1);
        let kept = Posterior {
            draws: res.posterior.draws.iter().step_by(step).copied().collect(),
            tau: res.posterior.tau.iter().step_by(step).copied().collect(),
        };
        let autocorrelation = res
            .autocorrelation_iterations
            .iter()
            .zip(&res.sampled)
            .max_by(|a, b| a.0.total_cmp(b.0))
            .map(|(t, n)| Autocorrelation {
                slowest: n.clone(),
                iterations: *t,
                chain_lengths: settings.iterations.saturating_sub(settings.burn_in) as f64 / t,
            });
        (kept, Some(res.acceptance), autocorrelation, true)
    };
    let targets = all
        .bone_targets
        .iter()
        .map(|t| evaluate_target(t, &posterior, &designs[&t.design]))
        .collect::<Result<Vec<_>, _>>()?;
    let sampled: Vec<&str> = BONE_PARAM_NAMES
        .iter()
        .copied()
        .filter(|n| all.bone_prior.contains_key(*n))
        .collect();
    let parameters = sampled
        .iter()
        .map(|n| {
            let i = BONE_PARAM_NAMES
                .iter()
                .position(|m| m == n)
                .expect("a known name");
            let x: Vec<f64> = posterior.draws.iter().map(|d| d.to_vec()[i]).collect();
            BoneParameter {
                name: n.to_string(),
                median: quantile(&x, 0.5),
                lower: quantile(&x, 0.025),
                upper: quantile(&x, 0.975),
            }
        })
        .collect();
    let result = BoneCalibration {
        excluded: settings.exclude.clone(),
        acceptance,
        iterations: settings.iterations,
        burn_in: settings.burn_in,
        autocorrelation,
        draws: posterior.draws.len(),
        parameters,
        inside: targets.iter().filter(|t| t.inside).count(),
        targets,
        fitted,
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok(Some((result, fresh.then_some(posterior))))
}

/// Fits every group in turn (each starting from the previous group's result), evaluates every
/// target with the result, and writes the parameter file and the report.
pub fn calibrate(
    req: &CalibrateRequest,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<Calibration> {
    let file = match &req.params {
        Some(p) => KParamFile::from_toml_str(&read_input(p)?, &p.display().to_string())?,
        None => KParamFile::shipped(),
    };
    let all = target_files(&req.targets, &[])?;
    let mut files = vec!["vitamin-k-params.toml", "calibration-report.md"];
    if !all.bone_targets.is_empty() {
        files.extend(["bone-response-params.toml", "bone-posterior.csv"]);
    }
    // A check writes nothing; a fit refuses to replace an earlier fit up front.
    if !req.check_only {
        OutputDir::check(&req.out, req.force, &files)?;
    }
    let core = CalciumBoneModel::default();
    let mut k = file.params.clone();
    let mut groups = Vec::new();
    if !req.check_only {
        for (i, group) in all.groups.iter().enumerate() {
            cancel.check()?;
            let targets: Vec<_> = group.targets.iter().filter_map(|n| all.target(n)).collect();
            progress.update(
                &format!(
                    "fitting {} ({} parameters, {} targets)",
                    group.name,
                    group.parameters.len(),
                    targets.len()
                ),
                i as f64 / all.groups.len() as f64,
            );
            let (fitted, r) = fit_group(&core, &k, group, &targets)?;
            groups.push(GroupFit {
                group: r.group,
                cost_before: r.cost_before,
                cost_after: r.cost_after,
                iterations: r.iterations,
                kept_start: r.kept_start,
                parameters: r.parameters,
            });
            k = fitted;
        }
    }
    let targets = all
        .targets
        .iter()
        .map(|t| evaluate(&core, &k, t).map(TargetCheck::from))
        .collect::<Result<_, _>>()?;
    let bone = calibrate_bone(&all, req, progress, cancel)?;
    let mut result = Calibration {
        groups,
        targets,
        bone: bone.as_ref().map(|(b, _)| b.clone()),
        written: Vec::new(),
    };
    if req.check_only {
        return Ok(result);
    }
    let out = OutputDir::create(&req.out, req.force, &files)?;
    let params_path = out.staging().join("vitamin-k-params.toml");
    write_output(&params_path, file.to_toml_string(&k))?;
    let mut staged = vec![params_path];
    if let Some((b, Some(posterior))) = &bone {
        let shipped = BoneParamFile::shipped();
        let sampled: Vec<&str> = b.parameters.iter().map(|p| p.name.as_str()).collect();
        let source = format!(
            "posterior median of the MCMC on the calibration targets ({} iterations; draws: bone-posterior.csv)",
            b.iterations
        );
        let path = out.staging().join("bone-response-params.toml");
        write_output(
            &path,
            shipped.to_toml_string(&posterior.median(), &sampled, &source),
        )?;
        staged.push(path);
        let path = out.staging().join("bone-posterior.csv");
        write_output(
            &path,
            posterior.to_csv(&format!(
                "bone response posterior: {} draws of the ensemble MCMC ({} iterations) written by `k2bone calibrate`",
                posterior.draws.len(),
                b.iterations
            )),
        )?;
        staged.push(path);
    }
    let report_path = out.staging().join("calibration-report.md");
    write_output(&report_path, result.report())?;
    staged.push(report_path);
    result.written = out.commit(staged)?;
    Ok(result)
}
