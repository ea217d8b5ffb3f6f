//! The one tolerance table of the metafor cross-checks (shared by every test file that
//! includes it with `mod tolerances;`).
//!
//! Agreement is required to `REL` relative error. Values that are zero or nearly zero (τ²
//! truncated at 0, estimates or slopes close to 0, p-values of ~1e-12) cannot be compared
//! relatively, so an absolute floor `ABS_FLOOR` applies: `|ours − metafor| ≤ max(REL·|metafor|, ABS_FLOOR)`.
#![allow(dead_code)]

/// Relative tolerance (the "1e-6 relative").
pub const REL: f64 = 1e-6;
/// Absolute floor for values near zero.
pub const ABS_FLOOR: f64 = 1e-9;

/// True when `ours` agrees with `reference` within the tolerances above.
pub fn close(ours: f64, reference: f64) -> bool {
    (ours - reference).abs() <= (REL * reference.abs()).max(ABS_FLOOR)
}
