//! The shipped food table: `data/foods/*.csv`, embedded at compile time and written into the
//! project's SQLite database (migration `0002_foods.sql`) on first open, in one transaction.
//!
//! - `usda_vitamin_k.csv`: USDA SR28 NUT_DATA, K1 (430), MK-4 (428) and dihydro-K1 (429) in
//!   µg/100 g for 5,227 foods; the food id is the SR28 NDB number. An empty cell is not measured.
//! - `literature_values.csv`: values USDA does not carry (MK-7 in natto, MK-4 in liver pâté,
//!   total K2 of some cheeses), each with its own source; a row with `usda_ndb` adds the value to
//!   that USDA food, a row without one defines a literature food.
//! - `aliases.csv`, `portions.csv`: other names and typical portions, each portion with a source.
//!
//! Provenance of every file: `data/foods/README.md`.

use std::collections::HashMap;

use rusqlite::{params, Connection, Transaction};

use crate::error::DietError;
use crate::nutrient::Nutrient;

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

const USDA: (&str, &str) = data_file!("usda_vitamin_k.csv");
const LITERATURE: (&str, &str) = data_file!("literature_values.csv");
const ALIASES: (&str, &str) = data_file!("aliases.csv");
const PORTIONS: (&str, &str) = data_file!("portions.csv");

/// Bump when the shipped data changes: older databases are re-seeded (user foods are kept).
/// 2: SR28 foods without vitamin K, calcium and vitamin D, household measures, common names
/// (issue 14, `crate::sr28`).
pub const SEED_VERSION: i64 = 2;

/// Status written for USDA values: SR28 mixes analytical and imputed values and the copy does not
/// carry SR28's source codes (see data/foods/sources/usda_vitamin_k.md).
pub const USDA_STATUS: &str = "sr28";

pub(crate) fn bad(file: &'static str, line: usize, message: impl Into<String>) -> DietError {
    DietError::SeedData {
        file,
        line,
        message: message.into(),
    }
}

/// A CSV row keyed by header, with its line number.
pub(crate) type Record = (usize, HashMap<String, String>);

/// Reads an embedded CSV into (line, header-keyed record) pairs; lines starting with `#` are
/// provenance comments. Line numbers count every physical line of the file.
pub(crate) fn records((file, text): (&'static str, &str)) -> Result<Vec<Record>, DietError> {
    let comments = text.lines().take_while(|l| l.starts_with('#')).count();
    let body = text
        .split_inclusive('\n')
        .skip(comments)
        .collect::<String>();
    let mut rdr = csv::Reader::from_reader(body.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| bad(file, comments + 1, e.to_string()))?
        .clone();
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = comments + i + 2;
        let rec = rec.map_err(|e| bad(file, line, e.to_string()))?;
        let map = headers
            .iter()
            .zip(rec.iter())
            .map(|(h, v)| (h.to_string(), v.trim().to_string()))
            .collect();
        out.push((line, map));
    }
    Ok(out)
}

pub(crate) fn field<'a>(
    rec: &'a HashMap<String, String>,
    file: &'static str,
    line: usize,
    col: &str,
) -> Result<&'a str, DietError> {
    rec.get(col)
        .map(String::as_str)
        .ok_or_else(|| bad(file, line, format!("missing column `{col}`")))
}

pub(crate) fn number(
    file: &'static str,
    line: usize,
    col: &str,
    s: &str,
) -> Result<f64, DietError> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| bad(file, line, format!("`{col}` = '{s}' is not a number ≥ 0")))
}

/// Seeds the food tables unless this seed version is already in. Returns true if it seeded.
pub fn seed_if_needed(conn: &mut Connection) -> Result<bool, DietError> {
    let have: Option<i64> =
        conn.query_row("SELECT MAX(version) FROM food_seed", [], |r| r.get(0))?;
    if have == Some(SEED_VERSION) {
        return Ok(false);
    }
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM foods WHERE origin != 'user'", [])?;
    tx.execute("DELETE FROM food_seed", [])?;
    seed_usda(&tx)?;
    crate::sr28::seed_foods_without_vitamin_k(&tx)?;
    seed_literature(&tx)?;
    seed_aliases(&tx)?;
    seed_portions(&tx)?;
    crate::sr28::seed_calcium_vitamin_d(&tx)?;
    crate::sr28::seed_household_measures(&tx)?;
    crate::sr28::seed_common_names(&tx)?;
    tx.execute(
        "INSERT INTO food_seed (version) VALUES (?1)",
        [SEED_VERSION],
    )?;
    tx.commit()?;
    Ok(true)
}

fn insert_value(
    tx: &Transaction,
    food_id: i64,
    nutrient: Nutrient,
    ug: f64,
    source: &str,
    status: &str,
    note: Option<&str>,
) -> rusqlite::Result<usize> {
    tx.prepare_cached(
        "INSERT INTO food_values (food_id, nutrient, ug_per_100g, source, status, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![food_id, nutrient.key(), ug, source, status, note])
}

fn seed_usda(tx: &Transaction) -> Result<(), DietError> {
    let file = USDA.0;
    let columns = [
        (
            "k1_phylloquinone_ug_per_100g",
            Nutrient::Vitamer(k2bone_units::Vitamer::K1),
        ),
        (
            "mk4_ug_per_100g",
            Nutrient::Vitamer(k2bone_units::Vitamer::Mk4),
        ),
        ("dihydrophylloquinone_ug_per_100g", Nutrient::DihydroK1),
    ];
    for (line, rec) in records(USDA)? {
        let ndb = field(&rec, file, line, "fdc_or_ndb_id")?;
        let id: i64 = ndb
            .parse()
            .map_err(|_| bad(file, line, format!("NDB number '{ndb}' is not an integer")))?;
        tx.prepare_cached(
            "INSERT INTO foods (id, name, food_group, origin, usda_ndb) VALUES (?1, ?2, ?3, 'usda_sr28', ?4)",
        )?
        .execute(params![id, field(&rec, file, line, "food_description")?, field(&rec, file, line, "food_group")?, ndb])
        .map_err(|e| bad(file, line, e.to_string()))?;
        let source = format!("USDA SR28 NUT_DATA, NDB {ndb}");
        for (col, nutrient) in columns {
            let cell = field(&rec, file, line, col)?;
            if !cell.is_empty() {
                let v = number(file, line, col, cell)?;
                insert_value(tx, id, nutrient, v, &source, USDA_STATUS, None)?;
            }
        }
    }
    Ok(())
}

pub(crate) fn food_id_by_name(tx: &Transaction, name: &str) -> rusqlite::Result<Option<i64>> {
    let mut st = tx.prepare_cached("SELECT id FROM foods WHERE name = ?1")?;
    let mut rows = st.query([name])?;
    Ok(match rows.next()? {
        Some(r) => Some(r.get(0)?),
        None => None,
    })
}

fn seed_literature(tx: &Transaction) -> Result<(), DietError> {
    let file = LITERATURE.0;
    for (line, rec) in records(LITERATURE)? {
        let name = field(&rec, file, line, "food")?;
        let ndb = field(&rec, file, line, "usda_ndb")?;
        let id = if ndb.is_empty() {
            match food_id_by_name(tx, name)? {
                Some(id) => id,
                None => {
                    let group = field(&rec, file, line, "food_group")?;
                    tx.execute(
                        "INSERT INTO foods (name, food_group, origin) VALUES (?1, ?2, 'literature')",
                        params![name, group],
                    )
                    .map_err(|e| bad(file, line, e.to_string()))?;
                    tx.last_insert_rowid()
                }
            }
        } else {
            let id: i64 = tx
                .query_row("SELECT id FROM foods WHERE usda_ndb = ?1", [ndb], |r| {
                    r.get(0)
                })
                .map_err(|_| bad(file, line, format!("no USDA food with NDB {ndb}")))?;
            id
        };
        let key = field(&rec, file, line, "nutrient")?;
        let nutrient = Nutrient::from_key(key)
            .ok_or_else(|| bad(file, line, format!("unknown nutrient '{key}'")))?;
        let v = number(
            file,
            line,
            "ug_per_100g",
            field(&rec, file, line, "ug_per_100g")?,
        )?;
        let note = field(&rec, file, line, "notes")?;
        insert_value(
            tx,
            id,
            nutrient,
            v,
            field(&rec, file, line, "source")?,
            field(&rec, file, line, "status")?,
            (!note.is_empty()).then_some(note),
        )
        .map_err(|e| {
            bad(
                file,
                line,
                format!("{e} (a value for {key} is already there?)"),
            )
        })?;
    }
    Ok(())
}

fn seed_aliases(tx: &Transaction) -> Result<(), DietError> {
    let file = ALIASES.0;
    for (line, rec) in records(ALIASES)? {
        let food = field(&rec, file, line, "food")?;
        let id = food_id_by_name(tx, food)?
            .ok_or_else(|| bad(file, line, format!("no food named '{food}'")))?;
        let note = field(&rec, file, line, "note")?;
        tx.execute(
            "INSERT INTO food_aliases (alias, food_id, note) VALUES (?1, ?2, ?3)",
            params![
                field(&rec, file, line, "alias")?,
                id,
                (!note.is_empty()).then_some(note)
            ],
        )
        .map_err(|e| bad(file, line, e.to_string()))?;
    }
    Ok(())
}

fn seed_portions(tx: &Transaction) -> Result<(), DietError> {
    let file = PORTIONS.0;
    for (line, rec) in records(PORTIONS)? {
        let food = field(&rec, file, line, "food")?;
        let id = food_id_by_name(tx, food)?
            .ok_or_else(|| bad(file, line, format!("no food named '{food}'")))?;
        let grams = number(file, line, "grams", field(&rec, file, line, "grams")?)?;
        tx.execute(
            "INSERT INTO food_portions (food_id, label, grams, source, status) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id,
                field(&rec, file, line, "label")?,
                grams,
                field(&rec, file, line, "source")?,
                field(&rec, file, line, "status")?
            ],
        )
        .map_err(|e| bad(file, line, e.to_string()))?;
    }
    Ok(())
}
