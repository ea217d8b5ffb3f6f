//! # k2bone-trials
//!
//! Virtual populations and virtual trials on the full k2bone model, solved by the fast path
//! ([`k2bone_sim::FastSimulator`]).
//!
//! | you want to … | use |
//! |---|---|
//! | read a trial file | [`TrialDesign::from_file`] |
//! | run it (or one shard of it) to a folder | [`run_trial`] with [`RunOptions`] |
//! | combine shards into the summary of one run | [`merge`] |
//! | summarise per-patient Parquet files | [`summarize`] |
//! | one patient | [`simulate_patient`] |
//!
//! **Two kinds of spread stay apart.** Between-patient variability (covariates, IIV) is drawn
//! inside a run; parameter uncertainty comes as [`ParameterDraw`]s (by default `draws`
//! posterior rows of the bone response, [`posterior_draws`]), each of which replays the same
//! patients (same seeds); draws that share the model's parameters share one ODE solve per
//! patient. Every row of the output carries its `draw_id`; summaries pool the draws per arm,
//! with the between-patient 95% CI (`ci95_*`) and, apart from it, the 2.5–97.5 % range over
//! draws of the arm mean and of the difference from control (`interval95_parameters_*`).
//!
//! **Reproducible.** A patient's randomness comes from their own stream (seed, patient id),
//! patients are simulated in fixed chunks, and shards are contiguous ranges of whole chunks, so
//! results do not depend on the thread count, and shards merged equal one run.

mod design;
mod output;
mod patient;
mod population;
mod run;
mod summary;

pub use design::{TrialDesign, DEFAULT_DRAWS, MAX_N_PER_ARM};
pub use output::{read_patients, PatientRow, OUTCOMES};
pub use patient::{
    patient_model, posterior_draws, simulate_patient, simulate_patient_draws, vka_inhibition_range,
    ParameterDraw, PatientModel, PatientResult, VisitOutcome,
};
pub use population::{
    parse_covariates, read_covariates, CovariateSource, Covariates, Dist, DrawnCovariates,
    IivParam, PatientDraw, Population,
};
pub use run::{merge, run_trial, RunOptions, RunOutput, Shard, CHUNK};
pub use summary::{
    summarize, welch, ArmSummary, DifferenceSummary, FailureReason, FractureSummary,
    OutcomeSummary, PatientFailure, RunMeta, TrialSummary,
};

/// What can go wrong reading, running or merging a trial.
#[derive(Debug, thiserror::Error)]
pub enum TrialError {
    #[error("{origin}: {message}")]
    Parse { origin: String, message: String },
    #[error("{origin}: `{field}`: {message}")]
    Field {
        origin: String,
        field: String,
        message: String,
    },
    #[error("{origin}:{line}: {message}")]
    Csv {
        origin: String,
        line: usize,
        message: String,
    },
    #[error(transparent)]
    Scenario(#[from] k2bone_scenario::ScenarioError),
    #[error("population: {0}")]
    Population(String),
    #[error("patient {patient} (arm `{arm}`, draw {draw}): {message}")]
    Patient {
        patient: u64,
        arm: String,
        draw: u32,
        message: String,
    },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{path}: {message}")]
    Data { path: String, message: String },
    #[error("merge: {0}")]
    Merge(String),
    #[error("cancelled")]
    Cancelled,
}
