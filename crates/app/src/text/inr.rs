//! Text of a diet log's predicted INR course (`diet report --inr`) and of the log's name
//! mappings, meals, and calcium and vitamin D from food.

use std::fmt;

use k2bone_diet::bone::BoneNutrient;
use k2bone_diet::report::DietReport;
use k2bone_units::Vitamer;

use super::{cell, truncate};
use crate::inr::{InrAt, InrPrediction, VitamerDaily};

fn at(p: &InrAt) -> String {
    format!(
        "{:.2} ({:.2}–{:.2}) at {}",
        p.inr, p.inr_low, p.inr_high, p.when
    )
}

fn daily(v: &[VitamerDaily]) -> String {
    if v.is_empty() {
        return "no K1, MK-4 or MK-7".into();
    }
    v.iter()
        .map(|d| {
            format!(
                "{} {:.1} µg/day {}",
                d.vitamer,
                d.ug_per_day,
                if d.from_food {
                    "from food"
                } else {
                    "as a supplement"
                }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for InrPrediction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "\nPredicted INR (model) on {}, stable INR {} on the usual diet:",
            self.anticoagulant, self.anchor_inr
        )?;
        writeln!(f, "  usual diet: {}", self.usual)?;
        writeln!(f, "    {}", daily(&self.usual_ug_per_day))?;
        writeln!(f, "  {:<28} {:>6}  {:>13}", "when", "INR", "interval")?;
        for p in &self.course {
            writeln!(
                f,
                "  {:<28} {:>6.2}  {:>5.2} – {:<5.2}",
                truncate(&p.when, 28),
                p.inr,
                p.inr_low,
                p.inr_high
            )?;
        }
        writeln!(f, "  lowest  {}", at(&self.lowest))?;
        writeln!(f, "  highest {}", at(&self.highest))?;
        let s = &self.steady;
        writeln!(
            f,
            "  steady intake ({}): INR {}{:.2} ({:.2}–{:.2})",
            s.intake,
            if s.capped { "≥ " } else { "" },
            s.inr,
            s.inr_low,
            s.inr_high
        )?;
        writeln!(f, "    {}", daily(&s.intake_ug_per_day))?;
        for x in &self.flags {
            writeln!(f, "  range: {x}")?;
        }
        if !self.not_modelled.is_empty() {
            writeln!(
                f,
                "  not in the prediction (no PK in the model): {}",
                self.not_modelled.join("; ")
            )?;
        }
        writeln!(f, "  interval: {}", self.interval)?;
        for n in &self.notes {
            writeln!(f, "  note: {n}")?;
        }
        writeln!(f, "  {}", self.disclaimer)
    }
}

/// Names that resolved to another food, the per-meal view, and calcium and vitamin D.
pub(super) fn log_views(f: &mut fmt::Formatter<'_>, r: &DietReport) -> fmt::Result {
    if !r.mappings.is_empty() {
        writeln!(f, "\nNames mapped to foods:")?;
        for m in &r.mappings {
            writeln!(
                f,
                "  line {:>3}  {} → {} ({})",
                m.line,
                m.typed,
                m.food,
                format!("{:?}", m.kind).to_lowercase()
            )?;
            if let Some(n) = &m.note {
                writeln!(f, "            {n}")?;
            }
        }
    }
    if !r.meals.is_empty() {
        writeln!(f, "\nPer meal:")?;
        writeln!(
            f,
            "  {:<10} {:<12} {:>7} {:>8} {:>8} {:>8} {:>9} {:>8}  items",
            "day", "meal", "grams", "K1 µg", "MK-7 µg", "K1+K2", "Ca mg", "D µg"
        )?;
        for m in &r.meals {
            writeln!(
                f,
                "  {:<10} {:<12} {:>7.0} {:>8} {:>8} {:>8} {:>9} {:>8}  {}",
                truncate(&m.day, 10),
                truncate(&m.meal, 12),
                m.grams,
                cell(m.ug.vitamer(Vitamer::K1)),
                cell(m.ug.vitamer(Vitamer::Mk7)),
                cell(m.total_k_ug),
                m.bone
                    .calcium_mg
                    .map_or("n/r".into(), |v| format!("{v:.0}")),
                m.bone
                    .vitamin_d_ug
                    .map_or("n/r".into(), |v| format!("{v:.1}")),
                m.items.join("; ")
            )?;
        }
    }
    let b = &r.bone;
    writeln!(
        f,
        "\nCalcium and vitamin D from food (mean per day; n/r = reported for no food eaten):"
    )?;
    writeln!(
        f,
        "  calcium {} mg, vitamin D {} µg",
        b.mean_per_day
            .calcium_mg
            .map_or("n/r".into(), |v| format!("{v:.0}")),
        b.mean_per_day
            .vitamin_d_ug
            .map_or("n/r".into(), |v| format!("{v:.1}"))
    )?;
    for c in &b.comparisons {
        writeln!(
            f,
            "  {:<48} {:>6} {:<5} = {}",
            c.reference.name,
            c.reference.per_day,
            match c.reference.nutrient {
                BoneNutrient::CalciumMg => "mg/d",
                BoneNutrient::VitaminDUg => "µg/d",
            },
            c.percent_of_reference
                .map_or("n/r".into(), |p| format!("{p:.0} %"))
        )?;
    }
    for g in &b.gaps {
        let what = if g.kind == "assumed_zero" {
            "assumed zero by SR28"
        } else {
            "not reported"
        };
        let shown: Vec<&str> = g.foods.iter().take(4).map(String::as_str).collect();
        let more = if g.foods.len() > 4 {
            format!(" and {} more", g.foods.len() - 4)
        } else {
            String::new()
        };
        writeln!(
            f,
            "  {} {what} in {:.0} g: {}{more}",
            g.nutrient.label(),
            g.grams,
            shown.join("; ")
        )?;
    }
    if let Some(s) = r.bone.comparisons.first().map(|c| c.reference.source) {
        writeln!(f, "  reference intakes: {s}")?;
    }
    Ok(())
}
