//! TOML meal plans: the same rows as a CSV diet log, grouped by day.
//!
//! ```toml
//! [[days]]
//! day = "Mon"
//! items = [ { food = "natto", grams = 50, meal = "breakfast" },
//!           { food = "gouda", portions = 1 },
//!           { food = "supplement:mk7", dose = "180 ug" } ]
//! ```
//!
//! Unknown keys are refused; errors name the line of the item (from the TOML span).

use crate::error::DietError;
use crate::foods::FoodDb;
use crate::log::{build, DietLog, RawRow};

/// Parses a TOML meal plan.
pub fn parse_toml(
    db: &FoodDb,
    file: &str,
    text: &str,
    skip_unknown: bool,
) -> Result<DietLog, DietError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Plan {
        #[serde(default)]
        days: Vec<Day>,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Day {
        day: toml::Value,
        #[serde(default)]
        items: Vec<toml::Spanned<Item>>,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        food: String,
        grams: Option<f64>,
        portions: Option<f64>,
        amount: Option<String>,
        meal: Option<String>,
        dose: Option<String>,
    }
    let plan: Plan = toml::from_str(text).map_err(|e| DietError::Format {
        file: file.to_string(),
        message: format!("not a valid meal plan ({e})").replace('\n', " "),
    })?;
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let mut rows = Vec::new();
    for d in plan.days {
        let day = match &d.day {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for item in d.items {
            let line = line_of(item.span().start);
            let it = item.into_inner();
            rows.push(RawRow {
                line,
                day: day.clone(),
                food: it.food,
                grams: it.grams.map(|g| g.to_string()),
                portions: it.portions.map(|p| p.to_string()),
                amount: it.amount,
                meal: it.meal,
                dose: it.dose,
            });
        }
    }
    build(db, file, rows, skip_unknown)
}
