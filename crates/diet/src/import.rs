//! `k2bone foods add FILE.csv`: user foods, validated like the trial import — every bad cell is
//! named by line and column with its value and the accepted range, duplicates are refused, and
//! the file goes in whole in one transaction or not at all.
//!
//! Columns: `name`, `food_group`, `source` (required); `status` (default `user`); one or more of
//! `k1_ug_per_100g`, `dk1_ug_per_100g`, `mk4_ug_per_100g` … `mk10_ug_per_100g`,
//! `k2_unsplit_ug_per_100g` (empty cell = not measured); `aliases` (separated by `;`);
//! `portion_label`, `portion_g`.
//!
//! Also refused: a header line naming a column twice, control characters in any cell (they
//! would reach the terminal when the food is printed), and names or aliases that are numbers
//! (numbers refer to food ids, see [`crate::foods::food_id`]). [`remove_user_food`] deletes a
//! food added this way; shipped foods cannot be removed.

use std::collections::HashSet;

use k2bone_store::Store;
use rusqlite::{params, TransactionBehavior};

use crate::error::{DietError, FieldError};
use crate::foods::{food_id, Food, FoodDb, Origin};
use crate::nutrient::Nutrient;
use crate::search::fold;

/// Largest accepted content, µg per 100 g (0.1 % of the food's mass; natto, the richest food
/// known, has about 1 mg/100 g).
pub const MAX_UG_PER_100G: f64 = 100_000.0;
/// Largest accepted portion, g.
pub const MAX_PORTION_G: f64 = 2_000.0;

const REQUIRED: [&str; 3] = ["name", "food_group", "source"];
const OPTIONAL: [&str; 4] = ["status", "aliases", "portion_label", "portion_g"];

struct NewFood {
    name: String,
    group: String,
    source: String,
    status: String,
    values: Vec<(Nutrient, f64)>,
    aliases: Vec<String>,
    portion: Option<(String, f64)>,
}

fn accepted_columns() -> String {
    let mut cols: Vec<String> = REQUIRED
        .iter()
        .chain(OPTIONAL.iter())
        .map(|s| s.to_string())
        .collect();
    cols.extend(
        Nutrient::ALL
            .iter()
            .map(|n| format!("{}_ug_per_100g", n.key())),
    );
    cols.join(", ")
}

/// Validates `text` (the CSV named `file`) against `db` and adds its foods in one transaction.
/// Returns the new food ids, in file order.
pub fn add_foods_csv(
    store: &mut Store,
    db: &FoodDb,
    file: &str,
    text: &str,
) -> Result<Vec<i64>, DietError> {
    let mut foods = validate(db, file, text)?;
    // Under the write lock: if another process changed the foods since `db` was loaded,
    // validate again against the database as it is now, so that two concurrent imports of the
    // same name give the duplicate message rather than a constraint error.
    let tx = store
        .conn_mut()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (n, max_id): (i64, Option<i64>) =
        tx.query_row("SELECT COUNT(*), MAX(id) FROM foods", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    if n as usize != db.len() || max_id != db.foods().last().map(|f| f.id) {
        foods = validate(&FoodDb::load(&tx)?, file, text)?;
    }
    let mut ids = Vec::new();
    for f in &foods {
        tx.execute(
            "INSERT INTO foods (name, food_group, origin) VALUES (?1, ?2, 'user')",
            params![f.name, f.group],
        )?;
        let id = tx.last_insert_rowid();
        for (n, v) in &f.values {
            tx.execute(
                "INSERT INTO food_values (food_id, nutrient, ug_per_100g, source, status) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, n.key(), v, f.source, f.status],
            )?;
        }
        for a in &f.aliases {
            tx.execute(
                "INSERT INTO food_aliases (alias, food_id) VALUES (?1, ?2)",
                params![a, id],
            )?;
        }
        if let Some((label, g)) = &f.portion {
            tx.execute(
                "INSERT INTO food_portions (food_id, label, grams, source, status) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, label, g, f.source, f.status],
            )?;
        }
        ids.push(id);
    }
    tx.commit()?;
    Ok(ids)
}

fn validate(db: &FoodDb, file: &str, text: &str) -> Result<Vec<NewFood>, DietError> {
    let format = |message: String| DietError::Format {
        file: file.to_string(),
        message,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| format(format!("line 1: cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    for (i, h) in headers.iter().enumerate() {
        if let Some(first) = headers[..i].iter().position(|x| x == h) {
            return Err(format(format!(
                "line 1: column {} repeats the header `{h}` of column {}; every column name must be unique",
                i + 1,
                first + 1
            )));
        }
    }
    let mut nutrient_cols = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(n) = h.strip_suffix("_ug_per_100g").and_then(Nutrient::from_key) {
            nutrient_cols.push((i, n));
        } else if !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()) {
            return Err(format(format!(
                "line 1: unknown column `{h}`; accepted: {}",
                accepted_columns()
            )));
        }
    }
    for r in REQUIRED {
        if !headers.iter().any(|h| h == r) {
            return Err(format(format!(
                "line 1: missing column `{r}`; accepted: {}",
                accepted_columns()
            )));
        }
    }
    if nutrient_cols.is_empty() {
        return Err(format(format!(
            "line 1: no nutrient column; give at least one of {}",
            Nutrient::ALL
                .map(|n| format!("{}_ug_per_100g", n.key()))
                .join(", ")
        )));
    }
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut errors = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(FieldError {
                    line,
                    column: "-".into(),
                    value: String::new(),
                    problem: e.to_string(),
                });
                continue;
            }
        };
        let get = |c: &str| {
            col(c)
                .and_then(|i| rec.get(i))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let mut err = |column: &str, value: &str, problem: String| {
            errors.push(FieldError {
                line,
                column: column.into(),
                value: value.into(),
                problem,
            })
        };
        if let Some((h, v)) = headers
            .iter()
            .zip(rec.iter())
            .find(|(_, v)| v.chars().any(char::is_control))
        {
            err(
                h,
                &v.escape_debug().to_string(),
                "control characters (tabs, line breaks, terminal escapes) are not accepted".into(),
            );
            continue;
        }
        let name = get("name");
        if food_id(&name).is_some() {
            err(
                "name",
                &name,
                "a food name cannot be a number: numbers refer to food ids (`93611`, `#93611`)"
                    .into(),
            );
        } else if name.is_empty() || name.chars().count() > 200 {
            err(
                "name",
                &name,
                "a food name of 1 to 200 characters is required".into(),
            );
        } else if let Some(existing) = db.get(&name) {
            err(
                "name",
                &name,
                format!(
                    "already in the database as food {} '{}'; duplicates are refused",
                    existing.id, existing.name
                ),
            );
        } else if !seen.insert(fold(&name)) {
            err(
                "name",
                &name,
                "appears twice in this file; duplicates are refused".into(),
            );
        }
        for c in ["food_group", "source"] {
            if get(c).is_empty() {
                err(
                    c,
                    "",
                    "required (where the values come from / what kind of food)".into(),
                );
            }
        }
        let mut values = Vec::new();
        for &(i, n) in &nutrient_cols {
            let cell = rec.get(i).unwrap_or("").trim();
            if cell.is_empty() {
                continue; // not measured
            }
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() && (0.0..=MAX_UG_PER_100G).contains(&v) => values.push((n, v)),
                _ => err(&headers[i], cell, format!("µg per 100 g must be a number in [0, {MAX_UG_PER_100G}]; leave empty for not measured")),
            }
        }
        if values.is_empty()
            && nutrient_cols
                .iter()
                .all(|&(i, _)| rec.get(i).unwrap_or("").trim().is_empty())
        {
            err(
                "*_ug_per_100g",
                "",
                "no nutrient value on this row; give at least one".into(),
            );
        }
        let mut aliases = Vec::new();
        for a in get("aliases")
            .split(';')
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            if food_id(a).is_some() {
                err(
                    "aliases",
                    a,
                    "an alias cannot be a number: numbers refer to food ids".into(),
                );
            } else if let Some(existing) = db.get(a) {
                err(
                    "aliases",
                    a,
                    format!("already names food {} '{}'", existing.id, existing.name),
                );
            } else if !seen.insert(fold(a)) {
                err("aliases", a, "appears twice in this file".into());
            } else {
                aliases.push(a.to_string());
            }
        }
        let portion_g = get("portion_g");
        let portion = if portion_g.is_empty() {
            None
        } else {
            match portion_g.parse::<f64>() {
                Ok(g) if g.is_finite() && g > 0.0 && g <= MAX_PORTION_G => {
                    let label = get("portion_label");
                    Some((
                        if label.is_empty() {
                            "portion".to_string()
                        } else {
                            label
                        },
                        g,
                    ))
                }
                _ => {
                    err(
                        "portion_g",
                        &portion_g,
                        format!("grams must be a number in (0, {MAX_PORTION_G}]"),
                    );
                    None
                }
            }
        };
        let status = get("status");
        out.push(NewFood {
            name,
            group: get("food_group"),
            source: get("source"),
            status: if status.is_empty() {
                "user".into()
            } else {
                status
            },
            values,
            aliases,
            portion,
        });
    }
    if !errors.is_empty() {
        return Err(DietError::Rows {
            file: file.to_string(),
            errors,
        });
    }
    if out.is_empty() {
        return Err(format("no rows after the header; nothing to add".into()));
    }
    Ok(out)
}

/// Removes a food the user added (`foods remove NAME|ID`), with its values, aliases and
/// portions; returns it. Shipped foods (USDA, literature) are refused: they come back with the
/// next seed anyway, and diet logs rely on them.
pub fn remove_user_food(
    store: &mut Store,
    db: &FoodDb,
    reference: &str,
) -> Result<Food, DietError> {
    let food = db.resolve(reference)?.clone();
    if food.origin != Origin::User {
        return Err(DietError::BadOption {
            option: "foods remove".into(),
            value: format!("food {} '{}'", food.id, food.name),
            accepted: "a food you added with `foods add`; shipped foods cannot be removed".into(),
        });
    }
    let tx = store
        .conn_mut()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let n = tx.execute(
        "DELETE FROM foods WHERE id = ?1 AND origin = 'user'",
        [food.id],
    )?;
    if n == 0 {
        // Removed by another process since `db` was loaded.
        return Err(DietError::NoSuchFood {
            query: reference.to_string(),
            suggestions: Vec::new(),
        });
    }
    tx.commit()?;
    Ok(food)
}
