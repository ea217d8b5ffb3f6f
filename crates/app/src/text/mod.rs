//! Plain-text (and CSV) renderings of the results, for terminals, text downloads and notebooks:
//! each result type implements `Display` as its report, and [`Csv`] wraps a result whose CSV
//! table it renders. Faces print these; none formats a result of its own.

mod compare;
mod cross_validation;
mod diet;
mod evidence;
mod evidence_csv;
mod foods;
mod inr;
mod meta;
mod study;
mod trial;
mod validate;

/// A result rendered as CSV (`print!("{}", Csv(&report))`).
pub struct Csv<'a, T>(pub &'a T);

/// Quotes a CSV field when needed.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// "12.3", or "n/m" when not measured.
pub fn cell(v: Option<f64>) -> String {
    v.map_or_else(|| "n/m".to_string(), |v| format!("{v:.1}"))
}

/// `s` cut to `n` characters with an ellipsis.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// How far a result misses its acceptance interval, signed: two decimals, or two significant
/// digits when that would print "+0.00" for a miss that is not zero.
pub fn miss_size(miss: f64) -> String {
    if miss != 0.0 && miss.abs() < 0.005 {
        format!("{miss:+.1e}")
    } else {
        format!("{miss:+.2}")
    }
}

/// A value or "-".
pub fn or_dash<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

/// A report made safe for a terminal: every control character but line breaks and tabs is
/// escaped (`\u{1b}`), so text read from a database (an imported study's notes, a food's name)
/// cannot move the cursor, retitle the window or clear the screen. The multi-line form of
/// [`k2bone_store::printable`], which escapes line breaks too.
pub struct Printable<'a>(pub &'a dyn std::fmt::Display);

impl std::fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0.to_string();
        if !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return f.write_str(&text);
        }
        for line in text.split_inclusive('\n') {
            let (body, end) = match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            };
            for part in body.split('\t').enumerate() {
                if part.0 > 0 {
                    f.write_str("\t")?;
                }
                f.write_str(&k2bone_store::printable(part.1))?;
            }
            f.write_str(end)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_small_miss_is_not_printed_as_zero() {
        assert_eq!(super::miss_size(-0.0042), "-4.2e-3");
        assert_eq!(super::miss_size(0.3), "+0.30");
        assert_eq!(super::miss_size(0.0), "+0.00");
    }

    #[test]
    fn printable_reports_keep_lines_and_escape_the_rest() {
        let r = "a\u{1b}[2Jb\n\tc\u{7}\n";
        assert_eq!(
            super::Printable(&r).to_string(),
            "a\\u{1b}[2Jb\n\tc\\u{7}\n"
        );
        assert_eq!(super::Printable(&"plain\n").to_string(), "plain\n");
    }
}
