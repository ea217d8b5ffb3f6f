//! The simulation link: a diet log or plan as per-vitamer dose events, one per meal and vitamer,
//! so the physiology model sees the intake the report shows.
//!
//! `amount_ug` is what was eaten (the report's numbers); `bioavailable_ug = amount_ug × factor`
//! is what the model should absorb. No absolute bioavailability of any vitamer from food has
//! been found in the literature k2bone holds (Schurgers & Vermeer 2000 only compare circulating
//! levels, about 10× higher after natto K2 than after spinach K1, which mixes absorption and
//! half-life), so the factor is 1 for every food and supplement: named assumption A-diet-4
//! in docs/assumptions.md. K2 reported without a vitamer split cannot be dosed as a vitamer; it is
//! carried in `unsplit_k2_ug` so nothing disappears.

use serde::Serialize;

use crate::foods::FoodDb;
use crate::log::DietLog;
use crate::nutrient::Nutrient;
use crate::plan::FoodPlan;
use k2bone_units::{Vitamer, HOURS_PER_DAY};

/// Food-matrix bioavailability factor for vitamin K from food (assumption A-diet-4).
pub const FOOD_MATRIX_FACTOR: f64 = 1.0;
/// Bioavailability factor for supplements, relative to the model's oral dose (assumption A-diet-4).
pub const SUPPLEMENT_FACTOR: f64 = 1.0;
/// Why the factors are what they are.
pub const FACTOR_BASIS: &str = "assumption A-diet-4 (docs/assumptions.md): no absolute food-matrix bioavailability found; factor 1";

/// One oral dose of one vitamer.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DoseEvent {
    /// Hours from the start of the first logged day (00:00).
    pub time_h: f64,
    pub vitamer: Vitamer,
    pub amount_ug: f64,
    pub bioavailability: f64,
    pub bioavailable_ug: f64,
    /// Eaten in a food (the model's `food` vehicle) rather than taken as a supplement.
    pub from_food: bool,
}

/// The intake of a log or plan, as dose events.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct IntakeSchedule {
    pub events: Vec<DoseEvent>,
    /// K2 the sources report without a vitamer split, per event time: (time_h, µg).
    pub unsplit_k2_ug: Vec<(f64, f64)>,
    pub basis: &'static str,
}

fn push(
    events: &mut Vec<DoseEvent>,
    time_h: f64,
    vitamer: Vitamer,
    ug: f64,
    factor: f64,
    from_food: bool,
) {
    if let Some(e) = events.iter_mut().find(|e| {
        e.time_h == time_h
            && e.vitamer == vitamer
            && e.bioavailability == factor
            && e.from_food == from_food
    }) {
        e.amount_ug += ug;
        e.bioavailable_ug = e.amount_ug * factor;
    } else {
        events.push(DoseEvent {
            time_h,
            vitamer,
            amount_ug: ug,
            bioavailability: factor,
            bioavailable_ug: ug * factor,
            from_food,
        });
    }
}

fn sorted(mut s: IntakeSchedule) -> IntakeSchedule {
    s.events.sort_by(|a, b| {
        a.time_h
            .total_cmp(&b.time_h)
            .then(a.vitamer.cmp(&b.vitamer))
    });
    s
}

/// Dose events of a diet log: day *k* (in log order, from 0) at `k × 24 + meal hour`.
pub fn from_log(db: &FoodDb, log: &DietLog) -> IntakeSchedule {
    let day_index = |d: &str| log.days.iter().position(|x| x == d).unwrap_or(0) as f64;
    let mut events = Vec::new();
    let mut unsplit = Vec::new();
    for e in &log.entries {
        let Some(food) = db.by_id(e.food_id) else {
            continue;
        };
        let t = day_index(&e.day) * HOURS_PER_DAY + e.hour;
        let intake = food.intake_for_grams(e.grams);
        for v in Vitamer::ALL {
            if let Some(ug) = intake.vitamer(v).filter(|ug| *ug > 0.0) {
                push(&mut events, t, v, ug, FOOD_MATRIX_FACTOR, true);
            }
        }
        if let Some(ug) = intake.get(Nutrient::K2Unsplit).filter(|ug| *ug > 0.0) {
            unsplit.push((t, ug));
        }
    }
    for s in &log.supplements {
        push(
            &mut events,
            day_index(&s.day) * HOURS_PER_DAY + s.hour,
            s.vitamer,
            s.ug,
            SUPPLEMENT_FACTOR,
            false,
        );
    }
    sorted(IntakeSchedule {
        events,
        unsplit_k2_ug: unsplit,
        basis: FACTOR_BASIS,
    })
}

/// Dose events of a daily plan eaten in one meal at `hour` on each of `days` days.
pub fn from_plan(plan: &FoodPlan, days: u32, hour: f64) -> IntakeSchedule {
    let mut events = Vec::new();
    let mut unsplit = Vec::new();
    for d in 0..days {
        let t = f64::from(d) * HOURS_PER_DAY + hour;
        for v in Vitamer::ALL {
            if let Some(ug) = plan.intake_ug.vitamer(v).filter(|ug| *ug > 0.0) {
                push(&mut events, t, v, ug, FOOD_MATRIX_FACTOR, true);
            }
        }
        if let Some(ug) = plan
            .intake_ug
            .get(Nutrient::K2Unsplit)
            .filter(|ug| *ug > 0.0)
        {
            unsplit.push((t, ug));
        }
    }
    sorted(IntakeSchedule {
        events,
        unsplit_k2_ug: unsplit,
        basis: FACTOR_BASIS,
    })
}
