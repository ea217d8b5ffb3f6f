//! The bone response's posterior: the likelihood of the calibration targets, priors, the sampler
//! run, and predictions of any target with a 95 % interval over the draws.
//!
//! Each target $i$ is normal around the simulated value: $y_i \sim N(\hat y_i(\theta),
//! se_i^2 + \tau^2)$, with $\tau$ the model discrepancy (half-normal prior). Parameters without a
//! prior keep their shipped value.

use std::collections::{BTreeMap, HashMap};

use argmin::core::{CostFunction, Executor, State};
use argmin::solver::neldermead::NelderMead;
use k2bone_physiology::bone_response::{BoneResponseParams, Site, BONE_PARAM_NAMES};
use serde::{Deserialize, Serialize};

use super::design::DesignRun;
use super::sampler::{self, Chain, EnsembleSettings};
use super::targets::{BoneFitSettings, BoneMeasure, BoneTarget, Prior, Qualitative};
use crate::CalibrationError;
pub use k2bone_physiology::bone_posterior::{quantile, BonePosterior as Posterior};

/// Days per month of a target's time (the model's year is 365 days).
const DAYS_PER_MONTH: f64 = 365.0 / 12.0;

fn day(months: f64) -> usize {
    (months * DAYS_PER_MONTH).round() as usize
}

/// BMD series already computed for one parameter set, by (design, arm, site).
type SeriesCache = HashMap<(String, String, Site), Vec<f64>>;

/// The simulated value of `target` with `params`, from its design's run.
pub fn predict(
    target: &BoneTarget,
    params: &BoneResponseParams,
    design: &DesignRun,
) -> Result<f64, CalibrationError> {
    predict_cached(target, params, design, &mut HashMap::new())
}

fn predict_cached(
    target: &BoneTarget,
    params: &BoneResponseParams,
    design: &DesignRun,
    cache: &mut SeriesCache,
) -> Result<f64, CalibrationError> {
    let site = target.site.model_site();
    let mut series = |arm: &str| -> Result<Vec<f64>, CalibrationError> {
        let key = (design.name.clone(), arm.to_string(), site);
        if let Some(s) = cache.get(&key) {
            return Ok(s.clone());
        }
        let a = design.arm(arm)?;
        let s = params.bmd_pct_change(site, &design.subject, &a.days);
        cache.insert(key, s.clone());
        Ok(s)
    };
    let at = |s: &[f64], months: f64| -> Result<f64, CalibrationError> {
        // A design of whole months ends within a day of the target's time.
        let i = day(months);
        let i = if i == s.len() && months * DAYS_PER_MONTH < s.len() as f64 {
            i - 1
        } else {
            i
        };
        s.get(i).copied().ok_or_else(|| CalibrationError::Target {
            target: target.name.clone(),
            message: format!(
                "month {months} is after the end of design `{}` ({} days)",
                design.name,
                s.len().saturating_sub(1)
            ),
        })
    };
    let arm = series(&target.arm)?;
    let v = match target.measure {
        BoneMeasure::ArmChange => at(&arm, target.time_months.unwrap_or(0.0))?,
        BoneMeasure::Difference => {
            let control = series(target.control.as_deref().unwrap_or(""))?;
            let t = target.time_months.unwrap_or(0.0);
            at(&arm, t)? - at(&control, t)?
        }
        BoneMeasure::AnnualRate | BoneMeasure::ArmChangeBetween => {
            let (a, b) = (
                target.from_months.unwrap_or(0.0),
                target.to_months.unwrap_or(0.0),
            );
            let change =
                ((1.0 + at(&arm, b)? / 100.0) / (1.0 + at(&arm, a)? / 100.0) - 1.0) * 100.0;
            if target.measure == BoneMeasure::AnnualRate {
                change / ((day(b) - day(a)) as f64 / 365.0)
            } else {
                change
            }
        }
    };
    Ok(v)
}

/// A target simulated over the posterior and set beside what was reported (the `validate`
/// JSON row of issue 10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TargetResult {
    pub name: String,
    pub outcome: String,
    pub unit: String,
    /// The reported number (`null` for a null or a direction; see `reported_text`).
    pub reported: Option<f64>,
    pub reported_text: String,
    pub ci_lower: Option<f64>,
    pub ci_upper: Option<f64>,
    /// Posterior mean of the simulated value.
    pub simulated: f64,
    pub sim_lower: f64,
    pub sim_upper: f64,
    /// The acceptance interval (the reported CI, or what a trial of that size would have).
    pub accept_lower: f64,
    /// `null` when unbounded (a direction: anything above the lower end).
    pub accept_upper: Option<f64>,
    pub inside: bool,
    /// Simulated minus the nearest end of the acceptance interval (0 when inside).
    pub miss: f64,
    pub source: String,
    /// Calibration targets that share evidence with this one (then it is not out of sample).
    pub shares_evidence_with: Vec<String>,
}

/// Simulates `target` for every draw and summarises.
pub fn evaluate_target(
    target: &BoneTarget,
    posterior: &Posterior,
    design: &DesignRun,
) -> Result<TargetResult, CalibrationError> {
    let sims: Vec<f64> = posterior
        .draws
        .iter()
        .map(|p| predict(target, p, design))
        .collect::<Result<_, _>>()?;
    let mean = sims.iter().sum::<f64>() / sims.len() as f64;
    let (lo, hi) = target.acceptance();
    let inside = (lo..=hi).contains(&mean);
    let miss = if inside {
        0.0
    } else if mean < lo {
        mean - lo
    } else {
        mean - hi
    };
    Ok(TargetResult {
        name: target.name.clone(),
        outcome: format!(
            "bmd_{}_{}",
            match target.site {
                super::targets::TargetSite::LumbarSpine => "lumbar_spine",
                super::targets::TargetSite::FemoralNeck => "femoral_neck",
                super::targets::TargetSite::TotalHip => "total_hip",
            },
            match target.measure {
                BoneMeasure::Difference => "difference",
                BoneMeasure::ArmChange => "pct_change",
                BoneMeasure::AnnualRate => "pct_per_year",
                BoneMeasure::ArmChangeBetween => "pct_change_between",
            }
        ),
        unit: target.unit().to_string(),
        reported: target.value,
        reported_text: match target.reported {
            Some(Qualitative::NoDifference) => "no difference".into(),
            Some(Qualitative::FavoursTreatment) => "favours treatment".into(),
            None => format!("{}", target.value.unwrap_or(f64::NAN)),
        },
        ci_lower: target.ci.map(|c| c[0]),
        ci_upper: target.ci.map(|c| c[1]),
        simulated: mean,
        sim_lower: quantile(&sims, 0.025),
        sim_upper: quantile(&sims, 0.975),
        accept_lower: lo,
        accept_upper: hi.is_finite().then_some(hi),
        inside,
        miss,
        source: target.source.clone(),
        shares_evidence_with: target.shares_evidence_with.clone(),
    })
}

struct NegLogPost<'a, 'b> {
    fit: &'a BoneFit<'b>,
    free: &'a [(usize, &'static str, Prior)],
}

impl CostFunction for NegLogPost<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, x: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        let lp = self.fit.log_post(self.free, x);
        Ok(if lp.is_finite() { -lp } else { 1e12 })
    }
}

/// Everything a bone calibration needs: the targets it fits, priors, settings, design runs.
pub struct BoneFit<'a> {
    pub targets: Vec<&'a BoneTarget>,
    pub priors: &'a BTreeMap<String, Prior>,
    pub settings: &'a BoneFitSettings,
    pub designs: &'a HashMap<String, DesignRun>,
    /// Values of the parameters without a prior.
    pub fixed: BoneResponseParams,
}

/// The sampled posterior and how the sampler went.
pub struct BoneFitResult {
    pub posterior: Posterior,
    pub acceptance: f64,
    /// Integrated autocorrelation time of each sampled coordinate (then ln tau), in iterations
    /// (kept steps times `thin`; a lower bound when the chain is shorter than about 50 of them).
    pub autocorrelation_iterations: Vec<f64>,
    /// Names of the sampled parameters (then `tau`).
    pub sampled: Vec<String>,
}

impl BoneFit<'_> {
    fn free(&self) -> Vec<(usize, &'static str, Prior)> {
        BONE_PARAM_NAMES
            .iter()
            .enumerate()
            .filter_map(|(i, n)| self.priors.get(*n).map(|p| (i, *n, *p)))
            .collect()
    }

    fn params_of(
        &self,
        free: &[(usize, &'static str, Prior)],
        x: &[f64],
    ) -> Option<BoneResponseParams> {
        let mut v = self.fixed.to_vec();
        for ((i, _, _), xi) in free.iter().zip(x) {
            v[*i] = *xi;
        }
        BoneResponseParams::from_slice(&v).ok()
    }

    /// Log-posterior of (free parameters, ln tau).
    fn log_post(&self, free: &[(usize, &'static str, Prior)], x: &[f64]) -> f64 {
        let (theta, ln_tau) = x.split_at(free.len());
        let mut lp = 0.0;
        for ((_, _, pr), v) in free.iter().zip(theta) {
            if !(pr.lower..=pr.upper).contains(v) {
                return f64::NEG_INFINITY;
            }
            lp -= 0.5 * ((v - pr.mean) / pr.sd).powi(2);
        }
        let tau = ln_tau[0].exp();
        if !(1e-4..=20.0).contains(&tau) {
            return f64::NEG_INFINITY;
        }
        lp += -0.5 * (tau / self.settings.discrepancy_sd_prior).powi(2) + ln_tau[0];
        let Some(p) = self.params_of(free, theta) else {
            return f64::NEG_INFINITY;
        };
        let mut cache = SeriesCache::new();
        for t in &self.targets {
            let (Some(y), Some(se)) = (t.value, t.se()) else {
                continue;
            };
            let Ok(sim) = predict_cached(t, &p, &self.designs[&t.design], &mut cache) else {
                return f64::NEG_INFINITY;
            };
            if !sim.is_finite() {
                return f64::NEG_INFINITY;
            }
            let var = se * se + tau * tau;
            lp -= 0.5 * (sim - y).powi(2) / var + 0.5 * var.ln();
        }
        lp
    }

    /// The posterior mode (Nelder–Mead from argmin on −log posterior, restarted from its own
    /// result until it stops improving), in the sampler's coordinates (free parameters, ln tau).
    pub fn mode(&self) -> Vec<f64> {
        let free = self.free();
        let mut x: Vec<f64> = free.iter().map(|(_, _, p)| p.mean).collect();
        x.push((0.5 * self.settings.discrepancy_sd_prior).ln());
        let scales: Vec<f64> = free
            .iter()
            .map(|(_, _, p)| 0.5 * p.sd)
            .chain(std::iter::once(0.5))
            .collect();
        let mut best = -self.log_post(&free, &x);
        for _ in 0..4 {
            let problem = NegLogPost {
                fit: self,
                free: &free,
            };
            let mut simplex = vec![x.clone()];
            for (i, sc) in scales.iter().enumerate() {
                let mut v = x.clone();
                v[i] += sc;
                if let Some((_, _, p)) = free.get(i) {
                    if v[i] > p.upper {
                        v[i] = x[i] - sc;
                    }
                }
                simplex.push(v);
            }
            let Ok(solver) = NelderMead::new(simplex).with_sd_tolerance(1e-8) else {
                break;
            };
            let Ok(res) = Executor::new(problem, solver)
                .configure(|st| st.max_iters(20_000))
                .run()
            else {
                break;
            };
            let (Some(bx), cost) = (
                res.state().get_best_param().cloned(),
                res.state().get_best_cost(),
            ) else {
                break;
            };
            let improved = best - cost > 1e-6;
            if cost < best {
                best = cost;
                x = bx;
            }
            if !improved {
                break;
            }
        }
        x
    }

    /// The bone-response parameters and the discrepancy tau at a point in the sampler's
    /// coordinates (free parameters, then ln tau), such as [`BoneFit::mode`]; `None` when the
    /// point has the wrong length or its parameters are out of range.
    pub fn params_at(&self, x: &[f64]) -> Option<(BoneResponseParams, f64)> {
        let free = self.free();
        if x.len() != free.len() + 1 {
            return None;
        }
        let (theta, ln_tau) = x.split_at(free.len());
        Some((self.params_of(&free, theta)?, ln_tau[0].exp()))
    }

    /// Runs the sampler from a ball around the posterior mode; `progress(iteration, iterations)`.
    pub fn sample(&self, progress: &(dyn Fn(usize, usize) + Sync)) -> BoneFitResult {
        self.sample_from(&self.mode(), progress)
    }

    /// Runs the sampler from a ball around `mode` (from [`BoneFit::mode`], found once by the
    /// caller); `progress(iteration, iterations)`.
    ///
    /// The walkers move in unbounded coordinates: each free parameter through its prior's logit
    /// ([`Prior::to_unbounded`], with the Jacobian in the density, so the posterior is unchanged),
    /// and ln tau. Draws, and their autocorrelation times, are reported in the parameters' own
    /// units.
    pub fn sample_from(
        &self,
        mode: &[f64],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> BoneFitResult {
        let free = self.free();
        let s = self.settings;
        let mut rng = sampler::init_rng(s.seed);
        let init: Vec<Vec<f64>> = (0..s.walkers)
            .map(|_| loop {
                let x: Vec<f64> = mode
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let sd = free.get(i).map_or(0.5, |(_, _, p)| p.sd);
                        m + 0.02 * sd * sampler::standard_normal(&mut rng)
                    })
                    .collect();
                let y = unbounded_point(&free, &x);
                if y.iter().all(|v| v.is_finite()) && self.log_post(&free, &x).is_finite() {
                    break y;
                }
            })
            .collect();
        let settings = EnsembleSettings {
            walkers: s.walkers,
            iterations: s.iterations,
            burn_in: s.burn_in,
            thin: s.thin,
            seed: s.seed,
            de_fraction: s.de_fraction,
        };
        let lp = |y: &[f64]| {
            let jacobian: f64 = free
                .iter()
                .zip(y)
                .map(|((_, _, p), v)| p.ln_jacobian(*v))
                .sum();
            self.log_post(&free, &bounded_point(&free, y)) + jacobian
        };
        let Chain {
            draws, acceptance, ..
        } = sampler::sample(&lp, init, &settings, &|it| progress(it + 1, s.iterations));
        let draws: Vec<Vec<f64>> = draws.iter().map(|y| bounded_point(&free, y)).collect();
        let autocorrelation_iterations = sampler::integrated_autocorr_time(&draws, s.walkers)
            .map(|t| t.into_iter().map(|v| v * s.thin as f64).collect())
            .unwrap_or_default();
        let mut posterior = Posterior {
            draws: Vec::with_capacity(draws.len()),
            tau: Vec::with_capacity(draws.len()),
        };
        for d in &draws {
            let (theta, ln_tau) = d.split_at(free.len());
            posterior
                .draws
                .push(self.params_of(&free, theta).expect("kept draws are valid"));
            posterior.tau.push(ln_tau[0].exp());
        }
        BoneFitResult {
            posterior,
            acceptance,
            autocorrelation_iterations,
            sampled: free
                .iter()
                .map(|(_, n, _)| n.to_string())
                .chain(std::iter::once("tau".to_string()))
                .collect(),
        }
    }
}

/// Sampler coordinates (free parameters, ln tau) to unbounded ones: each free parameter
/// through its prior's logit, ln tau unchanged.
fn unbounded_point(free: &[(usize, &'static str, Prior)], x: &[f64]) -> Vec<f64> {
    x.iter()
        .enumerate()
        .map(|(i, v)| free.get(i).map_or(*v, |(_, _, p)| p.to_unbounded(*v)))
        .collect()
}

/// The inverse of [`unbounded_point`].
fn bounded_point(free: &[(usize, &'static str, Prior)], y: &[f64]) -> Vec<f64> {
    y.iter()
        .enumerate()
        .map(|(i, v)| free.get(i).map_or(*v, |(_, _, p)| p.value_at(*v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k2bone_physiology::bone_response::BoneParamFile;

    /// With no targets the posterior is the prior. A truncated normal N(0, 0.5²) on [0, 1] has
    /// mean 0.5 (φ(0) − φ(2)) / (Φ(2) − Φ(0)) = 0.3614 and SD 0.2507 (hand computation from the
    /// truncated-normal moments); sampling in the logit coordinate must give them back, which it
    /// would not without the Jacobian (that samples a density piled at the lower bound).
    #[test]
    fn sampling_in_unbounded_coordinates_keeps_a_truncated_prior() {
        let name = "shared.mk4_loss_reduction";
        let priors = BTreeMap::from([(
            name.to_string(),
            Prior {
                mean: 0.0,
                sd: 0.5,
                lower: 0.0,
                upper: 1.0,
            },
        )]);
        let settings = BoneFitSettings {
            exclude: vec![],
            walkers: 32,
            iterations: 6000,
            burn_in: 500,
            thin: 5,
            seed: 9,
            discrepancy_sd_prior: 0.5,
            de_fraction: 0.0,
        };
        let designs = HashMap::new();
        let fit = BoneFit {
            targets: vec![],
            priors: &priors,
            settings: &settings,
            designs: &designs,
            fixed: BoneParamFile::shipped().params,
        };
        let res = fit.sample_from(&[0.3, 0.25f64.ln()], &|_, _| {});
        let i = BONE_PARAM_NAMES.iter().position(|n| *n == name).unwrap();
        let xs: Vec<f64> = res.posterior.draws.iter().map(|p| p.to_vec()[i]).collect();
        assert!(xs.iter().all(|x| (0.0..=1.0).contains(x)));
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
        assert!((mean - 0.3614).abs() < 0.02, "mean {mean}");
        assert!((sd - 0.2507).abs() < 0.02, "sd {sd}");
        // tau's prior is half-normal with SD 0.5: mean 0.5 sqrt(2 / pi) = 0.399.
        let tau_mean = res.posterior.tau.iter().sum::<f64>() / res.posterior.tau.len() as f64;
        assert!((tau_mean - 0.399).abs() < 0.03, "tau mean {tau_mean}");
    }
}
