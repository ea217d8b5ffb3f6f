//! Simulation errors: each says when it happened and, for solver failures, the state there.

/// Why a simulation did not produce a trajectory.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    #[error("bad output grid: {0}")]
    BadGrid(String),
    #[error("bad solver settings: {0}")]
    BadSettings(String),
    #[error("could not set up the solver: {0}")]
    Setup(String),
    #[error("the solver failed at t = {t_h:.6} h (day {day:.3}): {message}\nlikely cause: {STIFF_CAUSE}\nstate there: {state}", day = t_h / 24.0, state = describe(names, state))]
    Solver {
        t_h: f64,
        message: String,
        state: Vec<f64>,
        names: Vec<&'static str>,
    },
    #[error("state `{name}` became non-finite at t = {t_h:.6} h (day {day:.3}); the model left its valid range\nlikely cause: {RANGE_CAUSE}\nstate there: {state}", day = t_h / 24.0, state = describe(names, state))]
    NonFinite {
        t_h: f64,
        name: &'static str,
        state: Vec<f64>,
        names: Vec<&'static str>,
    },
    #[error("output `{name}` is not finite at t = {t_h} h")]
    NonFiniteOutput { t_h: f64, name: String },
    #[error("more than {max_steps} solver steps by t = {t_h:.3} h; the problem may be too stiff for these tolerances\nlikely cause: {STIFF_CAUSE}")]
    TooManySteps { t_h: f64, max_steps: usize },
    #[error("cancelled at t = {t_h:.3} h")]
    Cancelled { t_h: f64 },
    /// A failure of one arm of a multi-arm run.
    #[error("arm `{arm}`: {source}")]
    InArm { arm: String, source: Box<SimError> },
}

/// What usually makes the stiff solver fail or stall on these models.
const STIFF_CAUSE: &str = "tolerances too tight for a stiff stretch (try --rtol 1e-6), or a \
dose or parameter far outside its documented range that drives a state towards zero or infinity";
/// What usually drives a state non-finite.
const RANGE_CAUSE: &str = "a dose or parameter far outside its documented range (check the \
units of the regimen and of any parameter file)";

impl SimError {
    /// The error as a failure of arm `arm`.
    pub fn in_arm(self, arm: &str) -> SimError {
        SimError::InArm {
            arm: arm.to_string(),
            source: Box::new(self),
        }
    }

    /// True when the run was cancelled rather than failed.
    pub fn is_cancelled(&self) -> bool {
        match self {
            SimError::Cancelled { .. } => true,
            SimError::InArm { source, .. } => source.is_cancelled(),
            _ => false,
        }
    }
}

fn describe(names: &[&'static str], state: &[f64]) -> String {
    names
        .iter()
        .zip(state)
        .map(|(n, v)| format!("{n}={v:.6e}"))
        .collect::<Vec<_>>()
        .join(", ")
}
