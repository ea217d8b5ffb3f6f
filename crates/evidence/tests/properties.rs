//! Properties of the models that hold for any data (proptest): results do not depend on the
//! order of the studies; τ² is never negative; when τ² is estimated as 0 the random-effects
//! model is the fixed-effect model.

use k2bone_evidence::{fit, EffectSize, FitOptions, Tau2Method, Test};
use proptest::prelude::*;

const RE_METHODS: [Tau2Method; 7] = [
    Tau2Method::DL,
    Tau2Method::REML,
    Tau2Method::ML,
    Tau2Method::PM,
    Tau2Method::HE,
    Tau2Method::SJ,
    Tau2Method::EB,
];

fn studies() -> impl Strategy<Value = Vec<EffectSize>> {
    prop::collection::vec((-2.0f64..2.0, 0.005f64..1.0), 3..15).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (yi, vi))| EffectSize::new(format!("s{i}"), yi, vi))
            .collect()
    })
}

fn opts(method: Tau2Method, test: Test) -> FitOptions {
    FitOptions {
        method,
        test,
        level: 95.0,
        tau2_ci: false,
    }
}

/// Relative closeness for order invariance: iterative estimators (ML/REML/EB stop at a
/// change ≤ 1e-5; PM at uniroot's tolerance) may stop at a slightly different iterate.
fn near(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn results_do_not_depend_on_study_order(es in studies(), seed in 0usize..1000) {
        let mut shuffled = es.clone();
        let n = shuffled.len();
        shuffled.rotate_left(seed % n);
        shuffled.swap(0, (seed / 7) % n);
        for m in std::iter::once(Tau2Method::FE).chain(RE_METHODS) {
            for t in [Test::Z, Test::Knha] {
                let a = fit(&es, &opts(m, t)).unwrap();
                let b = fit(&shuffled, &opts(m, t)).unwrap();
                let tol = if matches!(m, Tau2Method::FE | Tau2Method::DL | Tau2Method::HE | Tau2Method::SJ) { 1e-9 } else { 1e-4 };
                prop_assert!(near(a.estimate, b.estimate, tol), "{m} {t}: {} vs {}", a.estimate, b.estimate);
                prop_assert!(near(a.tau2, b.tau2, tol), "{m}: tau2 {} vs {}", a.tau2, b.tau2);
                prop_assert!(near(a.se, b.se, tol));
                prop_assert!(near(a.q, b.q, 1e-9));
            }
        }
    }

    #[test]
    fn tau2_is_never_negative_and_intervals_are_ordered(es in studies()) {
        for m in RE_METHODS {
            let f = fit(&es, &opts(m, Test::Z)).unwrap();
            prop_assert!(f.tau2 >= 0.0, "{m}: tau2 = {}", f.tau2);
            prop_assert!(f.ci_lower <= f.estimate && f.estimate <= f.ci_upper);
            prop_assert!(f.pi_lower.unwrap() <= f.ci_lower + 1e-12 && f.ci_upper <= f.pi_upper.unwrap() + 1e-12);
            prop_assert!((0.0..=100.0).contains(&f.i2) && f.h2 >= 1.0 - 1e-12);
        }
    }

    #[test]
    fn random_effects_equal_fixed_effect_when_tau2_is_zero(vs in prop::collection::vec(0.01f64..1.0, 3..12), mu in -1.0f64..1.0) {
        // Identical effects: Q = 0, so every estimator gives tau2 = 0 (up to rounding).
        let es: Vec<EffectSize> = vs.iter().enumerate().map(|(i, v)| EffectSize::new(format!("s{i}"), mu, *v)).collect();
        let fe = fit(&es, &opts(Tau2Method::FE, Test::Z)).unwrap();
        for m in RE_METHODS {
            let re = fit(&es, &opts(m, Test::Z)).unwrap();
            // SJ starts from the sample variance, which rounding leaves at ~1e-80 instead of 0.
            prop_assert!(re.tau2 < 1e-20, "{m}: tau2 = {}", re.tau2);
            prop_assert!((re.estimate - fe.estimate).abs() < 1e-12 && (re.se - fe.se).abs() < 1e-12, "{m}");
        }
    }

    #[test]
    fn whenever_an_estimator_gives_zero_the_fit_is_the_fixed_effect_fit(es in studies()) {
        let fe = fit(&es, &opts(Tau2Method::FE, Test::Z)).unwrap();
        for m in RE_METHODS {
            let re = fit(&es, &opts(m, Test::Z)).unwrap();
            if re.tau2 == 0.0 {
                prop_assert!((re.estimate - fe.estimate).abs() < 1e-12 && (re.ci_lower - fe.ci_lower).abs() < 1e-12, "{m}");
            }
        }
    }
}

/// A case found by proptest where Fisher scoring crawls towards τ² ≈ 0 and metafor 3.8-1 stops
/// with "Fisher scoring algorithm did not converge". We fall back to a bracketed root of the
/// REML score. Reference: metafor with `control = list(maxiter = 10000, threshold = 1e-12)`
/// gives τ² = 6.64e-14, estimate 0.0676871516392, se 0.279398987877.
#[test]
fn reml_converges_where_fisher_scoring_crawls() {
    let data = [
        (0.18723941922398693, 0.11767477275685562),
        (0.04344135557251189, 0.452922216693231),
        (1.1038504195561483, 0.9264361640685694),
        (-1.9629226943916849, 0.975849834777252),
    ];
    let es: Vec<EffectSize> = data
        .iter()
        .enumerate()
        .map(|(i, (y, v))| EffectSize::new(format!("s{i}"), *y, *v))
        .collect();
    let f = fit(&es, &opts(Tau2Method::REML, Test::Z)).unwrap();
    assert!(f.tau2 < 1e-8, "tau2 = {}", f.tau2);
    assert!(
        (f.estimate - 0.0676871516392).abs() < 1e-9,
        "{}",
        f.estimate
    );
    assert!((f.se - 0.279398987877).abs() < 1e-9, "{}", f.se);
}
