//! The diet-aware rules for people on a vitamin K antagonist (issue 14): natto in any amount,
//! single foods above the published thresholds, and day-to-day swings of vitamer-weighted
//! vitamin K within the log. Thresholds and weights live in [`crate::safety`] beside their
//! sources; these functions only apply them and say what fired, naming the food, its vitamer
//! amount and the threshold.

use std::collections::BTreeMap;

use k2bone_units::Vitamer;

use crate::log::{DayIntake, DietLog};
use crate::nutrient::{Intake, Nutrient};
use crate::safety::{
    flag, Anticoagulant, SafetyFlag, Severity, MK7_K1_WEIGHT, SWING_WINDOW_DAYS, VKA_K1_CHANGE_UG,
    VKA_K1_WATCH_UG, VKA_MK7_CHANGE_UG, VKA_MK7_LIKELY_UG,
};
use crate::search::fold;

/// Long-lived menaquinones, µg: MK-7 … MK-10 plus K2 reported without a vitamer split (counted
/// as MK-7: assumption A-diet-10).
pub fn long_chain_mk_ug(i: &Intake) -> f64 {
    let v = [Vitamer::Mk7, Vitamer::Mk8, Vitamer::Mk9, Vitamer::Mk10]
        .iter()
        .filter_map(|v| i.vitamer(*v))
        .sum::<f64>();
    v + i.get(Nutrient::K2Unsplit).unwrap_or(0.0)
}

/// Vitamin K weighted by vitamer, in K1-equivalent µg: K1, MK-4, MK-5 and MK-6 count once,
/// long-lived menaquinones [`MK7_K1_WEIGHT`] times.
pub fn k1_equivalent_ug(i: &Intake) -> f64 {
    let short = [Vitamer::K1, Vitamer::Mk4, Vitamer::Mk5, Vitamer::Mk6]
        .iter()
        .filter_map(|v| i.vitamer(*v))
        .sum::<f64>();
    short + MK7_K1_WEIGHT * long_chain_mk_ug(i)
}

/// True for natto (any food with the word "natto" in its name).
pub fn is_natto(food_name: &str) -> bool {
    fold(food_name).split(' ').any(|w| w == "natto")
}

/// `vka-natto`: every natto line, with its grams and MK-7.
pub(crate) fn natto(
    drug: Anticoagulant,
    log: &DietLog,
    days: &[DayIntake],
    flags: &mut Vec<SafetyFlag>,
) {
    for d in days {
        // A day's contributions are its log entries in order (DietLog::daily).
        let entries = log.entries.iter().filter(|e| e.day == d.day);
        for (e, (food, grams, intake)) in entries.zip(&d.contributions) {
            if !is_natto(food) || &e.food != food {
                continue;
            }
            let mk7 = intake
                .vitamer(Vitamer::Mk7)
                .map_or("MK-7 not measured".to_string(), |ug| {
                    format!("{ug:.0} ug MK-7")
                });
            flags.push(flag(
                "vka-natto",
                Severity::Warning,
                format!(
                    "{drug}: line {}, day {}: natto {grams} g = {mk7}; MK-7 from {VKA_MK7_CHANGE_UG:.0} ug/day lowered the INR in a clinically relevant way in >= 40 % of subjects (Theuwissen 2013)",
                    e.line, d.day
                ),
            ));
        }
    }
}

/// `vka-food-source`: each food other than natto, summed per day, against the K1 and MK-7
/// thresholds.
pub(crate) fn food_sources(drug: Anticoagulant, days: &[DayIntake], flags: &mut Vec<SafetyFlag>) {
    for d in days {
        let mut per_food: BTreeMap<&str, (f64, Intake)> = BTreeMap::new();
        for (food, grams, intake) in d.contributions.iter().filter(|c| !is_natto(&c.0)) {
            let e = per_food
                .entry(food.as_str())
                .or_insert((0.0, Intake::new()));
            e.0 += grams;
            e.1.add_all(intake);
        }
        for (food, (grams, intake)) in per_food {
            let k1 = intake.vitamer(Vitamer::K1).unwrap_or(0.0);
            let mk = long_chain_mk_ug(&intake);
            let mut found = Vec::new();
            let mut severity = None;
            if k1 >= VKA_K1_WATCH_UG {
                let (s, limit, src) = if k1 >= VKA_K1_CHANGE_UG {
                    (Severity::Warning, VKA_K1_CHANGE_UG, "Schurgers 2004")
                } else {
                    (
                        Severity::Caution,
                        VKA_K1_WATCH_UG,
                        "vegetable-mix study; Khan 2004",
                    )
                };
                found.push(format!("K1 {k1:.0} ug (>= {limit:.0} ug/day, {src})"));
                severity = Some(s);
            }
            if mk >= VKA_MK7_CHANGE_UG {
                // MK-7 itself is what Theuwissen 2013 tested: a warning. Other long-chain or
                // unsplit K2 is only counted as MK-7 (A-diet-10): a caution, unless K1 warns.
                let mk7 = intake.vitamer(Vitamer::Mk7).unwrap_or(0.0);
                let (what, s) = if mk7 >= VKA_MK7_CHANGE_UG {
                    (format!("MK-7 {mk7:.0} ug"), Severity::Warning)
                } else {
                    (
                        format!("long-chain or unsplit K2 {mk:.0} ug, counted as MK-7"),
                        Severity::Caution,
                    )
                };
                let (limit, share) = if mk >= VKA_MK7_LIKELY_UG {
                    (VKA_MK7_LIKELY_UG, ">= 60 %")
                } else {
                    (VKA_MK7_CHANGE_UG, ">= 40 %")
                };
                found.push(format!(
                    "{what} (>= {limit:.0} ug/day MK-7: clinically relevant in {share}, Theuwissen 2013)"
                ));
                severity = severity.max(Some(s));
            }
            if let Some(s) = severity {
                flags.push(flag(
                    "vka-food-source",
                    s,
                    format!(
                        "{drug}: day {}: {food} {grams:.0} g gives {}",
                        d.day,
                        found.join(" and ")
                    ),
                ));
            }
        }
    }
}

/// Median of a non-empty slice.
fn median(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// `vka-day-swing`: the largest departure of a [`SWING_WINDOW_DAYS`]-day mean (or of the whole
/// log, if shorter) of K1-equivalents from the log's median day.
pub(crate) fn day_swings(drug: Anticoagulant, days: &[DayIntake], flags: &mut Vec<SafetyFlag>) {
    if days.len() < 2 {
        return;
    }
    let x: Vec<f64> = days.iter().map(|d| k1_equivalent_ug(&d.total())).collect();
    let usual = median(&x);
    let w = SWING_WINDOW_DAYS.min(x.len());
    let mut worst: Option<(f64, usize)> = None;
    for end in w - 1..x.len() {
        let m = x[end + 1 - w..=end].iter().sum::<f64>() / w as f64;
        let dev = m - usual;
        if worst.is_none_or(|(b, _)| dev.abs() > b.abs()) {
            worst = Some((dev, end));
        }
    }
    let Some((dev, end)) = worst else { return };
    if dev.abs() < VKA_K1_WATCH_UG {
        return;
    }
    let severity = if dev.abs() >= VKA_K1_CHANGE_UG {
        Severity::Warning
    } else {
        Severity::Caution
    };
    let jump = (1..x.len())
        .map(|i| ((x[i] - x[i - 1]).abs(), i))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(j, i)| {
            format!(
                "; largest day-to-day change {j:.0} ug ({} to {})",
                days[i - 1].day,
                days[i].day
            )
        })
        .unwrap_or_default();
    flags.push(flag(
        "vka-day-swing",
        severity,
        format!(
            "{drug}: the {w}-day mean to day {} is {dev:+.0} ug/day K1-equivalents (MK-7 x {MK7_K1_WEIGHT:.0}) from the usual (median) day of {usual:.0} ug{jump}",
            days[end].day
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighting_by_hand() {
        let mut i = Intake::new();
        i.add(Nutrient::Vitamer(Vitamer::K1), 100.0);
        i.add(Nutrient::Vitamer(Vitamer::Mk4), 10.0);
        i.add(Nutrient::Vitamer(Vitamer::Mk7), 2.0);
        i.add(Nutrient::Vitamer(Vitamer::Mk9), 1.0);
        i.add(Nutrient::K2Unsplit, 1.0);
        // 100 + 10 + 15 x (2 + 1 + 1) = 170.
        assert_eq!(k1_equivalent_ug(&i), 170.0);
        assert_eq!(long_chain_mk_ug(&i), 4.0);
        assert!(
            is_natto("Natto") && is_natto("natto, homemade") && !is_natto("Nattokinase-free soy")
        );
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
