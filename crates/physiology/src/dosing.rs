//! Doses of the core model's drugs and where they enter (spec §6).
//!
//! | drug | dose unit | enters | conversion and bioavailability |
//! |---|---|---|---|
//! | teriparatide (SC) | µg | `TERISC` (pmol) | pmol = µg · 1e6 / 4117.8 (molar mass, spec §6) · `TERIF` |
//! | denosumab (SC) | mg | `DENSC` (ng) | ng = mg · 1e6 · `DENF` (spec §6) |
//! | calcium (oral) | mg elemental | `T` (mmol) | mmol = mg / 40.078 (IUPAC standard atomic weight of Ca) · `T85` at dose time (spec §6: `T85` is oral Ca bioavailability, "F11"); k2bone extension |
//! | calcitriol (IV-like) | µg | `B` (pmol) | pmol = µg · 1e6 / 416.64 (C27H44O3, PubChem CID 5280453); k2bone extension |
//!
//! An infusion of oral calcium raises `OralCa` for its duration (so `T85` applies as to diet
//! calcium); other infusions add a constant rate to their target state.

use crate::model::{CalciumBoneModel, Inputs};
use crate::scalar::Scalar;
use crate::states::StateId;
use k2bone_units::CALCIUM_G_PER_MOL;

/// Molar mass of calcitriol (1,25-dihydroxyvitamin D3, C27H44O3), g/mol (PubChem CID 5280453).
pub const CALCITRIOL_G_PER_MOL: f64 = 416.64;

/// A drug the core model can be dosed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Drug {
    Teriparatide,
    Denosumab,
    Calcium,
    Calcitriol,
}

/// A dose that cannot be understood.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DoseError {
    #[error("unknown drug `{name}` (accepted: {accepted})")]
    UnknownDrug { name: String, accepted: String },
    #[error("unit `{unit}` is not accepted for {drug} (accepted: {accepted})")]
    BadUnit {
        drug: &'static str,
        unit: String,
        accepted: String,
    },
    #[error("amount {amount} is out of range (accepted: a finite number > 0)")]
    BadAmount { amount: f64 },
}

impl Drug {
    pub const ALL: [Drug; 4] = [
        Drug::Teriparatide,
        Drug::Denosumab,
        Drug::Calcium,
        Drug::Calcitriol,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Drug::Teriparatide => "teriparatide",
            Drug::Denosumab => "denosumab",
            Drug::Calcium => "calcium",
            Drug::Calcitriol => "calcitriol",
        }
    }

    /// Parses a drug name (case-insensitive; `pth` is teriparatide).
    pub fn parse(name: &str) -> Result<Drug, DoseError> {
        let lower = name.trim().to_lowercase();
        let found = match lower.as_str() {
            "pth" | "pth1-34" => Some(Drug::Teriparatide),
            _ => Drug::ALL.into_iter().find(|d| d.name() == lower),
        };
        found.ok_or_else(|| DoseError::UnknownDrug {
            name: name.to_string(),
            accepted: Drug::ALL.map(Drug::name).join(", "),
        })
    }

    /// The unit amounts are held in after parsing.
    pub fn canonical_unit(self) -> &'static str {
        match self {
            Drug::Teriparatide | Drug::Calcitriol => "ug",
            Drug::Denosumab | Drug::Calcium => "mg",
        }
    }

    /// Converts `amount` in `unit` to the canonical unit, refusing units of another kind.
    pub fn to_canonical(self, amount: f64, unit: &str) -> Result<f64, DoseError> {
        if !(amount.is_finite() && amount > 0.0) {
            return Err(DoseError::BadAmount { amount });
        }
        let unit_l = unit.trim().to_lowercase();
        let factor_to_ug = match unit_l.as_str() {
            "ug" | "µg" | "μg" | "mcg" => Some(1.0),
            "mg" => Some(1e3),
            "g" => Some(1e6),
            _ => None,
        };
        let accepted = "ug (µg, mcg), mg, g".to_string();
        match factor_to_ug {
            Some(f) => {
                let ug = amount * f;
                Ok(match self.canonical_unit() {
                    "ug" => ug,
                    _ => ug / 1e3,
                })
            }
            None => Err(DoseError::BadUnit {
                drug: self.name(),
                unit: unit.to_string(),
                accepted,
            }),
        }
    }

    /// The state a bolus of this drug is added to.
    pub fn target(self) -> StateId {
        match self {
            Drug::Teriparatide => StateId::TERISC,
            Drug::Denosumab => StateId::DENSC,
            Drug::Calcium => StateId::T,
            Drug::Calcitriol => StateId::B,
        }
    }
}

impl CalciumBoneModel {
    /// Amount (in the target state's unit) that one unit of the drug's canonical amount puts
    /// into its target state, at state `y` (calcium depends on `R` through `T85`).
    pub fn dose_factor<T: Scalar>(&self, drug: Drug, y: &[T]) -> T {
        let p = self.params();
        match drug {
            Drug::Teriparatide => T::from(1e6 / p.teriparatide.MW_g_per_mol * p.teriparatide.TERIF),
            Drug::Denosumab => T::from(1e6 * p.denosumab.DENF),
            Drug::Calcium => {
                let c = &p.calcium;
                let r = y[StateId::R.idx()];
                let t85 = r.powf(c.T80) * c.T77 / (r.powf(c.T80) + c.T81.powf(c.T80));
                t85 / CALCIUM_G_PER_MOL
            }
            Drug::Calcitriol => T::from(1e6 / CALCITRIOL_G_PER_MOL),
        }
    }

    /// Adds a bolus of `amount` (canonical unit) to the state vector.
    /// Generic over [`Scalar`] so that the SBML export traces it into its dose events.
    pub fn apply_bolus<T: Scalar>(&self, drug: Drug, amount: T, y: &mut [T]) {
        let add = amount * self.dose_factor(drug, y);
        y[drug.target().idx()] += add;
    }

    /// Starts (positive `rate_per_h`) or stops (negative) an infusion, canonical unit per hour.
    pub fn add_infusion(&self, drug: Drug, rate_per_h: f64, inputs: &mut Inputs) {
        match drug {
            // Continuous oral calcium is extra intake, scaled by T85 in the RHS like diet Ca.
            Drug::Calcium => inputs.oral_ca_mmol_per_h += rate_per_h / CALCIUM_G_PER_MOL,
            _ => {
                let factor = self.dose_factor(drug, self.baseline());
                inputs.rates[drug.target().idx()] += rate_per_h * factor;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teriparatide_20ug_is_the_spec_amount() {
        let m = CalciumBoneModel::default();
        let pmol = 20.0 * m.dose_factor(Drug::Teriparatide, &m.initial_state());
        assert!((pmol - 4856.962).abs() < 1e-3, "{pmol}"); // spec §6: 20 µg ⇒ 4856.962 pmol
    }

    #[test]
    fn units_are_parsed_and_wrong_kinds_refused() {
        assert_eq!(Drug::Denosumab.to_canonical(60.0, "mg"), Ok(60.0));
        assert_eq!(Drug::Teriparatide.to_canonical(0.02, "mg"), Ok(20.0));
        assert_eq!(Drug::Calcium.to_canonical(1.2, "g"), Ok(1200.0));
        assert!(matches!(
            Drug::Calcium.to_canonical(1.0, "IU"),
            Err(DoseError::BadUnit { .. })
        ));
        assert!(matches!(
            Drug::Calcium.to_canonical(-1.0, "mg"),
            Err(DoseError::BadAmount { .. })
        ));
        assert!(Drug::parse("aspirin")
            .unwrap_err()
            .to_string()
            .contains("denosumab"));
        assert_eq!(Drug::parse("PTH"), Ok(Drug::Teriparatide));
    }
}
