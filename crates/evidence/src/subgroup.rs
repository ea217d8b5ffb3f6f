//! Subgroup analysis: a separate model in each subgroup (same method and test), and the
//! between-subgroup test $Q_B = \sum_g (\hat\theta_g - \hat\theta_{FE})^2/SE_g^2$ on $G-1$ df,
//! i.e. the Q statistic of a fixed-effect meta-analysis of the subgroup estimates. This is
//! metafor's "separate fits" recipe:
//! `res <- lapply(split(dat, dat$grp), function(d) rma(yi, vi, data=d, method=...));`
//! `rma(sapply(res, coef), sei=sapply(res, function(r) r$se), method="FE")$QE`
//! (equal to the QM test of `rma(..., mods = ~ grp, method = "FE")` on those estimates).
//! The mixed-effects alternative with one pooled τ² is [`crate::meta_regression`] with a
//! categorical moderator. Subgroups are listed in order of first appearance.
//! Source: Borenstein et al. (2009) Introduction to Meta-Analysis, ch. 19; metafor 3.8-1.

use serde::{Deserialize, Serialize};

use crate::fit::{fit, FitOptions, MetaFit};
use crate::{dist, EffectSize, EvidenceError, Tau2Method};

/// One subgroup's pooled result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Subgroup {
    /// Subgroup label.
    pub name: String,
    /// Indices of its studies in the input.
    pub studies: Vec<usize>,
    /// Its model (a single study is reported as is, with τ² = 0).
    pub fit: MetaFit,
}

/// A subgroup analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubgroupAnalysis {
    /// Per-subgroup fits.
    pub subgroups: Vec<Subgroup>,
    /// Between-subgroup heterogeneity statistic.
    pub q_between: f64,
    /// Its df (number of subgroups − 1).
    pub q_between_df: usize,
    /// Its p-value.
    pub q_between_pvalue: f64,
}

fn single(e: &EffectSize, opts: &FitOptions) -> MetaFit {
    let se = e.vi.sqrt();
    let crit = dist::qnorm_upper(opts.alpha() / 2.0);
    let z = e.yi / se;
    MetaFit {
        k: 1,
        method: opts.method,
        test: opts.test,
        level: opts.level,
        estimate: e.yi,
        se,
        zval: z,
        pvalue: dist::pnorm_two_sided(z),
        ci_lower: e.yi - crit * se,
        ci_upper: e.yi + crit * se,
        pi_lower: None,
        pi_upper: None,
        tau2: 0.0,
        tau2_se: None,
        tau2_ci: None,
        i2: 0.0,
        h2: 1.0,
        q: 0.0,
        q_df: 0,
        q_pvalue: 1.0,
        df: None,
        weights_pct: vec![100.0],
        iterations: 0,
    }
}

/// Fits each subgroup (labels in `groups`, one per study) and tests the difference.
pub fn subgroups(
    effects: &[EffectSize],
    groups: &[String],
    opts: &FitOptions,
) -> Result<SubgroupAnalysis, EvidenceError> {
    if groups.len() != effects.len() {
        return Err(EvidenceError::Numerical(format!(
            "{} subgroup labels for {} studies",
            groups.len(),
            effects.len()
        )));
    }
    let mut names: Vec<&String> = Vec::new();
    for g in groups {
        if !names.contains(&g) {
            names.push(g);
        }
    }
    if names.len() < 2 {
        return Err(EvidenceError::TooFewStudies {
            what: "a subgroup comparison (subgroups)".into(),
            needed: 2,
            got: names.len(),
        });
    }
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let idx: Vec<usize> = (0..groups.len()).filter(|&i| &groups[i] == name).collect();
        let sub: Vec<EffectSize> = idx.iter().map(|&i| effects[i].clone()).collect();
        let f = if sub.len() == 1 {
            single(&sub[0], opts)
        } else {
            fit(&sub, opts)?
        };
        out.push(Subgroup {
            name: name.clone(),
            studies: idx,
            fit: f,
        });
    }
    let between: Vec<EffectSize> = out
        .iter()
        .map(|s| EffectSize::new(s.name.clone(), s.fit.estimate, s.fit.se * s.fit.se))
        .collect();
    let fe = fit(
        &between,
        &FitOptions {
            method: Tau2Method::FE,
            tau2_ci: false,
            ..*opts
        },
    )?;
    Ok(SubgroupAnalysis {
        q_between_df: out.len() - 1,
        subgroups: out,
        q_between: fe.q,
        q_between_pvalue: fe.q_pvalue,
    })
}
