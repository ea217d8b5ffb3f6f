//! # k2bone-calibration
//!
//! Calibration as code: targets read from `data/calibration/*.toml` (each a published number
//! with its source, tolerance and the regimen that produced it), simulated with the full model,
//! and fitted by least squares (Nelder–Mead from argmin, on log-parameters) group by group.
//!
//! | you want to … | use |
//! |---|---|
//! | read target files | [`TargetFile::from_toml_str`] |
//! | simulate one target | [`evaluate`] |
//! | fit a group | [`fit_group`] |

pub mod bone;
mod evaluate;
mod fit;
pub mod related;
mod targets;

pub use evaluate::{evaluate, Evaluation};
pub use fit::{fit_group, FitReport, MIN_IMPROVEMENT};
pub use targets::{Dosing, FitGroup, Measure, Target, TargetFile};

/// Errors of calibration.
#[derive(Debug, thiserror::Error)]
pub enum CalibrationError {
    #[error("{origin}: {message}")]
    Parse { origin: String, message: String },
    #[error("target `{target}`: {message}")]
    Target { target: String, message: String },
    #[error(transparent)]
    Model(#[from] k2bone_physiology::ModelError),
    #[error("target `{target}`: the solver failed: {source}")]
    Solver {
        target: String,
        source: k2bone_sim::SimError,
    },
    #[error("optimizer: {0}")]
    Optimizer(String),
}
