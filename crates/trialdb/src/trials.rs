//! Trial rows of the vitamin K trial database: one row per (study, outcome, time point), as in
//! `data/evidence/trials.csv`, and the validating CSV reader used both for the shipped file and
//! for `k2bone evidence import`.
//!
//! Every error names the file, the data row (and CSV line), the column, the value and what would
//! have been accepted. An empty cell is "not reported", never zero. Storage (seeding, import in
//! one transaction, queries) is in [`crate::trial_db`]; turning rows into effect sizes is in
//! [`crate::pooling`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::trial_error::TrialError;

/// How a row's `sd_*` columns are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Dispersion {
    /// Standard deviations: used as is.
    Sd,
    /// Standard errors: converted with SD = SE·√n per arm before pooling.
    Se,
    /// The source does not say SD or SE: the row is not poolable.
    Unclear,
}

impl Dispersion {
    /// The database / CSV label.
    pub fn label(self) -> &'static str {
        match self {
            Dispersion::Sd => "sd",
            Dispersion::Se => "se",
            Dispersion::Unclear => "unclear",
        }
    }

    /// Parses `sd`, `se`, `unclear`.
    pub fn parse(s: &str) -> Option<Dispersion> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sd" => Some(Dispersion::Sd),
            "se" => Some(Dispersion::Se),
            "unclear" => Some(Dispersion::Unclear),
            _ => None,
        }
    }

    /// Derives the label from free-text `dispersion_type`: text starting with "SD" → sd, "SE"
    /// → se, other text → unclear, empty → none (the rule used to curate trials.csv).
    pub fn from_text(s: &str) -> Option<Dispersion> {
        let t = s.trim().to_ascii_uppercase();
        if t.is_empty() {
            None
        } else if t.starts_with("SD") {
            Some(Dispersion::Sd)
        } else if t.starts_with("SE") {
            Some(Dispersion::Se)
        } else {
            Some(Dispersion::Unclear)
        }
    }
}

/// The accepted values of `control`.
pub const CONTROLS: &[&str] = &["placebo", "untreated", "calcium", "active", "not_stated"];

/// One row of the trial database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrialRow {
    /// Study id, e.g. `shiraki_2000` (several rows per study: one per outcome and time point).
    pub study_id: String,
    /// First author as printed.
    pub first_author: String,
    /// Publication year.
    pub year: i64,
    /// Country.
    pub country: Option<String>,
    /// Population description.
    pub population: Option<String>,
    /// Participants in the vitamin K arm (analysed).
    pub n_treat: Option<i64>,
    /// Participants in the control arm.
    pub n_control: Option<i64>,
    /// Vitamer given: K1, MK-4, MK-7, ...
    pub k_form: String,
    /// Dose in µg/day.
    pub dose_ug_per_day: Option<f64>,
    /// Co-treatment (calcium, vitamin D, comparator).
    pub co_treatment: Option<String>,
    /// Planned duration in months.
    pub duration_months: Option<f64>,
    /// Outcome name, e.g. `bmd_lumbar_pct_change`, `vertebral_fracture`.
    pub outcome: String,
    /// Mean in the vitamin K arm.
    pub mean_treat: Option<f64>,
    /// Dispersion (see [`TrialRow::dispersion`]) in the vitamin K arm.
    pub sd_treat: Option<f64>,
    /// Mean in the control arm.
    pub mean_control: Option<f64>,
    /// Dispersion in the control arm.
    pub sd_control: Option<f64>,
    /// Participants with the event, vitamin K arm.
    pub events_treat: Option<i64>,
    /// Participants with the event, control arm.
    pub events_control: Option<i64>,
    /// Where the numbers were read.
    pub source: String,
    /// Time point of this outcome, months.
    pub timepoint_months: f64,
    /// Dispersion type as written by the curator (free text).
    pub dispersion_type: Option<String>,
    /// Curator's notes, quoting the source.
    pub notes: Option<String>,
    /// Control arm kind: one of [`CONTROLS`].
    pub control: String,
    /// Provenance label (`abstract`, `abstract+secondary_summary`, `full_text`, `user`...).
    pub provenance: String,
    /// How `sd_*` are to be read.
    pub dispersion: Option<Dispersion>,
    /// Trial under an integrity concern (e.g. the Sato trials; Bolland et al. 2016).
    pub integrity_concern: bool,
    /// Why it is flagged.
    pub integrity_note: Option<String>,
    /// What the curation decided.
    pub curation_note: Option<String>,
}

impl TrialRow {
    /// The natural key: a database holds at most one row per (study, outcome, time point).
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{} mo",
            self.study_id, self.outcome, self.timepoint_months
        )
    }
}

/// Columns a trial CSV must have.
pub const REQUIRED_COLUMNS: &[&str] = &[
    "study_id",
    "first_author",
    "year",
    "k_form",
    "outcome",
    "timepoint_months",
    "n_treat",
    "n_control",
    "source",
];

/// Columns a trial CSV may have (all of `data/evidence/trials.csv`).
pub const OPTIONAL_COLUMNS: &[&str] = &[
    "country",
    "population",
    "dose_ug_per_day",
    "co_treatment",
    "duration_months",
    "mean_treat",
    "sd_treat",
    "mean_control",
    "sd_control",
    "events_treat",
    "events_control",
    "dispersion_type",
    "notes",
    "control",
    "provenance",
    "dispersion",
    "integrity_concern",
    "integrity_note",
    "curation_note",
];

/// One CSV record being read: file, row numbers and the cells by column name.
struct Cells<'a> {
    file: &'a str,
    row: usize,
    map: HashMap<&'a str, String>,
}

impl Cells<'_> {
    fn bad(&self, column: &str, value: &str, accepted: &str) -> TrialError {
        TrialError::BadValue {
            file: self.file.to_string(),
            row: self.row,
            line: self.row + 1,
            column: column.to_string(),
            value: value.to_string(),
            accepted: accepted.to_string(),
        }
    }

    fn text(&self, column: &str) -> Option<String> {
        self.map
            .get(column)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    fn required(&self, column: &str) -> Result<String, TrialError> {
        self.text(column)
            .ok_or_else(|| self.bad(column, "", "a non-empty value"))
    }

    fn number(
        &self,
        column: &str,
        ok: fn(f64) -> bool,
        accepted: &str,
    ) -> Result<Option<f64>, TrialError> {
        match self.text(column) {
            None => Ok(None),
            Some(s) => match s.parse::<f64>() {
                Ok(v) if v.is_finite() && ok(v) => Ok(Some(v)),
                _ => Err(self.bad(column, &s, accepted)),
            },
        }
    }

    fn count(&self, column: &str, min: i64, accepted: &str) -> Result<Option<i64>, TrialError> {
        match self.text(column) {
            None => Ok(None),
            Some(s) => match s.parse::<i64>() {
                Ok(v) if v >= min => Ok(Some(v)),
                _ => Err(self.bad(column, &s, accepted)),
            },
        }
    }
}

/// Reads and validates a trial CSV. `file` names the input in errors. Duplicate
/// (study_id, outcome, timepoint_months) rows within the file are refused.
pub fn read_trials_csv(text: &str, file: &str) -> Result<Vec<TrialRow>, TrialError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| TrialError::Csv {
            file: file.to_string(),
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    for h in headers.iter() {
        if !REQUIRED_COLUMNS.contains(&h) && !OPTIONAL_COLUMNS.contains(&h) {
            return Err(TrialError::UnknownColumn {
                file: file.to_string(),
                column: h.to_string(),
            });
        }
    }
    for c in REQUIRED_COLUMNS {
        if !headers.iter().any(|h| h == *c) {
            return Err(TrialError::MissingColumn {
                file: file.to_string(),
                column: c.to_string(),
            });
        }
    }
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let row = i + 1;
        let rec = rec.map_err(|e| TrialError::Csv {
            file: file.to_string(),
            line: row + 1,
            message: e.to_string(),
        })?;
        let cells = Cells {
            file,
            row,
            map: headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h, v.to_string()))
                .collect(),
        };
        let t = parse_row(&cells)?;
        if let Some(&first_row) = seen.get(&t.key()) {
            return Err(TrialError::Duplicate {
                file: file.to_string(),
                row,
                line: row + 1,
                key: t.key(),
                first_row,
            });
        }
        seen.insert(t.key(), row);
        rows.push(t);
    }
    if rows.is_empty() {
        return Err(TrialError::Empty {
            file: file.to_string(),
        });
    }
    Ok(rows)
}

fn parse_row(c: &Cells) -> Result<TrialRow, TrialError> {
    let positive = |v: f64| v > 0.0;
    let year = c.required("year")?;
    let year = match year.parse::<i64>() {
        Ok(y) if (1900..=2100).contains(&y) => y,
        _ => return Err(c.bad("year", &year, "a whole year 1900-2100")),
    };
    let n_treat = c.count(
        "n_treat",
        1,
        "a whole number >= 1, or empty if not reported",
    )?;
    let n_control = c.count(
        "n_control",
        1,
        "a whole number >= 1, or empty if not reported",
    )?;
    let events_treat = c.count("events_treat", 0, "a whole number >= 0, or empty")?;
    let events_control = c.count("events_control", 0, "a whole number >= 0, or empty")?;
    for (col, ev, n) in [
        ("events_treat", events_treat, n_treat),
        ("events_control", events_control, n_control),
    ] {
        if let (Some(e), Some(n)) = (ev, n) {
            if e > n {
                let arm = if col == "events_treat" {
                    "n_treat"
                } else {
                    "n_control"
                };
                return Err(c.bad(col, &e.to_string(), &format!("at most {arm} = {n}")));
            }
        }
    }
    let sd = "a number > 0, or empty if not reported";
    let timepoint = c.required("timepoint_months")?;
    let timepoint_months = c
        .number("timepoint_months", positive, "a number of months > 0")?
        .ok_or_else(|| c.bad("timepoint_months", &timepoint, "a number of months > 0"))?;
    let dispersion_type = c.text("dispersion_type");
    let dispersion = match c.text("dispersion") {
        Some(s) => Some(
            Dispersion::parse(&s)
                .ok_or_else(|| c.bad("dispersion", &s, "sd, se, unclear or empty"))?,
        ),
        None => dispersion_type.as_deref().and_then(Dispersion::from_text),
    };
    let control = c.text("control").unwrap_or_else(|| "not_stated".into());
    if !CONTROLS.contains(&control.as_str()) {
        return Err(c.bad("control", &control, &CONTROLS.join(", ")));
    }
    let integrity_concern = match c.text("integrity_concern").as_deref() {
        None | Some("0") | Some("no") | Some("false") => false,
        Some("1") | Some("yes") | Some("true") => true,
        Some(s) => return Err(c.bad("integrity_concern", s, "0 or 1 (also no/yes, false/true)")),
    };
    Ok(TrialRow {
        study_id: c.required("study_id")?,
        first_author: c.required("first_author")?,
        year,
        country: c.text("country"),
        population: c.text("population"),
        n_treat,
        n_control,
        k_form: c.required("k_form")?,
        dose_ug_per_day: c.number(
            "dose_ug_per_day",
            positive,
            "a dose in µg/day > 0, or empty",
        )?,
        co_treatment: c.text("co_treatment"),
        duration_months: c.number(
            "duration_months",
            positive,
            "a number of months > 0, or empty",
        )?,
        outcome: c.required("outcome")?,
        mean_treat: c.number("mean_treat", |_| true, "a number, or empty")?,
        sd_treat: c.number("sd_treat", positive, sd)?,
        mean_control: c.number("mean_control", |_| true, "a number, or empty")?,
        sd_control: c.number("sd_control", positive, sd)?,
        events_treat,
        events_control,
        source: c.required("source")?,
        timepoint_months,
        dispersion_type,
        notes: c.text("notes"),
        control,
        provenance: c.text("provenance").unwrap_or_else(|| "user".into()),
        dispersion,
        integrity_concern,
        integrity_note: c.text("integrity_note"),
        curation_note: c.text("curation_note"),
    })
}

/// The shipped trial table, embedded at compile time.
pub const SHIPPED_TRIALS_CSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/evidence/trials.csv"
));

/// The shipped trial rows (`data/evidence/trials.csv`), validated.
pub fn shipped_trials() -> Result<Vec<TrialRow>, TrialError> {
    read_trials_csv(SHIPPED_TRIALS_CSV, "data/evidence/trials.csv")
}
