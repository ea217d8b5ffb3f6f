//! Expressions of a [`Graph`] as MathML (the subset SBML Level 3 allows).

use std::fmt::Write as _;

use crate::expr::{Ex, Graph, E};
use crate::trace::{Cmp, Func};
use crate::xml::esc;

/// The csymbol of SBML's simulation time.
pub const TIME: &str =
    "<csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/time\">time</csymbol>";

/// Writes expressions, referring by id to the ones that have a name (parameters, states,
/// shared subexpressions held by assignment rules).
pub struct MathWriter<'a> {
    pub graph: &'a Graph,
    /// The SBML id an expression is referred to by, if any.
    pub name_of: &'a dyn Fn(E) -> Option<&'a str>,
    /// The unit id of an expression, if known: a literal added to it, or compared with it,
    /// is written in that unit.
    pub unit_of: &'a dyn Fn(E) -> Option<&'a str>,
}

impl MathWriter<'_> {
    /// `<math>…</math>` for `e`, expanding `e` itself even if it has a name.
    pub fn math(&self, e: E) -> String {
        let mut s = String::from("<math xmlns=\"http://www.w3.org/1998/Math/MathML\">");
        self.body(&mut s, e);
        s.push_str("</math>");
        s
    }

    /// `<math>` around ready-made MathML content.
    pub fn wrap(content: &str) -> String {
        format!("<math xmlns=\"http://www.w3.org/1998/Math/MathML\">{content}</math>")
    }

    fn term(&self, s: &mut String, e: E) {
        match (self.name_of)(e) {
            Some(id) => {
                let _ = write!(s, "<ci>{}</ci>", esc(id));
            }
            None => self.body(s, e),
        }
    }

    fn apply(&self, s: &mut String, op: &str, args: &[E]) {
        let _ = write!(s, "<apply><{op}/>");
        let like_sibling = matches!(op, "plus" | "minus" | "gt" | "geq") && args.len() == 2;
        for (k, &a) in args.iter().enumerate() {
            match (self.graph.nodes[a], like_sibling) {
                (Ex::Num(b), true) => {
                    let unit = (self.unit_of)(args[1 - k]).unwrap_or("dimensionless");
                    s.push_str(&cn_in(f64::from_bits(b), unit));
                }
                _ => self.term(s, a),
            }
        }
        s.push_str("</apply>");
    }

    fn body(&self, s: &mut String, e: E) {
        match self.graph.nodes[e] {
            Ex::Num(b) => s.push_str(&cn(f64::from_bits(b))),
            Ex::Param(_) | Ex::State(_) => {
                let id = (self.name_of)(e).expect("parameters and states have ids");
                let _ = write!(s, "<ci>{}</ci>", esc(id));
            }
            Ex::Time => s.push_str(TIME),
            Ex::Neg(a) => self.apply(s, "minus", &[a]),
            Ex::Add(a, b) => self.apply(s, "plus", &[a, b]),
            Ex::Sub(a, b) => self.apply(s, "minus", &[a, b]),
            Ex::Mul(a, b) => self.apply(s, "times", &[a, b]),
            Ex::Div(a, b) => self.apply(s, "divide", &[a, b]),
            Ex::Pow(a, b) => self.apply(s, "power", &[a, b]),
            Ex::Func(f, a) => {
                let (op, qualifier) = match f {
                    Func::Exp => ("exp", ""),
                    Func::Ln => ("ln", ""),
                    Func::Log10 => ("log", ""),
                    Func::Log2 => ("log", "<logbase><cn type=\"integer\">2</cn></logbase>"),
                    Func::Sqrt => ("root", ""),
                    Func::Cbrt => ("root", "<degree><cn type=\"integer\">3</cn></degree>"),
                    Func::Abs => ("abs", ""),
                    Func::Sin => ("sin", ""),
                    Func::Cos => ("cos", ""),
                    Func::Tan => ("tan", ""),
                    Func::Asin => ("arcsin", ""),
                    Func::Acos => ("arccos", ""),
                    Func::Atan => ("arctan", ""),
                    Func::Sinh => ("sinh", ""),
                    Func::Cosh => ("cosh", ""),
                    Func::Tanh => ("tanh", ""),
                    Func::Asinh => ("arcsinh", ""),
                    Func::Acosh => ("arccosh", ""),
                    Func::Atanh => ("arctanh", ""),
                };
                let _ = write!(s, "<apply><{op}/>{qualifier}");
                self.term(s, a);
                s.push_str("</apply>");
            }
            Ex::Piece {
                cmp,
                x,
                threshold,
                above,
                below,
            } => {
                s.push_str("<piecewise><piece>");
                self.term(s, above);
                self.apply(
                    s,
                    match cmp {
                        Cmp::Gt => "gt",
                        Cmp::Ge => "geq",
                    },
                    &[x, threshold],
                );
                s.push_str("</piece><otherwise>");
                self.term(s, below);
                s.push_str("</otherwise></piecewise>");
            }
        }
    }
}

/// A literal: dimensionless, in e-notation when Rust prints it with an exponent.
pub fn cn(v: f64) -> String {
    cn_in(v, "dimensionless")
}

/// A literal in the unit `unit` (an SBML unit id).
pub fn cn_in(v: f64, unit: &str) -> String {
    if v.is_nan() {
        return "<notanumber/>".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "<infinity/>".into()
        } else {
            "<apply><minus/><infinity/></apply>".into()
        };
    }
    let text = format!("{v:?}");
    match text.split_once('e') {
        Some((m, x)) => {
            format!("<cn sbml:units=\"{unit}\" type=\"e-notation\">{m}<sep/>{x}</cn>")
        }
        None => format!("<cn sbml:units=\"{unit}\">{text}</cn>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_functions_are_written_as_sbml_mathml() {
        assert_eq!(cn(0.5), "<cn sbml:units=\"dimensionless\">0.5</cn>");
        assert_eq!(
            cn(1e-7),
            "<cn sbml:units=\"dimensionless\" type=\"e-notation\">1<sep/>-7</cn>"
        );
        let mut g = Graph::default();
        let x = g.make(Ex::State(0));
        let half = g.num(0.5);
        let one = g.num(1.0);
        let p = g.make(Ex::Mul(x, one));
        assert_eq!(p, x, "x*1 is x");
        let t = g.make(Ex::Func(Func::Tanh, x));
        let pw = g.make(Ex::Piece {
            cmp: Cmp::Gt,
            x,
            threshold: half,
            above: t,
            below: one,
        });
        let names = |e: E| (e == x).then_some("R");
        let no_units = |_: E| None;
        let w = MathWriter {
            graph: &g,
            name_of: &names,
            unit_of: &no_units,
        };
        assert_eq!(
            w.math(pw),
            "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><piecewise><piece><apply><tanh/>\
             <ci>R</ci></apply><apply><gt/><ci>R</ci><cn sbml:units=\"dimensionless\">0.5</cn>\
             </apply></piece><otherwise><cn sbml:units=\"dimensionless\">1.0</cn></otherwise>\
             </piecewise></math>"
        );
    }
}
