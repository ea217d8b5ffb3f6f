//! One error type for every use case, with the one classification that decides how a face
//! reports it: [`ErrorKind::BadInput`] (the user can fix their input; the CLI exits 2, the web
//! answers 400), [`ErrorKind::RunFailed`] (solver, I/O, database; exit 1, HTTP 500) or
//! [`ErrorKind::Cancelled`]. Each lower crate's error is classified here, once, in its `From`.

use std::fmt;

use serde::Serialize;

/// What kind of failure an [`AppError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Arguments, files or values the user can fix.
    BadInput,
    /// The run failed: solver, I/O, database, numerics.
    RunFailed,
    /// The caller cancelled the run.
    Cancelled,
}

/// A use case's error: its kind and its full message (context first, cause last).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
}

/// The result of a use case.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// An error in the user's input.
    pub fn bad_input(message: impl fmt::Display) -> AppError {
        AppError {
            kind: ErrorKind::BadInput,
            message: message.to_string(),
        }
    }

    /// A failed run.
    pub fn failed(message: impl fmt::Display) -> AppError {
        AppError {
            kind: ErrorKind::RunFailed,
            message: message.to_string(),
        }
    }

    /// True when the user can fix the input.
    pub fn is_bad_input(&self) -> bool {
        self.kind == ErrorKind::BadInput
    }

    /// Prefixes `context` ("simulating `x`: …"), keeping the kind.
    pub fn context(self, context: impl fmt::Display) -> AppError {
        AppError {
            kind: self.kind,
            message: format!("{context}: {}", self.message),
        }
    }
}

/// `.context(...)` on any result whose error converts into an [`AppError`].
pub trait Context<T> {
    fn context(self, context: impl fmt::Display) -> AppResult<T>;
}

impl<T, E: Into<AppError>> Context<T> for Result<T, E> {
    fn context(self, context: impl fmt::Display) -> AppResult<T> {
        self.map_err(|e| e.into().context(context))
    }
}

/// Reads a user's file: a missing or unreadable file is bad input.
pub fn read_input(path: &std::path::Path) -> AppResult<String> {
    std::fs::read_to_string(path)
        .map_err(|e| AppError::bad_input(format!("cannot read {}: {e}", path.display())))
}

/// Writes an output file: a failure is a failed run.
pub fn write_output(path: &std::path::Path, contents: impl AsRef<[u8]>) -> AppResult<()> {
    std::fs::write(path, contents)
        .map_err(|e| AppError::failed(format!("cannot write {}: {e}", path.display())))
}

/// Creates an output directory.
pub fn create_dir(path: &std::path::Path) -> AppResult<()> {
    std::fs::create_dir_all(path)
        .map_err(|e| AppError::failed(format!("cannot create {}: {e}", path.display())))
}

macro_rules! classify {
    ($($ty:ty => |$e:ident| $bad:expr;)+) => {
        $(impl From<$ty> for AppError {
            fn from($e: $ty) -> AppError {
                let bad: bool = $bad;
                let message = $e.to_string();
                if bad { AppError::bad_input(message) } else { AppError::failed(message) }
            }
        })+
    };
}

classify! {
    k2bone_scenario::ScenarioError => |e| true;
    k2bone_physiology::ModelError => |e| true;
    k2bone_sim::DoseTableError => |e| true;
    k2bone_results::ResultsError => |e| false;
    k2bone_store::StoreError => |e| false;
    k2bone_report::forest::PlotError => |e| false;
    k2bone_diet::DietError => |e| e.is_bad_input();
    k2bone_evidence::EvidenceError => |e| !matches!(e, k2bone_evidence::EvidenceError::Numerical(_));
    k2bone_trialdb::TrialError => |e| !matches!(
        e,
        k2bone_trialdb::TrialError::Store(_)
            | k2bone_trialdb::TrialError::Sqlite(_)
            | k2bone_trialdb::TrialError::Evidence(k2bone_evidence::EvidenceError::Numerical(_))
    );
    k2bone_calibration::CalibrationError => |e| matches!(
        e,
        k2bone_calibration::CalibrationError::Parse { .. }
            | k2bone_calibration::CalibrationError::Target { .. }
            | k2bone_calibration::CalibrationError::Model(_)
    );
    serde_json::Error => |e| false;
    std::io::Error => |e| false;
    k2bone_report::columnar::ParquetError => |e| false;
}

impl From<k2bone_sim::SimError> for AppError {
    fn from(e: k2bone_sim::SimError) -> AppError {
        AppError {
            kind: if e.is_cancelled() {
                ErrorKind::Cancelled
            } else {
                ErrorKind::RunFailed
            },
            message: e.to_string(),
        }
    }
}
