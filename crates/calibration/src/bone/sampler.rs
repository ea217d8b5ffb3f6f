//! The affine-invariant ensemble sampler of Goodman & Weare (2010, Comm. App. Math. Comp. Sci.
//! 5:65), "stretch move", with the two half-ensembles updated in turn and the walkers of a half
//! in parallel (Foreman-Mackey et al. 2013, PASP 125:306, §2); optionally mixed with the
//! differential-evolution move of ter Braak (2006, Stat. Comput. 16:239) drawn from the other
//! half, which is also affine-invariant and symmetric, and travels along long correlated
//! directions in one step (`de_fraction`). Written here because no maintained
//! Rust crate offers it; it is 100 lines and tested on a Gaussian whose moments are known.
//!
//! Every random number is drawn from a ChaCha8 stream keyed by (seed, iteration, walker), so the
//! chain does not depend on the number of threads.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Sampler settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnsembleSettings {
    pub walkers: usize,
    pub iterations: usize,
    /// Iterations dropped at the start.
    pub burn_in: usize,
    /// Keep every `thin`-th iteration after the burn-in.
    pub thin: usize,
    pub seed: u64,
    /// Probability that a walker's update is a differential-evolution move (0: stretch only).
    pub de_fraction: f64,
}

/// What the sampler returns.
#[derive(Debug, Clone)]
pub struct Chain {
    /// Kept positions, walker by walker within each kept iteration.
    pub draws: Vec<Vec<f64>>,
    /// Log-posterior of each kept draw.
    pub log_post: Vec<f64>,
    /// Fraction of proposals accepted over all iterations.
    pub acceptance: f64,
}

/// Stretch-move scale (Goodman & Weare's a = 2).
const STRETCH: f64 = 2.0;

fn stream(seed: u64, iteration: usize, walker: usize) -> ChaCha8Rng {
    // splitmix64 of the three numbers: distinct, well-mixed keys.
    let mut x = seed
        ^ (iteration as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (walker as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ChaCha8Rng::seed_from_u64(x ^ (x >> 31))
}

/// An accepted move: the new position and its log-posterior.
type Accepted = (Vec<f64>, f64);

/// Samples `log_post` from the initial positions `init` (one per walker; all finite log-posterior).
/// `progress(iteration)` is called after every iteration.
pub fn sample(
    log_post: &(dyn Fn(&[f64]) -> f64 + Sync),
    init: Vec<Vec<f64>>,
    s: &EnsembleSettings,
    progress: &(dyn Fn(usize) + Sync),
) -> Chain {
    let n = init.len();
    let dim = init.first().map_or(0, Vec::len);
    let mut pos = init;
    let mut lp: Vec<f64> = pos.par_iter().map(|x| log_post(x)).collect();
    let half = n / 2;
    let mut accepted = 0usize;
    let mut chain = Chain {
        draws: Vec::new(),
        log_post: Vec::new(),
        acceptance: 0.0,
    };
    for it in 0..s.iterations {
        for first_half in [true, false] {
            let (mover, other) = if first_half {
                (0..half, half..n)
            } else {
                (half..n, 0..half)
            };
            let others: Vec<Vec<f64>> = pos[other.clone()].to_vec();
            let updates: Vec<(usize, Option<Accepted>)> = mover
                .clone()
                .into_par_iter()
                .map(|k| {
                    let mut rng = stream(s.seed, it, k);
                    let de = s.de_fraction > 0.0 && rng.random::<f64>() < s.de_fraction;
                    let (y, log_jacobian) = if de && others.len() >= 2 {
                        // x + gamma (x_a - x_b) with a != b from the other half; gamma = 2.38 /
                        // sqrt(2 d) (ter Braak 2006), 1 every tenth move to jump between modes.
                        let a = rng.random_range(0..others.len());
                        let b = (a + rng.random_range(1..others.len())) % others.len();
                        let gamma = if rng.random::<f64>() < 0.1 {
                            1.0
                        } else {
                            2.38 / (2.0 * dim as f64).sqrt()
                        };
                        let y: Vec<f64> = pos[k]
                            .iter()
                            .zip(others[a].iter().zip(&others[b]))
                            .map(|(x, (xa, xb))| x + gamma * (xa - xb))
                            .collect();
                        (y, 0.0)
                    } else {
                        let j = rng.random_range(0..others.len());
                        let u: f64 = rng.random();
                        let z = ((STRETCH - 1.0) * u + 1.0).powi(2) / STRETCH;
                        let y: Vec<f64> = others[j]
                            .iter()
                            .zip(&pos[k])
                            .map(|(xj, xk)| xj + z * (xk - xj))
                            .collect();
                        (y, (dim as f64 - 1.0) * z.ln())
                    };
                    let lp_y = log_post(&y);
                    let log_accept = log_jacobian + lp_y - lp[k];
                    let r: f64 = rng.random();
                    let take = lp_y.is_finite() && r.ln() < log_accept;
                    (k, take.then_some((y, lp_y)))
                })
                .collect();
            for (k, up) in updates {
                if let Some((y, l)) = up {
                    pos[k] = y;
                    lp[k] = l;
                    accepted += 1;
                }
            }
        }
        if it >= s.burn_in && (it - s.burn_in) % s.thin == 0 {
            chain.draws.extend(pos.iter().cloned());
            chain.log_post.extend(lp.iter().copied());
        }
        progress(it);
    }
    chain.acceptance = accepted as f64 / (n * s.iterations).max(1) as f64;
    chain
}

/// Integrated autocorrelation time of each coordinate of a chain, in kept steps.
///
/// `draws` is laid out as [`Chain::draws`]: the `walkers` positions of each kept iteration in
/// turn. Per coordinate, the walkers' normalised autocorrelation functions are averaged and summed
/// over lags with Sokal's automatic window (the smallest lag M with M >= 5 tau(M)), as emcee
/// does (Goodman & Weare 2010 §5; Foreman-Mackey et al. 2013 §3; Sokal 1997). The estimate needs a
/// chain of at least about 50 tau to be reliable; a shorter one gives a lower bound. `None` when
/// there are fewer than 2 kept iterations.
pub fn integrated_autocorr_time(draws: &[Vec<f64>], walkers: usize) -> Option<Vec<f64>> {
    if walkers == 0 || draws.len() < 2 * walkers || draws.len() % walkers != 0 {
        return None;
    }
    let n = draws.len() / walkers;
    let dim = draws[0].len();
    let tau_of = |j: usize| {
        // Centred series per walker and their lag-0 variances.
        let series: Vec<Vec<f64>> = (0..walkers)
            .map(|w| {
                let x: Vec<f64> = (0..n).map(|t| draws[t * walkers + w][j]).collect();
                let m = x.iter().sum::<f64>() / n as f64;
                x.into_iter().map(|v| v - m).collect()
            })
            .collect();
        let var0: Vec<f64> = series
            .iter()
            .map(|x| x.iter().map(|v| v * v).sum::<f64>() / n as f64)
            .collect();
        let mut tau = 1.0;
        for lag in 1..n {
            let mut rho = 0.0;
            let mut used = 0usize;
            for (x, v0) in series.iter().zip(&var0) {
                if *v0 > 0.0 {
                    let c = x[..n - lag]
                        .iter()
                        .zip(&x[lag..])
                        .map(|(a, b)| a * b)
                        .sum::<f64>()
                        / n as f64;
                    rho += c / v0;
                    used += 1;
                }
            }
            if used == 0 {
                break;
            }
            tau += 2.0 * rho / used as f64;
            if lag as f64 >= 5.0 * tau {
                break;
            }
        }
        tau.max(1.0)
    };
    Some((0..dim).map(tau_of).collect())
}

/// A standard normal draw (Box–Muller), for initial ensembles.
pub fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The RNG for initial ensembles and other one-off draws of a calibration with `seed`.
pub fn init_rng(seed: u64) -> ChaCha8Rng {
    stream(seed, usize::MAX, usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A correlated 2-D Gaussian: mean (1, -2), SDs (1, 3), correlation 0.8. The sampler's
    /// moments must match; the tolerances are several Monte Carlo standard errors.
    #[test]
    fn recovers_the_moments_of_a_correlated_gaussian() {
        check_gaussian_moments(0.0);
    }

    /// The same with the differential-evolution move: mixed in, and alone.
    #[test]
    fn differential_evolution_moves_keep_the_target() {
        check_gaussian_moments(0.5);
        check_gaussian_moments(1.0);
    }

    fn check_gaussian_moments(de_fraction: f64) {
        let (m, sd, rho) = ([1.0, -2.0], [1.0, 3.0], 0.8);
        let lp = |x: &[f64]| {
            let a = (x[0] - m[0]) / sd[0];
            let b = (x[1] - m[1]) / sd[1];
            -(a * a - 2.0 * rho * a * b + b * b) / (2.0 * (1.0 - rho * rho))
        };
        let mut rng = init_rng(7);
        let init: Vec<Vec<f64>> = (0..32)
            .map(|_| vec![standard_normal(&mut rng), standard_normal(&mut rng)])
            .collect();
        let s = EnsembleSettings {
            walkers: 32,
            iterations: 4000,
            burn_in: 500,
            thin: 5,
            seed: 11,
            de_fraction,
        };
        let chain = sample(&lp, init, &s, &|_| {});
        let n = chain.draws.len() as f64;
        let mean = |i: usize| chain.draws.iter().map(|d| d[i]).sum::<f64>() / n;
        let (m0, m1) = (mean(0), mean(1));
        let var =
            |i: usize, mi: f64| chain.draws.iter().map(|d| (d[i] - mi).powi(2)).sum::<f64>() / n;
        let cov = chain
            .draws
            .iter()
            .map(|d| (d[0] - m0) * (d[1] - m1))
            .sum::<f64>()
            / n;
        assert!((m0 - 1.0).abs() < 0.1, "mean 0 = {m0}");
        assert!((m1 + 2.0).abs() < 0.3, "mean 1 = {m1}");
        assert!((var(0, m0).sqrt() - 1.0).abs() < 0.1);
        assert!((var(1, m1).sqrt() - 3.0).abs() < 0.3);
        assert!((cov / (var(0, m0) * var(1, m1)).sqrt() - 0.8).abs() < 0.05);
        assert!(
            (0.2..0.9).contains(&chain.acceptance),
            "{}",
            chain.acceptance
        );
    }

    /// An AR(1) series x_t = phi x_{t-1} + e_t has tau = (1 + phi) / (1 - phi) exactly (9 for
    /// phi = 0.8); independent draws have tau = 1.
    #[test]
    fn autocorrelation_time_of_an_ar1_series() {
        let (walkers, n, phi) = (32, 4000, 0.8);
        let mut rng = init_rng(5);
        let mut x = vec![0.0f64; walkers];
        let mut draws = Vec::with_capacity(walkers * n);
        for _ in 0..n {
            for xw in x.iter_mut() {
                *xw = phi * *xw + standard_normal(&mut rng);
            }
            draws.extend(x.iter().map(|v| vec![*v, standard_normal(&mut rng)]));
        }
        let tau = integrated_autocorr_time(&draws, walkers).unwrap();
        assert!((tau[0] - 9.0).abs() < 0.9, "AR(1) tau {}", tau[0]);
        assert!((tau[1] - 1.0).abs() < 0.15, "white noise tau {}", tau[1]);
        assert!(integrated_autocorr_time(&draws[..walkers], walkers).is_none());
    }

    #[test]
    fn the_chain_does_not_depend_on_the_thread_count() {
        let lp = |x: &[f64]| -0.5 * x.iter().map(|v| v * v).sum::<f64>();
        let init: Vec<Vec<f64>> = (0..8).map(|i| vec![i as f64 * 0.1, -0.2]).collect();
        let s = EnsembleSettings {
            walkers: 8,
            iterations: 50,
            burn_in: 0,
            thin: 1,
            seed: 3,
            de_fraction: 0.5,
        };
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| sample(&lp, init.clone(), &s, &|_| {}).draws)
        };
        assert_eq!(run(1), run(3));
    }
}
