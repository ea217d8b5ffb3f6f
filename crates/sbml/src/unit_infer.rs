//! Units for what k2bone does not label: derived constants, composites and shared
//! subexpressions, inferred from the labelled states, parameters and outputs through the
//! equations (sums have the unit of their terms, a product's factor is the quotient, a rate
//! rule has the unit of its state per hour, …), so that libSBML can check the units of the
//! exported math instead of listing every unlabelled parameter.
//!
//! A literal of the source is dimensionless as a factor; in a sum or as a `piecewise`
//! threshold it takes the unit of the other side (written per occurrence by the MathML
//! writer), because `x - 0.149997` says that 0.149997 has the unit of `x`. Nothing is
//! guessed: a quantity whose unit does not follow from the equations stays unlabelled.

use crate::expr::{Ex, Graph, E};
use crate::trace::Func;
use crate::units::Unit;

/// Units known for the leaves and required at the roots.
pub struct Known<'a> {
    pub params: &'a [Option<Unit>],
    pub states: &'a [Option<Unit>],
    pub hour: Unit,
    /// `(root, unit it must have)`.
    pub roots: &'a [(E, Unit)],
}

fn div(a: Unit, b: Unit) -> Unit {
    mul(a, inv(b))
}
fn inv(a: Unit) -> Unit {
    Unit {
        factor: 1.0 / a.factor,
        dims: a.dims.map(|d| -d),
    }
}
fn mul(a: Unit, b: Unit) -> Unit {
    let mut dims = a.dims;
    for (d, e) in dims.iter_mut().zip(b.dims) {
        *d += e;
    }
    Unit {
        factor: a.factor * b.factor,
        dims,
    }
}
const ONE: Unit = Unit {
    factor: 1.0,
    dims: [0; 4],
};

/// The unit of every node that follows from `known`; `None` where it does not.
pub fn infer(g: &Graph, known: &Known<'_>) -> Vec<Option<Unit>> {
    let n = g.nodes.len();
    let mut u: Vec<Option<Unit>> = g
        .nodes
        .iter()
        .map(|x| match *x {
            Ex::Param(p) => known.params[p],
            Ex::State(i) => known.states[i],
            Ex::Time => Some(known.hour),
            _ => None,
        })
        .collect();
    let is_num = |e: E| matches!(g.nodes[e], Ex::Num(_));
    let set = |u: &mut Vec<Option<Unit>>, e: E, v: Unit, changed: &mut bool| {
        if u[e].is_none() && !is_num(e) && v.factor.is_finite() && v.factor > 0.0 {
            u[e] = Some(v);
            *changed = true;
        }
    };
    // A literal as a factor is dimensionless; in a sum it adapts (None).
    let factor_unit = |u: &Vec<Option<Unit>>, e: E| if is_num(e) { Some(ONE) } else { u[e] };
    for &(e, unit) in known.roots {
        if u[e].is_none() && !is_num(e) {
            u[e] = Some(unit);
        }
    }
    // Rounds 0..64 use the rules above; from round 64 on, also: a base raised to a
    // parameter (`x^gamma`) is dimensionless, as SBML has no unit for `pM^gamma`. That
    // rule comes last so that it only labels what nothing else could.
    for round in 0..128 {
        let pow_rule = round >= 64;
        let mut changed = false;
        // Forward: from the children.
        for e in 0..n {
            if u[e].is_some() {
                continue;
            }
            let v = match g.nodes[e] {
                Ex::Neg(a) => u[a],
                Ex::Add(a, b) | Ex::Sub(a, b) => u[a].or(u[b]),
                Ex::Mul(a, b) => factor_unit(&u, a)
                    .zip(factor_unit(&u, b))
                    .map(|(x, y)| mul(x, y)),
                Ex::Div(a, b) => factor_unit(&u, a)
                    .zip(factor_unit(&u, b))
                    .map(|(x, y)| div(x, y)),
                Ex::Pow(a, b) => match (g.nodes[b], factor_unit(&u, a)) {
                    (Ex::Num(bits), Some(x)) if f64::from_bits(bits).fract() == 0.0 => {
                        let k = f64::from_bits(bits) as i32;
                        Some(Unit {
                            factor: x.factor.powi(k),
                            dims: x.dims.map(|d| d * k),
                        })
                    }
                    (_, Some(x)) if x == ONE => Some(ONE),
                    _ => None,
                },
                Ex::Func(Func::Abs, a) => u[a],
                Ex::Func(Func::Sqrt | Func::Cbrt, a) => factor_unit(&u, a).filter(|x| *x == ONE),
                Ex::Func(..) => Some(ONE),
                Ex::Piece { above, below, .. } => u[above].or(u[below]),
                _ => None,
            };
            if let Some(v) = v {
                set(&mut u, e, v, &mut changed);
            }
        }
        // Backward: from the parents.
        for e in (0..n).rev() {
            let Some(ue) = u[e] else { continue };
            match g.nodes[e] {
                Ex::Neg(a) => set(&mut u, a, ue, &mut changed),
                Ex::Add(a, b) | Ex::Sub(a, b) => {
                    set(&mut u, a, ue, &mut changed);
                    set(&mut u, b, ue, &mut changed);
                }
                Ex::Mul(a, b) => {
                    if let Some(ub) = factor_unit(&u, b) {
                        set(&mut u, a, div(ue, ub), &mut changed);
                    }
                    if let Some(ua) = factor_unit(&u, a) {
                        set(&mut u, b, div(ue, ua), &mut changed);
                    }
                }
                Ex::Div(a, b) => {
                    if let Some(ub) = factor_unit(&u, b) {
                        set(&mut u, a, mul(ue, ub), &mut changed);
                    }
                    if let Some(ua) = factor_unit(&u, a) {
                        set(&mut u, b, div(ua, ue), &mut changed);
                    }
                }
                Ex::Pow(a, b) => {
                    set(&mut u, b, ONE, &mut changed);
                    if pow_rule && !matches!(g.nodes[b], Ex::Num(_)) {
                        set(&mut u, a, ONE, &mut changed);
                    }
                }
                Ex::Func(Func::Abs, a) => set(&mut u, a, ue, &mut changed),
                Ex::Func(Func::Sqrt | Func::Cbrt, _) => {}
                Ex::Func(_, a) => set(&mut u, a, ONE, &mut changed),
                Ex::Piece {
                    x,
                    threshold,
                    above,
                    below,
                    ..
                } => {
                    set(&mut u, above, ue, &mut changed);
                    set(&mut u, below, ue, &mut changed);
                    if let Some(ux) = u[x] {
                        set(&mut u, threshold, ux, &mut changed);
                    }
                    if let Some(ut) = u[threshold] {
                        set(&mut u, x, ut, &mut changed);
                    }
                }
                _ => {}
            }
        }
        if !changed && pow_rule {
            break;
        }
    }
    u
}
