//! The INR course: vitamer PK (deviation from the usual diet) → hepatic supply ratio R(t) →
//! clotting factors II, VII, X → INR, on a fixed 15-minute grid.
//!
//! Every part upstream of the factors is linear with constant coefficients between doses, so it
//! is advanced exactly with the matrix exponential of its 4×4 (PK chain plus constant input) or
//! 3×3 (warfarin) system; each factor is advanced exactly for its drive held at the step's
//! midpoint value. No ODE solver is involved. Doses are placed on the nearest grid point
//! (≤ 7.5 min away).

use k2bone_units::{Vitamer, HOURS_PER_DAY};
use serde::Serialize;

use super::expm::{apply, M4};
use super::model::{
    grid, Anchor, InrModel, VkDose, Vka, MAX_HOURS, MAX_UG, STEP_H, WARFARIN_MG_RANGE,
};
use super::{bad, InrError, DISCLAIMER};
use crate::pk::{VitamerPk, PK_VITAMERS};

/// One output time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InrPoint {
    pub time_h: f64,
    pub inr: f64,
    /// Lowest and highest INR over the calibrated pool interval.
    pub inr_low: f64,
    pub inr_high: f64,
}

/// Where the model left its range (at the point pool).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RangeFlag {
    /// Factor synthesis would exceed normal: capped (INR ≥ 1), the prediction is a bound.
    FactorsCapped { first_time_h: f64 },
    /// The hepatic supply fell to the floor (far less vitamin K than usual).
    SupplyFloor { first_time_h: f64 },
    /// The factor level left the read-out's table: the INR is extrapolated.
    BeyondTable { first_time_h: f64 },
}

/// A predicted INR course.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InrCourse {
    pub anchor_inr: f64,
    pub anchor_factor_fraction: f64,
    pub points: Vec<InrPoint>,
    /// (point, low, high) pool, µg/day K1 supplement.
    pub pool_ug_per_day: (f64, f64, f64),
    pub flags: Vec<RangeFlag>,
    /// Vitamers without PK compartments in k2bone (MK-5, MK-6, MK-8 … MK-10), total µg dosed:
    /// not in the prediction.
    pub not_modelled_ug: Vec<(Vitamer, f64)>,
    pub disclaimer: &'static str,
}

/// Precomputed dose schedule of one run, per grid step.
struct Schedule {
    /// Absorbed µg added to each PK vitamer's gut at each step.
    vk: Vec<[f64; 3]>,
    /// Warfarin mg added at each step.
    warfarin: Vec<f64>,
}

impl InrModel {
    /// The predicted INR from time 0 (the person at their anchor) to `hours`, every `every_h`
    /// hours (a multiple of [`STEP_H`]), for the vitamin K `doses` and the antagonist `vka`.
    pub fn course(
        &self,
        anchor: &Anchor,
        doses: &[VkDose],
        vka: &Vka,
        hours: f64,
        every_h: f64,
    ) -> Result<InrCourse, InrError> {
        let f0 = self.check_anchor(anchor)?;
        if !(hours.is_finite() && hours > 0.0 && hours <= MAX_HOURS) {
            return Err(bad("hours", hours, format!("0 < hours <= {MAX_HOURS}")));
        }
        let every_steps = (every_h / STEP_H).round();
        if !(every_h.is_finite()
            && every_steps >= 1.0
            && (every_steps * STEP_H - every_h).abs() < 1e-9)
        {
            return Err(bad("every_h", every_h, format!("a multiple of {STEP_H} h")));
        }
        let n = grid(hours);
        let mut sched = Schedule {
            vk: vec![[0.0; 3]; n + 1],
            warfarin: vec![0.0; n + 1],
        };
        let mut not_modelled: Vec<(Vitamer, f64)> = Vec::new();
        for (i, d) in doses.iter().enumerate() {
            if !(d.time_h.is_finite() && d.time_h >= 0.0 && d.time_h <= hours) {
                return Err(bad(
                    format!("dose {} time_h", i + 1),
                    d.time_h,
                    format!("0 … {hours} h (the course)"),
                ));
            }
            if !(d.ug.is_finite() && d.ug > 0.0 && d.ug <= MAX_UG) {
                return Err(bad(
                    format!("dose {} ({}) µg", i + 1, d.vitamer),
                    d.ug,
                    format!("0 < µg <= {MAX_UG}"),
                ));
            }
            match Self::pk_index(d.vitamer) {
                Some(v) => {
                    sched.vk[grid(d.time_h)][v] += d.ug * d.vehicle.relative_f(d.vitamer, &self.k)
                }
                None => match not_modelled.iter_mut().find(|(v, _)| *v == d.vitamer) {
                    Some(e) => e.1 += d.ug,
                    None => not_modelled.push((d.vitamer, d.ug)),
                },
            }
        }
        let warfarin = match vka {
            Vka::Unchanged => None,
            Vka::Warfarin {
                anchor_mg_per_day,
                daily_mg,
                hour,
            } => {
                let ok = |mg: f64| {
                    mg.is_finite() && mg > WARFARIN_MG_RANGE.0 && mg <= WARFARIN_MG_RANGE.1
                };
                if !ok(*anchor_mg_per_day) {
                    return Err(bad(
                        "warfarin anchor dose (mg/day)",
                        *anchor_mg_per_day,
                        format!("{} < mg <= {}", WARFARIN_MG_RANGE.0, WARFARIN_MG_RANGE.1),
                    ));
                }
                if let Some((d, mg)) = daily_mg
                    .iter()
                    .enumerate()
                    .find(|(_, mg)| !(**mg == 0.0 || ok(**mg)))
                {
                    return Err(bad(
                        format!("warfarin dose on day {}", d + 1),
                        *mg,
                        format!(
                            "0 (skipped) or {} < mg <= {}",
                            WARFARIN_MG_RANGE.0, WARFARIN_MG_RANGE.1
                        ),
                    ));
                }
                if !(hour.is_finite() && (0.0..24.0).contains(hour)) {
                    return Err(bad("warfarin dose hour", *hour, "0 <= hour < 24"));
                }
                let mut t = *hour;
                let mut day = 0;
                while t <= hours {
                    sched.warfarin[grid(t)] +=
                        daily_mg.get(day).copied().unwrap_or(*anchor_mg_per_day);
                    t += HOURS_PER_DAY;
                    day += 1;
                }
                Some((*anchor_mg_per_day, *hour))
            }
        };
        let usual = self.absorbed_daily(&anchor.usual);
        let pools = [
            self.p.pool_ug_per_day,
            self.p.pool_low_ug_per_day,
            self.p.pool_high_ug_per_day,
        ];
        let runs: Vec<(Vec<f64>, Vec<RangeFlag>)> = pools
            .iter()
            .map(|&q| self.run(f0, usual, &sched, warfarin, q, n, every_steps as usize))
            .collect();
        let points = (0..runs[0].0.len())
            .map(|i| {
                let x = [runs[0].0[i], runs[1].0[i], runs[2].0[i]];
                InrPoint {
                    time_h: (i * every_steps as usize) as f64 * STEP_H,
                    inr: x[0],
                    inr_low: x.iter().copied().fold(f64::INFINITY, f64::min),
                    inr_high: x.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                }
            })
            .collect();
        Ok(InrCourse {
            anchor_inr: anchor.inr,
            anchor_factor_fraction: f0,
            points,
            pool_ug_per_day: (pools[0], pools[1], pools[2]),
            flags: runs[0].1.clone(),
            not_modelled_ug: not_modelled,
            disclaimer: DISCLAIMER,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        f0: f64,
        usual: [f64; 3],
        sched: &Schedule,
        warfarin: Option<(f64, f64)>,
        pool: f64,
        n: usize,
        every: usize,
    ) -> (Vec<f64>, Vec<RangeFlag>) {
        let phis: Vec<M4> = (0..3)
            .map(|i| self.pk_step(i, usual[i] / HOURS_PER_DAY))
            .collect();
        let kel: Vec<f64> = PK_VITAMERS
            .iter()
            .map(|v| VitamerPk::of(*v, &self.k).expect("PK vitamer").kel_per_h)
            .collect();
        let wphi = self.warfarin_step();
        let (mut w, w_mean0) = match warfarin {
            Some((mg, hour)) => self.warfarin_anchor(mg, hour, &wphi),
            None => ([0.0; 4], 1.0),
        };
        let w_factor = |w: &[f64; 4]| match warfarin {
            Some(_) => (1.0 - self.inhibition(w[1])) / w_mean0,
            None => 1.0,
        };
        // Deviation states start at 0: the person is at steady state on the usual diet.
        let mut x: [[f64; 4]; 3] = [[0.0, 0.0, 0.0, 1.0]; 3];
        let mut f = [f0; 3];
        let decay: Vec<f64> = self
            .p
            .k_factor_per_h
            .iter()
            .map(|k| (-k * STEP_H).exp())
            .collect();
        let mut flags: Vec<RangeFlag> = Vec::new();
        let flag = |flags: &mut Vec<RangeFlag>, fl: RangeFlag| {
            if !flags
                .iter()
                .any(|g| std::mem::discriminant(g) == std::mem::discriminant(&fl))
            {
                flags.push(fl);
            }
        };
        let (f_min, _) = self.table.f_range();
        let mut out = Vec::with_capacity(n / every + 1);
        let drive = |x: &[[f64; 4]; 3], w: &[f64; 4]| -> (f64, bool) {
            let excess = [0, 1, 2].map(|i| x[i][2] * kel[i] * HOURS_PER_DAY);
            let r = self.supply_ratio(excess, pool);
            let floored = r < self.p.min_supply_ratio;
            (f0 * r.max(self.p.min_supply_ratio) * w_factor(w), floored)
        };
        let read = |f: &[f64; 3]| self.table.inr((f[0] * f[1] * f[2]).cbrt());
        for step in 0..=n {
            let t = step as f64 * STEP_H;
            if step % every == 0 {
                out.push(read(&f));
            }
            if step == n {
                break;
            }
            for (xi, dose) in x.iter_mut().zip(sched.vk[step]) {
                xi[0] += dose;
            }
            w[0] += sched.warfarin[step];
            let (u_start, fl_a) = drive(&x, &w);
            let x_next: [[f64; 4]; 3] = [0, 1, 2].map(|i| apply(&phis[i], x[i]));
            let w_next = if warfarin.is_some() {
                apply(&wphi, w)
            } else {
                w
            };
            let (u_end, fl_b) = drive(&x_next, &w_next);
            if fl_a || fl_b {
                flag(&mut flags, RangeFlag::SupplyFloor { first_time_h: t });
            }
            let mut u = 0.5 * (u_start + u_end);
            if u > self.p.max_factor_fraction {
                u = self.p.max_factor_fraction;
                flag(&mut flags, RangeFlag::FactorsCapped { first_time_h: t });
            }
            for (fi, d) in f.iter_mut().zip(&decay) {
                *fi = u + (*fi - u) * d;
            }
            if (f[0] * f[1] * f[2]).cbrt() < f_min {
                flag(
                    &mut flags,
                    RangeFlag::BeyondTable {
                        first_time_h: t + STEP_H,
                    },
                );
            }
            x = x_next;
            w = w_next;
        }
        (out, flags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inr::VkDaily;
    use crate::pk::Vehicle;

    #[test]
    fn no_change_in_diet_keeps_the_anchor_inr() {
        let m = InrModel::default();
        let usual = vec![VkDaily {
            vitamer: Vitamer::K1,
            ug_per_day: 100.0,
            vehicle: Vehicle::Tablet,
        }];
        let anchor = Anchor {
            inr: 2.5,
            usual: usual.clone(),
        };
        let s = m.steady_state(&anchor, &usual).unwrap();
        assert!((s.inr - 2.5).abs() < 1e-9, "{s:?}");
        // No doses and no usual diet: nothing moves.
        let c = m
            .course(
                &Anchor {
                    inr: 2.5,
                    usual: vec![],
                },
                &[],
                &Vka::Unchanged,
                240.0,
                24.0,
            )
            .unwrap();
        assert!(c.points.iter().all(|p| (p.inr - 2.5).abs() < 1e-9));
        assert_eq!(c.points.len(), 11);
    }
}
