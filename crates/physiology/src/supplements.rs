//! What the full model can be dosed with: the core's drugs, vitamin K by vitamer and vehicle,
//! and vitamin D3; with their units (docs/model/vitamin-k.md §2, §4).
//!
//! | agent | written as | dose unit | enters | amount held as |
//! |---|---|---|---|---|
//! | vitamin K1 / MK-4 / MK-7 | `k1`, `mk4`, `mk7`, optionally `:oil`, `:tablet`, `:food` | µg, mg, nmol … | gut depot of the vitamer | nmol × F(vehicle) |
//! | vitamin D3 | `d3` (`vitamin_d3`, `cholecalciferol`) | µg, mg, IU | `D3_pool` | µg |
//! | core drugs | `teriparatide`, `denosumab`, `calcium`, `calcitriol` | see the core | see the core | see the core |

use k2bone_units::{Dose, DoseUnit, Substance, Vitamer};

use crate::bone_health::{BoneHealthModel, ExtState};
use crate::dosing::{DoseError, Drug};
use crate::model::Inputs;
use crate::pk::Vehicle;
use crate::scalar::Scalar;

/// Something the full model can be dosed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    Core(Drug),
    VitaminK { vitamer: Vitamer, vehicle: Vehicle },
    VitaminD3,
}

const ACCEPTED: &str = "k1, mk4, mk7 (optionally :oil, :tablet or :food), d3, teriparatide, \
                        denosumab, calcium, calcitriol";

impl Agent {
    /// Parses `mk7`, `MK-7:tablet`, `k1:food`, `d3`, or a core drug name.
    pub fn parse(name: &str) -> Result<Agent, DoseError> {
        let (base, vehicle) = match name.split_once(':') {
            Some((b, v)) => (b, Some(v)),
            None => (name, None),
        };
        let unknown = || DoseError::UnknownDrug {
            name: name.to_string(),
            accepted: ACCEPTED.to_string(),
        };
        if let Ok(v) = base.parse::<Vitamer>() {
            if !matches!(v, Vitamer::K1 | Vitamer::Mk4 | Vitamer::Mk7) {
                return Err(DoseError::UnknownDrug {
                    name: name.to_string(),
                    accepted: format!("{ACCEPTED} (the model has PK for K1, MK-4 and MK-7 only)"),
                });
            }
            let vehicle = match vehicle {
                None => Vehicle::Oil,
                Some(s) => Vehicle::parse(s).ok_or_else(unknown)?,
            };
            return Ok(Agent::VitaminK {
                vitamer: v,
                vehicle,
            });
        }
        if vehicle.is_some() {
            return Err(unknown());
        }
        match base.trim().to_ascii_lowercase().as_str() {
            "d3" | "vitamin_d3" | "vitamind3" | "cholecalciferol" => Ok(Agent::VitaminD3),
            _ => Drug::parse(base).map(Agent::Core).map_err(|_| unknown()),
        }
    }

    /// Name for tables and CSV files.
    pub fn name(self) -> String {
        match self {
            Agent::Core(d) => d.name().to_string(),
            Agent::VitaminK { vitamer, vehicle } => {
                format!(
                    "{}:{}",
                    vitamer.key(),
                    serde_json::to_string(&vehicle)
                        .unwrap_or_default()
                        .trim_matches('"')
                )
            }
            Agent::VitaminD3 => "d3".to_string(),
        }
    }

    /// Converts an amount with its unit to the canonical amount (nmol of vitamer before
    /// bioavailability; µg of D3; the core's unit for core drugs).
    pub fn to_canonical(self, amount: f64, unit: &str) -> Result<f64, DoseError> {
        if !(amount.is_finite() && amount > 0.0) {
            return Err(DoseError::BadAmount { amount });
        }
        let dose = format!("{amount} {unit}").parse::<Dose>().ok();
        let bad_unit = |drug: &'static str, accepted: &str| DoseError::BadUnit {
            drug,
            unit: unit.to_string(),
            accepted: accepted.to_string(),
        };
        match self {
            Agent::Core(d) => d.to_canonical(amount, unit),
            Agent::VitaminK { vitamer, .. } => {
                let dose = dose
                    .filter(|d| d.unit != DoseUnit::Iu)
                    .ok_or_else(|| bad_unit("vitamin K", "ug (µg, mcg), mg, g, nmol, umol"))?;
                dose.to_nmol(Substance::Vitamer(vitamer))
                    .map_err(|_| bad_unit("vitamin K", "ug, mg, g, nmol, umol"))
            }
            Agent::VitaminD3 => {
                let dose =
                    dose.ok_or_else(|| bad_unit("vitamin D3", "ug (µg, mcg), mg, IU, nmol"))?;
                dose.to_ug(Substance::VitaminD3)
                    .map_err(|_| bad_unit("vitamin D3", "ug, mg, IU, nmol"))
            }
        }
    }
}

impl BoneHealthModel {
    /// The state an extension agent's dose enters and the fraction that reaches it; `None`
    /// for the core's drugs, which the core doses itself.
    fn depot(&self, agent: Agent) -> Option<(usize, f64)> {
        match agent {
            Agent::Core(_) => None,
            Agent::VitaminK { vitamer, vehicle } => {
                let gut = match vitamer {
                    Vitamer::K1 => ExtState::K1Gut,
                    Vitamer::Mk4 => ExtState::Mk4Gut,
                    _ => ExtState::Mk7Gut,
                };
                Some((gut.idx(), vehicle.relative_f(vitamer, self.k_params())))
            }
            Agent::VitaminD3 => Some((ExtState::D3Pool.idx(), 1.0)),
        }
    }

    /// Adds a bolus of `amount` (canonical unit) to the agent's depot.
    pub fn apply_bolus<T: Scalar>(&self, agent: Agent, amount: T, y: &mut [T]) {
        match (agent, self.depot(agent)) {
            (_, Some((i, f))) => y[i] += amount * f,
            (Agent::Core(d), None) => self.core().apply_bolus(d, amount, y),
            (_, None) => unreachable!("only core drugs have no extension depot"),
        }
    }

    /// Starts (rate > 0) or stops (rate < 0) a constant intake, canonical unit per hour.
    pub fn add_infusion(&self, agent: Agent, rate_per_h: f64, inputs: &mut Inputs) {
        match (agent, self.depot(agent)) {
            (_, Some((i, f))) => inputs.rates[i] += rate_per_h * f,
            (Agent::Core(d), None) => self.core().add_infusion(d, rate_per_h, inputs),
            (_, None) => unreachable!("only core drugs have no extension depot"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_agents_and_units() {
        let mk7 = Agent::parse("MK-7").unwrap();
        assert_eq!(
            mk7,
            Agent::VitaminK {
                vitamer: Vitamer::Mk7,
                vehicle: Vehicle::Oil
            }
        );
        // Sato 2012: 420 µg MK-7 = 647 nmol.
        assert!((mk7.to_canonical(420.0, "ug").unwrap() - 647.0).abs() < 1.0);
        assert_eq!(
            Agent::parse("d3")
                .unwrap()
                .to_canonical(1000.0, "IU")
                .unwrap(),
            25.0
        );
        assert!(matches!(
            Agent::parse("k1:food").unwrap(),
            Agent::VitaminK {
                vehicle: Vehicle::Food,
                ..
            }
        ));
        assert_eq!(
            Agent::parse("denosumab").unwrap(),
            Agent::Core(Drug::Denosumab)
        );
        assert!(Agent::parse("mk9")
            .unwrap_err()
            .to_string()
            .contains("K1, MK-4 and MK-7 only"));
        assert!(Agent::parse("mk7:syrup").is_err());
        assert!(mk7.to_canonical(100.0, "IU").is_err());
        assert!(mk7.to_canonical(-1.0, "ug").is_err());
    }
}
