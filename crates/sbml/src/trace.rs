//! The symbolic tracer: a [`Scalar`] whose arithmetic records an expression graph (a tape)
//! while the model's own right-hand side, outputs and dose code run.
//!
//! A [`Sym`] is an index into the tape of the current thread plus the value it would have as
//! a number (for error messages). Every `f64` that meets a `Sym` (a parameter, a derived
//! constant, a literal of the source) becomes a [`Node::Const`] leaf; [`crate::names`] finds
//! out afterwards which named parameter each leaf is. Branches go through
//! [`Scalar::select_gt`]/[`Scalar::select_ge`], which record both sides; any other look at a
//! value (`re()`, a comparison, `is_zero`) is counted as a [`ValueRead`], and the exporter
//! refuses a trace that has one, because the SBML would follow one branch only.

use std::cell::RefCell;

use k2bone_physiology::Scalar;

/// Index of a node on the tape.
pub type Id = u32;

/// Functions of one argument that MathML has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    Exp,
    Ln,
    Log10,
    Log2,
    Sqrt,
    Cbrt,
    Abs,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Asinh,
    Acosh,
    Atanh,
}

/// How a `select` compares its argument with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmp {
    Gt,
    Ge,
}

/// One operation on the tape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Node {
    /// An `f64` that entered the computation.
    Const(f64),
    /// A named input made by the exporter (a dose amount), by index.
    Input(usize),
    /// A state variable, by index in the state vector.
    State(usize),
    /// Model time, h.
    Time,
    Neg(Id),
    Add(Id, Id),
    Sub(Id, Id),
    Mul(Id, Id),
    Div(Id, Id),
    /// `base ^ exponent`; the exponent of `powf` is a `Const` node.
    Pow(Id, Id),
    Powi(Id, i32),
    Func(Func, Id),
    /// `above` where `x cmp threshold`, else `below`.
    Select {
        cmp: Cmp,
        x: Id,
        threshold: Id,
        above: Id,
        below: Id,
    },
    /// An operation SBML cannot express (named), kept so the exporter can say which.
    Unsupported(&'static str, Id),
}

/// A place where the traced code looked at a value instead of recording an operation.
#[derive(Debug, Clone)]
pub struct ValueRead {
    /// What was done (`re()`, `partial_cmp`, …).
    pub what: &'static str,
    pub node: Id,
    pub value: f64,
    /// Source lines of the caller inside k2bone (from a backtrace), if any.
    pub location: String,
}

/// A finished recording.
#[derive(Debug, Clone, Default)]
pub struct Tape {
    pub nodes: Vec<Node>,
    /// The value of each node as a number.
    pub values: Vec<f64>,
    pub reads: Vec<ValueRead>,
}

thread_local! {
    static TAPE: RefCell<Option<Tape>> = const { RefCell::new(None) };
}

/// Runs `f` with a fresh tape on this thread and returns the tape and `f`'s result.
/// Recordings do not nest.
pub fn record<R>(f: impl FnOnce() -> R) -> (Tape, R) {
    TAPE.with(|t| {
        let mut t = t.borrow_mut();
        assert!(t.is_none(), "symbolic recordings do not nest");
        *t = Some(Tape::default());
    });
    // Take the tape back even if `f` panics, so a later recording on this thread works.
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            TAPE.with(|t| t.borrow_mut().take());
        }
    }
    let reset = Reset;
    let r = f();
    let tape = TAPE.with(|t| t.borrow_mut().take()).expect("tape present");
    drop(reset);
    (tape, r)
}

fn push(node: Node, value: f64) -> Sym {
    TAPE.with(|t| {
        let mut t = t.borrow_mut();
        let tape = t
            .as_mut()
            .expect("a Sym was used outside trace::record (a bug in k2bone-sbml)");
        let id = tape.nodes.len() as Id;
        tape.nodes.push(node);
        tape.values.push(value);
        Sym { id, re: value }
    })
}

fn note_read(what: &'static str, s: &Sym) {
    let bt = std::backtrace::Backtrace::force_capture().to_string();
    let location = bt
        .lines()
        .filter(|l| l.contains("crates/") && !l.contains("crates/sbml/"))
        .map(|l| l.trim().trim_start_matches("at ").to_string())
        .take(3)
        .collect::<Vec<_>>()
        .join(" <- ");
    TAPE.with(|t| {
        if let Some(tape) = t.borrow_mut().as_mut() {
            tape.reads.push(ValueRead {
                what,
                node: s.id,
                value: s.re,
                location,
            });
        }
    });
}

/// A traced number: a node on the current tape and its value.
#[derive(Debug, Clone, Copy)]
pub struct Sym {
    pub(crate) id: Id,
    pub(crate) re: f64,
}

impl Sym {
    pub fn id(self) -> Id {
        self.id
    }
    /// A leaf for the `f64` `x`.
    pub fn constant(x: f64) -> Sym {
        push(Node::Const(x), x)
    }
    /// The state variable `i`, whose value is `value`.
    pub fn state(i: usize, value: f64) -> Sym {
        push(Node::State(i), value)
    }
    /// The exporter's named input `i` (a dose amount), whose value is `value`.
    pub fn input(i: usize, value: f64) -> Sym {
        push(Node::Input(i), value)
    }
    pub(crate) fn unary(node: impl FnOnce(Id) -> Node, a: Sym, value: f64) -> Sym {
        push(node(a.id), value)
    }
    pub(crate) fn binary(node: impl FnOnce(Id, Id) -> Node, a: Sym, b: Sym, value: f64) -> Sym {
        push(node(a.id, b.id), value)
    }
    pub(crate) fn func(f: Func, a: Sym, value: f64) -> Sym {
        push(Node::Func(f, a.id), value)
    }
    pub(crate) fn unsupported(name: &'static str, a: Sym, value: f64) -> Sym {
        push(Node::Unsupported(name, a.id), value)
    }
    /// Records that the value was looked at (see [`ValueRead`]) and returns it.
    pub(crate) fn read(&self, what: &'static str) -> f64 {
        note_read(what, self);
        self.re
    }
}

impl Scalar for Sym {
    fn select_gt(
        self,
        threshold: f64,
        above: impl FnOnce() -> Sym,
        below: impl FnOnce() -> Sym,
    ) -> Sym {
        select(Cmp::Gt, self, threshold, above(), below())
    }
    fn select_ge(
        self,
        threshold: f64,
        above: impl FnOnce() -> Sym,
        below: impl FnOnce() -> Sym,
    ) -> Sym {
        select(Cmp::Ge, self, threshold, above(), below())
    }
    fn time(t_h: f64) -> Sym {
        push(Node::Time, t_h)
    }
}

fn select(cmp: Cmp, x: Sym, threshold: f64, above: Sym, below: Sym) -> Sym {
    let thr = Sym::constant(threshold);
    let taken = match cmp {
        Cmp::Gt => x.re > threshold,
        Cmp::Ge => x.re >= threshold,
    };
    let value = if taken { above.re } else { below.re };
    push(
        Node::Select {
            cmp,
            x: x.id,
            threshold: thr.id,
            above: above.id,
            below: below.id,
        },
        value,
    )
}
