//! Calibration of the bone response (issue 10): targets with their designs, the design runs, the
//! MCMC posterior, and predictions with intervals for `validate`, scenarios and reports.

pub mod design;
pub mod posterior;
pub mod sampler;
pub mod targets;

pub use design::{run_design, run_designs, shipped_design_dir, BoneArm, DesignRun};
pub use posterior::{
    evaluate_target, predict, quantile, BoneFit, BoneFitResult, Posterior, TargetResult,
};
pub use targets::{BoneFitSettings, BoneMeasure, BoneTarget, Prior, Qualitative, TargetSite};
