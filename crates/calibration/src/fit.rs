//! Least-squares fit of a parameter group: Nelder–Mead (argmin) on the logarithms of the
//! parameters (all are positive), objective Σ ((simulated − target)/tolerance)².

use argmin::core::{CostFunction, Executor, State};
use argmin::solver::neldermead::NelderMead;

use k2bone_physiology::{CalciumBoneModel, KParams};

use crate::evaluate::{evaluate, Evaluation};
use crate::targets::{FitGroup, Target};
use crate::CalibrationError;

/// A fit moves the parameters only if it lowers the cost Σ (residual/tolerance)² by at least
/// this much (a third of a tolerance on one target): the calibration set leaves several
/// parameters poorly identified, so smaller gains only wander along a ridge, and without this
/// rule re-running `k2bone calibrate` on its own output would not reproduce it.
pub const MIN_IMPROVEMENT: f64 = 0.1;

/// The result of fitting one group.
#[derive(Debug, Clone)]
pub struct FitReport {
    pub group: String,
    pub parameters: Vec<(String, f64, f64)>,
    pub cost_before: f64,
    pub cost_after: f64,
    /// True if the start was kept because the fit improved the cost by less than
    /// [`MIN_IMPROVEMENT`].
    pub kept_start: bool,
    pub iterations: u64,
    pub evaluations: Vec<Evaluation>,
}

struct Problem<'a> {
    core: &'a CalciumBoneModel,
    base: &'a KParams,
    names: &'a [String],
    bounds: &'a [[f64; 2]],
    targets: Vec<&'a Target>,
}

impl Problem<'_> {
    fn params(&self, log_x: &[f64]) -> Result<KParams, CalibrationError> {
        let mut k = self.base.clone();
        for (i, (name, lx)) in self.names.iter().zip(log_x).enumerate() {
            if let Some([lo, hi]) = self.bounds.get(i) {
                if !(*lo..=*hi).contains(&lx.exp()) {
                    return Err(CalibrationError::Target {
                        target: name.clone(),
                        message: format!("{} outside the bounds [{lo}, {hi}]", lx.exp()),
                    });
                }
            }
            k.set(name, lx.exp())?;
        }
        Ok(k)
    }

    fn evaluations(&self, k: &KParams) -> Result<Vec<Evaluation>, CalibrationError> {
        self.targets
            .iter()
            .map(|t| evaluate(self.core, k, t))
            .collect()
    }
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, log_x: &Self::Param) -> Result<f64, argmin::core::Error> {
        // Parameters out of range or a failed solve cost a lot instead of stopping the search.
        let Ok(k) = self.params(log_x) else {
            return Ok(1e12);
        };
        Ok(match self.evaluations(&k) {
            Ok(ev) => ev.iter().map(|e| e.scaled_residual.powi(2)).sum(),
            Err(_) => 1e12,
        })
    }
}

/// Fits `group` starting from `start`; returns the fitted parameters and the report.
pub fn fit_group(
    core: &CalciumBoneModel,
    start: &KParams,
    group: &FitGroup,
    targets: &[&Target],
) -> Result<(KParams, FitReport), CalibrationError> {
    let mut x0 = Vec::new();
    for name in &group.parameters {
        let v = start.get(name).ok_or_else(|| CalibrationError::Target {
            target: group.name.clone(),
            message: format!("unknown parameter `{name}`"),
        })?;
        if v <= 0.0 {
            return Err(CalibrationError::Target {
                target: group.name.clone(),
                message: format!("parameter `{name}` starts at {v}; fitted parameters must be > 0"),
            });
        }
        x0.push(v.ln());
    }
    let problem = Problem {
        core,
        base: start,
        names: &group.parameters,
        bounds: &group.bounds,
        targets: targets.to_vec(),
    };
    let cost_before = problem
        .cost(&x0)
        .map_err(|e| CalibrationError::Optimizer(e.to_string()))?;
    // Initial simplex: the start and one vertex per parameter, 20% up (in log space).
    let mut simplex = vec![x0.clone()];
    for i in 0..x0.len() {
        let mut v = x0.clone();
        v[i] += 0.2;
        simplex.push(v);
    }
    let solver = NelderMead::new(simplex)
        .with_sd_tolerance(1e-7)
        .map_err(|e| CalibrationError::Optimizer(e.to_string()))?;
    let problem_run = Problem {
        core,
        base: start,
        names: &group.parameters,
        bounds: &group.bounds,
        targets: targets.to_vec(),
    };
    let res = Executor::new(problem_run, solver)
        .configure(|s| s.max_iters(group.max_iters))
        .run()
        .map_err(|e| CalibrationError::Optimizer(e.to_string()))?;
    let found = res.state().get_best_param().cloned().unwrap_or(x0.clone());
    let kept_start = cost_before - res.state().get_best_cost() < MIN_IMPROVEMENT;
    let (best, cost_after) = if kept_start {
        (x0, cost_before)
    } else {
        (found, res.state().get_best_cost())
    };
    let fitted = problem.params(&best)?;
    let evaluations = problem.evaluations(&fitted)?;
    let parameters = group
        .parameters
        .iter()
        .map(|n| {
            (
                n.clone(),
                start.get(n).unwrap_or(f64::NAN),
                fitted.get(n).unwrap_or(f64::NAN),
            )
        })
        .collect();
    Ok((
        fitted,
        FitReport {
            group: group.name.clone(),
            parameters,
            cost_before,
            cost_after,
            kept_start,
            iterations: res.state().get_iter(),
            evaluations,
        },
    ))
}
