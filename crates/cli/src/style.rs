//! Terminal styles. Printed through `anstream`, which drops the escape codes when the output
//! is not a terminal (pipes and files get plain text) or `NO_COLOR` is set. Reports themselves
//! are plain text from `k2bone_app::text` (the same text the web app offers for download).

use anstyle::{AnsiColor, Style};

const PATH: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));

/// A file or directory written.
pub fn path(s: &str) -> String {
    format!("{PATH}{s}{PATH:#}")
}
