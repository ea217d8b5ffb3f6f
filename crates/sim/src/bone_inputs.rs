//! The daily inputs of the calibrated bone response ([`k2bone_physiology::bone_response`]) read off
//! a full-model run: the core's osteoblasts and osteoclasts, the carboxylated osteocalcin fraction
//! and the MK-4 taken each day.

use k2bone_physiology::bone_response::BoneDay;
use k2bone_physiology::Agent;
use k2bone_units::{Vitamer, HOURS_PER_DAY};

use crate::dosing::DoseEvent;
use crate::trajectory::Trajectory;

/// Why a trajectory cannot feed the bone response.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoneInputError {
    #[error("the bone response needs daily samples from day 0; the trajectory has {0}")]
    NotDaily(String),
    #[error("the trajectory has no column `{0}` (a full-model run is needed)")]
    MissingColumn(&'static str),
}

/// One [`BoneDay`] per day of `trajectory`, which must be sampled every 24 h from t = 0 (the start
/// of treatment; a last sample off the daily grid, at the end of a run of whole months, is left
/// out). `doses` are the arm's doses (times from the same start).
pub fn bone_days(
    trajectory: &Trajectory,
    doses: &[DoseEvent<Agent>],
) -> Result<Vec<BoneDay>, BoneInputError> {
    let mut t = trajectory.times_h.as_slice();
    if t.len() > 1 {
        let last = t[t.len() - 1] / HOURS_PER_DAY;
        if (last - last.round()).abs() > 1e-6 {
            t = &t[..t.len() - 1];
        }
    }
    let daily = !t.is_empty()
        && t.iter()
            .enumerate()
            .all(|(i, &x)| (x - i as f64 * HOURS_PER_DAY).abs() < 1e-6);
    if !daily {
        return Err(BoneInputError::NotDaily(format!(
            "{} samples from {} h to {} h",
            t.len(),
            t.first().copied().unwrap_or(f64::NAN),
            t.last().copied().unwrap_or(f64::NAN)
        )));
    }
    let col = |name: &'static str| {
        trajectory
            .column(name)
            .ok_or(BoneInputError::MissingColumn(name))
    };
    let (ob, oc, f_oc) = (
        col("OBchange")?,
        col("OCchange")?,
        col("OC_carboxylated_fraction")?,
    );
    let mut mk4_mg = vec![0.0; t.len()];
    let mw = Vitamer::Mk4.molar_mass_g_per_mol();
    for d in doses {
        if let Agent::VitaminK {
            vitamer: Vitamer::Mk4,
            vehicle: _,
        } = d.drug
        {
            let day = (d.time_h / HOURS_PER_DAY).floor();
            if day >= 0.0 && (day as usize) < mk4_mg.len() {
                // nmol x g/mol = ng; 1e6 ng = 1 mg.
                mk4_mg[day as usize] += d.amount * mw / 1e6;
            }
        }
    }
    Ok((0..t.len())
        .map(|i| BoneDay {
            ob_rel: 1.0 + ob[i] / 100.0,
            oc_rel: 1.0 + oc[i] / 100.0,
            d_f_oc: f_oc[i] - f_oc[0],
            mk4_mg: mk4_mg[i],
        })
        .collect())
}
