//! Text and CSV reports of the food database: search hits, one food with its sources.

use std::fmt;

use k2bone_diet::Nutrient;
use k2bone_units::Vitamer;

use super::{cell, csv_field, truncate, Csv};
use crate::foods::{FoodDetail, FoodSearch};

const SHOWN: [Nutrient; 10] = Nutrient::ALL;

impl fmt::Display for Csv<'_, FoodSearch> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let keys = SHOWN.map(|n| format!("{}_ug_per_100g", n.key()));
        writeln!(f, "id,name,food_group,score,{}", keys.join(","))?;
        for h in &s.results {
            let vals: Vec<String> = SHOWN
                .iter()
                .map(|n| {
                    h.food
                        .ug_per_100g(*n)
                        .map(|v| v.to_string())
                        .unwrap_or_default()
                })
                .collect();
            writeln!(
                f,
                "{},{},{},{:.3},{}",
                h.id,
                csv_field(&h.name),
                csv_field(&h.food_group),
                h.score,
                vals.join(",")
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for FoodSearch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self;
        if s.results.is_empty() {
            writeln!(f, "no food matches '{}'", s.query)?;
            return Ok(());
        }
        writeln!(
            f,
            "{:>6}  {:<60} {:>8} {:>8} {:>8} {:>9}   (µg/100 g; n/m = not measured)",
            "id", "food", "K1", "MK-4", "MK-7", "total K2"
        )?;
        for h in &s.results {
            let v = |n| cell(h.food.ug_per_100g(n));
            writeln!(
                f,
                "{:>6}  {:<60} {:>8} {:>8} {:>8} {:>9}",
                h.id,
                truncate(&h.name, 60),
                v(Nutrient::Vitamer(Vitamer::K1)),
                v(Nutrient::Vitamer(Vitamer::Mk4)),
                v(Nutrient::Vitamer(Vitamer::Mk7)),
                cell(h.food.intake_for_grams(100.0).total_k2())
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for FoodDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let food = &self.food;
        writeln!(
            f,
            "{} (id {}, {}; origin {:?})",
            food.name, food.id, food.food_group, food.origin
        )?;
        if !food.aliases.is_empty() {
            writeln!(f, "also called: {}", food.aliases.join(", "))?;
        }
        writeln!(f, "\n{:<24} {:>10}  source [status]", "per 100 g", "µg")?;
        for n in SHOWN {
            match food.values.get(n.key()) {
                Some(v) => writeln!(
                    f,
                    "{:<24} {:>10.2}  {} [{}]",
                    n.label(),
                    v.ug_per_100g,
                    v.source,
                    v.status
                )?,
                None => writeln!(f, "{:<24} {:>10}", n.label(), "not measured")?,
            }
        }
        for p in &food.portions {
            writeln!(
                f,
                "\nportion: {} = {} g ({}; {})",
                p.label, p.grams, p.status, p.source
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for Csv<'_, FoodDetail> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        writeln!(f, "nutrient,ug_per_100g,source,status")?;
        for n in SHOWN {
            match d.food.values.get(n.key()) {
                Some(v) => writeln!(
                    f,
                    "{},{},{},{}",
                    n.key(),
                    v.ug_per_100g,
                    csv_field(&v.source),
                    csv_field(&v.status)
                )?,
                None => writeln!(f, "{},,not measured,", n.key())?,
            }
        }

        Ok(())
    }
}
