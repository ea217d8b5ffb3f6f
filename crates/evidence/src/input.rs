//! Reading a CSV of studies with metafor's column names: a `study` column and either `yi,vi`,
//! or `m1i,sd1i,n1i,m2i,sd2i,n2i`, or `ai,bi,ci,di` (the layout follows from the measure). Other
//! columns are kept as possible moderators or subgroup labels. Every error names the data row
//! (1-based; the header is CSV line 1, so data row r is line r + 1), the column, the value and
//! what is accepted.

use std::collections::HashMap;

use crate::escalc::{GroupMeans, StudyData, StudyRow, Table2x2};
use crate::metareg::Moderator;
use crate::{EvidenceError, Measure};

/// A parsed study table.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Studies, in file order.
    pub rows: Vec<StudyRow>,
    /// Header names, in file order.
    pub headers: Vec<String>,
    /// Raw cells, row-major, aligned with `headers`.
    pub cells: Vec<Vec<String>>,
}

/// The columns the measure needs.
pub fn required_columns(measure: Measure) -> &'static [&'static str] {
    match measure {
        Measure::GEN => &["yi", "vi"],
        Measure::MD | Measure::SMD => &["m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"],
        _ => &["ai", "bi", "ci", "di"],
    }
}

const LAYOUTS: &str = "accepted layouts: study + yi,vi (GEN) | m1i,sd1i,n1i,m2i,sd2i,n2i (MD, SMD) | ai,bi,ci,di (OR, RR, RD)";

/// Refuses a header line that names a column twice (or has an empty name among named ones):
/// which of the two would be read is otherwise a silent choice.
pub fn check_headers(headers: &[String]) -> Result<(), EvidenceError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(first) = seen.insert(h.as_str(), i + 1) {
            return Err(EvidenceError::Csv(format!(
                "line 1: column {} repeats the header `{h}` of column {first}; every column \
                 name must be unique",
                i + 1
            )));
        }
    }
    Ok(())
}

/// Parses CSV text for `measure`.
pub fn read_csv(text: &str, measure: Measure) -> Result<Dataset, EvidenceError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| EvidenceError::Csv(format!("cannot read the header line: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(EvidenceError::Csv(
            "the file is empty (no header line)".into(),
        ));
    }
    check_headers(&headers)?;
    let col = |name: &str| -> Result<usize, EvidenceError> {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| EvidenceError::MissingColumn {
                column: name.into(),
                hint: format!(
                    "measure {measure} needs study,{}; {LAYOUTS}; found: {}",
                    required_columns(measure).join(","),
                    headers.join(",")
                ),
            })
    };
    let study_col = col("study")?;
    let data_cols: Vec<usize> = required_columns(measure)
        .iter()
        .map(|c| col(c))
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    let mut cells = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let r = i + 1;
        let rec = rec.map_err(|e| EvidenceError::Csv(format!("row {r} (line {}): {e}", r + 1)))?;
        let fields: Vec<String> = rec.iter().map(str::to_string).collect();
        let study = fields[study_col].clone();
        if study.is_empty() {
            return Err(EvidenceError::BadValue {
                row: r,
                study: String::new(),
                column: "study".into(),
                value: "\"\"".into(),
                accepted: "a non-empty study name".into(),
            });
        }
        if let Some(&first) = seen.get(study.as_str()) {
            return Err(EvidenceError::DuplicateStudy {
                row: r,
                study,
                first_row: first,
            });
        }
        seen.insert(study.clone(), r);
        let mut nums = Vec::with_capacity(data_cols.len());
        for (&c, name) in data_cols.iter().zip(required_columns(measure)) {
            let raw = &fields[c];
            let v: f64 = raw
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| EvidenceError::BadValue {
                    row: r,
                    study: study.clone(),
                    column: (*name).into(),
                    value: if raw.is_empty() {
                        "(empty)".into()
                    } else {
                        format!("\"{raw}\"")
                    },
                    accepted: "a finite number".into(),
                })?;
            nums.push(v);
        }
        let data = match measure {
            Measure::GEN => StudyData::Generic {
                yi: nums[0],
                vi: nums[1],
            },
            Measure::MD | Measure::SMD => StudyData::Continuous(GroupMeans {
                m1i: nums[0],
                sd1i: nums[1],
                n1i: nums[2],
                m2i: nums[3],
                sd2i: nums[4],
                n2i: nums[5],
            }),
            _ => StudyData::Binary(Table2x2 {
                ai: nums[0],
                bi: nums[1],
                ci: nums[2],
                di: nums[3],
            }),
        };
        rows.push(StudyRow { study, data });
        cells.push(fields);
    }
    if rows.is_empty() {
        return Err(EvidenceError::Csv(
            "the file has a header but no data rows".into(),
        ));
    }
    Ok(Dataset {
        rows,
        headers,
        cells,
    })
}

impl Dataset {
    /// The raw values of a column.
    pub fn column(&self, name: &str) -> Result<Vec<String>, EvidenceError> {
        let c = self.headers.iter().position(|h| h == name).ok_or_else(|| {
            EvidenceError::MissingColumn {
                column: name.into(),
                hint: format!("available columns: {}", self.headers.join(",")),
            }
        })?;
        Ok(self.cells.iter().map(|r| r[c].clone()).collect())
    }

    /// A moderator column: numeric if every value is a number, categorical if none is. A column
    /// that mixes the two (one `n/a` among numbers) is refused with the row, rather than turned
    /// into a factor of as many levels as values; so are NaN/inf and empty cells.
    pub fn moderator(&self, name: &str) -> Result<Moderator, EvidenceError> {
        let vals = self.column(name)?;
        let bad = |i: usize, value: String, accepted: &str| EvidenceError::BadValue {
            row: i + 1,
            study: self.rows[i].study.clone(),
            column: name.into(),
            value,
            accepted: accepted.into(),
        };
        if let Some(i) = vals.iter().position(String::is_empty) {
            return Err(bad(
                i,
                "(empty)".into(),
                "a value (number or category label)",
            ));
        }
        let parsed: Vec<Option<f64>> = vals.iter().map(|v| v.parse::<f64>().ok()).collect();
        if let Some(i) = parsed
            .iter()
            .position(|x| x.is_some_and(|x| !x.is_finite()))
        {
            return Err(bad(i, format!("\"{}\"", vals[i]), "a finite number"));
        }
        let numeric = parsed.iter().filter(|x| x.is_some()).count();
        if numeric == vals.len() {
            return Ok(Moderator::Numeric {
                name: name.into(),
                values: parsed.into_iter().flatten().collect(),
            });
        }
        if numeric > 0 {
            let i = parsed.iter().position(Option::is_none).unwrap_or(0);
            let first = parsed.iter().position(Option::is_some).unwrap_or(0);
            return Err(bad(
                i,
                format!("\"{}\"", vals[i]),
                &format!(
                    "the column mixes numbers (row {} has {}) with text: a numeric moderator \
                     needs a number in every row, a categorical one labels that are not numbers",
                    first + 1,
                    vals[first]
                ),
            ));
        }
        Ok(Moderator::Categorical {
            name: name.into(),
            values: vals,
        })
    }

    /// 2×2 tables with study labels (for Mantel–Haenszel and Peto).
    pub fn tables(&self) -> Vec<(String, Table2x2)> {
        self.rows
            .iter()
            .filter_map(|r| match r.data {
                StudyData::Binary(t) => Some((r.study.clone(), t)),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_number_names_row_and_column() {
        let err = read_csv("study,yi,vi\na,0.1,0.01\nb,abc,0.02\n", Measure::GEN)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("row 2") && err.contains("`yi`") && err.contains("abc"),
            "{err}"
        );
    }

    #[test]
    fn missing_column_lists_layouts() {
        let err = read_csv("study,yi\na,0.1\n", Measure::GEN)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`vi`") && err.contains("ai,bi,ci,di"), "{err}");
    }
}
