//! Household measures: "1 cup", "1 tbsp", "1 oz", "2 slices", "1 egg", "1/2 cup chopped",
//! "150 g" turned into grams of one food.
//!
//! - Mass units convert exactly: g, kg, oz (28.349523125 g) and lb (453.59237 g), the
//!   international avoirdupois definitions (US NIST Handbook 44, Appendix C).
//! - Volume units need the food's density: its own SR28 measure of that unit when it has one
//!   ("1 tbsp" butter = 14.2 g), else another of its volume measures converted with the US
//!   customary ratios cup = 16 tbsp = 48 tsp = 8 fl oz = 236.5882365 mL (NIST Handbook 44).
//! - Any other word must name one of the food's own measures (SR28 WEIGHT or `portions.csv`):
//!   "2 slices" → the food's "slice" measure; "1 large" → "large". The food's own noun
//!   ("1 egg", "1 banana") means one medium unit, else large, else small (SR28's size words).
//!
//! The grams of an SR28 measure are per its printed amount ("0.5 cup" = 78 g → 156 g per cup).

use serde::Serialize;

use crate::foods::{Food, Portion};
use crate::search::{fold, singular};

/// Grams per unit of mass (canonical unit names, see [`canonical`]).
const MASS_UNITS: [(&str, f64); 4] = [
    ("g", 1.0),
    ("kg", 1000.0),
    ("oz", 28.349_523_125),
    ("lb", 453.592_37),
];

/// Volume units in US cups (canonical unit names).
const VOLUME_UNITS: [(&str, f64); 7] = [
    ("cup", 1.0),
    ("tbsp", 1.0 / 16.0),
    ("tsp", 1.0 / 48.0),
    ("floz", 1.0 / 8.0),
    ("ml", 1.0 / 236.588_236_5),
    ("l", 1000.0 / 236.588_236_5),
    ("dl", 100.0 / 236.588_236_5),
];

/// One spelling per unit: `tablespoon`, `tbs` → `tbsp`; `ounce` → `oz`; `gram` → `g`; … (the
/// word is already folded and singular).
fn canonical(w: &str) -> &str {
    match w {
        "gram" | "gr" => "g",
        "kilogram" | "kilo" => "kg",
        "ounce" => "oz",
        "pound" | "lbs" => "lb",
        "c" => "cup",
        "tablespoon" | "tbs" | "tbl" | "tb" => "tbsp",
        "teaspoon" => "tsp",
        "milliliter" | "millilitre" => "ml",
        "liter" | "litre" => "l",
        _ => w,
    }
}

/// Size words SR28 uses for a whole unit of a food, in the order "1 <food noun>" tries them
/// (`fruit` is SR28's whole fruit of a typical size: "1 fruit (2-5/8" dia)" for oranges).
const SIZE_WORDS: [&str; 4] = ["medium", "fruit", "large", "small"];

/// An amount resolved to grams, with how.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measured {
    pub grams: f64,
    /// How the grams were found, e.g. `2 × "1 slice" (SR28 WEIGHT …) = 2 × 28 g`.
    pub basis: String,
}

/// Parses a leading quantity: `2`, `1.5`, `1/2`, `1 1/2`, `½`. Returns (quantity, rest).
fn quantity(text: &str) -> Option<(f64, &str)> {
    let t = text.trim_start();
    let unicode = [
        ('½', 0.5),
        ('¼', 0.25),
        ('¾', 0.75),
        ('⅓', 1.0 / 3.0),
        ('⅔', 2.0 / 3.0),
    ];
    let mut end = 0;
    for (i, c) in t.char_indices() {
        if c.is_ascii_digit() || c == '.' || c == '/' || c == ',' {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    let (num, rest) = t.split_at(end);
    let parse_one = |s: &str| -> Option<f64> {
        let s = s.replace(',', ".");
        match s.split_once('/') {
            Some((a, b)) => {
                let (a, b): (f64, f64) = (a.parse().ok()?, b.parse().ok()?);
                (b != 0.0).then(|| a / b)
            }
            None => s.parse().ok(),
        }
    };
    let mut q = if num.is_empty() { None } else { parse_one(num) };
    let mut rest = rest;
    // A mixed number "1 1/2" or "1½".
    let r = rest.trim_start();
    if let Some(c) = r.chars().next() {
        if let Some(&(_, v)) = unicode.iter().find(|(u, _)| *u == c) {
            q = Some(q.unwrap_or(0.0) + v);
            rest = &r[c.len_utf8()..];
        } else if q.is_some() {
            let frac_end = r.find(' ').unwrap_or(r.len());
            if r[..frac_end].contains('/') {
                if let Some(f) = parse_one(&r[..frac_end]) {
                    q = Some(q.unwrap_or(0.0) + f);
                    rest = &r[frac_end..];
                }
            }
        }
    }
    q.filter(|v| v.is_finite()).map(|v| (v, rest))
}

/// The unit words of a measure text: folded, `fl oz` joined to `floz`, singular.
fn unit_words(text: &str) -> Vec<String> {
    let f = fold(text).replace("fl oz", "floz");
    f.split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| canonical(&singular(w)).to_string())
        .collect()
}

/// (grams per one unit, label) of each portion whose first word is `unit`.
fn portions_with_unit<'a>(food: &'a Food, unit: &str) -> Vec<(f64, &'a Portion)> {
    food.portions
        .iter()
        .filter_map(|p| {
            let (amount, rest) = quantity(&p.label).unwrap_or((1.0, p.label.as_str()));
            let words = unit_words(rest);
            (words.first().map(String::as_str) == Some(unit) && amount > 0.0)
                .then(|| (p.grams / amount, p))
        })
        .collect()
}

fn describe(p: &Portion) -> String {
    format!("\"{}\" = {} g ({})", p.label, p.grams, p.source)
}

/// The food's accepted measure words, for error messages.
pub fn accepted_units(food: &Food) -> String {
    let mut units: Vec<String> = vec!["g".into(), "kg".into(), "oz".into(), "lb".into()];
    for p in &food.portions {
        let rest = quantity(&p.label).map_or(p.label.as_str(), |(_, r)| r);
        if let Some(w) = unit_words(rest).into_iter().next() {
            if !units.contains(&w) {
                units.push(w);
            }
        }
    }
    let volume = units
        .iter()
        .any(|u| VOLUME_UNITS.iter().any(|(v, _)| v == u));
    if volume {
        for u in ["cup", "tbsp", "tsp", "floz", "ml"] {
            if !units.iter().any(|x| x == u) {
                units.push(u.into());
            }
        }
    }
    units.join(", ")
}

/// Grams of `food` in `text` ("1 cup", "2 slices", "150 g", "1 egg").
pub fn grams_of(food: &Food, text: &str) -> Result<Measured, String> {
    let Some((n, rest)) = quantity(text) else {
        return Err(format!(
            "'{text}' does not start with a number (e.g. \"1 cup\", \"2 slices\", \"150 g\")"
        ));
    };
    if !(n.is_finite() && n > 0.0) {
        return Err(format!("the amount {n} must be > 0"));
    }
    let words = unit_words(rest);
    let Some(unit) = words.first().cloned() else {
        return Err(format!(
            "'{text}' has no unit; accepted for '{}': {}",
            food.name,
            accepted_units(food)
        ));
    };
    let times = |per: f64, basis: String| Measured {
        grams: n * per,
        basis: format!("{n} × {basis}"),
    };
    if let Some(&(_, g)) = MASS_UNITS
        .iter()
        .find(|(u, _)| *u == unit || singular(u) == unit)
    {
        return Ok(times(g, format!("{g} g per {unit}")));
    }
    if let Some(&(_, cups)) = VOLUME_UNITS
        .iter()
        .find(|(u, _)| *u == unit || singular(u) == unit)
    {
        if let Some((per, p)) = best(portions_with_unit(food, &unit), &words) {
            return Ok(times(per, describe(p)));
        }
        // Density from another volume measure of the food.
        for (v, v_cups) in VOLUME_UNITS {
            if let Some((per, p)) = best(portions_with_unit(food, v), &words) {
                let per_unit = per / v_cups * cups;
                return Ok(times(
                    per_unit,
                    format!(
                        "{per_unit:.1} g per {unit} from {} (US cup = 16 tbsp = 48 tsp = 8 fl oz)",
                        describe(p)
                    ),
                ));
            }
        }
        return Err(format!(
            "'{}' has no volume measure in SR28, so '{unit}' cannot be weighed; accepted: {}",
            food.name,
            accepted_units(food)
        ));
    }
    if let Some((per, p)) = best(portions_with_unit(food, &unit), &words) {
        return Ok(times(per, describe(p)));
    }
    // "1 egg", "2 bananas": the food's own noun means one whole unit.
    let food_words = unit_words(&food.name);
    if food_words.contains(&unit) {
        for size in SIZE_WORDS {
            if let Some((per, p)) = best(portions_with_unit(food, size), &words) {
                return Ok(times(
                    per,
                    format!("one {unit} taken as {size}: {}", describe(p)),
                ));
            }
        }
    }
    Err(format!(
        "'{unit}' is not a measure of '{}'; accepted: {}",
        food.name,
        accepted_units(food)
    ))
}

/// Among portions of one unit, the one sharing most further words with the typed measure
/// ("1 cup chopped" prefers "1 cup, chopped"); then a medium or regular size before an unsized
/// one before other sizes ("1 croissant" = "croissant, medium", not "mini"); then the first.
fn best<'a>(candidates: Vec<(f64, &'a Portion)>, typed: &[String]) -> Option<(f64, &'a Portion)> {
    let key = |p: &Portion| {
        let rest = quantity(&p.label).map_or(p.label.as_str(), |(_, r)| r);
        let words = unit_words(rest);
        let overlap = words
            .iter()
            .skip(1)
            .filter(|w| typed.iter().skip(1).any(|t| t == *w))
            .count();
        let has = |w: &str| words.iter().skip(1).any(|x| x == w);
        let size = if has("medium") {
            3
        } else if has("regular") {
            2
        } else if ["mini", "small", "large", "extra", "jumbo"]
            .iter()
            .any(|w| has(w))
        {
            0
        } else {
            1
        };
        (overlap, size)
    };
    let mut best: Option<(f64, &Portion)> = None;
    let mut best_key = (0, 0);
    for c in candidates {
        let k = key(c.1);
        if best.is_none() || k > best_key {
            best = Some(c);
            best_key = k;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_fractions_and_mixed_numbers() {
        let q = |s: &str| quantity(s).map(|(v, r)| (v, r.trim().to_string()));
        assert_eq!(q("2 slices"), Some((2.0, "slices".into())));
        assert_eq!(q("1/2 cup"), Some((0.5, "cup".into())));
        assert_eq!(q("1 1/2 cups"), Some((1.5, "cups".into())));
        assert_eq!(q("½ cup"), Some((0.5, "cup".into())));
        assert_eq!(q("1½ cup"), Some((1.5, "cup".into())));
        assert_eq!(q("0,5 l"), Some((0.5, "l".into())));
        assert_eq!(q("150g"), Some((150.0, "g".into())));
        assert_eq!(q("cup"), None);
        assert_eq!(q("1/0 cup"), None);
        assert_eq!(unit_words("fl oz"), vec!["floz"]);
        assert_eq!(
            unit_words("2 Tablespoons, chopped"),
            vec!["2", "tbsp", "chopped"]
        );
        assert_eq!(unit_words("ounces"), vec!["oz"]);
    }
}
