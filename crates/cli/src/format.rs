//! The one `--format` of every command: text for people, json for machines (the result type
//! serialised; schema in docs/schema/), csv where a command has a table.

use clap::ValueEnum;
use k2bone_app::{AppError, AppResult};
use serde::Serialize;

pub use k2bone_app::text::{cell, csv_field, truncate, Csv};

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
    println!("{text}");
    Ok(())
}
