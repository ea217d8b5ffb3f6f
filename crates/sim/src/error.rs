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
    #[error("the solver failed at t = {t_h:.6} h (day {day:.3}): {message}\nstate there: {state}", day = t_h / 24.0, state = describe(names, state))]
    Solver {
        t_h: f64,
        message: String,
        state: Vec<f64>,
        names: Vec<&'static str>,
    },
    #[error("state `{name}` became non-finite at t = {t_h:.6} h (day {day:.3}); the model left its valid range\nstate there: {state}", day = t_h / 24.0, state = describe(names, state))]
    NonFinite {
        t_h: f64,
        name: &'static str,
        state: Vec<f64>,
        names: Vec<&'static str>,
    },
    #[error("output `{name}` is not finite at t = {t_h} h")]
    NonFiniteOutput { t_h: f64, name: String },
    #[error("more than {max_steps} solver steps by t = {t_h:.3} h; the problem may be too stiff for these tolerances")]
    TooManySteps { t_h: f64, max_steps: usize },
}

fn describe(names: &[&'static str], state: &[f64]) -> String {
    names
        .iter()
        .zip(state)
        .map(|(n, v)| format!("{n}={v:.6e}"))
        .collect::<Vec<_>>()
        .join(", ")
}
