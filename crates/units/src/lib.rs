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
mod vitamer;

pub use dose::{Dose, DoseUnit, UnitError};
pub use vitamer::{Substance, Vitamer};

/// Hours in a day.
pub const HOURS_PER_DAY: f64 = 24.0;
/// Hours in a 365-day year (literature rates "per year"; the CLI's `--years`). The core model
/// keeps its own 8736-h year (52 weeks) inside its parameters, as the spec does.
pub const HOURS_PER_YEAR: f64 = 365.0 * HOURS_PER_DAY;
