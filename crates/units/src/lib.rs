//! Quantities, unit parsing and the vitamin K vitamers: the one place where molar masses and
//! unit conversions live.
//!
//! ```
//! use k2bone_units::{Dose, Substance, Vitamer};
//! let d: Dose = "180 ug".parse().unwrap();
//! assert_eq!(d.to_ug(Substance::Vitamer(Vitamer::Mk7)).unwrap(), 180.0);
//! let iu: Dose = "1000 IU".parse().unwrap();
//! assert_eq!(iu.to_ug(Substance::VitaminD3).unwrap(), 25.0);
//! ```

mod dose;
pub mod fuzzy;
mod vitamer;

pub use dose::{split_number, Dose, DoseUnit, UnitError};
pub use vitamer::{Substance, Vitamer, CALCIUM_G_PER_MOL};

/// Hours in a day.
pub const HOURS_PER_DAY: f64 = 24.0;
/// Hours in a 365-day year (literature rates "per year"; the CLI's `--years`). The core model
/// keeps its own 8736-h year (52 weeks) inside its parameters, as the spec does.
pub const HOURS_PER_YEAR: f64 = DAYS_PER_YEAR * HOURS_PER_DAY;
/// Days in a year: 365, the year of every k2bone input and output (scenario durations, ages,
/// fracture-risk horizons, plot axes).
pub const DAYS_PER_YEAR: f64 = 365.0;
/// Days in a month: a twelfth of [`DAYS_PER_YEAR`].
pub const DAYS_PER_MONTH: f64 = DAYS_PER_YEAR / 12.0;
