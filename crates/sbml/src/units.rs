//! k2bone's unit strings (`"pM"`, `"1/(pM h)"`, `"(nmol/L)/(ug/d)"`) as SBML unit definitions.
//!
//! A unit is a factor times powers of the SBML base kinds used here (mole, litre, gram,
//! second). Molar concentrations are mole per litre; `h`, `d`/`day`, `yr` are 3600, 86 400 and
//! 365 × 86 400 s (k2bone's `HOURS_PER_YEAR`); `-`, `index` and `%` are dimensionless.

use std::fmt::Write as _;

/// SBML base kinds, in the order of [`Unit::dims`].
pub const KINDS: [&str; 4] = ["mole", "litre", "gram", "second"];

/// A parsed unit: `factor × mole^dims[0] × litre^dims[1] × gram^dims[2] × second^dims[3]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    pub factor: f64,
    pub dims: [i32; 4],
}

impl Unit {
    const ONE: Unit = Unit {
        factor: 1.0,
        dims: [0; 4],
    };

    fn mul(self, o: Unit) -> Unit {
        let mut dims = self.dims;
        for (d, e) in dims.iter_mut().zip(o.dims) {
            *d += e;
        }
        Unit {
            factor: self.factor * o.factor,
            dims,
        }
    }

    fn powi(self, n: i32) -> Unit {
        Unit {
            factor: self.factor.powi(n),
            dims: self.dims.map(|d| d * n),
        }
    }

    pub fn is_dimensionless(&self) -> bool {
        self.dims == [0; 4] && self.factor == 1.0
    }

    /// The `<unit>` elements of an SBML unit definition.
    pub fn sbml_units(&self) -> String {
        let mut out = String::new();
        let mut factor_done = false;
        for (kind, &e) in KINDS.iter().zip(&self.dims) {
            if e == 0 {
                continue;
            }
            let m = if factor_done {
                1.0
            } else {
                factor_done = true;
                self.factor.powf(1.0 / e as f64)
            };
            let _ = write!(
                out,
                "<unit kind=\"{kind}\" exponent=\"{e}\" scale=\"0\" multiplier=\"{}\"/>",
                crate::xml::num(m)
            );
        }
        if !factor_done {
            let _ = write!(
                out,
                "<unit kind=\"dimensionless\" exponent=\"1\" scale=\"0\" multiplier=\"{}\"/>",
                crate::xml::num(self.factor)
            );
        }
        out
    }
}

const SECOND: f64 = 1.0;
const HOUR: f64 = 3600.0 * SECOND;
const DAY: f64 = 24.0 * HOUR;
const YEAR: f64 = k2bone_units::HOURS_PER_YEAR * HOUR;

fn prefix(p: &str) -> Option<f64> {
    Some(match p {
        "" => 1.0,
        "k" => 1e3,
        "d" => 1e-1,
        "m" => 1e-3,
        "u" | "µ" | "mc" => 1e-6,
        "n" => 1e-9,
        "p" => 1e-12,
        "f" => 1e-15,
        _ => return None,
    })
}

fn atom(word: &str) -> Option<Unit> {
    // `pM-eq`: equivalents of the named unit.
    if let Some(base) = word.strip_suffix("-eq") {
        return atom(base);
    }
    let dim = |factor: f64, dims: [i32; 4]| Some(Unit { factor, dims });
    match word {
        "-" | "index" | "%" | "1" => return Some(Unit::ONE),
        "s" => return dim(SECOND, [0, 0, 0, 1]),
        "min" => return dim(60.0, [0, 0, 0, 1]),
        "h" => return dim(HOUR, [0, 0, 0, 1]),
        "d" | "day" | "days" => return dim(DAY, [0, 0, 0, 1]),
        "yr" | "year" | "years" => return dim(YEAR, [0, 0, 0, 1]),
        _ => {}
    }
    for (base, dims) in [
        ("mol", [1, 0, 0, 0]),
        ("M", [1, -1, 0, 0]),
        ("L", [0, 1, 0, 0]),
        ("g", [0, 0, 1, 0]),
    ] {
        if let Some(p) = word.strip_suffix(base) {
            if let Some(f) = prefix(p) {
                return dim(f, dims);
            }
        }
    }
    None
}

/// Parses a unit string; `None` if a word is not a known unit.
pub fn parse(text: &str) -> Option<Unit> {
    // `%`, `% of baseline`: a percentage.
    if text.trim_start().starts_with('%') {
        return Some(Unit::ONE);
    }
    let tokens = tokenize(text)?;
    let mut pos = 0;
    let u = expr(&tokens, &mut pos)?;
    (pos == tokens.len()).then_some(u)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Int(i32),
    Open,
    Close,
    Div,
    Mul,
    Pow,
}

fn tokenize(text: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut chars = text.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' => {
                chars.next();
            }
            '(' => {
                chars.next();
                out.push(Tok::Open)
            }
            ')' => {
                chars.next();
                out.push(Tok::Close)
            }
            '/' => {
                chars.next();
                out.push(Tok::Div)
            }
            '*' | '·' => {
                chars.next();
                out.push(Tok::Mul)
            }
            '^' => {
                chars.next();
                let mut s = String::new();
                while let Some(&d) = chars.peek() {
                    if d.is_ascii_digit() || (d == '-' && s.is_empty()) {
                        s.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Tok::Pow);
                out.push(Tok::Int(s.parse().ok()?));
            }
            _ => {
                let mut s = String::new();
                while let Some(&d) = chars.peek() {
                    if " ()/*^·".contains(d) {
                        break;
                    }
                    s.push(d);
                    chars.next();
                }
                out.push(Tok::Word(s));
            }
        }
    }
    Some(out)
}

/// expr := term (('/' | '*' | juxtaposition) term)*
fn expr(t: &[Tok], pos: &mut usize) -> Option<Unit> {
    let mut u = term(t, pos)?;
    while *pos < t.len() {
        match t[*pos] {
            Tok::Close => break,
            Tok::Div => {
                *pos += 1;
                u = u.mul(term(t, pos)?.powi(-1));
            }
            Tok::Mul => {
                *pos += 1;
                u = u.mul(term(t, pos)?);
            }
            _ => u = u.mul(term(t, pos)?),
        }
    }
    Some(u)
}

fn term(t: &[Tok], pos: &mut usize) -> Option<Unit> {
    let base = match t.get(*pos)? {
        Tok::Open => {
            *pos += 1;
            let u = expr(t, pos)?;
            if t.get(*pos) != Some(&Tok::Close) {
                return None;
            }
            *pos += 1;
            u
        }
        Tok::Word(w) => {
            *pos += 1;
            atom(w)?
        }
        _ => return None,
    };
    if t.get(*pos) == Some(&Tok::Pow) {
        if let Some(Tok::Int(n)) = t.get(*pos + 1) {
            *pos += 2;
            return Some(base.powi(*n));
        }
        return None;
    }
    Some(base)
}

/// An SBML id for a unit string (`"1/(pM h)"` → `"u_1_per_pM_h"`).
pub fn unit_id(text: &str) -> String {
    let mut id = String::from("u_");
    for c in text.trim().chars() {
        match c {
            '/' => id.push_str("_per_"),
            '%' => id.push_str("percent"),
            '^' => id.push_str("_pow"),
            'µ' => id.push('u'),
            '-' => id.push_str("minus"),
            c if c.is_ascii_alphanumeric() => id.push(c),
            _ => id.push('_'),
        }
    }
    while id.contains("__") {
        id = id.replace("__", "_");
    }
    id.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs()
    }

    #[test]
    fn parses_the_units_k2bone_writes() {
        let pm_h = parse("1/(pM h)").unwrap();
        assert_eq!(pm_h.dims, [-1, 1, 0, -1]);
        assert!(close(pm_h.factor, 1.0 / (1e-12 * 3600.0)));
        let slope = parse("(nmol/L)/(ug/d)").unwrap();
        assert_eq!(slope.dims, [1, -1, -1, 1]);
        assert!(close(slope.factor, 1e-9 / 1e-6 * 86400.0));
        assert_eq!(parse("pmol/h^2").unwrap().dims, [1, 0, 0, -2]);
        assert!(parse("-").unwrap().is_dimensionless());
        assert!(parse("% of baseline").unwrap().is_dimensionless());
        assert_eq!(parse("pM-eq"), parse("pM"));
        assert!(parse("index/yr").unwrap().dims == [0, 0, 0, -1]);
        assert!(close(parse("mL/min").unwrap().factor, 1e-3 / 60.0));
        assert!(parse("furlong").is_none());
        assert!(parse("(mM").is_none());
        assert_eq!(unit_id("1/(pM h)"), "u_1_per_pM_h");
    }
}
