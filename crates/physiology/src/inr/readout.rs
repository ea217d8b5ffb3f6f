//! The INR read-out: INR as a function of the common vitamin K-dependent factor fraction, tabulated
//! once from Wajima's PT-test model (BIOMD0000000339) in `data/model/wajima-inr-table.csv`, and
//! interpolated log-log. Applied to the geometric mean of the II, VII and X fractions, the only
//! factors the PT sees (docs/model/inr.md §4).

use super::{bad, InrError};

/// The shipped table, embedded at compile time.
pub const SHIPPED_INR_TABLE_CSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/model/wajima-inr-table.csv"
));

/// INR against factor fraction, as (ln f, ln INR) sorted by f ascending.
#[derive(Debug, Clone, PartialEq)]
pub struct InrTable {
    ln_f: Vec<f64>,
    ln_inr: Vec<f64>,
}

impl InrTable {
    /// Reads `factor_fraction,pt_s,inr` rows (`#` lines are comments).
    pub fn from_csv_str(text: &str, origin: &str) -> Result<InrTable, InrError> {
        let err = |line: usize, message: String| InrError::Parse {
            origin: format!("{origin} line {line}"),
            message,
        };
        let mut rows: Vec<(f64, f64)> = Vec::new();
        let mut header_seen = false;
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if !header_seen {
                if t != "factor_fraction,pt_s,inr" {
                    return Err(err(
                        line_no,
                        format!("expected the header `factor_fraction,pt_s,inr`, found `{t}`"),
                    ));
                }
                header_seen = true;
                continue;
            }
            let cells: Vec<&str> = t.split(',').collect();
            if cells.len() != 3 {
                return Err(err(
                    line_no,
                    format!("expected 3 cells, found {}", cells.len()),
                ));
            }
            let num = |s: &str, what: &str| {
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v > 0.0)
                    .ok_or_else(|| err(line_no, format!("{what} `{s}` is not a number > 0")))
            };
            rows.push((num(cells[0], "factor_fraction")?, num(cells[2], "inr")?));
        }
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        if rows.len() < 2 {
            return Err(err(0, "needs at least two rows".into()));
        }
        for w in rows.windows(2) {
            if !(w[1].0 > w[0].0 && w[1].1 < w[0].1) {
                return Err(err(
                    0,
                    format!(
                        "INR must fall as the factor fraction rises (f {} -> {}, INR {} -> {})",
                        w[0].0, w[1].0, w[0].1, w[1].1
                    ),
                ));
            }
        }
        Ok(InrTable {
            ln_f: rows.iter().map(|r| r.0.ln()).collect(),
            ln_inr: rows.iter().map(|r| r.1.ln()).collect(),
        })
    }

    /// The shipped table.
    pub fn shipped() -> InrTable {
        InrTable::from_csv_str(SHIPPED_INR_TABLE_CSV, "<shipped wajima-inr-table.csv>")
            .expect("the shipped INR table is valid")
    }

    /// Range of factor fractions tabulated.
    pub fn f_range(&self) -> (f64, f64) {
        (self.ln_f[0].exp(), self.ln_f[self.ln_f.len() - 1].exp())
    }

    /// Range of INRs tabulated (low, high).
    pub fn inr_range(&self) -> (f64, f64) {
        (
            self.ln_inr[self.ln_inr.len() - 1].exp(),
            self.ln_inr[0].exp(),
        )
    }

    /// INR at factor fraction `f` (> 0); log-log linear, extrapolated from the end segments.
    pub fn inr(&self, f: f64) -> f64 {
        interp(&self.ln_f, &self.ln_inr, f.ln()).exp()
    }

    /// The factor fraction at which the INR is `inr`: the inverse of [`InrTable::inr`], for INRs
    /// inside the table's range.
    pub fn fraction(&self, inr: f64) -> Result<f64, InrError> {
        let (lo, hi) = self.inr_range();
        if !(inr.is_finite() && inr > lo && inr <= hi) {
            return Err(bad(
                "INR",
                inr,
                format!("{lo} < INR <= {hi:.2} (the read-out's table)"),
            ));
        }
        // ln INR falls with ln f: interpolate on the reversed arrays.
        let x: Vec<f64> = self.ln_inr.iter().rev().copied().collect();
        let y: Vec<f64> = self.ln_f.iter().rev().copied().collect();
        Ok(interp(&x, &y, inr.ln()).exp())
    }
}

/// Piecewise-linear interpolation on ascending `x`, linear extrapolation beyond the ends.
fn interp(x: &[f64], y: &[f64], at: f64) -> f64 {
    let n = x.len();
    let i = match x.iter().position(|&xi| xi >= at) {
        Some(0) => 1,
        Some(i) => i,
        None => n - 1,
    };
    let (x0, x1, y0, y1) = (x[i - 1], x[i], y[i - 1], y[i]);
    y0 + (y1 - y0) * (at - x0) / (x1 - x0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_points_are_reproduced_and_inverse_round_trips() {
        let t = InrTable::shipped();
        // Rows of data/model/wajima-inr-table.csv.
        assert!((t.inr(0.30) - 2.026).abs() < 1e-9);
        assert!((t.inr(1.0) - 1.0).abs() < 1e-12);
        assert!((t.inr(0.10) - 4.161).abs() < 1e-9);
        for inr in [1.2, 2.0, 2.5, 3.0, 4.5] {
            let f = t.fraction(inr).unwrap();
            assert!((t.inr(f) - inr).abs() < 1e-9, "{inr}");
        }
        // Between rows: log-log, so INR(0.275) is the geometric mean of INR(0.25) and INR(0.30)
        // only approximately; check it lies between them.
        let mid = t.inr(0.275);
        assert!(mid > 2.026 && mid < 2.270);
        assert!(t.fraction(1.0).is_err());
        assert!(t.fraction(8.0).is_err());
        assert!(t.fraction(f64::NAN).is_err());
    }

    #[test]
    fn malformed_tables_are_refused_with_the_line() {
        let e = InrTable::from_csv_str("f,inr\n1,1\n", "t.csv").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
        let e = InrTable::from_csv_str("factor_fraction,pt_s,inr\n1,11,1\n0.5,16,x\n", "t.csv")
            .unwrap_err();
        assert!(e.to_string().contains("line 3"), "{e}");
        let rising = "factor_fraction,pt_s,inr\n1,11,1\n0.5,16,0.9\n";
        assert!(InrTable::from_csv_str(rising, "t.csv").is_err());
    }
}
