//! The diet report: intake per day and on average by vitamer, day-to-day variation, top
//! contributors, what was not measured, and comparison with trial doses and adequate intakes.
//!
//! - mean = Σ days / n; a day on which a vitamer was measured in nothing eaten counts 0 for it,
//!   and the vitamer is `null` only when it was measured in no food eaten on any day.
//! - SD = sample standard deviation (n − 1) of the daily amounts; largest swing = max |xᵢ − xᵢ₋₁|
//!   over consecutive logged days.
//! - Amounts are sums of measured values, so they are lower bounds wherever `not_measured` lists
//!   foods.
//! - Also: the per-meal view and calcium and vitamin D from food ([`crate::meals`]), and every
//!   name that resolved to another food (aliases, common names, search; [`crate::resolve`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bone::BoneIntake;
use crate::error::UnknownFood;
use crate::foods::FoodDb;
use crate::log::{DayIntake, DietLog};
use crate::meals::{BoneSummary, MealRow};
use crate::nutrient::{Intake, Nutrient};
use crate::resolve::NameMapping;
use crate::safety::{self, SafetyFlag, SafetyProfile};
use k2bone_units::Vitamer;

/// A reference intake a diet is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Reference {
    pub name: &'static str,
    /// Which amount is compared: `k1`, `mk4`, `mk7` or `total_k` (K1 + all K2).
    pub compares: &'static str,
    pub ug_per_day: f64,
    pub source: &'static str,
}

/// The trial doses and adequate intakes every report shows.
pub const REFERENCES: [Reference; 5] = [
    Reference { name: "MK-7 trial dose", compares: "mk7", ug_per_day: 180.0,
        source: "Knapen et al. 2013, Osteoporos Int 24:2499-2507: MK-7 180 ug/d for 3 years in 244 postmenopausal women" },
    Reference { name: "MK-4 trial dose (Japanese osteoporosis trials)", compares: "mk4", ug_per_day: 45_000.0,
        source: "menatetrenone 45 mg/d as 15 mg three times daily (Inoue et al. 2009, J Bone Miner Metab 27:66-75; Jiang et al. 2014, Clin Interv Aging 9:121-127)" },
    Reference { name: "Adequate intake, women 19+ (US)", compares: "total_k", ug_per_day: 90.0,
        source: "Institute of Medicine 2001, Dietary Reference Intakes: vitamin K AI 90 ug/d for women" },
    Reference { name: "Adequate intake, men 19+ (US)", compares: "total_k", ug_per_day: 120.0,
        source: "Institute of Medicine 2001, Dietary Reference Intakes: vitamin K AI 120 ug/d for men" },
    Reference { name: "Adequate intake, adults (EU, phylloquinone)", compares: "k1", ug_per_day: 70.0,
        source: "EFSA NDA Panel 2017, Dietary reference values for vitamin K, EFSA Journal 15(5):4780: AI 1 ug phylloquinone/kg bw/d, 70 ug/d for adults" },
];

/// One day of the report.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DayRow {
    pub day: String,
    pub grams: f64,
    /// Foods plus supplements, µg per vitamer (`null` = not measured in anything eaten that day).
    pub ug: Intake,
    pub supplements_ug: Intake,
    pub total_k_ug: Option<f64>,
    /// Calcium and vitamin D from food that day.
    pub bone: BoneIntake,
}

/// Day-to-day variation of one amount.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Variation {
    pub sd_ug: Option<f64>,
    pub largest_swing_ug: Option<f64>,
    /// The two consecutive days with the largest swing.
    pub largest_swing_days: Option<(String, String)>,
}

/// A food's share of the intake, as a mean per logged day.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Contributor {
    pub food: String,
    pub grams_per_day: f64,
    pub ug_per_day: Intake,
    pub total_k_ug_per_day: f64,
}

/// A vitamer that was not measured in some of the foods eaten.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NotMeasured {
    pub nutrient: &'static str,
    pub grams: f64,
    pub foods: Vec<String>,
}

/// The mean intake set against a reference.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    pub reference: Reference,
    pub mean_ug_per_day: Option<f64>,
    pub percent_of_reference: Option<f64>,
}

/// Everything `k2bone diet report` prints.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DietReport {
    pub file: String,
    pub days: Vec<DayRow>,
    pub mean_per_day_ug: Intake,
    pub mean_total_k_ug: Option<f64>,
    pub variation: BTreeMap<&'static str, Variation>,
    pub top_contributors: Vec<Contributor>,
    pub not_measured: Vec<NotMeasured>,
    pub comparisons: Vec<Comparison>,
    pub unknown_foods: Vec<UnknownFood>,
    /// Names that resolved to another food (Jarlsberg → USDA Swiss, "salmon" → farmed Atlantic).
    pub mappings: Vec<NameMapping>,
    pub meals: Vec<MealRow>,
    pub bone: BoneSummary,
    pub safety_flags: Vec<SafetyFlag>,
    pub disclaimer: &'static str,
}

/// K1 + total K2, `None` when neither was measured.
pub fn total_k(i: &Intake) -> Option<f64> {
    match (i.vitamer(Vitamer::K1), i.total_k2()) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    }
}

fn pick(i: &Intake, key: &str) -> Option<f64> {
    match key {
        "total_k" => total_k(i),
        "total_k2" => i.total_k2(),
        k => Nutrient::from_key(k).and_then(|n| i.get(n)),
    }
}

/// Sample SD and the largest swing between consecutive days; days with `None` count 0, and the
/// result is `None` when every day is `None`.
pub fn variation(days: &[(String, Option<f64>)]) -> Variation {
    if days.iter().all(|(_, v)| v.is_none()) {
        return Variation {
            sd_ug: None,
            largest_swing_ug: None,
            largest_swing_days: None,
        };
    }
    let x: Vec<f64> = days.iter().map(|(_, v)| v.unwrap_or(0.0)).collect();
    let n = x.len() as f64;
    let sd = (x.len() > 1).then(|| {
        let mean = x.iter().sum::<f64>() / n;
        (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    });
    let mut swing: Option<(f64, usize)> = None;
    for i in 1..x.len() {
        let s = (x[i] - x[i - 1]).abs();
        if swing.is_none_or(|(best, _)| s > best) {
            swing = Some((s, i));
        }
    }
    Variation {
        sd_ug: sd,
        largest_swing_ug: swing.map(|(s, _)| s),
        largest_swing_days: swing.map(|(_, i)| (days[i - 1].0.clone(), days[i].0.clone())),
    }
}

/// Builds the report of `log` for `person`.
pub fn build(db: &FoodDb, log: &DietLog, person: &SafetyProfile) -> DietReport {
    let daily: Vec<DayIntake> = log.daily(db);
    let bone_daily = log.bone_daily(db);
    let n = daily.len().max(1) as f64;
    let days: Vec<DayRow> = daily
        .iter()
        .zip(&bone_daily)
        .map(|(d, bone)| {
            let ug = d.total();
            DayRow {
                day: d.day.clone(),
                grams: d.grams,
                total_k_ug: total_k(&ug),
                ug,
                supplements_ug: d.supplements.clone(),
                bone: *bone,
            }
        })
        .collect();
    let mut sum = Intake::new();
    for d in &days {
        sum.add_all(&d.ug);
    }
    let mean = sum.scaled(1.0 / n);
    let mut variation_map = BTreeMap::new();
    for key in ["k1", "mk4", "mk7", "total_k2", "total_k"] {
        let series: Vec<(String, Option<f64>)> = days
            .iter()
            .map(|d| (d.day.clone(), pick(&d.ug, key)))
            .collect();
        variation_map.insert(key, variation(&series));
    }
    // Top contributors: per food, summed over the log and divided by the number of days.
    let mut per_food: BTreeMap<String, (f64, Intake)> = BTreeMap::new();
    for d in &daily {
        for (food, grams, intake) in &d.contributions {
            let e = per_food.entry(food.clone()).or_insert((0.0, Intake::new()));
            e.0 += grams;
            e.1.add_all(intake);
        }
    }
    let mut top: Vec<Contributor> = per_food
        .into_iter()
        .map(|(food, (grams, intake))| {
            let ug = intake.scaled(1.0 / n);
            Contributor {
                food,
                grams_per_day: grams / n,
                total_k_ug_per_day: total_k(&ug).unwrap_or(0.0),
                ug_per_day: ug,
            }
        })
        .collect();
    top.sort_by(|a, b| {
        b.total_k_ug_per_day
            .total_cmp(&a.total_k_ug_per_day)
            .then(a.food.cmp(&b.food))
    });
    top.truncate(5);
    let not_measured = not_measured(db, log);
    let comparisons = REFERENCES
        .iter()
        .map(|r| {
            let m = pick(&mean, r.compares);
            Comparison {
                reference: *r,
                mean_ug_per_day: m,
                percent_of_reference: m.map(|m| 100.0 * m / r.ug_per_day),
            }
        })
        .collect();
    let safety_flags = safety::check(person, log, &daily);
    let bone = crate::meals::bone_summary(db, log, &bone_daily);
    DietReport {
        file: log.file.clone(),
        mean_total_k_ug: total_k(&mean),
        days,
        mean_per_day_ug: mean,
        variation: variation_map,
        top_contributors: top,
        not_measured,
        comparisons,
        unknown_foods: log.unknown.clone(),
        mappings: log.mappings.clone(),
        meals: crate::meals::meals(db, log),
        bone,
        safety_flags,
        disclaimer: safety::DISCLAIMER,
    }
}

fn not_measured(db: &FoodDb, log: &DietLog) -> Vec<NotMeasured> {
    let mut out = Vec::new();
    for v in Vitamer::ALL {
        let n = Nutrient::Vitamer(v);
        let mut grams = 0.0;
        let mut foods: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for e in &log.entries {
            if db
                .by_id(e.food_id)
                .is_some_and(|f| f.ug_per_100g(n).is_none())
            {
                grams += e.grams;
                if seen.insert(e.food.as_str()) {
                    foods.push(e.food.clone());
                }
            }
        }
        if !foods.is_empty() {
            out.push(NotMeasured {
                nutrient: v.key(),
                grams,
                foods,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variation_by_hand() {
        // x = 10, 30, 20: mean 20, SS = 100 + 100 + 0 = 200, SD = sqrt(200/2) = 10;
        // swings 20 (d1→d2) and 10 (d2→d3), largest 20.
        let days = [("d1", Some(10.0)), ("d2", Some(30.0)), ("d3", Some(20.0))]
            .map(|(d, v)| (d.to_string(), v));
        let v = variation(&days);
        assert!((v.sd_ug.unwrap() - 10.0).abs() < 1e-12);
        assert_eq!(v.largest_swing_ug, Some(20.0));
        assert_eq!(v.largest_swing_days, Some(("d1".into(), "d2".into())));
        let none = variation(&[("a".to_string(), None)]);
        assert_eq!(none.sd_ug, None);
        let one = variation(&[("a".to_string(), Some(5.0))]);
        assert_eq!((one.sd_ug, one.largest_swing_ug), (None, None));
    }
}
