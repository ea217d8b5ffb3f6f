//! Text and CSV reports of diet logs and food plans: µg per day by vitamer, variation,
//! contributors, reference doses, plan items, and the safety flags.

use std::fmt;

use k2bone_diet::report::total_k;
use k2bone_diet::safety::SafetyFlag;
use k2bone_diet::Intake;
use k2bone_units::Vitamer;

use super::{cell, csv_field, Csv};
use crate::diet::{DietLogReport, DietPlan};

fn other_k2(i: &Intake) -> Option<f64> {
    i.total_k2().map(|t| {
        t - i.vitamer(Vitamer::Mk4).unwrap_or(0.0) - i.vitamer(Vitamer::Mk7).unwrap_or(0.0)
    })
}

fn row(label: &str, i: &Intake) -> String {
    format!(
        "{label:<14} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10}",
        cell(i.vitamer(Vitamer::K1)),
        cell(i.vitamer(Vitamer::Mk4)),
        cell(i.vitamer(Vitamer::Mk7)),
        cell(other_k2(i)),
        cell(i.total_k2()),
        cell(total_k(i))
    )
}

fn flags(f: &mut fmt::Formatter<'_>, flags: &[SafetyFlag]) -> fmt::Result {
    if flags.is_empty() {
        return Ok(());
    }
    writeln!(f, "\nSafety:")?;
    for x in flags {
        writeln!(
            f,
            "  [{:?}] {}: {}\n      {}\n      source: {}",
            x.severity, x.rule, x.finding, x.advice, x.source
        )?;
    }
    Ok(())
}

impl fmt::Display for DietLogReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.report;
        writeln!(f, "Diet report: {} ({} day(s))\n", r.file, r.days.len())?;
        writeln!(
            f,
            "{:<14} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10}",
            "µg per day", "K1", "MK-4", "MK-7", "other K2", "total K2", "K1 + K2"
        )?;
        for d in &r.days {
            writeln!(f, "{}", row(&d.day, &d.ug))?;
        }
        writeln!(f, "{}", row("mean", &r.mean_per_day_ug))?;
        let var = |k: &str| &r.variation[k];
        let line = |label: &str, v: &dyn Fn(&str) -> Option<f64>| {
            format!(
                "{label:<14} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10}",
                cell(v("k1")),
                cell(v("mk4")),
                cell(v("mk7")),
                "",
                cell(v("total_k2")),
                cell(v("total_k"))
            )
        };
        writeln!(f, "{}", line("SD", &|k| var(k).sd_ug))?;
        writeln!(f, "{}", line("largest swing", &|k| var(k).largest_swing_ug))?;
        writeln!(f, "(n/m = not measured in any food eaten; \"other K2\" = MK-5, MK-6, MK-8 … MK-10 and K2 reported without a split)")?;
        if !r.not_measured.is_empty() {
            writeln!(f, "\nNot measured (amounts above are lower bounds):")?;
            // Vitamers missing from the same foods share a line.
            let mut groups: Vec<(Vec<&str>, &k2bone_diet::report::NotMeasured)> = Vec::new();
            for n in &r.not_measured {
                match groups.iter_mut().find(|(_, g)| g.foods == n.foods) {
                    Some((keys, _)) => keys.push(n.nutrient),
                    None => groups.push((vec![n.nutrient], n)),
                }
            }
            for (keys, n) in groups {
                let shown: Vec<&str> = n.foods.iter().take(4).map(String::as_str).collect();
                let more = if n.foods.len() > 4 {
                    format!(" and {} more", n.foods.len() - 4)
                } else {
                    String::new()
                };
                writeln!(
                    f,
                    "  {} in {:.0} g: {}{more}",
                    keys.join(", "),
                    n.grams,
                    shown.join("; ")
                )?;
            }
        }
        writeln!(f, "\nTop contributors (K1 + K2 per day):")?;
        for c in &r.top_contributors {
            writeln!(
                f,
                "  {:>8.1} µg  {:>7.1} g/day  {}",
                c.total_k_ug_per_day, c.grams_per_day, c.food
            )?;
        }
        writeln!(f, "\nCompared with:")?;
        for c in &r.comparisons {
            let pct = c.percent_of_reference.map_or("n/m".to_string(), |p| {
                if p < 0.01 {
                    "< 0.01 %".to_string()
                } else if p < 1.0 {
                    format!("{p:.2} %")
                } else {
                    format!("{p:.1} %")
                }
            });
            writeln!(
                f,
                "  {:<48} {:>9.0} µg/d  mean {:>9}  = {pct:>9}\n      {}",
                c.reference.name,
                c.reference.ug_per_day,
                cell(c.mean_ug_per_day),
                c.reference.source
            )?;
        }
        if !r.unknown_foods.is_empty() {
            writeln!(f, "\nUnknown foods (not counted):")?;
            for u in &r.unknown_foods {
                writeln!(f, "  {u}")?;
            }
        }
        flags(f, &r.safety_flags)?;
        writeln!(f, "\n{}", self.disclaimer)?;
        Ok(())
    }
}

const KEYS: [&str; 10] = [
    "k1",
    "mk4",
    "mk5",
    "mk6",
    "mk7",
    "mk8",
    "mk9",
    "mk10",
    "k2_unsplit",
    "total_k2",
];

fn csv_values(i: &Intake) -> String {
    let vals = i.report_values();
    let mut out: Vec<String> = KEYS
        .iter()
        .map(|k| {
            vals.iter()
                .find(|(kk, _)| kk == k)
                .and_then(|(_, v)| *v)
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect();
    out.push(total_k(i).map(|v| v.to_string()).unwrap_or_default());
    out.join(",")
}

impl fmt::Display for Csv<'_, DietLogReport> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.0.report;
        writeln!(
            f,
            "day,grams,{},total_k (ug; empty = not measured)",
            KEYS.map(|k| k.to_string()).join(",")
        )?;
        for d in &r.days {
            writeln!(f, "{},{},{}", csv_field(&d.day), d.grams, csv_values(&d.ug))?;
        }
        writeln!(f, "mean,,{}", csv_values(&r.mean_per_day_ug))?;
        writeln!(f, "# {}", self.0.disclaimer)?;
        Ok(())
    }
}

impl fmt::Display for DietPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (plan, flags) = (&self.plan, &self.safety_flags);

        writeln!(
            f,
            "Food plan (per day, fewest grams; {} candidate foods):\n",
            plan.candidates
        )?;
        writeln!(
            f,
            "{:>8}  {:<50} {:>9} {:>9} {:>9} {:>10}",
            "grams", "food", "K1", "MK-4", "MK-7", "total K2"
        )?;
        for i in &plan.items {
            writeln!(
                f,
                "{:>8.1}  {:<50} {:>9} {:>9} {:>9} {:>10}",
                i.grams,
                i.food,
                cell(i.ug.vitamer(Vitamer::K1)),
                cell(i.ug.vitamer(Vitamer::Mk4)),
                cell(i.ug.vitamer(Vitamer::Mk7)),
                cell(i.ug.total_k2())
            )?;
        }
        let t = &plan.intake_ug;
        writeln!(
            f,
            "{:>8.1}  {:<50} {:>9} {:>9} {:>9} {:>10}",
            plan.total_grams,
            "total (µg/day)",
            cell(t.vitamer(Vitamer::K1)),
            cell(t.vitamer(Vitamer::Mk4)),
            cell(t.vitamer(Vitamer::Mk7)),
            cell(t.total_k2())
        )?;
        self::flags(f, flags)?;
        writeln!(f, "\n{}", self.disclaimer)?;
        Ok(())
    }
}

impl fmt::Display for Csv<'_, DietPlan> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plan = &self.0.plan;

        writeln!(
            f,
            "food_id,food,grams,{},total_k",
            KEYS.map(|k| format!("{k}_ug")).join(",")
        )?;
        for i in &plan.items {
            writeln!(
                f,
                "{},{},{},{}",
                i.food_id,
                csv_field(&i.food),
                i.grams,
                csv_values(&i.ug)
            )?;
        }
        writeln!(
            f,
            ",total,{},{}",
            plan.total_grams,
            csv_values(&plan.intake_ug)
        )?;
        writeln!(f, "# {}", self.0.disclaimer)?;
        Ok(())
    }
}
