//! Finds a model's *upstream linear subsystem*: the states whose derivatives are affine in
//! themselves alone, with constant coefficients and no explicit time dependence,
//! $$ \dot x_S = M x_S + b(\text{inputs}), $$
//! so that nothing else in the model feeds back into them. In the full k2bone model these are
//! the vitamin K gut/lymph/plasma compartments and the oral D3 pool; in the core they include
//! the teriparatide and denosumab depots. Their solution between doses is exact,
//! $x_S(t_0+\tau) = e^{M\tau}(x_S(t_0) - x_p) + x_p$, and the rest of the model can be solved
//! with them as a known input (see [`super::sources`]).
//!
//! Next come the *filters*: states outside the sources whose derivatives depend only on the
//! sources and on each other, with no explicit time dependence (vitamin K status, 25(OH)D,
//! circulating ucMGP). They are slow and smooth, so they too are solved on their own
//! ([`super::upstream`]), and the stiff solver is left with the core, which sees the whole
//! upstream chain as a smooth input.
//!
//! Nothing here knows the equations: the split is read off the model's own Jacobian at three
//! states and times, so a change of the right-hand side moves the split with it. A state stays
//! a source only if, at every probe, its row of the Jacobian is zero outside the sources, equal
//! inside them, and its derivative does not change with time.

use nalgebra::DMatrix;

use crate::model::OdeModel;

/// One connected group of source states (a vitamer's three compartments, say).
#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// Indices in the full state vector.
    pub idx: Vec<usize>,
    /// $\partial \dot x_S / \partial x_S$ restricted to the block.
    pub m: DMatrix<f64>,
}

/// The model's states split into sources, filters and the rest.
#[derive(Debug, Clone)]
pub(crate) struct Split {
    /// Indices of the source states, sorted.
    pub sources: Vec<usize>,
    /// Indices of the filter states, sorted.
    pub filters: Vec<usize>,
    /// Indices of the other states, sorted (the states the stiff solver integrates).
    pub others: Vec<usize>,
    /// `true` at source indices.
    pub is_source: Vec<bool>,
    pub blocks: Vec<Block>,
    /// Per filter, $\partial \dot x_f / \partial x_f$ at the initial state.
    pub gamma: Vec<f64>,
    /// How many passes of the filter iteration are exact: the longest chain of filters feeding
    /// filters (every filter is linear in itself and the chains have no cycle).
    pub filter_passes: usize,
    /// Per filter, its place in that chain (1 = fed by sources only).
    pub filter_depth: Vec<usize>,
    /// Per source: does any core state's derivative read it? (Then a jump in it is a jump in
    /// the core's right-hand side, and the stiff solver must restart there.)
    pub core_reads: Vec<bool>,
}

/// Probe times (h): the model's clock matters (the core's ageing), so they differ widely.
const PROBE_T_H: [f64; 3] = [0.0, 1_234.5, 98_765.4];
/// Relative tolerance for "the same coefficient" across probes.
const SAME_COEF: f64 = 1e-10;

impl Split {
    /// Reads the split off `model`'s Jacobian around its initial state.
    pub fn detect<M: OdeModel>(model: &M, inputs: &M::Inputs) -> Split {
        let y0 = model.initial_state();
        let n = y0.len();
        let probes: Vec<Vec<f64>> = [0.0f64, 0.031, -0.027]
            .iter()
            .enumerate()
            .map(|(p, &eps)| {
                y0.iter()
                    .enumerate()
                    .map(|(i, &v)| {
                        // A fixed, irregular pattern so that no two states move together.
                        let r = 0.5 + 0.5 * (((i * 7 + p * 13) % 11) as f64 / 10.0);
                        if v == 0.0 {
                            (eps.abs() + 0.01) * r * 1e-1
                        } else {
                            v * (1.0 + eps * r)
                        }
                    })
                    .collect()
            })
            .collect();
        let mut jac = Vec::new();
        let mut e = vec![0.0; n];
        let mut col = vec![0.0; n];
        for (p, y) in probes.iter().enumerate() {
            let mut j = DMatrix::zeros(n, n);
            for c in 0..n {
                e[c] = 1.0;
                model.jvp(PROBE_T_H[p], y, &e, inputs, &mut col);
                e[c] = 0.0;
                for r in 0..n {
                    j[(r, c)] = col[r];
                }
            }
            jac.push(j);
        }
        // Explicit time dependence: the same state at two times.
        let mut f_a = vec![0.0; n];
        let mut f_b = vec![0.0; n];
        model.rhs(PROBE_T_H[0], &probes[1], inputs, &mut f_a);
        model.rhs(PROBE_T_H[2], &probes[1], inputs, &mut f_b);
        // Affinity: f(y_1) - f(y_2) = M (y_1 - y_2) on the sources.
        let mut f_1 = vec![0.0; n];
        let mut f_2 = vec![0.0; n];
        model.rhs(PROBE_T_H[1], &probes[1], inputs, &mut f_1);
        model.rhs(PROBE_T_H[1], &probes[2], inputs, &mut f_2);

        // The model's upstream_rhs must give these states' derivatives exactly.
        let mut f_up = vec![f64::NAN; n];
        model.upstream_rhs(PROBE_T_H[1], &probes[1], inputs, &mut f_up);
        let computed: Vec<bool> = (0..n).map(|i| f_up[i] == f_1[i]).collect();

        let mut is_source = computed.clone();
        loop {
            let mut changed = false;
            for i in 0..n {
                if !is_source[i] {
                    continue;
                }
                let mut ok = close(f_a[i], f_b[i]);
                let mut predicted = f_2[i];
                for c in 0..n {
                    let v = [jac[0][(i, c)], jac[1][(i, c)], jac[2][(i, c)]];
                    if is_source[c] {
                        ok &= close(v[0], v[1]) && close(v[0], v[2]);
                        predicted += v[0] * (probes[1][c] - probes[2][c]);
                    } else {
                        ok &= v.iter().all(|x| *x == 0.0);
                    }
                }
                ok &= close(predicted, f_1[i]);
                if !ok {
                    is_source[i] = false;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // Filters: states that depend, even through others, neither on the model's main
        // feedback loop (its largest strongly connected component) nor on time.
        let depends = |i: usize, c: usize| jac.iter().any(|j| j[(i, c)] != 0.0);
        let mut reach: Vec<Vec<bool>> = (0..n)
            .map(|i| (0..n).map(|c| depends(i, c)).collect())
            .collect();
        for k in 0..n {
            for i in 0..n {
                if reach[i][k] {
                    let via_k = reach[k].clone();
                    for (r, v) in reach[i].iter_mut().zip(via_k) {
                        *r |= v;
                    }
                }
            }
        }
        let scc_size = |i: usize| {
            (0..n)
                .filter(|&c| c == i || (reach[i][c] && reach[c][i]))
                .count()
        };
        let loop_state = (0..n).max_by_key(|&i| scc_size(i)).unwrap_or(0);
        let in_loop = |c: usize| c == loop_state || (reach[loop_state][c] && reach[c][loop_state]);
        let mut seed: Vec<bool> = (0..n)
            .map(|i| !is_source[i] && (in_loop(i) || !close(f_a[i], f_b[i]) || !computed[i]))
            .collect();
        // A filter must be linear in itself with a constant rate and must not sit in a loop
        // with another filter (then a fixed number of passes solves the chain exactly);
        // a state that is not goes to the stiff solver, and so does whatever reads it.
        let is_up = loop {
            let is_up: Vec<bool> = (0..n)
                .map(|i| is_source[i] || !(seed[i] || (0..n).any(|c| seed[c] && reach[i][c])))
                .collect();
            let filter = |i: usize| is_up[i] && !is_source[i];
            let bad: Vec<usize> = (0..n)
                .filter(|&f| filter(f))
                .filter(|&f| {
                    !jac.iter().all(|j| close(j[(f, f)], jac[0][(f, f)]))
                        || (0..n).any(|g| g != f && filter(g) && reach[f][g] && reach[g][f])
                })
                .collect();
            if bad.is_empty() {
                break is_up;
            }
            for f in bad {
                seed[f] = true;
            }
        };
        let sources: Vec<usize> = (0..n).filter(|&i| is_source[i]).collect();
        let filters: Vec<usize> = (0..n).filter(|&i| is_up[i] && !is_source[i]).collect();
        let others: Vec<usize> = (0..n).filter(|&i| !is_up[i]).collect();
        let blocks = components(&sources, &jac[0]);
        let gamma: Vec<f64> = filters.iter().map(|&f| jac[0][(f, f)]).collect();
        let depth = filter_depth(&filters, &jac);
        let filter_passes = depth.iter().copied().max().unwrap_or(0);
        let core_reads = sources
            .iter()
            .map(|&c| others.iter().any(|&r| jac.iter().any(|j| j[(r, c)] != 0.0)))
            .collect();
        Split {
            sources,
            filters,
            others,
            is_source,
            blocks,
            gamma,
            filter_passes,
            filter_depth: depth,
            core_reads,
        }
    }

    /// Sources then filters: the order of the upstream vector.
    pub fn upstream(&self) -> Vec<usize> {
        self.sources.iter().chain(&self.filters).copied().collect()
    }
}

/// Per filter, the length of the longest chain of filters ending in it (they have no cycle:
/// see [`Split::detect`]).
fn filter_depth(filters: &[usize], jac: &[DMatrix<f64>]) -> Vec<usize> {
    let k = filters.len();
    let feeds = |a: usize, b: usize| jac.iter().any(|j| j[(filters[a], filters[b])] != 0.0);
    let mut depth = vec![1usize; k];
    for _ in 0..k {
        for a in 0..k {
            depth[a] = 1
                + (0..k)
                    .filter(|&b| b != a && feeds(a, b))
                    .map(|b| depth[b])
                    .max()
                    .unwrap_or(0);
        }
    }
    depth
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= SAME_COEF * a.abs().max(b.abs())
}

/// Connected groups of sources (an edge wherever one feeds another).
fn components(sources: &[usize], jac: &DMatrix<f64>) -> Vec<Block> {
    let k = sources.len();
    let mut group: Vec<usize> = (0..k).collect();
    fn root(g: &mut [usize], mut a: usize) -> usize {
        while g[a] != a {
            g[a] = g[g[a]];
            a = g[a];
        }
        a
    }
    for a in 0..k {
        for b in 0..k {
            if jac[(sources[a], sources[b])] != 0.0 {
                let (ra, rb) = (root(&mut group, a), root(&mut group, b));
                group[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    let mut blocks: Vec<(usize, Vec<usize>)> = Vec::new();
    for (a, &src) in sources.iter().enumerate() {
        let r = root(&mut group, a);
        match blocks.iter_mut().find(|(g, _)| *g == r) {
            Some((_, v)) => v.push(src),
            None => blocks.push((r, vec![src])),
        }
    }
    blocks
        .into_iter()
        .map(|(_, idx)| {
            let m = DMatrix::from_fn(idx.len(), idx.len(), |r, c| jac[(idx[r], idx[c])]);
            Block { idx, m }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k2bone_physiology::{BoneHealthModel, ExtState};

    #[test]
    fn the_vitamin_k_and_d3_depots_are_sources_and_the_effect_compartments_are_not() {
        let m = BoneHealthModel::default();
        let s = Split::detect(&m, &OdeModel::default_inputs(&m));
        for e in [
            ExtState::K1Gut,
            ExtState::K1Lymph,
            ExtState::K1Plasma,
            ExtState::Mk4Gut,
            ExtState::Mk7Plasma,
            ExtState::D3Pool,
        ] {
            assert!(s.is_source[e.idx()], "{e:?}");
        }
        for e in [ExtState::KStatus, ExtState::D25, ExtState::UcMgp] {
            assert!(!s.is_source[e.idx()], "{e:?}");
            assert!(s.filters.contains(&e.idx()), "{e:?}");
        }
        // Calcification is driven by the core's Ca x P: it stays with the core.
        assert!(s.others.contains(&ExtState::Calcification.idx()));
        assert_eq!(s.filters.len(), 3);
        // ucMGP follows K status: two exact passes.
        assert_eq!(s.filter_passes, 2);
        // Each vitamer is its own block of three compartments.
        let k1 = s
            .blocks
            .iter()
            .find(|b| b.idx.contains(&ExtState::K1Gut.idx()))
            .unwrap();
        assert_eq!(k1.idx.len(), 3);
    }
}
