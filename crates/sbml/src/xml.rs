//! A small XML writer: escaping, numbers, indentation. SBML needs no more.

use std::fmt::Write as _;

/// Text or attribute content with `&`, `<`, `>`, `"` escaped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// An `f64` as an XML Schema double that reads back to the same bits (`INF`, `NaN`, `1e-7`).
pub fn num(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "INF".into()
    } else if v == f64::NEG_INFINITY {
        "-INF".into()
    } else {
        format!("{v:?}")
    }
}

/// An indenting writer of elements.
#[derive(Debug, Default)]
pub struct Writer {
    pub out: String,
    depth: usize,
}

impl Writer {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn attrs(&mut self, attrs: &[(&str, String)]) {
        for (k, v) in attrs {
            let _ = write!(self.out, " {k}=\"{}\"", esc(v));
        }
    }

    /// `<name attrs>` and one level deeper.
    pub fn open(&mut self, name: &str, attrs: &[(&str, String)]) {
        self.indent();
        let _ = write!(self.out, "<{name}");
        self.attrs(attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    pub fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        let _ = writeln!(self.out, "</{name}>");
    }

    /// `<name attrs/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, String)]) {
        self.indent();
        let _ = write!(self.out, "<{name}");
        self.attrs(attrs);
        self.out.push_str("/>\n");
    }

    /// A line of ready-made markup at the current depth.
    pub fn raw(&mut self, markup: &str) {
        self.indent();
        self.out.push_str(markup);
        self.out.push('\n');
    }

    /// `<name attrs>escaped text</name>`.
    pub fn text(&mut self, name: &str, attrs: &[(&str, String)], text: &str) {
        self.indent();
        let _ = write!(self.out, "<{name}");
        self.attrs(attrs);
        let _ = writeln!(self.out, ">{}</{name}>", esc(text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_exactly_and_text_is_escaped() {
        for v in [0.1, 1e-30, 6e7, -2.5, 1.0 / 3.0, f64::MIN_POSITIVE] {
            assert_eq!(num(v).parse::<f64>().unwrap().to_bits(), v.to_bits());
        }
        assert_eq!(num(f64::INFINITY), "INF");
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
