//! Dosing tables, the way NONMEM and mrgsolve users give doses.
//!
//! A table is CSV with the columns `time_h,drug,amount,unit` and the optional columns `ii_h`
//! (interval between doses, h), `addl` (number of additional doses) and `dur_h` (infusion
//! duration, h; empty or 0 = bolus). `0,denosumab,60,mg,4032,7` is eight doses of 60 mg every
//! 4032 h (6 × 28 days). Every error names the line and the column.
//!
//! The table has the scenario reader's guards: the same largest single dose per drug
//! ([`k2bone_physiology::Agent::dose_limit`]: 5,000 mg of calcium, 1,000 mg of denosumab, …),
//! no column named twice, no NaN/inf, at least one dose, and — with [`parse_dose_table_until`] —
//! no dose (or infusion end, or `addl` repeat) after the end of the run, so that a run never
//! reports a dose it did not give.

use serde::Serialize;

use crate::model::OdeModel;

/// One dose of a resolved drug: a bolus, or an infusion over `duration_h`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DoseEvent<D> {
    pub time_h: f64,
    pub drug: D,
    /// Amount in the drug's canonical unit (for an infusion, the total over its duration).
    pub amount: f64,
    pub duration_h: Option<f64>,
}

/// A dosing table that cannot be read, with where and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{origin}:{line}: column `{column}`: {message}")]
pub struct DoseTableError {
    pub origin: String,
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    pub column: String,
    pub message: String,
}

/// At most this many doses after expanding `addl` (a guard against typos like `addl=1e9`).
pub const MAX_DOSES: usize = 1_000_000;
/// At most this many doses in one dosing table. Every dose restarts the solver (about 0.2 ms a
/// dose on the core model, so 100,000 hourly doses — 11 years — take ~17 s); a table of a
/// million doses (`0,calcium,1,mg,1,999999`) ran for minutes. A scenario arm has its own bound
/// (24 doses a day for at most 30 years) under [`MAX_DOSES`].
pub const MAX_TABLE_DOSES: usize = 100_000;

const REQUIRED: [&str; 4] = ["time_h", "drug", "amount", "unit"];
const OPTIONAL: [&str; 3] = ["ii_h", "addl", "dur_h"];

/// Parses a dosing table and resolves its drugs and units with `model`.
pub fn parse_dose_table<M: OdeModel>(
    text: &str,
    origin: &str,
    model: &M,
) -> Result<Vec<DoseEvent<M::Drug>>, DoseTableError> {
    parse(text, origin, model, None)
}

/// Like [`parse_dose_table`], and refuses, with its line, any dose the run would not give: one
/// at or after `end_h` (including `addl` repeats) or an infusion still running at `end_h`.
pub fn parse_dose_table_until<M: OdeModel>(
    text: &str,
    origin: &str,
    model: &M,
    end_h: f64,
) -> Result<Vec<DoseEvent<M::Drug>>, DoseTableError> {
    parse(text, origin, model, Some(end_h))
}

fn parse<M: OdeModel>(
    text: &str,
    origin: &str,
    model: &M,
    end_h: Option<f64>,
) -> Result<Vec<DoseEvent<M::Drug>>, DoseTableError> {
    let err = |line: usize, column: &str, message: String| DoseTableError {
        origin: origin.to_string(),
        line,
        column: column.to_string(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| err(1, "-", format!("cannot read the header: {e}")))?
        .clone();
    let header_line = reader.position().line().max(1) as usize;
    for (i, h) in headers.iter().enumerate() {
        if headers.iter().take(i).any(|x| x == h) {
            return Err(err(
                header_line,
                h,
                "the column is named twice; every column name must be unique".into(),
            ));
        }
    }
    for h in headers.iter() {
        if !REQUIRED.contains(&h) && !OPTIONAL.contains(&h) {
            return Err(err(
                header_line,
                h,
                format!(
                    "unknown column (accepted: {}, optional {})",
                    REQUIRED.join(","),
                    OPTIONAL.join(",")
                ),
            ));
        }
    }
    for r in REQUIRED {
        if !headers.iter().any(|h| h == r) {
            return Err(err(header_line, r, "missing required column".into()));
        }
    }
    let col = |name: &str| headers.iter().position(|h| h == name);

    let mut events = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            err(line, "-", format!("malformed CSV row: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |name: &str| col(name).and_then(|i| record.get(i)).unwrap_or("");
        let number = |name: &str,
                      accepted: &str,
                      ok: &dyn Fn(f64) -> bool|
         -> Result<Option<f64>, DoseTableError> {
            let s = field(name);
            if s.is_empty() {
                return Ok(None);
            }
            match s.parse::<f64>() {
                Ok(v) if ok(v) => Ok(Some(v)),
                Ok(v) => Err(err(
                    line,
                    name,
                    format!("{v} is out of range (accepted: {accepted})"),
                )),
                Err(_) => Err(err(
                    line,
                    name,
                    format!("`{s}` is not a number (accepted: {accepted})"),
                )),
            }
        };
        let time_h = number("time_h", "a finite number >= 0", &|v| {
            v.is_finite() && v >= 0.0
        })?
        .ok_or_else(|| err(line, "time_h", "empty (accepted: a number >= 0)".into()))?;
        let amount = number("amount", "a finite number > 0", &|v| {
            v.is_finite() && v > 0.0
        })?
        .ok_or_else(|| err(line, "amount", "empty (accepted: a number > 0)".into()))?;
        let raw_amount = amount;
        let (drug, amount) = model
            .resolve_dose(field("drug"), amount, field("unit"))
            .map_err(|m| {
                let column = if m.contains("unit") { "unit" } else { "drug" };
                err(line, column, m)
            })?;
        let ii_h = number("ii_h", "a finite number > 0", &|v| v.is_finite() && v > 0.0)?;
        let addl = number("addl", "a whole number >= 0", &|v| {
            v >= 0.0 && v.fract() == 0.0
        })?
        .unwrap_or(0.0);
        let duration_h = number("dur_h", "a finite number >= 0", &|v| {
            v.is_finite() && v >= 0.0
        })?
        .filter(|d| *d > 0.0);
        // The typo guard applies to what is given within 24 h (all of a bolus; of an infusion
        // over d > 24 h, the share 24/d).
        let share = duration_h.map_or(1.0, |d| (24.0 / d).min(1.0));
        model
            .check_dose(drug, raw_amount * share, field("unit"), amount * share)
            .map_err(|m| {
                let m = if share < 1.0 {
                    format!(
                        "an infusion of {raw_amount} {} over {} h gives {m}",
                        field("unit"),
                        duration_h.unwrap_or(0.0)
                    )
                    .replace(" is out of range", " per 24 h, out of range")
                } else {
                    m
                };
                err(line, "amount", m)
            })?;
        if addl > 0.0 && ii_h.is_none() {
            return Err(err(
                line,
                "ii_h",
                format!("addl = {addl} needs an interval ii_h > 0"),
            ));
        }
        if events.len() as f64 + addl + 1.0 > MAX_TABLE_DOSES as f64 {
            return Err(err(
                line,
                "addl",
                format!(
                    "{addl} additional doses is more than the accepted {MAX_TABLE_DOSES} doses in all"
                ),
            ));
        }
        if let (Some(d), Some(ii)) = (duration_h, ii_h) {
            if addl > 0.0 && d > ii {
                return Err(err(
                    line,
                    "dur_h",
                    format!("infusions of {d} h overlap at an interval of {ii} h"),
                ));
            }
        }
        if let Some(end) = end_h {
            let last = time_h + addl * ii_h.unwrap_or(0.0);
            let last_end = last + duration_h.unwrap_or(0.0);
            let (column, what) = if time_h >= end {
                ("time_h", format!("a dose at {time_h} h"))
            } else if last >= end {
                ("addl", format!("its last repeat at {last} h"))
            } else if duration_h.is_some() && last_end > end {
                ("dur_h", format!("an infusion running until {last_end} h"))
            } else {
                ("", String::new())
            };
            if !column.is_empty() {
                return Err(err(
                    line,
                    column,
                    format!(
                        "{what} is not within the run, which ends at {end} h; lengthen the run \
                         or remove the dose (it would be counted but never given)"
                    ),
                ));
            }
        }
        for k in 0..=(addl as usize) {
            events.push(DoseEvent {
                time_h: time_h + k as f64 * ii_h.unwrap_or(0.0),
                drug,
                amount,
                duration_h,
            });
        }
    }
    if events.is_empty() {
        return Err(err(
            header_line.max(1),
            "-",
            "the table has no doses (accepted: at least one row after the header; to run \
             undosed, give no dosing table)"
                .into(),
        ));
    }
    events.sort_by(|a, b| a.time_h.total_cmp(&b.time_h));
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k2bone_physiology::{CalciumBoneModel, Drug};

    fn parse(text: &str) -> Result<Vec<DoseEvent<Drug>>, DoseTableError> {
        parse_dose_table(text, "doses.csv", &CalciumBoneModel::default())
    }

    #[test]
    fn addl_expands_to_evenly_spaced_doses() {
        let ev = parse("time_h,drug,amount,unit,ii_h,addl\n0,denosumab,60,mg,4032,7\n").unwrap();
        assert_eq!(ev.len(), 8);
        assert_eq!(ev[7].time_h, 7.0 * 4032.0);
        assert!(ev
            .iter()
            .all(|e| e.drug == Drug::Denosumab && e.amount == 60.0));
    }

    #[test]
    fn errors_name_line_and_column() {
        let e =
            parse("time_h,drug,amount,unit\n0,denosumab,60,mg\n24,denosumab,-5,mg\n").unwrap_err();
        assert_eq!((e.line, e.column.as_str()), (3, "amount"));
        let e = parse("time_h,drug,amount,unit\n0,aspirin,60,mg\n").unwrap_err();
        assert_eq!((e.line, e.column.as_str()), (2, "drug"));
        assert!(e.message.contains("teriparatide"), "{e}");
        let e = parse("time_h,drug,amount,unit\n0,denosumab,60,IU\n").unwrap_err();
        assert_eq!(e.column, "unit");
        let e = parse("time_h,drug,amount\n0,denosumab,60\n").unwrap_err();
        assert_eq!(e.column, "unit");
        let e = parse("time_h,drug,amount,unit,dose\n").unwrap_err();
        assert_eq!(e.column, "dose");
        let e = parse("time_h,drug,amount,unit,ii_h,addl\n0,denosumab,60,mg,,3\n").unwrap_err();
        assert_eq!(e.column, "ii_h");
        let e = parse("time_h,drug,amount,unit\nsoon,denosumab,60,mg\n").unwrap_err();
        assert!(e.to_string().contains("`soon` is not a number"), "{e}");
        let e =
            parse("time_h,drug,amount,unit,ii_h,addl\n0,denosumab,60,mg,24,1e12\n").unwrap_err();
        assert_eq!(e.column, "addl");
    }
}
