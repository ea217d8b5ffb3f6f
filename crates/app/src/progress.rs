//! How a long run tells its caller how far it is, and how the caller stops it. [`Progress`] is
//! an observer (argmin's idea): the terminal bar of the CLI, the server-sent events of the web
//! app and [`Silent`] are its implementations. [`Cancel`] is a flag the caller sets; runs check
//! it between steps and stop with [`crate::ErrorKind::Cancelled`].

use std::sync::atomic::{AtomicBool, Ordering};

use crate::{AppError, AppResult, ErrorKind};

/// Observer of a long run. Called often and from several threads: keep it cheap.
pub trait Progress: Sync {
    /// `fraction` (0…1) of `task` is done.
    fn update(&self, task: &str, fraction: f64);
}

/// Reports nothing (tests, scripts, `--quiet`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn update(&self, _task: &str, _fraction: f64) {}
}

/// A cancel flag shared between a run and whoever may stop it.
#[derive(Debug, Default)]
pub struct Cancel(AtomicBool);

impl Cancel {
    /// A flag that is not set.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks the run to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once the flag is set.
    pub fn check(&self) -> AppResult<()> {
        if self.is_cancelled() {
            Err(AppError {
                kind: ErrorKind::Cancelled,
                message: "cancelled".into(),
            })
        } else {
            Ok(())
        }
    }
}
