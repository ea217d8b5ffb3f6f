//! Typed errors of the evidence engine. Every variant says where (row, column) and what
//! (the value and the accepted range), so the CLI can print it as is and exit with code 2.

use thiserror::Error;

/// Errors from reading study data, computing effect sizes and fitting models.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum EvidenceError {
    /// A value in a data row is outside its accepted range.
    #[error(
        "row {row} (study `{study}`), column `{column}`: {value} is not accepted ({accepted})"
    )]
    BadValue {
        /// 1-based data row (the header is row 0 of the data; CSV line = row + 1).
        row: usize,
        /// The study label of that row.
        study: String,
        /// Column name (metafor's argument name).
        column: String,
        /// The offending value as written.
        value: String,
        /// What would have been accepted.
        accepted: String,
    },
    /// A required column is absent.
    #[error("missing column `{column}` ({hint})")]
    MissingColumn {
        /// Column name.
        column: String,
        /// Which layouts are accepted.
        hint: String,
    },
    /// Two rows carry the same study label.
    #[error(
        "row {row}, column `study`: duplicate study name `{study}` (first used in row {first_row})"
    )]
    DuplicateStudy {
        /// Row of the second occurrence.
        row: usize,
        /// The label.
        study: String,
        /// Row of the first occurrence.
        first_row: usize,
    },
    /// Too few studies for the requested analysis.
    #[error("{what} needs at least {needed} studies, got {got}")]
    TooFewStudies {
        /// The analysis.
        what: String,
        /// Minimum number of studies.
        needed: usize,
        /// Number given.
        got: usize,
    },
    /// An option value that is not one of the accepted labels.
    #[error("unknown {what} `{value}` (available: {available})")]
    UnknownOption {
        /// Which option.
        what: String,
        /// The value given.
        value: String,
        /// The accepted labels.
        available: String,
    },
    /// The measure does not fit the data layout.
    #[error("measure {measure} needs {needs} columns, but the data are {layout}")]
    LayoutMismatch {
        /// The measure.
        measure: String,
        /// The columns it needs.
        needs: String,
        /// What was given.
        layout: String,
    },
    /// A numerical procedure failed (non-convergence, singular design).
    #[error("{0}")]
    Numerical(String),
    /// The CSV could not be read at all.
    #[error("{0}")]
    Csv(String),
}
