//! # k2bone-evidence: a meta-analysis engine that agrees with metafor
//!
//! The vocabulary is metafor's (Viechtbauer 2010, J Stat Softw 36(3)): `escalc` turns study data
//! into effect sizes `yi` with sampling variances `vi`, and `rma`-style fits pool them. Every
//! estimator, test and interval is cross-checked against metafor 3.8-1 through `Rscript` in
//! `tests/metafor_crosscheck.rs` to 1e-6 relative (see `tests/tolerances.rs`).
//!
//! ## Choose a workflow
//!
//! | you have | you want | call |
//! |---|---|---|
//! | a CSV with metafor's column names | studies | [`read_csv`] → [`Dataset`] |
//! | means/SDs/ns, 2×2 counts, or `yi,vi` | effect sizes | [`escalc()`] with a [`Measure`] |
//! | effect sizes | pooled estimate, CI, PI, τ², I², H², Q, τ² CI | [`fit()`] with [`FitOptions`] ([`Tau2Method`], [`Test`]) |
//! | 2×2 tables | Mantel–Haenszel or Peto pooling | [`mantel_haenszel`], [`peto`] |
//! | effect sizes + a label per study | subgroup fits and the between-group Q | [`subgroups`] |
//! | effect sizes + moderators | meta-regression (coefficients, QM, residual τ²) | [`meta_regression`] with [`Moderator`]s |
//! | a fit | influence of single studies; evidence over time | [`leave_one_out`], [`cumulative`] |
//! | a fit | small-study effects | [`egger`] (metafor `regtest`), [`egger_lm`], [`trim_fill`] |
//! | any of the above | plots | `k2bone_report::forest`, `k2bone_report::funnel` (plain data in) |
//!
//! ```
//! use k2bone_evidence::{escalc, fit, FitOptions, Measure, StudyData, StudyRow, Tau2Method};
//! let rows: Vec<StudyRow> = [(0.10, 0.01), (0.30, 0.02), (0.25, 0.015)]
//!     .iter()
//!     .enumerate()
//!     .map(|(i, &(yi, vi))| StudyRow { study: format!("S{i}"), data: StudyData::Generic { yi, vi } })
//!     .collect();
//! let es = escalc(Measure::GEN, &rows)?;
//! let res = fit(&es, &FitOptions::new(Tau2Method::REML))?;
//! assert!(res.ci_lower < res.estimate && res.estimate < res.ci_upper);
//! # Ok::<(), k2bone_evidence::EvidenceError>(())
//! ```
//!
//! Ratio measures (OR, RR) stay on the log scale in every result, as metafor reports them;
//! back-transform with `exp` for display.

pub mod bias;
pub mod binary;
pub mod dist;
pub mod error;
pub mod escalc;
pub mod fit;
pub mod heterogeneity;
pub mod input;
pub mod metareg;
pub mod options;
pub mod sensitivity;
pub mod subgroup;
pub mod tau2;
pub mod wls;
pub mod zeroin;

pub use bias::{egger, egger_lm, trim_fill, EggerTest, TrimFill};
pub use binary::{mantel_haenszel, peto, BinaryFit};
pub use error::EvidenceError;
pub use escalc::{escalc, EffectSize, GroupMeans, StudyData, StudyRow, Table2x2};
pub use fit::{fit, FitOptions, MetaFit};
pub use heterogeneity::Tau2Ci;
pub use input::{read_csv, Dataset};
pub use metareg::{meta_regression, Coefficient, MetaRegression, Moderator};
pub use options::{Measure, Tau2Method, Test};
pub use sensitivity::{cumulative, leave_one_out, SensitivityRow};
pub use subgroup::{subgroups, Subgroup, SubgroupAnalysis};
