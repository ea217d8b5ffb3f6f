//! The parts of the shipped food table added for issue 14, seeded after `crate::seed`'s:
//!
//! - `usda_foods_without_vitamin_k.csv`: the 3,562 SR28 foods with no vitamin K record, so that
//!   their calcium, vitamin D and measures are there (their vitamin K is *not measured*);
//! - `usda_calcium_vitamin_d.csv`: SR28 calcium (mg) and vitamin D (µg) per 100 g with SR28's
//!   source code of each value (table `food_bone_nutrients`, migration 0003);
//! - `usda_portions.csv`: SR28 WEIGHT, every household measure with its gram weight (after the
//!   hand-written `portions.csv`, which stays each food's default portion);
//! - `common_names.csv`: names a dietitian types → SR28 food, each with its rule and note, as
//!   aliases (an alias already in `aliases.csv` wins; the two files disagree on "beef liver").

use std::collections::HashSet;

use rusqlite::{params, Transaction};

use crate::error::DietError;
use crate::search::fold;
use crate::seed::{bad, field, number, records};

macro_rules! data_file {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/foods/",
                $name
            )),
        )
    };
}

const FOODS: (&str, &str) = data_file!("usda_foods_without_vitamin_k.csv");
const CALCIUM_VITAMIN_D: (&str, &str) = data_file!("usda_calcium_vitamin_d.csv");
const MEASURES: (&str, &str) = data_file!("usda_portions.csv");
pub(crate) const COMMON_NAMES: (&str, &str) = data_file!("common_names.csv");

fn ndb_id(file: &'static str, line: usize, ndb: &str) -> Result<i64, DietError> {
    ndb.parse()
        .map_err(|_| bad(file, line, format!("NDB number '{ndb}' is not an integer")))
}

/// Adds the SR28 foods that have no vitamin K record.
pub(crate) fn seed_foods_without_vitamin_k(tx: &Transaction) -> Result<(), DietError> {
    let file = FOODS.0;
    let mut st = tx.prepare(
        "INSERT INTO foods (id, name, food_group, origin, usda_ndb) VALUES (?1, ?2, ?3, 'usda_sr28', ?4)",
    )?;
    for (line, rec) in records(FOODS)? {
        let ndb = field(&rec, file, line, "ndb_no")?;
        let id = ndb_id(file, line, ndb)?;
        st.execute(params![
            id,
            field(&rec, file, line, "food_description")?,
            field(&rec, file, line, "food_group")?,
            ndb
        ])
        .map_err(|e| bad(file, line, e.to_string()))?;
    }
    Ok(())
}

/// Adds calcium and vitamin D, each value with its SR28 source code as status.
pub(crate) fn seed_calcium_vitamin_d(tx: &Transaction) -> Result<(), DietError> {
    let file = CALCIUM_VITAMIN_D.0;
    let mut st = tx.prepare(
        "INSERT INTO food_bone_nutrients (food_id, nutrient, per_100g, source, status)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (line, rec) in records(CALCIUM_VITAMIN_D)? {
        let ndb = field(&rec, file, line, "ndb_no")?;
        let id = ndb_id(file, line, ndb)?;
        for (col, src, key, nutr) in [
            ("calcium_mg", "calcium_src", "calcium_mg", 301),
            ("vitamin_d_ug", "vitamin_d_src", "vitamin_d_ug", 328),
        ] {
            let cell = field(&rec, file, line, col)?;
            if cell.is_empty() {
                continue;
            }
            let v = number(file, line, col, cell)?;
            let code = field(&rec, file, line, src)?;
            if code.is_empty() {
                return Err(bad(
                    file,
                    line,
                    format!("`{src}` is empty but `{col}` has a value"),
                ));
            }
            st.execute(params![
                id,
                key,
                v,
                format!("USDA SR28 NUT_DATA nutrient {nutr}, NDB {ndb}"),
                format!("sr28 src {code}")
            ])
            .map_err(|e| bad(file, line, format!("{e} (is NDB {ndb} a seeded food?)")))?;
        }
    }
    Ok(())
}

/// Formats an SR28 amount without float noise: `1`, `0.5`, `1.5`.
fn amount_text(a: f64) -> String {
    let s = format!("{a:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Adds every SR28 household measure as a portion labelled `<amount> <measure>` (a label the
/// food already has gets ` (SR28 seq N)` appended, so no weight is lost).
pub(crate) fn seed_household_measures(tx: &Transaction) -> Result<(), DietError> {
    let file = MEASURES.0;
    let mut taken: HashSet<(i64, String)> = HashSet::new();
    {
        let mut st = tx.prepare("SELECT food_id, label FROM food_portions")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for r in rows {
            let (id, label) = r?;
            taken.insert((id, label.to_lowercase()));
        }
    }
    let mut st = tx.prepare(
        "INSERT INTO food_portions (food_id, label, grams, source, status) VALUES (?1, ?2, ?3, ?4, 'sr28')",
    )?;
    for (line, rec) in records(MEASURES)? {
        let ndb = field(&rec, file, line, "ndb_no")?;
        let id = ndb_id(file, line, ndb)?;
        let seq = field(&rec, file, line, "seq")?;
        let amount = number(file, line, "amount", field(&rec, file, line, "amount")?)?;
        let grams = number(file, line, "grams", field(&rec, file, line, "grams")?)?;
        if amount <= 0.0 || grams <= 0.0 {
            return Err(bad(file, line, "amount and grams must be > 0"));
        }
        let mut label = format!(
            "{} {}",
            amount_text(amount),
            field(&rec, file, line, "measure")?
        );
        if !taken.insert((id, label.to_lowercase())) {
            label = format!("{label} (SR28 seq {seq})");
            taken.insert((id, label.to_lowercase()));
        }
        st.execute(params![
            id,
            label,
            grams,
            format!("USDA SR28 WEIGHT, NDB {ndb} seq {seq}")
        ])
        .map_err(|e| bad(file, line, format!("{e} (is NDB {ndb} a seeded food?)")))?;
    }
    Ok(())
}

/// Adds the curated common names as aliases. A name whose folded form is already an alias is
/// skipped (`aliases.csv` wins); a name with no NDB number (left unmapped on purpose) is skipped.
pub(crate) fn seed_common_names(tx: &Transaction) -> Result<(), DietError> {
    let file = COMMON_NAMES.0;
    let mut known: HashSet<String> = HashSet::new();
    {
        let mut st = tx.prepare("SELECT alias FROM food_aliases")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        for a in rows {
            known.insert(fold(&a?));
        }
        let mut st = tx.prepare("SELECT name FROM foods")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        for n in rows {
            known.insert(fold(&n?));
        }
    }
    let mut st =
        tx.prepare("INSERT INTO food_aliases (alias, food_id, note) VALUES (?1, ?2, ?3)")?;
    for (line, rec) in records(COMMON_NAMES)? {
        let name = field(&rec, file, line, "common_name")?;
        let ndb = field(&rec, file, line, "ndb_no")?;
        if ndb.is_empty() || !known.insert(fold(name)) {
            continue;
        }
        let id = ndb_id(file, line, ndb)?;
        let rule = field(&rec, file, line, "rule")?;
        let note = field(&rec, file, line, "note")?;
        let note = match (rule, note.is_empty()) {
            ("exact", true) => None,
            (rule, true) => Some(format!("k2bone common-name list, rule {rule}")),
            (rule, false) => Some(format!("k2bone common-name list, rule {rule}: {note}")),
        };
        st.execute(params![name, id, note])
            .map_err(|e| bad(file, line, format!("{e} (is NDB {ndb} a seeded food?)")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_print_without_float_noise() {
        assert_eq!(amount_text(1.0), "1");
        assert_eq!(amount_text(0.5), "0.5");
        assert_eq!(amount_text(1.25), "1.25");
        assert_eq!(amount_text(0.333), "0.333");
    }
}
