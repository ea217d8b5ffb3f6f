//! Which named parameter each constant of a trace is.
//!
//! The model's code reads its parameters as plain `f64`, so on the tape they are anonymous
//! [`Node::Const`] leaves. They get their names back by perturbation: the same code is traced
//! once per input with that input nudged, and a leaf is
//! - the input `q` itself when it has `q`'s value and moves with `q` and with nothing else;
//! - a named derived constant (`T13`, `EC50PicOB`, …) when it has that constant's value under
//!   every one of the perturbations;
//! - a literal of the source when no perturbation moves it;
//! - otherwise a *composite*: a number the code computed from several inputs (`T15*(1-FracJ15)`),
//!   exported as its own parameter with the list of inputs it depends on.
//!
//! The traced code must have the same shape whatever the parameter values; a perturbation that
//! changes it is reported as an error naming the input.

use crate::model::{Input, SbmlModel};
use crate::trace::{Node, Tape};
use crate::ExportError;

/// What one constant leaf is.
#[derive(Debug, Clone, PartialEq)]
pub enum Leaf {
    /// A number of the source code.
    Literal(f64),
    /// Input `i` of [`SbmlModel::inputs`].
    Input(usize),
    /// Dependent `i` of [`SbmlModel::dependents`].
    Dependent(usize),
    /// A value computed from the listed inputs.
    Composite { value: f64, deps: Vec<usize> },
}

/// The naming of one trace.
#[derive(Debug, Clone)]
pub struct Naming {
    pub inputs: Vec<Input>,
    pub dependents: Vec<(String, f64)>,
    /// For every node of the tape: `Some` for a `Const` leaf.
    pub leaves: Vec<Option<Leaf>>,
    /// Inputs that could not be perturbed (the model refused both nudges), with why.
    pub unprobed: Vec<(String, String)>,
}

/// The nudged values tried for an input, in order.
fn nudges(v: f64) -> [f64; 2] {
    if v == 0.0 {
        [1e-9, -1e-9]
    } else {
        [v * (1.0 + 1e-7), v * (1.0 - 1e-7)]
    }
}

fn const_values(tape: &Tape) -> Vec<Option<f64>> {
    tape.nodes
        .iter()
        .map(|n| match n {
            Node::Const(v) => Some(*v),
            _ => None,
        })
        .collect()
}

fn same_shape(a: &Tape, b: &Tape) -> bool {
    a.nodes.len() == b.nodes.len()
        && a.nodes.iter().zip(&b.nodes).all(|(x, y)| match (x, y) {
            (Node::Const(_), Node::Const(_)) => true,
            _ => x == y,
        })
}

/// Names the leaves of `base` (a trace of `model` made by `trace`) by re-tracing perturbed
/// copies of the model with the same `trace`.
pub fn name_leaves<M: SbmlModel>(
    model: &M,
    base: &Tape,
    trace: impl Fn(&M) -> Tape,
) -> Result<Naming, ExportError> {
    let inputs = model.inputs();
    let dependents = model.dependents();
    let base_consts = const_values(base);
    let n = base.nodes.len();
    // moved[i] = inputs whose nudge moved leaf i; for every probe, the leaf values and the
    // dependents' values.
    let mut moved: Vec<Vec<usize>> = vec![Vec::new(); n];
    // candidate[i][d] stays true while leaf i has had dependent d's value in every probe.
    let mut dep_match: Vec<Vec<bool>> = base_consts
        .iter()
        .map(|c| match c {
            Some(v) => dependents
                .iter()
                .map(|(_, dv)| dv.to_bits() == v.to_bits())
                .collect(),
            None => Vec::new(),
        })
        .collect();
    let mut input_match: Vec<Option<usize>> = base_consts.iter().map(|_| None).collect();
    let mut unprobed = Vec::new();
    let mut dep_moved = vec![false; dependents.len()];
    for (j, input) in inputs.iter().enumerate() {
        let mut probe = None;
        let mut why = String::new();
        for v in nudges(input.value) {
            match model.with_input(j, v) {
                Ok(m) => {
                    probe = Some((m, v));
                    break;
                }
                Err(e) => why = e,
            }
        }
        let Some((m, nudged)) = probe else {
            unprobed.push((input.q.id.clone(), why));
            continue;
        };
        let tape = trace(&m);
        if !same_shape(base, &tape) {
            return Err(ExportError::ShapeChanged {
                input: input.q.id.clone(),
            });
        }
        let deps_now = m.dependents();
        for (d, (_, v)) in deps_now.iter().enumerate() {
            if v.to_bits() != dependents[d].1.to_bits() {
                dep_moved[d] = true;
            }
        }
        for (i, c) in const_values(&tape).into_iter().enumerate() {
            let (Some(now), Some(was)) = (c, base_consts[i]) else {
                continue;
            };
            let is_moved = now.to_bits() != was.to_bits();
            if is_moved {
                moved[i].push(j);
                if was.to_bits() == input.value.to_bits() && now.to_bits() == nudged.to_bits() {
                    input_match[i] = Some(j);
                }
            }
            for (d, ok) in dep_match[i].iter_mut().enumerate() {
                *ok = *ok && deps_now[d].1.to_bits() == now.to_bits();
            }
        }
    }
    let leaves = base_consts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let v = (*c)?;
            let deps = &moved[i];
            Some(match input_match[i] {
                Some(j) if deps.len() == 1 => Leaf::Input(j),
                _ if deps.is_empty() => Leaf::Literal(v),
                _ => match dep_match[i]
                    .iter()
                    .enumerate()
                    .find(|(d, ok)| **ok && dep_moved[*d])
                {
                    Some((d, _)) => Leaf::Dependent(d),
                    None => Leaf::Composite {
                        value: v,
                        deps: deps.clone(),
                    },
                },
            })
        })
        .collect();
    Ok(Naming {
        inputs,
        dependents,
        leaves,
        unprobed,
    })
}
