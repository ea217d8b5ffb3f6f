//! The trial database in the project's SQLite store (migration `0001_trials.sql`): seeding from
//! the embedded `data/evidence/trials.csv` on first use, importing a user's CSV in one
//! transaction (nothing half-imported), and queries.
//!
//! ```
//! use k2bone_trialdb::trial_db::{open_trials, list, TrialFilter};
//! let mut store = k2bone_store::Store::in_memory().unwrap();
//! open_trials(&mut store).unwrap();
//! let rows = list(store.conn(), &TrialFilter { outcome: Some("bmd_lumbar_pct_change".into()), ..Default::default() }).unwrap();
//! assert!(rows.iter().any(|r| r.study_id == "shiraki_2000"));
//! ```

use rusqlite::{params, Connection, Row, Transaction};

use crate::trial_error::TrialError;
use crate::trials::{shipped_trials, Dispersion, TrialRow};

/// Bump when `data/evidence/trials.csv` changes: shipped rows are replaced, user rows kept.
pub const SEED_VERSION: i64 = 1;

/// Seeds the shipped trials unless this seed version is in. Returns true if it seeded.
/// A user row with the same key as a shipped one is kept and the shipped one skipped.
pub fn seed_if_needed(conn: &mut Connection) -> Result<bool, TrialError> {
    let have: Option<i64> =
        conn.query_row("SELECT MAX(version) FROM trial_seed", [], |r| r.get(0))?;
    if have == Some(SEED_VERSION) {
        return Ok(false);
    }
    let rows = shipped_trials()?;
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM trial_rows WHERE origin = 'shipped'", [])?;
    tx.execute("DELETE FROM trial_seed", [])?;
    for r in &rows {
        if existing_origin(&tx, r)?.is_none() {
            insert(&tx, r, "shipped")?;
        }
    }
    tx.execute(
        "INSERT INTO trial_seed (version) VALUES (?1)",
        [SEED_VERSION],
    )?;
    tx.commit()?;
    Ok(true)
}

/// Makes sure the store's trial tables are seeded (call once after opening a store).
pub fn open_trials(store: &mut k2bone_store::Store) -> Result<(), TrialError> {
    seed_if_needed(store.conn_mut())?;
    Ok(())
}

fn existing_origin(tx: &Transaction, r: &TrialRow) -> Result<Option<String>, TrialError> {
    let mut st = tx.prepare_cached(
        "SELECT origin FROM trial_rows WHERE study_id = ?1 AND outcome = ?2 AND timepoint_months = ?3",
    )?;
    let mut q = st.query(params![r.study_id, r.outcome, r.timepoint_months])?;
    Ok(match q.next()? {
        Some(row) => Some(row.get(0)?),
        None => None,
    })
}

fn insert(tx: &Transaction, r: &TrialRow, origin: &str) -> Result<(), TrialError> {
    tx.execute(
        "INSERT INTO trial_rows (study_id, first_author, year, country, population, n_treat, n_control,
            k_form, dose_ug_per_day, co_treatment, duration_months, outcome, mean_treat, sd_treat,
            mean_control, sd_control, events_treat, events_control, source, timepoint_months,
            dispersion_type, notes, control, provenance, dispersion, integrity_concern,
            integrity_note, curation_note, origin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)",
        params![
            r.study_id,
            r.first_author,
            r.year,
            r.country,
            r.population,
            r.n_treat,
            r.n_control,
            r.k_form,
            r.dose_ug_per_day,
            r.co_treatment,
            r.duration_months,
            r.outcome,
            r.mean_treat,
            r.sd_treat,
            r.mean_control,
            r.sd_control,
            r.events_treat,
            r.events_control,
            r.source,
            r.timepoint_months,
            r.dispersion_type,
            r.notes,
            r.control,
            r.provenance,
            r.dispersion.map(Dispersion::label),
            r.integrity_concern as i64,
            r.integrity_note,
            r.curation_note,
            origin,
        ],
    )?;
    Ok(())
}

/// Imports a user's trial CSV: validates every row, refuses rows already in the database, and
/// writes all rows in one transaction, so a failure leaves the database as it was.
/// Returns the number of rows imported.
pub fn import_csv(conn: &mut Connection, text: &str, file: &str) -> Result<usize, TrialError> {
    let rows = crate::trials::read_trials_csv(text, file)?;
    let tx = conn.transaction()?;
    for (i, r) in rows.iter().enumerate() {
        if let Some(origin) = existing_origin(&tx, r)? {
            // Dropping `tx` rolls back the rows inserted so far.
            return Err(TrialError::AlreadyInDatabase {
                file: file.to_string(),
                row: i + 1,
                line: i + 2,
                key: r.key(),
                origin,
            });
        }
        insert(&tx, r, "user")?;
    }
    tx.commit()?;
    Ok(rows.len())
}

/// Filters of [`list`]; `None` matches everything. Text matches ignore ASCII case.
#[derive(Debug, Clone, Default)]
pub struct TrialFilter {
    /// Outcome name.
    pub outcome: Option<String>,
    /// Vitamer (`K1`, `MK-4`, `MK-7`).
    pub k_form: Option<String>,
    /// Study id.
    pub study_id: Option<String>,
}

const COLUMNS: &str = "study_id, first_author, year, country, population, n_treat, n_control,
    k_form, dose_ug_per_day, co_treatment, duration_months, outcome, mean_treat, sd_treat,
    mean_control, sd_control, events_treat, events_control, source, timepoint_months,
    dispersion_type, notes, control, provenance, dispersion, integrity_concern, integrity_note,
    curation_note";

fn from_row(r: &Row) -> rusqlite::Result<TrialRow> {
    let dispersion: Option<String> = r.get(24)?;
    Ok(TrialRow {
        study_id: r.get(0)?,
        first_author: r.get(1)?,
        year: r.get(2)?,
        country: r.get(3)?,
        population: r.get(4)?,
        n_treat: r.get(5)?,
        n_control: r.get(6)?,
        k_form: r.get(7)?,
        dose_ug_per_day: r.get(8)?,
        co_treatment: r.get(9)?,
        duration_months: r.get(10)?,
        outcome: r.get(11)?,
        mean_treat: r.get(12)?,
        sd_treat: r.get(13)?,
        mean_control: r.get(14)?,
        sd_control: r.get(15)?,
        events_treat: r.get(16)?,
        events_control: r.get(17)?,
        source: r.get(18)?,
        timepoint_months: r.get(19)?,
        dispersion_type: r.get(20)?,
        notes: r.get(21)?,
        control: r.get(22)?,
        provenance: r.get(23)?,
        dispersion: dispersion.as_deref().and_then(Dispersion::parse),
        integrity_concern: r.get::<_, i64>(25)? != 0,
        integrity_note: r.get(26)?,
        curation_note: r.get(27)?,
    })
}

/// Trial rows matching the filter, ordered by study, outcome and time point.
pub fn list(conn: &Connection, f: &TrialFilter) -> Result<Vec<TrialRow>, TrialError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM trial_rows
         WHERE (?1 IS NULL OR outcome = ?1 COLLATE NOCASE)
           AND (?2 IS NULL OR k_form = ?2 COLLATE NOCASE)
           AND (?3 IS NULL OR study_id = ?3 COLLATE NOCASE)
         ORDER BY study_id, outcome, timepoint_months"
    );
    let mut st = conn.prepare(&sql)?;
    let rows = st
        .query_map(params![f.outcome, f.k_form, f.study_id], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// All rows of one study; an unknown id is an error listing the known ones.
pub fn study(conn: &Connection, study_id: &str) -> Result<Vec<TrialRow>, TrialError> {
    let rows = list(
        conn,
        &TrialFilter {
            study_id: Some(study_id.to_string()),
            ..Default::default()
        },
    )?;
    if rows.is_empty() {
        let mut st = conn.prepare("SELECT DISTINCT study_id FROM trial_rows ORDER BY study_id")?;
        let known = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        return Err(TrialError::UnknownStudy {
            study_id: study_id.to_string(),
            known: known.join(", "),
        });
    }
    Ok(rows)
}

/// Number of rows in the database.
pub fn count(conn: &Connection) -> Result<usize, TrialError> {
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM trial_rows", [], |r| r.get(0))?;
    Ok(n as usize)
}

/// The distinct outcome names, for messages.
pub fn outcomes(conn: &Connection) -> Result<Vec<String>, TrialError> {
    let mut st = conn.prepare("SELECT DISTINCT outcome FROM trial_rows ORDER BY outcome")?;
    let v = st
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(v)
}
