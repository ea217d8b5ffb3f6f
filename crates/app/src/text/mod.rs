//! Plain-text (and CSV) renderings of the results, for terminals, text downloads and notebooks:
//! each result type implements `Display` as its report, and [`Csv`] wraps a result whose CSV
//! table it renders. Faces print these; none formats a result of its own.

mod diet;
mod evidence;
mod foods;
mod meta;

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

/// A value or "-".
pub fn or_dash<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}
