//! The INR model's inputs (anchor, doses, antagonist) and the model itself: parameters, vitamer
//! PK constants, read-out table, the steady-state prediction, and the exact propagators the
//! course advances with.

use k2bone_units::{Vitamer, HOURS_PER_DAY};
use serde::Serialize;

use super::expm::{apply, expm, M4};
use super::params::{InrParamFile, InrParams};
use super::readout::InrTable;
use super::{bad, InrError, DISCLAIMER};
use crate::kparams::{KParamFile, KParams};
use crate::pk::{Vehicle, VitamerPk, PK_VITAMERS};

/// Grid step, h.
pub const STEP_H: f64 = 0.25;
/// Longest course, h (two years).
pub const MAX_HOURS: f64 = 2.0 * 365.0 * HOURS_PER_DAY;
/// Largest accepted amount of one dose or one daily intake, µg (as the diet log's dose range).
pub const MAX_UG: f64 = 100_000.0;
/// Accepted warfarin daily dose, mg (exclusive lower bound).
pub const WARFARIN_MG_RANGE: (f64, f64) = (0.0, 50.0);

/// One oral vitamin K dose.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct VkDose {
    pub time_h: f64,
    pub vitamer: Vitamer,
    pub ug: f64,
    pub vehicle: Vehicle,
}

/// A steady daily intake of one vitamer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct VkDaily {
    pub vitamer: Vitamer,
    pub ug_per_day: f64,
    pub vehicle: Vehicle,
}

impl VkDaily {
    /// The mean daily intake per vitamer and vehicle of the doses in `[from_h, to_h)`, over
    /// `(to_h - from_h) / 24` days: a usual diet taken from a stretch of a log (e.g. its first
    /// week, or all of it).
    pub fn mean_of(doses: &[VkDose], from_h: f64, to_h: f64) -> Vec<VkDaily> {
        let days = (to_h - from_h) / HOURS_PER_DAY;
        let mut out: Vec<VkDaily> = Vec::new();
        if !(days.is_finite() && days > 0.0) {
            return out;
        }
        for d in doses
            .iter()
            .filter(|d| d.time_h >= from_h && d.time_h < to_h)
        {
            match out
                .iter_mut()
                .find(|u| u.vitamer == d.vitamer && u.vehicle == d.vehicle)
            {
                Some(u) => u.ug_per_day += d.ug / days,
                None => out.push(VkDaily {
                    vitamer: d.vitamer,
                    ug_per_day: d.ug / days,
                    vehicle: d.vehicle,
                }),
            }
        }
        out
    }
}

/// What the person's stable INR was measured on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anchor {
    /// Stable INR on the usual diet and the usual anticoagulant dose.
    pub inr: f64,
    /// The usual diet's vitamin K (empty = the doses are all extra to an unknown usual diet).
    pub usual: Vec<VkDaily>,
}

/// How the vitamin K antagonist enters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Vka {
    /// The dose stays as it was when the anchor INR was measured: constant mean inhibition, so
    /// the drug's identity drops out (warfarin, acenocoumarol, phenprocoumon alike).
    Unchanged,
    /// Warfarin through Wajima's PK: the anchor INR was measured at `anchor_mg_per_day`; day *d*
    /// of the course takes `daily_mg[d]` (the anchor dose after the list ends) at `hour`.
    Warfarin {
        anchor_mg_per_day: f64,
        daily_mg: Vec<f64>,
        hour: f64,
    },
}

/// The INR a steady daily intake settles at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SteadyInr {
    pub inr: f64,
    pub inr_low: f64,
    pub inr_high: f64,
    /// Hepatic supply relative to the usual diet's.
    pub supply_ratio: f64,
    pub capped: bool,
    pub disclaimer: &'static str,
}

/// The inhibition of vitamin K recycling implied by a stable INR, for the bone model's
/// `vka_inhibition`: 1 − f₀, taking the usual diet to supply Wajima's baseline vitamin K
/// (docs/model/inr.md §5; assumption A-inr-13).
pub fn derived_vka_inhibition(table: &InrTable, inr: f64) -> Result<f64, InrError> {
    Ok(1.0 - table.fraction(inr)?)
}

/// The INR model: its parameters, the vitamer PK constants and the read-out table.
#[derive(Debug, Clone)]
pub struct InrModel {
    pub(super) p: InrParams,
    pub(super) k: KParams,
    pub(super) table: InrTable,
}

impl Default for InrModel {
    fn default() -> Self {
        InrModel::new(
            InrParamFile::shipped().params,
            KParamFile::shipped().params,
            InrTable::shipped(),
        )
        .expect("shipped INR parameters are valid")
    }
}

/// Grid index of a time.
pub(super) fn grid(t_h: f64) -> usize {
    (t_h / STEP_H).round() as usize
}

impl InrModel {
    pub fn new(p: InrParams, k: KParams, table: InrTable) -> Result<InrModel, InrError> {
        p.validate()?;
        k.validate().map_err(|e| InrError::Parse {
            origin: "vitamin K PK parameters".into(),
            message: e.to_string(),
        })?;
        Ok(InrModel { p, k, table })
    }

    pub fn params(&self) -> &InrParams {
        &self.p
    }

    pub fn table(&self) -> &InrTable {
        &self.table
    }

    /// The vitamer PK constants the model uses.
    pub fn k_params(&self) -> &KParams {
        &self.k
    }

    /// Potency per µg relative to K1 (1 for K1), `None` for vitamers without PK compartments.
    pub fn potency(&self, v: Vitamer) -> Option<f64> {
        match v {
            Vitamer::K1 => Some(1.0),
            Vitamer::Mk4 => Some(self.p.mk4_per_ug),
            Vitamer::Mk7 => Some(self.p.mk7_per_ug),
            _ => None,
        }
    }

    pub(super) fn pk_index(v: Vitamer) -> Option<usize> {
        PK_VITAMERS.iter().position(|x| *x == v)
    }

    pub(super) fn check_anchor(&self, anchor: &Anchor) -> Result<f64, InrError> {
        let f0 = self.table.fraction(anchor.inr).map_err(|_| {
            let (lo, _) = self.table.inr_range();
            bad(
                "anchor INR",
                anchor.inr,
                format!("{lo} < INR <= 6 (a stable INR measured on a vitamin K antagonist)"),
            )
        })?;
        if anchor.inr > 6.0 {
            return Err(bad(
                "anchor INR",
                anchor.inr,
                "1 < INR <= 6 (a stable INR measured on a vitamin K antagonist)",
            ));
        }
        for (i, u) in anchor.usual.iter().enumerate() {
            if !(u.ug_per_day.is_finite() && u.ug_per_day >= 0.0 && u.ug_per_day <= MAX_UG) {
                return Err(bad(
                    format!("usual intake {} ({})", i + 1, u.vitamer),
                    u.ug_per_day,
                    format!("0 … {MAX_UG} µg/day"),
                ));
            }
        }
        Ok(f0)
    }

    /// Absorbed µg/day of the usual diet per PK vitamer.
    pub(super) fn absorbed_daily(&self, intake: &[VkDaily]) -> [f64; 3] {
        let mut out = [0.0; 3];
        for u in intake {
            if let Some(i) = Self::pk_index(u.vitamer) {
                out[i] += u.ug_per_day * u.vehicle.relative_f(u.vitamer, &self.k);
            }
        }
        out
    }

    /// Supply ratio R for an excess of `excess_ug_day` (steady-intake equivalents per vitamer).
    pub(super) fn supply_ratio(&self, excess_ug_day: [f64; 3], pool: f64) -> f64 {
        let e: f64 = PK_VITAMERS
            .iter()
            .zip(excess_ug_day)
            .map(|(v, x)| self.potency(*v).unwrap_or(0.0) * x)
            .sum();
        1.0 + e / pool
    }

    /// The INR a steady daily `intake` settles at, for the person of `anchor` at an unchanged
    /// anticoagulant dose.
    pub fn steady_state(&self, anchor: &Anchor, intake: &[VkDaily]) -> Result<SteadyInr, InrError> {
        let f0 = self.check_anchor(anchor)?;
        self.check_anchor(&Anchor {
            inr: anchor.inr,
            usual: intake.to_vec(),
        })?;
        let (usual, now) = (
            self.absorbed_daily(&anchor.usual),
            self.absorbed_daily(intake),
        );
        let excess = [now[0] - usual[0], now[1] - usual[1], now[2] - usual[2]];
        let mut capped = false;
        let mut at = |pool: f64| {
            let r = self.supply_ratio(excess, pool).max(self.p.min_supply_ratio);
            let f = f0 * r;
            if f > self.p.max_factor_fraction {
                capped = true;
            }
            (r, self.table.inr(f.min(self.p.max_factor_fraction)))
        };
        let (r, inr) = at(self.p.pool_ug_per_day);
        let a = at(self.p.pool_low_ug_per_day).1;
        let b = at(self.p.pool_high_ug_per_day).1;
        Ok(SteadyInr {
            inr,
            inr_low: inr.min(a).min(b),
            inr_high: inr.max(a).max(b),
            supply_ratio: r,
            capped,
            disclaimer: DISCLAIMER,
        })
    }
    /// Exact one-step propagator of a vitamer's (gut, lymph, plasma, 1) deviation system, with
    /// the usual diet's absorbed µg/h taken out of the gut continuously.
    pub(super) fn pk_step(&self, i: usize, usual_ug_per_h: f64) -> M4 {
        let pk = VitamerPk::of(PK_VITAMERS[i], &self.k).expect("PK vitamers have compartments");
        let (ka, kel) = (pk.ka_per_h, pk.kel_per_h);
        let a = [
            [-ka, 0.0, 0.0, -usual_ug_per_h],
            [ka, -ka, 0.0, 0.0],
            [0.0, ka, -kel, 0.0],
            [0.0, 0.0, 0.0, 0.0],
        ];
        expm(&a.map(|r| r.map(|x| x * STEP_H)))
    }

    pub(super) fn warfarin_step(&self) -> M4 {
        let p = &self.p;
        let a = [
            [-p.warfarin_ka_per_h, 0.0, 0.0, 0.0],
            [
                p.warfarin_ka_per_h / p.warfarin_vd_l,
                -p.warfarin_ke_per_h,
                0.0,
                0.0,
            ],
            [0.0; 4],
            [0.0; 4],
        ];
        expm(&a.map(|r| r.map(|x| x * STEP_H)))
    }

    pub(super) fn inhibition(&self, c_mg_l: f64) -> f64 {
        c_mg_l / (self.p.warfarin_ic50_mg_l + c_mg_l)
    }

    /// Warfarin state at the periodic steady state of the anchor dose, at time 0 of the course,
    /// and the mean of (1 − I) over a day there.
    pub(super) fn warfarin_anchor(&self, mg_per_day: f64, hour: f64, phi: &M4) -> ([f64; 4], f64) {
        let per_day = grid(HOURS_PER_DAY);
        let dose_step = grid(hour);
        let mut x = [0.0, 0.0, 0.0, 0.0];
        let mut mean = 0.0;
        // 60 days: 40 half-lives of 34.7 h; the last day's mean is the periodic one.
        for day in 0..60 {
            mean = 0.0;
            for s in 0..per_day {
                if s == dose_step {
                    x[0] += mg_per_day;
                }
                let next = apply(phi, x);
                mean += 1.0 - 0.5 * (self.inhibition(x[1]) + self.inhibition(next[1]));
                x = next;
            }
            let _ = day;
        }
        (x, mean / per_day as f64)
    }
}
