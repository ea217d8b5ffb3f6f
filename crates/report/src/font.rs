//! The one font every k2bone plot uses: DejaVu Sans (Bitstream Vera licence, permissive; see
//! `assets/DejaVuSans-LICENSE.txt`), embedded in the binary and registered with plotters'
//! `ab_glyph` text backend, so plots render identically on machines with no fonts installed.
//!
//! Call [`ensure_registered`] before drawing (it is cheap and idempotent) and use [`FAMILY`] as
//! the font family name in text styles.

use std::sync::OnceLock;

use plotters::style::FontStyle;

/// Font family name to use in plotters text styles.
pub const FAMILY: &str = "sans-serif";

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
static REGISTERED: OnceLock<bool> = OnceLock::new();

/// Registers the embedded font for all styles of [`FAMILY`] (once per process). Returns false
/// if the embedded font could not be parsed (never expected).
pub fn ensure_registered() -> bool {
    *REGISTERED.get_or_init(|| {
        [
            FontStyle::Normal,
            FontStyle::Bold,
            FontStyle::Italic,
            FontStyle::Oblique,
        ]
        .into_iter()
        .all(|style| plotters::style::register_font(FAMILY, style, FONT).is_ok())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_font_registers() {
        assert!(super::ensure_registered());
    }
}
