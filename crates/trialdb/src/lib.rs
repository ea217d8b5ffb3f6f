//! # k2bone-trialdb: the vitamin K trial database
//!
//! Published vitamin K trials as rows (one per study, outcome and time point, each with its
//! source and provenance), stored in the k2bone SQLite database, and turned into the studies of
//! one meta-analysis by documented rules. The statistics themselves are `k2bone-evidence`, which
//! knows nothing of this database.
//!
//! ## Choose a workflow
//!
//! | you want to … | call |
//! |---|---|
//! | read and validate a trials CSV | [`read_trials_csv`] → [`TrialRow`]s |
//! | open (and seed on first use) the database | [`trial_db::open_trials`] |
//! | import, list, show | [`trial_db::import_csv`], [`trial_db::list`], [`trial_db::study`] |
//! | the studies of one outcome, with the reason for each one left out | [`pooling::pool`] |
//! | re-run a published K2 meta-analysis | [`published::reproduce`] |

pub mod pooling;
pub mod published;
pub mod trial_db;
pub mod trial_error;
pub mod trials;

pub use trial_error::TrialError;
pub use trials::{read_trials_csv, TrialRow};
