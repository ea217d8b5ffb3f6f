//! Typed errors of the trial database: reading trial CSVs, importing them, querying, and the
//! published-analysis targets. Each says where (file, row, CSV line, column) and what (the value
//! and what would be accepted).

use thiserror::Error;

/// Errors of the trial database and the published targets.
#[derive(Debug, Error)]
pub enum TrialError {
    /// A cell outside its accepted range.
    #[error("{file}: row {row} (line {line}), column `{column}`: {value:?} is not accepted ({accepted})")]
    BadValue {
        /// Input name.
        file: String,
        /// 1-based data row.
        row: usize,
        /// CSV line (header = line 1).
        line: usize,
        /// Column name.
        column: String,
        /// The value as written.
        value: String,
        /// What would be accepted.
        accepted: String,
    },
    /// A required column is absent.
    #[error("{file}: missing column `{column}` (required columns: {})", crate::trials::REQUIRED_COLUMNS.join(", "))]
    MissingColumn {
        /// Input name.
        file: String,
        /// The column.
        column: String,
    },
    /// A column that is not part of the trial layout (likely a typo).
    #[error("{file}: unknown column `{column}` (accepted: {}, {})", crate::trials::REQUIRED_COLUMNS.join(", "), crate::trials::OPTIONAL_COLUMNS.join(", "))]
    UnknownColumn {
        /// Input name.
        file: String,
        /// The column.
        column: String,
    },
    /// The same (study_id, outcome, timepoint_months) twice in one file.
    #[error("{file}: row {row} (line {line}), columns `study_id,outcome,timepoint_months`: duplicate trial row {key} (first in row {first_row})")]
    Duplicate {
        /// Input name.
        file: String,
        /// Row of the second occurrence.
        row: usize,
        /// Its CSV line.
        line: usize,
        /// study/outcome/time point.
        key: String,
        /// Row of the first occurrence.
        first_row: usize,
    },
    /// The row is already in the database.
    #[error("{file}: row {row} (line {line}), columns `study_id,outcome,timepoint_months`: trial row {key} is already in the database ({origin} data); nothing was imported")]
    AlreadyInDatabase {
        /// Input name.
        file: String,
        /// Row.
        row: usize,
        /// CSV line.
        line: usize,
        /// study/outcome/time point.
        key: String,
        /// `shipped` or `user`.
        origin: String,
    },
    /// The CSV cannot be parsed at that line.
    #[error("{file}: line {line}: {message}")]
    Csv {
        /// Input name.
        file: String,
        /// CSV line.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// No data rows.
    #[error("{file}: no data rows")]
    Empty {
        /// Input name.
        file: String,
    },
    /// An unknown study id.
    #[error("no study `{study_id}` in the trial database (known: {known})")]
    UnknownStudy {
        /// The id asked for.
        study_id: String,
        /// The ids in the database.
        known: String,
    },
    /// An unknown published analysis.
    #[error("no published analysis `{name}` (available: {available})")]
    UnknownAnalysis {
        /// The name asked for.
        name: String,
        /// The names known.
        available: String,
    },
    /// The published-analysis file is malformed.
    #[error("{file}: {message}")]
    Published {
        /// Input name.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// Opening or migrating the database.
    #[error(transparent)]
    Store(#[from] k2bone_store::StoreError),
    /// A database query.
    #[error("trial database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The meta-analysis engine.
    #[error(transparent)]
    Evidence(#[from] k2bone_evidence::EvidenceError),
}
