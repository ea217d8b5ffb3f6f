//! Terminal styles. Printed through `anstream`, which drops the escape codes when the output
//! is not a terminal (pipes and files get plain text) or `NO_COLOR` is set.

use anstyle::{AnsiColor, Style};

const HEADER: Style = Style::new().bold();
const NOTE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const PATH: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));

/// A table header or title.
pub fn header(s: &str) -> String {
    format!("{HEADER}{s}{HEADER:#}")
}

/// The disclaimer and other cautions.
pub fn note(s: &str) -> String {
    format!("{NOTE}{s}{NOTE:#}")
}

/// A file or directory written.
pub fn path(s: &str) -> String {
    format!("{PATH}{s}{PATH:#}")
}
