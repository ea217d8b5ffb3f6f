//! Diet logs: what was eaten, per day, turned into µg of each vitamer.
//!
//! Two formats. CSV with `day,food,grams`, `day,food,portions` or `day,food,amount` (several may
//! be present, one filled per row; `amount` is a household measure such as `1 cup`, `2 slices`,
//! `1 egg` or `150 g`, see [`crate::measure`]), optional `meal` (`breakfast`, `lunch`, `snack`,
//! `dinner` or `HH:MM`) and `dose` for supplement rows (`food` = `supplement:mk7`,
//! `dose` = `180 ug`). Food names resolve as [`crate::resolve`] says; every name that did not
//! resolve to itself is kept in [`DietLog::mappings`]. TOML meal plans:
//!
//! ```toml
//! [[days]]
//! day = "Mon"
//! items = [ { food = "natto", grams = 50, meal = "breakfast" },
//!           { food = "supplement:mk7", dose = "180 ug" } ]
//! ```
//!
//! Intake of a food = grams × µg/100 g ÷ 100 for each vitamer measured in it. Days keep their order
//! of first appearance. Unknown foods are errors listing the nearest names (or, with
//! `skip_unknown`, are listed in the report); nothing is dropped silently.

use std::collections::BTreeMap;
use std::path::Path;

use k2bone_units::{Dose, Substance, Vitamer};

use crate::error::{DietError, FieldError, UnknownFood};
use crate::foods::FoodDb;
use crate::nutrient::{Intake, Nutrient};
use crate::resolve::{MatchKind, NameMapping};

/// Accepted grams of one food in one row, g (exclusive lower bound).
pub const GRAMS_RANGE: (f64, f64) = (0.0, 2_000.0);
/// Accepted portions of one food in one row.
pub const PORTIONS_RANGE: (f64, f64) = (0.0, 20.0);
/// Accepted supplement dose in one row, µg (100 mg; the MK-4 trials used 45 mg/day).
pub const DOSE_RANGE_UG: (f64, f64) = (0.0, 100_000.0);
/// Hour of the day for named meals and for rows with no meal (named assumption A-diet-5).
pub const MEAL_HOURS: [(&str, f64); 4] = [
    ("breakfast", 8.0),
    ("lunch", 13.0),
    ("snack", 16.0),
    ("dinner", 19.0),
];
/// Hour used when a row names no meal (assumption A-diet-5).
pub const DEFAULT_HOUR: f64 = 12.0;

/// One food eaten.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct LogEntry {
    pub line: usize,
    pub day: String,
    pub hour: f64,
    pub food_id: i64,
    pub food: String,
    pub grams: f64,
}

/// One supplement taken.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct SupplementEntry {
    pub line: usize,
    pub day: String,
    pub hour: f64,
    pub vitamer: Vitamer,
    pub ug: f64,
}

/// A parsed diet log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DietLog {
    pub file: String,
    /// Day labels in order of first appearance.
    pub days: Vec<String>,
    pub entries: Vec<LogEntry>,
    pub supplements: Vec<SupplementEntry>,
    /// Foods not found (only when `skip_unknown`; otherwise they are an error).
    pub unknown: Vec<UnknownFood>,
    /// Names that resolved to another food name (aliases, common names, search), with why.
    pub mappings: Vec<NameMapping>,
    /// The meal of each row that names one, as written (`breakfast`, `08:30`), by line.
    pub meal_by_line: BTreeMap<usize, String>,
    /// How a household measure or a portion count became grams, by line.
    pub measure_by_line: BTreeMap<usize, String>,
}

/// One day's intake: from foods, from supplements, and per food.
#[derive(Debug, Clone, PartialEq)]
pub struct DayIntake {
    pub day: String,
    pub grams: f64,
    pub foods: Intake,
    pub supplements: Intake,
    /// (food name, grams, intake) per log row.
    pub contributions: Vec<(String, f64, Intake)>,
}

impl DayIntake {
    /// Foods plus supplements.
    pub fn total(&self) -> Intake {
        let mut t = self.foods.clone();
        t.add_all(&self.supplements);
        t
    }
}

/// One raw row, before the food is looked up.
pub(crate) struct RawRow {
    pub(crate) line: usize,
    pub(crate) day: String,
    pub(crate) food: String,
    pub(crate) grams: Option<String>,
    pub(crate) portions: Option<String>,
    pub(crate) amount: Option<String>,
    pub(crate) meal: Option<String>,
    pub(crate) dose: Option<String>,
}

/// Reads a log file: `.toml` is a meal plan, anything else CSV.
pub fn read_log(db: &FoodDb, path: &Path, skip_unknown: bool) -> Result<DietLog, DietError> {
    let text = std::fs::read_to_string(path).map_err(|source| DietError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let file = path.display().to_string();
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        crate::meal_plan::parse_toml(db, &file, &text, skip_unknown)
    } else {
        parse_csv(db, &file, &text, skip_unknown)
    }
}

/// Parses a CSV diet log.
pub fn parse_csv(
    db: &FoodDb,
    file: &str,
    text: &str,
    skip_unknown: bool,
) -> Result<DietLog, DietError> {
    let format = |message: String| DietError::Format {
        file: file.to_string(),
        message,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| format(format!("line 1: cannot read the header: {e}")))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(DietError::EmptyLog {
            file: file.to_string(),
        });
    }
    const ACCEPTED: &str = "day, food, grams and/or portions and/or amount; optional meal, dose";
    for h in &headers {
        if !["day", "food", "grams", "portions", "amount", "meal", "dose"].contains(&h.as_str()) {
            return Err(format(format!(
                "line 1: unknown column `{h}`; accepted: {ACCEPTED}"
            )));
        }
    }
    let col = |n: &str| headers.iter().position(|h| h == n);
    for required in ["day", "food"] {
        if col(required).is_none() {
            return Err(format(format!(
                "line 1: missing column `{required}`; accepted: {ACCEPTED}"
            )));
        }
    }
    if col("grams").is_none() && col("portions").is_none() && col("amount").is_none() {
        return Err(format(format!(
            "line 1: needs a `grams`, `portions` or `amount` column; accepted: {ACCEPTED}"
        )));
    }
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| format(format!("line {line}: {e}")))?;
        let get = |n: &str| {
            col(n)
                .and_then(|i| rec.get(i))
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        rows.push(RawRow {
            line,
            day: get("day").unwrap_or_default(),
            food: get("food").unwrap_or_default(),
            grams: get("grams"),
            portions: get("portions"),
            amount: get("amount"),
            meal: get("meal"),
            dose: get("dose"),
        });
    }
    build(db, file, rows, skip_unknown)
}

fn hour_of(meal: &str) -> Option<f64> {
    let m = meal.trim().to_ascii_lowercase();
    if let Some(&(_, h)) = MEAL_HOURS.iter().find(|(n, _)| *n == m) {
        return Some(h);
    }
    let (h, min) = m.split_once(':')?;
    let (h, min): (u32, u32) = (h.parse().ok()?, min.parse().ok()?);
    (h < 24 && min < 60).then(|| f64::from(h) + f64::from(min) / 60.0)
}

fn in_range(text: &str, (lo, hi): (f64, f64)) -> Option<f64> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > lo && *v <= hi)
}

pub(crate) fn build(
    db: &FoodDb,
    file: &str,
    rows: Vec<RawRow>,
    skip_unknown: bool,
) -> Result<DietLog, DietError> {
    let mut log = DietLog {
        file: file.to_string(),
        ..DietLog::default()
    };
    let mut errors = Vec::new();
    for r in rows {
        if let Some(m) = &r.meal {
            log.meal_by_line.insert(r.line, m.trim().to_string());
        }
        let mut err = |column: &str, value: &str, problem: String| {
            errors.push(FieldError {
                line: r.line,
                column: column.into(),
                value: value.into(),
                problem,
            })
        };
        if r.day.is_empty() {
            err(
                "day",
                "",
                "a day label is required (e.g. 1, Mon, 2024-03-01)".into(),
            );
            continue;
        }
        let hour = match r.meal.as_deref() {
            None => DEFAULT_HOUR,
            Some(m) => match hour_of(m) {
                Some(h) => h,
                None => {
                    err(
                        "meal",
                        m,
                        "accepted: breakfast, lunch, snack, dinner or HH:MM".into(),
                    );
                    continue;
                }
            },
        };
        if !log.days.contains(&r.day) {
            log.days.push(r.day.clone());
        }
        if let Some(key) = r.food.trim().strip_prefix("supplement:") {
            let Ok(vitamer) = key.parse::<Vitamer>() else {
                err(
                    "food",
                    &r.food,
                    "supplement:<form>, form one of k1, mk4, mk5, mk6, mk7, mk8, mk9, mk10".into(),
                );
                continue;
            };
            let dose_text = r.dose.clone().unwrap_or_default();
            match dose_text
                .parse::<Dose>()
                .and_then(|d| d.to_ug(Substance::Vitamer(vitamer)))
            {
                Ok(ug) if ug > DOSE_RANGE_UG.0 && ug <= DOSE_RANGE_UG.1 => {
                    log.supplements.push(SupplementEntry {
                        line: r.line,
                        day: r.day.clone(),
                        hour,
                        vitamer,
                        ug,
                    })
                }
                Ok(ug) => err(
                    "dose",
                    &dose_text,
                    format!(
                        "{ug} µg is outside the accepted ({}, {}] µg",
                        DOSE_RANGE_UG.0, DOSE_RANGE_UG.1
                    ),
                ),
                Err(e) => err(
                    "dose",
                    &dose_text,
                    format!("{e} (supplement rows need a dose such as \"180 ug\")"),
                ),
            }
            continue;
        }
        if r.food.trim().is_empty() {
            err("food", "", "a food name is required".into());
            continue;
        }
        let Some(resolved) = db.resolve_name(&r.food) else {
            log.unknown.push(UnknownFood {
                line: r.line,
                name: r.food.clone(),
                suggestions: db.suggest(&r.food, 3),
                note: crate::resolve::unmapped_note(&r.food).map(String::from),
            });
            continue;
        };
        let food = resolved.food;
        if resolved.kind != MatchKind::Name {
            log.mappings.push(NameMapping {
                line: r.line,
                typed: r.food.clone(),
                food: food.name.clone(),
                food_id: food.id,
                kind: resolved.kind,
                note: resolved.note,
            });
        }
        let mut measure = None;
        let filled = [&r.grams, &r.portions, &r.amount]
            .iter()
            .filter(|c| c.is_some())
            .count();
        if filled > 1 {
            err(
                "grams",
                r.grams.as_deref().unwrap_or(""),
                "give one of grams, portions or amount on a row, not several".into(),
            );
            continue;
        }
        let grams = match (&r.grams, &r.portions) {
            (None, None) if r.amount.is_some() => {
                let a = r.amount.as_deref().unwrap_or("");
                match crate::measure::grams_of(food, a) {
                    Ok(m) if m.grams > GRAMS_RANGE.0 && m.grams <= GRAMS_RANGE.1 => {
                        measure = Some(m.basis);
                        m.grams
                    }
                    Ok(m) => {
                        err(
                            "amount",
                            a,
                            format!(
                                "{} g is outside the accepted ({}, {}] g",
                                m.grams, GRAMS_RANGE.0, GRAMS_RANGE.1
                            ),
                        );
                        continue;
                    }
                    Err(problem) => {
                        err("amount", a, problem);
                        continue;
                    }
                }
            }
            (Some(g), None) => match in_range(g, GRAMS_RANGE) {
                Some(g) => g,
                None => {
                    err(
                        "grams",
                        g,
                        format!(
                            "accepted: a number in ({}, {}] g",
                            GRAMS_RANGE.0, GRAMS_RANGE.1
                        ),
                    );
                    continue;
                }
            },
            (None, Some(p)) => {
                let Some(n) = in_range(p, PORTIONS_RANGE) else {
                    err(
                        "portions",
                        p,
                        format!(
                            "accepted: a number in ({}, {}]",
                            PORTIONS_RANGE.0, PORTIONS_RANGE.1
                        ),
                    );
                    continue;
                };
                let Some(portion) = food.default_portion() else {
                    err(
                        "portions",
                        p,
                        format!(
                            "'{}' has no typical portion in the database; give grams instead",
                            food.name
                        ),
                    );
                    continue;
                };
                measure = Some(format!(
                    "{n} × default portion \"{}\" = {} g ({})",
                    portion.label, portion.grams, portion.source
                ));
                n * portion.grams
            }
            (Some(_), Some(_)) => {
                err(
                    "grams",
                    r.grams.as_deref().unwrap_or(""),
                    "give grams or portions on a row, not both".into(),
                );
                continue;
            }
            (None, None) => {
                err(
                    "grams",
                    "",
                    "an amount is required: grams, portions or amount (e.g. \"1 cup\")".into(),
                );
                continue;
            }
        };
        log.entries.push(LogEntry {
            line: r.line,
            day: r.day.clone(),
            hour,
            food_id: food.id,
            food: food.name.clone(),
            grams,
        });
        if let Some(m) = measure {
            log.measure_by_line.insert(r.line, m);
        }
    }
    if !errors.is_empty() {
        // Name the unknown foods too, so one run lists every line to fix.
        for u in &log.unknown {
            let text = u.to_string();
            let problem = text
                .split_once(&format!("'{}'", u.name))
                .map_or(text.clone(), |(_, rest)| format!("unknown food{rest}"));
            errors.push(FieldError {
                line: u.line,
                column: "food".into(),
                value: u.name.clone(),
                problem,
            });
        }
        errors.sort_by_key(|e| e.line);
        return Err(DietError::Rows {
            file: file.to_string(),
            errors,
        });
    }
    if !log.unknown.is_empty() && !skip_unknown {
        return Err(DietError::UnknownFoods {
            file: file.to_string(),
            unknown: log.unknown,
        });
    }
    if log.entries.is_empty() && log.supplements.is_empty() && log.unknown.is_empty() {
        return Err(DietError::EmptyLog {
            file: file.to_string(),
        });
    }
    Ok(log)
}

impl DietLog {
    /// The intake of each day, in day order.
    pub fn daily(&self, db: &FoodDb) -> Vec<DayIntake> {
        self.days
            .iter()
            .map(|day| {
                let mut d = DayIntake {
                    day: day.clone(),
                    grams: 0.0,
                    foods: Intake::new(),
                    supplements: Intake::new(),
                    contributions: Vec::new(),
                };
                for e in self.entries.iter().filter(|e| &e.day == day) {
                    let Some(food) = db.by_id(e.food_id) else {
                        continue; // a log read against another database: nothing to add
                    };
                    let intake = food.intake_for_grams(e.grams);
                    d.grams += e.grams;
                    d.foods.add_all(&intake);
                    d.contributions.push((e.food.clone(), e.grams, intake));
                }
                for s in self.supplements.iter().filter(|s| &s.day == day) {
                    d.supplements.add(Nutrient::Vitamer(s.vitamer), s.ug);
                }
                d
            })
            .collect()
    }
}
