//! The exported expression graph: the tape with its constants resolved to literals or
//! parameters, shared subexpressions merged (hash-consing) and literal identities removed
//! (`x*1`, `x+0`, operations on two literals folded with the same `f64` arithmetic, so the
//! values do not change).

use std::collections::HashMap;

use crate::names::{Leaf, Naming};
use crate::trace::{Cmp, Func, Node, Tape};
use crate::ExportError;

/// Index of an expression in a [`Graph`].
pub type E = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ex {
    /// A literal, by its bits.
    Num(u64),
    /// A parameter of the document, by index.
    Param(usize),
    /// A state, by index.
    State(usize),
    /// SBML `time` (the exporter adds the clock offset as a parameter).
    Time,
    Neg(E),
    Add(E, E),
    Sub(E, E),
    Mul(E, E),
    Div(E, E),
    Pow(E, E),
    Func(Func, E),
    Piece {
        cmp: Cmp,
        x: E,
        threshold: E,
        above: E,
        below: E,
    },
}

/// Expressions, each stored once.
#[derive(Debug, Default)]
pub struct Graph {
    pub nodes: Vec<Ex>,
    index: HashMap<Ex, E>,
}

impl Graph {
    fn intern(&mut self, x: Ex) -> E {
        if let Some(&e) = self.index.get(&x) {
            return e;
        }
        let e = self.nodes.len();
        self.nodes.push(x);
        self.index.insert(x, e);
        e
    }

    /// The node of `x`, if the graph has it.
    pub fn find(&self, x: &Ex) -> Option<E> {
        self.index.get(x).copied()
    }

    pub fn num(&mut self, v: f64) -> E {
        self.intern(Ex::Num(v.to_bits()))
    }

    fn lit(&self, e: E) -> Option<f64> {
        match self.nodes[e] {
            Ex::Num(b) => Some(f64::from_bits(b)),
            _ => None,
        }
    }

    /// Builds `x`, simplifying literal identities and folding literals.
    pub fn make(&mut self, x: Ex) -> E {
        use Ex::*;
        let l = |g: &Graph, e: E| g.lit(e);
        match x {
            Neg(a) => {
                if let Some(v) = l(self, a) {
                    return self.num(-v);
                }
                if let Neg(inner) = self.nodes[a] {
                    return inner;
                }
            }
            Add(a, b) | Sub(a, b) | Mul(a, b) | Div(a, b) | Pow(a, b) => {
                if let (Some(u), Some(v)) = (l(self, a), l(self, b)) {
                    return self.num(match x {
                        Add(..) => u + v,
                        Sub(..) => u - v,
                        Mul(..) => u * v,
                        Div(..) => u / v,
                        _ => u.powf(v),
                    });
                }
                match (x, l(self, a), l(self, b)) {
                    (Add(..), Some(0.0), _) => return b,
                    (Add(..) | Sub(..), _, Some(0.0)) => return a,
                    (Mul(..), Some(1.0), _) => return b,
                    (Mul(..) | Div(..) | Pow(..), _, Some(1.0)) => return a,
                    (Mul(..), _, Some(-1.0)) => return self.make(Neg(a)),
                    _ => {}
                }
            }
            Func(f, a) => {
                if let Some(v) = l(self, a) {
                    return self.num(eval_func(f, v));
                }
            }
            Piece {
                cmp,
                x: xe,
                threshold,
                above,
                below,
            } => {
                if above == below {
                    return above;
                }
                if let (Some(xv), Some(t)) = (l(self, xe), l(self, threshold)) {
                    let taken = match cmp {
                        Cmp::Gt => xv > t,
                        Cmp::Ge => xv >= t,
                    };
                    return if taken { above } else { below };
                }
            }
            _ => {}
        }
        self.intern(x)
    }

    /// Evaluates `e` with the given state values, parameter values and SBML time.
    pub fn eval(&self, e: E, states: &[f64], params: &[f64], time: f64) -> f64 {
        let v = |x: E| self.eval(x, states, params, time);
        match self.nodes[e] {
            Ex::Num(b) => f64::from_bits(b),
            Ex::Param(p) => params[p],
            Ex::State(i) => states[i],
            Ex::Time => time,
            Ex::Neg(a) => -v(a),
            Ex::Add(a, b) => v(a) + v(b),
            Ex::Sub(a, b) => v(a) - v(b),
            Ex::Mul(a, b) => v(a) * v(b),
            Ex::Div(a, b) => v(a) / v(b),
            Ex::Pow(a, b) => v(a).powf(v(b)),
            Ex::Func(f, a) => eval_func(f, v(a)),
            Ex::Piece {
                cmp,
                x,
                threshold,
                above,
                below,
            } => {
                let (xv, t) = (v(x), v(threshold));
                let taken = match cmp {
                    Cmp::Gt => xv > t,
                    Cmp::Ge => xv >= t,
                };
                if taken {
                    v(above)
                } else {
                    v(below)
                }
            }
        }
    }
}

pub fn eval_func(f: Func, v: f64) -> f64 {
    match f {
        Func::Exp => v.exp(),
        Func::Ln => v.ln(),
        Func::Log10 => v.log10(),
        Func::Log2 => v.log2(),
        Func::Sqrt => v.sqrt(),
        Func::Cbrt => v.cbrt(),
        Func::Abs => v.abs(),
        Func::Sin => v.sin(),
        Func::Cos => v.cos(),
        Func::Tan => v.tan(),
        Func::Asin => v.asin(),
        Func::Acos => v.acos(),
        Func::Atan => v.atan(),
        Func::Sinh => v.sinh(),
        Func::Cosh => v.cosh(),
        Func::Tanh => v.tanh(),
        Func::Asinh => v.asinh(),
        Func::Acosh => v.acosh(),
        Func::Atanh => v.atanh(),
    }
}

/// How the leaves of one tape map into the graph.
pub struct LeafMap<'a> {
    pub naming: &'a Naming,
    /// Parameter index of each leaf kind.
    pub param_of: &'a dyn Fn(&Leaf) -> usize,
    /// The expression for state `i` (the state itself, or its initial value).
    pub state: &'a dyn Fn(&mut Graph, usize) -> E,
    /// The expression for the exporter's input `k` (a dose amount parameter).
    pub input: &'a dyn Fn(&mut Graph, usize) -> E,
    /// The expression for the model's time (SBML time plus the clock offset).
    pub time: &'a dyn Fn(&mut Graph) -> E,
}

/// Converts the tape nodes reachable from `root` into the graph.
pub fn convert(
    g: &mut Graph,
    tape: &Tape,
    map: &LeafMap<'_>,
    memo: &mut Vec<Option<E>>,
    root: u32,
) -> Result<E, ExportError> {
    memo.resize(tape.nodes.len(), None);
    if let Some(e) = memo[root as usize] {
        return Ok(e);
    }
    let mut go = |g: &mut Graph, id: u32| convert(g, tape, map, memo, id);
    let e = match tape.nodes[root as usize] {
        Node::Const(v) => match &map.naming.leaves[root as usize] {
            Some(Leaf::Literal(_)) | None => g.num(v),
            Some(leaf) => g.make(Ex::Param((map.param_of)(leaf))),
        },
        Node::Input(k) => (map.input)(g, k),
        Node::State(i) => (map.state)(g, i),
        Node::Time => (map.time)(g),
        Node::Neg(a) => {
            let a = go(g, a)?;
            g.make(Ex::Neg(a))
        }
        Node::Add(a, b) | Node::Sub(a, b) | Node::Mul(a, b) | Node::Div(a, b) | Node::Pow(a, b) => {
            let (ea, eb) = (go(g, a)?, go(g, b)?);
            g.make(match tape.nodes[root as usize] {
                Node::Add(..) => Ex::Add(ea, eb),
                Node::Sub(..) => Ex::Sub(ea, eb),
                Node::Mul(..) => Ex::Mul(ea, eb),
                Node::Div(..) => Ex::Div(ea, eb),
                _ => Ex::Pow(ea, eb),
            })
        }
        Node::Powi(a, n) => {
            let ea = go(g, a)?;
            let en = g.num(n as f64);
            g.make(Ex::Pow(ea, en))
        }
        Node::Func(f, a) => {
            let ea = go(g, a)?;
            g.make(Ex::Func(f, ea))
        }
        Node::Select {
            cmp,
            x,
            threshold,
            above,
            below,
        } => {
            let x = go(g, x)?;
            let threshold = go(g, threshold)?;
            let above = go(g, above)?;
            let below = go(g, below)?;
            g.make(Ex::Piece {
                cmp,
                x,
                threshold,
                above,
                below,
            })
        }
        Node::Unsupported(what, _) => {
            return Err(ExportError::Unsupported {
                what: what.to_string(),
            })
        }
    };
    memo[root as usize] = Some(e);
    Ok(e)
}
