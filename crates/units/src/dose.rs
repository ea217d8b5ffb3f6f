//! Amounts with their unit, parsed from text such as "180 ug", "45 mg", "1000 IU", "1.2 g".

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Substance;

/// A unit of amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum DoseUnit {
    Ug,
    Mg,
    G,
    /// International units (vitamin D only).
    Iu,
    Nmol,
    Umol,
    Mmol,
}

impl DoseUnit {
    /// The spellings accepted for each unit, for error messages.
    pub const ACCEPTED: &'static str = "ug (µg, mcg), mg, g, IU, nmol, umol (µmol), mmol";

    fn parse(s: &str) -> Option<DoseUnit> {
        let t = s.trim().replace('μ', "µ").to_lowercase();
        Some(match t.as_str() {
            "ug" | "µg" | "mcg" | "microgram" | "micrograms" => DoseUnit::Ug,
            "mg" | "milligram" | "milligrams" => DoseUnit::Mg,
            "g" | "gram" | "grams" => DoseUnit::G,
            "iu" => DoseUnit::Iu,
            "nmol" => DoseUnit::Nmol,
            "umol" | "µmol" => DoseUnit::Umol,
            "mmol" => DoseUnit::Mmol,
            _ => return None,
        })
    }

    /// The canonical spelling.
    pub fn symbol(self) -> &'static str {
        match self {
            DoseUnit::Ug => "ug",
            DoseUnit::Mg => "mg",
            DoseUnit::G => "g",
            DoseUnit::Iu => "IU",
            DoseUnit::Nmol => "nmol",
            DoseUnit::Umol => "umol",
            DoseUnit::Mmol => "mmol",
        }
    }
}

/// An amount with its unit, not yet tied to a substance. Always finite and ≥ 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Dose {
    pub value: f64,
    pub unit: DoseUnit,
}

/// Why an amount could not be read or converted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    #[error(
        "'{text}' is not an amount with a unit; write e.g. \"180 ug\", \"45 mg\", \"1000 IU\""
    )]
    Malformed { text: String },
    #[error("unknown unit '{unit}' in '{text}'; accepted: {}", DoseUnit::ACCEPTED)]
    UnknownUnit { text: String, unit: String },
    #[error("amount {value} in '{text}' must be a finite number ≥ 0")]
    OutOfRange { text: String, value: f64 },
    #[error("{substance} has no international unit; give its amount in ug, mg or g")]
    NoIu { substance: &'static str },
}

impl Dose {
    /// A dose, refusing negative or non-finite values.
    pub fn new(value: f64, unit: DoseUnit) -> Result<Dose, UnitError> {
        if !value.is_finite() || value < 0.0 {
            return Err(UnitError::OutOfRange {
                text: format!("{value} {}", unit.symbol()),
                value,
            });
        }
        Ok(Dose { value, unit })
    }

    /// The amount in µg of `substance`.
    pub fn to_ug(&self, substance: Substance) -> Result<f64, UnitError> {
        let mw = substance.molar_mass_g_per_mol();
        Ok(match self.unit {
            DoseUnit::Ug => self.value,
            DoseUnit::Mg => self.value * 1e3,
            DoseUnit::G => self.value * 1e6,
            DoseUnit::Iu => {
                let per_ug = substance.iu_per_ug().ok_or(UnitError::NoIu {
                    substance: substance.label(),
                })?;
                self.value / per_ug
            }
            // nmol × g/mol = ng
            DoseUnit::Nmol => self.value * mw * 1e-3,
            DoseUnit::Umol => self.value * mw,
            DoseUnit::Mmol => self.value * mw * 1e3,
        })
    }

    /// The amount in nmol of `substance`.
    pub fn to_nmol(&self, substance: Substance) -> Result<f64, UnitError> {
        Ok(self.to_ug(substance)? * 1e3 / substance.molar_mass_g_per_mol())
    }
}

/// Splits the leading number off `text` (`"180 ug daily"` → `(180.0, " ug daily")`, `"180ug"`
/// too); `None` when `text` does not start with a number. The one number-before-unit reader of
/// k2bone: doses here, durations, intakes and concentrations in scenario files.
pub fn split_number(text: &str) -> Option<(f64, &str)> {
    let t = text.trim();
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(t.len());
    let (num, rest) = t.split_at(end);
    num.parse().ok().map(|v| (v, rest))
}

impl FromStr for Dose {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let (value, unit) = split_number(text).ok_or_else(|| UnitError::Malformed {
            text: text.to_string(),
        })?;
        if unit.trim().is_empty() {
            return Err(UnitError::Malformed {
                text: text.to_string(),
            });
        }
        let unit = DoseUnit::parse(unit).ok_or_else(|| UnitError::UnknownUnit {
            text: text.to_string(),
            unit: unit.trim().to_string(),
        })?;
        Dose::new(value, unit).map_err(|_| UnitError::OutOfRange {
            text: text.to_string(),
            value,
        })
    }
}

impl fmt::Display for Dose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.unit.symbol())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vitamer;

    fn ug(s: &str, sub: Substance) -> f64 {
        s.parse::<Dose>().unwrap().to_ug(sub).unwrap()
    }

    #[test]
    fn parses_the_usual_spellings() {
        let k7 = Substance::Vitamer(Vitamer::Mk7);
        assert_eq!(ug("180 ug", k7), 180.0);
        assert_eq!(ug("180ug", k7), 180.0);
        assert_eq!(ug("180 µg", k7), 180.0);
        assert_eq!(ug("180 mcg", k7), 180.0);
        assert_eq!(ug("45 mg", Substance::Vitamer(Vitamer::Mk4)), 45_000.0);
        assert_eq!(ug("1.2 g", Substance::Calcium), 1.2e6);
        assert_eq!(ug("1000 IU", Substance::VitaminD3), 25.0);
        assert_eq!(ug("1e3 ug", k7), 1000.0);
        // 25 mmol of calcium = 1002 mg.
        assert!((ug("25 mmol", Substance::Calcium) - 1_001_950.0).abs() < 1e-6);
    }

    #[test]
    fn nmol_round_trip() {
        let k4 = Substance::Vitamer(Vitamer::Mk4);
        let nmol = "420 ug".parse::<Dose>().unwrap().to_nmol(k4).unwrap();
        let back = Dose::new(nmol, DoseUnit::Nmol).unwrap().to_ug(k4).unwrap();
        assert!((back - 420.0).abs() < 1e-9);
    }

    #[test]
    fn refuses_bad_amounts() {
        assert!(matches!(
            "-5 ug".parse::<Dose>(),
            Err(UnitError::OutOfRange { .. })
        ));
        assert!(matches!(
            "ug".parse::<Dose>(),
            Err(UnitError::Malformed { .. })
        ));
        assert!(matches!(
            "180".parse::<Dose>(),
            Err(UnitError::Malformed { .. })
        ));
        assert!(matches!(
            "NaN ug".parse::<Dose>(),
            Err(UnitError::Malformed { .. })
        ));
        let e = "180 furlongs".parse::<Dose>().unwrap_err();
        assert!(e.to_string().contains("furlongs") && e.to_string().contains("mcg"));
        let iu = "1000 IU".parse::<Dose>().unwrap();
        assert!(matches!(
            iu.to_ug(Substance::Vitamer(Vitamer::Mk7)),
            Err(UnitError::NoIu { .. })
        ));
    }
}
