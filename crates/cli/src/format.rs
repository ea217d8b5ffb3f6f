//! The one `--format` of every command: text for people, json for machines (the result type
//! serialised; schema in docs/schema/), csv where a command has a table.

use clap::ValueEnum;
use k2bone_app::{AppError, AppResult};
use serde::Serialize;

pub use k2bone_app::text::{csv_field, Csv};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
}

impl Format {
    /// Bad input for `csv` on a command that has no table.
    pub fn no_csv(self) -> AppResult<Format> {
        if self == Format::Csv {
            Err(AppError::bad_input(
                "--format csv is not available for this command (accepted: text, json)",
            ))
        } else {
            Ok(self)
        }
    }
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) -> AppResult<()> {
    let text = serde_json::to_string_pretty(value).map_err(AppError::failed)?;
    print_report(&format_args!("{text}\n"))
}

/// Prints a report (a result's `Display`) on stdout. A closed pipe (`| head`) ends the output
/// quietly instead of panicking.
pub fn print_report(report: &dyn std::fmt::Display) -> AppResult<()> {
    use std::io::Write;
    match write!(std::io::stdout().lock(), "{report}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(AppError::failed(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
