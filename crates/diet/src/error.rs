//! Errors of the diet crate. Each carries where (file, line, column) and what (the value and the
//! accepted range or the nearest valid names), so a user can fix the input without reading code.

use std::fmt;
use std::path::PathBuf;

/// One bad cell: its line in the file (1-based, the header is line 1), column, value and problem.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub line: usize,
    pub column: String,
    pub value: String,
    /// What is wrong and what is accepted.
    pub problem: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column `{}` = '{}': {}",
            self.line, self.column, self.value, self.problem
        )
    }
}

/// A food name the database does not know, with the nearest names it does know.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct UnknownFood {
    pub line: usize,
    pub name: String,
    pub suggestions: Vec<String>,
    /// Why a name is deliberately not mapped (too vague, not in SR28), from the curated list.
    pub note: Option<String>,
}

impl fmt::Display for UnknownFood {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: unknown food '{}'", self.line, self.name)?;
        if let Some(note) = &self.note {
            write!(f, " ({note})")?;
        }
        if self.suggestions.is_empty() {
            write!(f, " (no similar food; try `k2bone foods search`)")
        } else {
            f.write_str(&k2bone_units::fuzzy::did_you_mean(&self.suggestions))
        }
    }
}

fn list<T: fmt::Display>(items: &[T]) -> String {
    items.iter().map(|e| format!("\n  {e}")).collect::<String>()
}

/// Everything that can go wrong in the diet crate.
#[derive(Debug, thiserror::Error)]
pub enum DietError {
    #[error(transparent)]
    Store(#[from] k2bone_store::StoreError),
    #[error("food database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("shipped food data {file}:{line}: {message} (a bug in data/foods; please report it)")]
    SeedData {
        file: &'static str,
        line: usize,
        message: String,
    },
    #[error("{file}: {}{}", errors.len(), if errors.len() == 1 { " error:" } else { " errors (nothing was imported):" }.to_string() + &list(errors))]
    Rows {
        file: String,
        errors: Vec<FieldError>,
    },
    #[error("{file}: {message}")]
    Format { file: String, message: String },
    #[error("{file}: {} unknown food(s); nothing is dropped silently, fix the names or pass --skip-unknown:{}", unknown.len(), list(unknown))]
    UnknownFoods {
        file: String,
        unknown: Vec<UnknownFood>,
    },
    #[error("{file}: the diet log has no entries (a header and at least one row are needed)")]
    EmptyLog { file: String },
    #[error(
        "no food matches '{query}'{}",
        k2bone_units::fuzzy::did_you_mean(suggestions)
    )]
    NoSuchFood {
        query: String,
        suggestions: Vec<String>,
    },
    #[error("`{option}` = {value} is out of range (accepted: {accepted})")]
    BadOption {
        option: String,
        value: String,
        accepted: String,
    },
    #[error("no food plan reaches these targets:{}", list(reasons))]
    Infeasible { reasons: Vec<String> },
    #[error("the LP solver failed: {0}")]
    Solver(String),
}

impl DietError {
    /// True for errors the user causes and can fix by changing their input (the CLI exits 2).
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            DietError::Store(_)
                | DietError::Sqlite(_)
                | DietError::SeedData { .. }
                | DietError::Solver(_)
        )
    }
}
