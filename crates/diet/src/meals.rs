//! The per-meal view of a diet log, and the calcium and vitamin D summary (issue 14).
//!
//! A meal is a (day, meal label) pair as written in the log (`breakfast`, `08:30`, or
//! `unspecified` for rows without one), in log order of days and then by hour.

use serde::Serialize;

use crate::bone::{BoneInputs, BoneIntake, BoneNutrient, BoneReference, BONE_REFERENCES};
use crate::foods::FoodDb;
use crate::log::DietLog;
use crate::nutrient::{Intake, Nutrient};
use crate::report::total_k;

/// Label of rows that name no meal.
pub const UNSPECIFIED_MEAL: &str = "unspecified";

/// One meal of one day.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MealRow {
    pub day: String,
    pub meal: String,
    pub hour: f64,
    pub grams: f64,
    /// Vitamin K from foods and supplements, µg per vitamer.
    pub ug: Intake,
    pub total_k_ug: Option<f64>,
    pub bone: BoneIntake,
    /// Foods and supplements of the meal, in log order.
    pub items: Vec<String>,
}

/// Every meal of the log.
pub fn meals(db: &FoodDb, log: &DietLog) -> Vec<MealRow> {
    let mut rows: Vec<MealRow> = Vec::new();
    let slot = |rows: &mut Vec<MealRow>, day: &str, meal: Option<&String>, hour: f64| {
        let meal = meal.map_or(UNSPECIFIED_MEAL.to_string(), |m| m.trim().to_string());
        match rows.iter().position(|r| r.day == day && r.meal == meal) {
            Some(i) => i,
            None => {
                rows.push(MealRow {
                    day: day.to_string(),
                    meal,
                    hour,
                    grams: 0.0,
                    ug: Intake::new(),
                    total_k_ug: None,
                    bone: BoneIntake::default(),
                    items: Vec::new(),
                });
                rows.len() - 1
            }
        }
    };
    for e in &log.entries {
        let Some(food) = db.by_id(e.food_id) else {
            continue;
        };
        let i = slot(&mut rows, &e.day, log.meal_by_line.get(&e.line), e.hour);
        let r = &mut rows[i];
        r.grams += e.grams;
        r.ug.add_all(&food.intake_for_grams(e.grams));
        r.bone.add_all(&food.bone_for_grams(e.grams));
        r.items.push(format!("{} {:.0} g", e.food, e.grams));
    }
    for s in &log.supplements {
        let i = slot(&mut rows, &s.day, log.meal_by_line.get(&s.line), s.hour);
        let r = &mut rows[i];
        r.ug.add(Nutrient::Vitamer(s.vitamer), s.ug);
        r.items
            .push(format!("{} supplement {} ug", s.vitamer, s.ug));
    }
    for r in &mut rows {
        r.total_k_ug = total_k(&r.ug);
    }
    let day_index = |d: &str| log.days.iter().position(|x| x == d).unwrap_or(usize::MAX);
    rows.sort_by(|a, b| {
        day_index(&a.day)
            .cmp(&day_index(&b.day))
            .then(a.hour.total_cmp(&b.hour))
    });
    rows
}

/// Foods whose calcium or vitamin D is not reported, or (vitamin D) only assumed zero by SR28.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BoneGap {
    pub nutrient: BoneNutrient,
    /// `not_reported` or `assumed_zero`.
    pub kind: &'static str,
    pub grams: f64,
    pub foods: Vec<String>,
}

/// The mean intake set against a reference.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BoneComparison {
    pub reference: BoneReference,
    pub mean_per_day: Option<f64>,
    pub percent_of_reference: Option<f64>,
}

/// Calcium and vitamin D from food over the log.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BoneSummary {
    pub mean_per_day: BoneIntake,
    pub gaps: Vec<BoneGap>,
    pub comparisons: Vec<BoneComparison>,
    /// What the simulation takes (mean daily calcium and vitamin D from food).
    pub inputs: BoneInputs,
}

impl DietLog {
    /// Calcium and vitamin D from food on each day, in day order.
    pub fn bone_daily(&self, db: &FoodDb) -> Vec<BoneIntake> {
        self.days
            .iter()
            .map(|day| {
                let mut b = BoneIntake::default();
                for e in self.entries.iter().filter(|e| &e.day == day) {
                    if let Some(food) = db.by_id(e.food_id) {
                        b.add_all(&food.bone_for_grams(e.grams));
                    }
                }
                b
            })
            .collect()
    }
}

/// The calcium and vitamin D summary of a log whose days are `daily` (from
/// [`DietLog::bone_daily`]).
pub fn bone_summary(db: &FoodDb, log: &DietLog, daily: &[BoneIntake]) -> BoneSummary {
    let n = daily.len().max(1) as f64;
    let mut sum = BoneIntake::default();
    for d in daily {
        sum.add_all(d);
    }
    let mean = sum.scaled(1.0 / n);
    let mut gaps = Vec::new();
    for nutrient in BoneNutrient::ALL {
        for kind in ["not_reported", "assumed_zero"] {
            let mut grams = 0.0;
            let mut foods: Vec<String> = Vec::new();
            for e in &log.entries {
                let Some(food) = db.by_id(e.food_id) else {
                    continue;
                };
                let hit = match (kind, food.bone_value(nutrient)) {
                    ("not_reported", None) => true,
                    ("assumed_zero", Some(v)) => v.assumed_zero(),
                    _ => false,
                };
                if hit {
                    grams += e.grams;
                    if !foods.contains(&e.food) {
                        foods.push(e.food.clone());
                    }
                }
            }
            if !foods.is_empty() {
                gaps.push(BoneGap {
                    nutrient,
                    kind,
                    grams,
                    foods,
                });
            }
        }
    }
    let comparisons = BONE_REFERENCES
        .iter()
        .map(|r| {
            let m = mean.get(r.nutrient);
            BoneComparison {
                reference: *r,
                mean_per_day: m,
                percent_of_reference: m.map(|m| 100.0 * m / r.per_day),
            }
        })
        .collect();
    BoneSummary {
        inputs: BoneInputs {
            calcium_mg_per_day: mean.calcium_mg,
            vitamin_d_ug_per_day: mean.vitamin_d_ug,
        },
        mean_per_day: mean,
        gaps,
        comparisons,
    }
}
