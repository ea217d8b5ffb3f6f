//! The upstream chain over a whole run (sources and filters, [`super::split`]), readable by the
//! stiff solver at any time.
//!
//! **Sources.** Between two changes (a dose into a source, an infusion starting or stopping)
//! each block obeys $\dot x = M x + b$ with constant $M, b$; with
//! $A = \begin{pmatrix} M & b \\ 0 & 0 \end{pmatrix}$ the exact solution is
//! $(x(t_0+\tau), 1)^T = e^{A\tau} (x(t_0), 1)^T$. The exponentials come from nalgebra (Padé,
//! scaling and squaring), once per piece length.
//!
//! **Filters.** With $\gamma$ the filter's own rate, $\dot X = \gamma X + G(X, x(t))$, so
//! $$ X(\tau) = e^{\gamma\tau} X(0) + \int_0^\tau e^{\gamma(\tau-\sigma)} G(\sigma)\, d\sigma . $$
//! $G$ is taken at the nodes and integrated through its interpolating polynomial (weights by
//! Gauss–Legendre quadrature, once per piece length). When the filters are linear in
//! themselves and feed each other without a cycle, $G$ of a filter depends only on filters
//! already done, and as many passes as the chain is long give the collocation solution.
//!
//! **Pieces and nodes.** Each interval is cut into pieces with $c = \rho L/2 \le 20$ ($\rho$ the
//! fastest source rate); a piece carries Chebyshev–Lobatto nodes, enough for exponentials of
//! rate $\rho$ to about $10^{-13}$ ($10 + 7\sqrt c$ nodes; see the test), and
//! arbitrary times are served by barycentric interpolation (Berrut & Trefethen, SIAM Review
//! 46:501, 2004). Pieces are built in time order as the solver asks for them; a piece where
//! nothing moves (no dose yet, everything at steady state) is stored as a constant.

use std::cell::RefCell;
use std::collections::HashMap;

use nalgebra::DMatrix;

use super::split::Split;
use crate::model::OdeModel;

/// Largest $c = \rho L / 2$ of one piece.
const MAX_C: f64 = 20.0;
/// How many pieces' node values are kept at once.
const NODE_CACHE: usize = 6;
/// A piece is constant when nothing moves by more than this, relative, over its length.
const QUIET: f64 = 1e-13;

/// A change to the upstream chain at one time.
#[derive(Debug, Clone)]
pub(crate) struct Change<I> {
    pub t_h: f64,
    /// Added to the sources (in `Split::sources` order).
    pub jump: Vec<f64>,
    /// New inputs, if they changed (infusions).
    pub inputs: Option<I>,
}

/// What pieces of one length under one set of inputs share.
struct Kind {
    tau: Vec<f64>,
    weights: Vec<f64>,
    /// Per block: the propagator to each node.
    props: Vec<Vec<DMatrix<f64>>>,
    /// Per filter: $e^{\gamma\tau_j}$ and the weights $W_{jk}$ (row-major).
    decay: Vec<Vec<f64>>,
    w: Vec<Vec<f64>>,
}

struct Piece {
    t0: f64,
    len: f64,
    kind: usize,
    inputs: usize,
    /// Index into the changes applied at `t0`, if any.
    change: Option<usize>,
}

/// A piece's node values: all upstream states at each node, node-major, or one constant.
enum Nodes {
    Constant(Vec<f64>),
    Varying(Vec<f64>),
}

struct Built {
    /// Upstream state at the start of each built piece (after that time's changes).
    starts: Vec<Vec<f64>>,
    ring: Vec<(usize, std::rc::Rc<Nodes>)>,
}

/// The upstream chain's path over `[0, t_end]`.
pub(crate) struct UpstreamPath<'a, M: OdeModel> {
    model: &'a M,
    split: &'a Split,
    /// Positions of each block's states in the upstream vector.
    block_pos: Vec<Vec<usize>>,
    n_src: usize,
    n_up: usize,
    /// Full-state indices of the upstream vector.
    up_idx: Vec<usize>,
    pieces: Vec<Piece>,
    kinds: Vec<Kind>,
    inputs: Vec<M::Inputs>,
    changes: Vec<Change<M::Inputs>>,
    /// A full state to fill the core's entries with (they do not enter the upstream chain).
    filler: Vec<f64>,
    built: RefCell<Built>,
    /// Scratch: full state and derivative.
    scratch: RefCell<(Vec<f64>, Vec<f64>)>,
    /// Per block: does it move at all during the run?
    active: Vec<bool>,
}

impl<'a, M: OdeModel> UpstreamPath<'a, M> {
    /// `y_start`: the full state at `t0` after that time's doses; `changes`: at most one per
    /// time, sorted, in (t0, t_end).
    pub fn new(
        model: &'a M,
        split: &'a Split,
        y_start: &[f64],
        inputs0: M::Inputs,
        changes: Vec<Change<M::Inputs>>,
        t0: f64,
        t_end: f64,
    ) -> Self {
        let up_idx = split.upstream();
        let block_pos: Vec<Vec<usize>> = split
            .blocks
            .iter()
            .map(|bl| {
                bl.idx
                    .iter()
                    .map(|i| {
                        split
                            .sources
                            .binary_search(i)
                            .expect("block index is a source")
                    })
                    .collect()
            })
            .collect();
        let mut path = UpstreamPath {
            model,
            split,
            block_pos,
            n_src: split.sources.len(),
            n_up: up_idx.len(),
            up_idx,
            pieces: Vec::new(),
            kinds: Vec::new(),
            inputs: vec![inputs0],
            changes,
            filler: y_start.to_vec(),
            built: RefCell::new(Built {
                starts: Vec::new(),
                ring: Vec::new(),
            }),
            scratch: RefCell::new((y_start.to_vec(), vec![0.0; y_start.len()])),
            active: Vec::new(),
        };
        // A block that is never dosed and starts at rest stays there: it is a constant.
        let u0: Vec<f64> = path.up_idx.iter().map(|&i| y_start[i]).collect();
        let mut du0 = vec![0.0; path.n_up];
        path.derivative(&u0, 0, &mut du0);
        let b_first = path.offsets_for(&path.inputs[0]);
        path.active = path
            .block_pos
            .iter()
            .enumerate()
            .map(|(bi, pos)| {
                pos.iter()
                    .any(|&p| du0[p] * (t_end - t0).max(1.0) > QUIET * u0[p].abs())
                    || path.changes.iter().any(|c| {
                        pos.iter().any(|&p| c.jump[p] != 0.0)
                            || c.inputs
                                .as_ref()
                                .is_some_and(|i| path.offsets_for(i)[bi] != b_first[bi])
                    })
            })
            .collect();
        let rho = split
            .blocks
            .iter()
            .zip(&path.active)
            .filter(|(_, a)| **a)
            .map(|(bl, _)| {
                bl.m.complex_eigenvalues()
                    .iter()
                    .map(|z| z.norm())
                    .fold(0.0, f64::max)
            })
            .chain(split.gamma.iter().map(|g| g.abs()))
            .fold(0.0, f64::max);
        let mut kind_of: HashMap<(u64, usize), usize> = HashMap::new();
        let mut t = t0;
        let mut next = 0;
        let mut change_at_start = None;
        loop {
            let t_next = path.changes.get(next).map_or(t_end, |c| c.t_h.min(t_end));
            let len = t_next - t;
            let inputs = path.inputs.len() - 1;
            let m = if len > 0.0 {
                ((rho * len / (2.0 * MAX_C)).ceil() as usize).max(1)
            } else {
                1
            };
            let sub_len = len / m as f64;
            let key = (sub_len.to_bits(), inputs);
            let kind = match kind_of.get(&key) {
                Some(k) => *k,
                None => {
                    let k = path.make_kind(sub_len, rho, inputs);
                    path.kinds.push(k);
                    kind_of.insert(key, path.kinds.len() - 1);
                    path.kinds.len() - 1
                }
            };
            for s in 0..m {
                let t0 = if s == 0 { t } else { t + s as f64 * sub_len };
                path.pieces.push(Piece {
                    t0,
                    len: if s + 1 == m { t_next - t0 } else { sub_len },
                    kind,
                    inputs,
                    change: if s == 0 { change_at_start } else { None },
                });
            }
            if t_next >= t_end || next >= path.changes.len() {
                break;
            }
            t = t_next;
            change_at_start = Some(next);
            if let Some(i) = path.changes[next].inputs.clone() {
                path.inputs.push(i);
            }
            next += 1;
        }
        path.built.borrow_mut().starts.push(u0);
        path
    }

    /// Full-state indices of the upstream vector.
    pub fn indices(&self) -> &[usize] {
        &self.up_idx
    }

    /// The upstream states at `t_h` (in [`Split::upstream`] order); at a change, after it, or
    /// before it if `left`.
    pub fn eval(&self, t_h: f64, left: bool, out: &mut [f64]) {
        let k = self
            .pieces
            .partition_point(|p| if left { p.t0 < t_h } else { p.t0 <= t_h })
            .saturating_sub(1);
        let nodes = self.nodes(k);
        let piece = &self.pieces[k];
        let vals = match &*nodes {
            Nodes::Constant(v) => {
                out.copy_from_slice(v);
                return;
            }
            Nodes::Varying(v) => v,
        };
        let kind = &self.kinds[piece.kind];
        // Past the end of the run (the solver may probe a little beyond): the last piece.
        let tau = (t_h - piece.t0).clamp(0.0, piece.len);
        let n = self.n_up;
        if let Some(j) = kind.tau.iter().position(|&tj| tj == tau) {
            out.copy_from_slice(&vals[j * n..(j + 1) * n]);
            return;
        }
        out.iter_mut().for_each(|o| *o = 0.0);
        let mut denom = 0.0;
        for (j, (&tj, &wj)) in kind.tau.iter().zip(&kind.weights).enumerate() {
            let c = wj / (tau - tj);
            denom += c;
            for (o, v) in out.iter_mut().zip(&vals[j * n..(j + 1) * n]) {
                *o += c * v;
            }
        }
        out.iter_mut().for_each(|o| *o /= denom);
    }

    /// Node values of piece `k`, building the pieces before it first.
    fn nodes(&self, k: usize) -> std::rc::Rc<Nodes> {
        if let Some((_, n)) = self.built.borrow().ring.iter().find(|(i, _)| *i == k) {
            return n.clone();
        }
        loop {
            let have = self.built.borrow().starts.len();
            let i = if have > k { k } else { have - 1 };
            let start = self.built.borrow().starts[i].clone();
            let nodes = std::rc::Rc::new(self.solve_piece(i, &start));
            let mut b = self.built.borrow_mut();
            if b.ring.len() == NODE_CACHE {
                b.ring.remove(0);
            }
            b.ring.push((i, nodes.clone()));
            if i + 1 == b.starts.len() && i + 1 < self.pieces.len() {
                let mut end = match &*nodes {
                    Nodes::Constant(v) => v.clone(),
                    Nodes::Varying(v) => {
                        let last = self.kinds[self.pieces[i].kind].tau.len() - 1;
                        v[last * self.n_up..(last + 1) * self.n_up].to_vec()
                    }
                };
                if let Some(c) = self.pieces[i + 1].change {
                    for (e, d) in end.iter_mut().zip(&self.changes[c].jump) {
                        *e += d;
                    }
                }
                b.starts.push(end);
            }
            if i == k {
                return nodes;
            }
        }
    }

    /// Upstream derivatives at upstream state `u` under inputs `inputs`.
    fn derivative(&self, u: &[f64], inputs: usize, du: &mut [f64]) {
        let mut s = self.scratch.borrow_mut();
        let (y, dy) = &mut *s;
        for (&v, &i) in u.iter().zip(&self.up_idx) {
            y[i] = v;
        }
        self.model.upstream_rhs(0.0, y, &self.inputs[inputs], dy);
        for (d, &i) in du.iter_mut().zip(&self.up_idx) {
            *d = dy[i];
        }
    }

    fn solve_piece(&self, k: usize, start: &[f64]) -> Nodes {
        let piece = &self.pieces[k];
        let n = self.n_up;
        let mut du = vec![0.0; n];
        self.derivative(start, piece.inputs, &mut du);
        let quiet = du
            .iter()
            .zip(start)
            .all(|(d, u)| *d == 0.0 || (d * piece.len).abs() <= QUIET * u.abs());
        if quiet || piece.len == 0.0 {
            return Nodes::Constant(start.to_vec());
        }
        let kind = &self.kinds[piece.kind];
        let nn = kind.tau.len();
        let mut vals = vec![0.0; nn * n];
        // Sources, exactly.
        for j in 0..nn {
            for (bi, pos) in self.block_pos.iter().enumerate() {
                if !self.active[bi] {
                    for &p in pos {
                        vals[j * n + p] = start[p];
                    }
                    continue;
                }
                let p = &kind.props[bi][j];
                let kb = pos.len();
                for r in 0..kb {
                    let mut v = p[(r, kb)];
                    for (c, &pc) in pos.iter().enumerate() {
                        v += p[(r, c)] * start[pc];
                    }
                    vals[j * n + pos[r]] = v;
                }
            }
            for f in self.n_src..n {
                vals[j * n + f] = start[f];
            }
        }
        // Filters: exponential collocation passes.
        let nf = n - self.n_src;
        if nf > 0 {
            let mut g = vec![0.0; nn * nf];
            for pass in 1..=self.split.filter_passes {
                for j in 0..nn {
                    self.derivative(&vals[j * n..(j + 1) * n], piece.inputs, &mut du);
                    for f in 0..nf {
                        g[j * nf + f] =
                            du[self.n_src + f] - self.split.gamma[f] * vals[j * n + self.n_src + f];
                    }
                }
                for f in (0..nf).filter(|&f| self.split.filter_depth[f] == pass) {
                    let x0 = start[self.n_src + f];
                    // Nothing moves this filter (at rest, and so is what feeds it).
                    let rate = |j: usize| g[j * nf + f] + self.split.gamma[f] * x0;
                    if (0..nn).all(|j| (rate(j) * piece.len).abs() <= QUIET * x0.abs()) {
                        continue;
                    }
                    for j in 1..nn {
                        let w = &kind.w[f][j * nn..(j + 1) * nn];
                        let mut v = kind.decay[f][j] * x0;
                        for (wk, gk) in w.iter().zip(g.iter().skip(f).step_by(nf)) {
                            v += wk * gk;
                        }
                        vals[j * n + self.n_src + f] = v;
                    }
                }
            }
        }
        Nodes::Varying(vals)
    }

    fn make_kind(&self, len: f64, rho: f64, inputs: usize) -> Kind {
        let c = rho * len / 2.0;
        // Measured: 13, 21, 33, 39 nodes reach 1e-13 for c = 1.1, 4.5, 13.4, 20 (a chain's
        // tau e^{-a tau} term, the slowest to converge); this rule stays above them.
        let nn = if len > 0.0 {
            (10.0 + 7.0 * c.sqrt()).ceil() as usize
        } else {
            1
        };
        let tau: Vec<f64> = (0..=nn)
            .map(|j| match j {
                0 => 0.0,
                j if j == nn => len,
                j => 0.5 * len * (1.0 - (std::f64::consts::PI * j as f64 / nn as f64).cos()),
            })
            .collect();
        let weights: Vec<f64> = (0..=nn)
            .map(|j| {
                let s = if j % 2 == 0 { 1.0 } else { -1.0 };
                if j == 0 || j == nn {
                    0.5 * s
                } else {
                    s
                }
            })
            .collect();
        let b = self.offsets_for(&self.inputs[inputs]);
        let props = self
            .split
            .blocks
            .iter()
            .zip(&b)
            .zip(&self.active)
            .map(|((bl, bb), active)| {
                if !active {
                    return Vec::new();
                }
                let k = bl.idx.len();
                let a = DMatrix::from_fn(k + 1, k + 1, |r, c| {
                    if r == k {
                        0.0
                    } else if c == k {
                        bb[r]
                    } else {
                        bl.m[(r, c)]
                    }
                });
                tau.iter().map(|&t| (&a * t).exp()).collect()
            })
            .collect();
        let (decay, w) = filter_weights(&tau, &weights, &self.split.gamma);
        Kind {
            tau,
            weights,
            props,
            decay,
            w,
        }
    }

    /// `b` per block under `inputs`: $\dot x_S - M x_S$ at any state.
    fn offsets_for(&self, inputs: &M::Inputs) -> Vec<Vec<f64>> {
        let y = &self.filler;
        let mut f = vec![0.0; y.len()];
        self.model.upstream_rhs(0.0, y, inputs, &mut f);
        self.split
            .blocks
            .iter()
            .map(|bl| {
                bl.idx
                    .iter()
                    .enumerate()
                    .map(|(r, &i)| {
                        f[i] - bl
                            .idx
                            .iter()
                            .enumerate()
                            .map(|(c, &j)| bl.m[(r, c)] * y[j])
                            .sum::<f64>()
                    })
                    .collect()
            })
            .collect()
    }
}

/// Per filter rate $\gamma$: $e^{\gamma\tau_j}$ and $W_{jk} = \int_0^{\tau_j} e^{\gamma(\tau_j-\sigma)}
/// \ell_k(\sigma)\,d\sigma$ with $\ell_k$ the Lagrange basis of the nodes.
fn filter_weights(tau: &[f64], bary: &[f64], gamma: &[f64]) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let nn = tau.len();
    let (gx, gw) = gauss_legendre(nn + 4);
    let mut decay = vec![vec![0.0; nn]; gamma.len()];
    let mut w = vec![vec![0.0; nn * nn]; gamma.len()];
    let mut basis = vec![0.0; nn];
    for j in 1..nn {
        let h = tau[j];
        for (xq, wq) in gx.iter().zip(&gw) {
            let sigma = 0.5 * h * (xq + 1.0);
            lagrange_basis(tau, bary, sigma, &mut basis);
            for (f, &g) in gamma.iter().enumerate() {
                let e = (g * (h - sigma)).exp() * 0.5 * h * wq;
                for (k, l) in basis.iter().enumerate() {
                    w[f][j * nn + k] += e * l;
                }
            }
        }
        for (f, &g) in gamma.iter().enumerate() {
            decay[f][j] = (g * h).exp();
        }
    }
    for d in &mut decay {
        d[0] = 1.0;
    }
    (decay, w)
}

/// The Lagrange basis at `x` by the barycentric formula.
fn lagrange_basis(tau: &[f64], bary: &[f64], x: f64, out: &mut [f64]) {
    if let Some(j) = tau.iter().position(|&t| t == x) {
        out.iter_mut().for_each(|o| *o = 0.0);
        out[j] = 1.0;
        return;
    }
    let mut denom = 0.0;
    for ((o, &t), &b) in out.iter_mut().zip(tau).zip(bary) {
        *o = b / (x - t);
        denom += *o;
    }
    out.iter_mut().for_each(|o| *o /= denom);
}

/// Gauss–Legendre nodes and weights on [-1, 1] (Newton on the Legendre recurrence).
fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut x = vec![0.0; n];
    let mut w = vec![0.0; n];
    for i in 0..n {
        let mut z = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, z);
            for k in 2..=n {
                let p2 = ((2 * k - 1) as f64 * z * p1 - (k - 1) as f64 * p0) / k as f64;
                p0 = p1;
                p1 = p2;
            }
            dp = n as f64 * (z * p1 - p0) / (z * z - 1.0);
            let dz = p1 / dp;
            z -= dz;
            if dz.abs() < 1e-16 {
                break;
            }
        }
        x[i] = z;
        w[i] = 2.0 / ((1.0 - z * z) * dp * dp);
    }
    (x, w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_legendre_integrates_polynomials_exactly() {
        let (x, w) = gauss_legendre(8);
        // Degree 15 is the most 8 points integrate exactly: x^14 over [-1, 1] is 2/15.
        let s: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(14)).sum();
        assert!((s - 2.0 / 15.0).abs() < 1e-15, "{s}");
        assert!((w.iter().sum::<f64>() - 2.0).abs() < 1e-14);
    }

    #[test]
    fn filter_weights_solve_a_forced_decay_exactly() {
        // X' = -k X + e^{-a t}: X(t) = X0 e^{-kt} + (e^{-at} - e^{-kt}) / (k - a).
        let (k, a, len, x0) = (0.0041, 1.1, 24.0, 2.0);
        let nn = ((80.0 * a * len / 2.0f64).sqrt() + 12.0).ceil() as usize;
        let tau: Vec<f64> = (0..=nn)
            .map(|j| 0.5 * len * (1.0 - (std::f64::consts::PI * j as f64 / nn as f64).cos()))
            .collect();
        let bary: Vec<f64> = (0..=nn)
            .map(|j| {
                let s = if j % 2 == 0 { 1.0 } else { -1.0 };
                if j == 0 || j == nn {
                    0.5 * s
                } else {
                    s
                }
            })
            .collect();
        let (decay, w) = filter_weights(&tau, &bary, &[-k]);
        let g: Vec<f64> = tau.iter().map(|t| (-a * t).exp()).collect();
        let m = tau.len();
        for j in 1..m {
            let got = decay[0][j] * x0 + (0..m).map(|i| w[0][j * m + i] * g[i]).sum::<f64>();
            let t = tau[j];
            let exact = x0 * (-k * t).exp() + ((-a * t).exp() - (-k * t).exp()) / (k - a);
            assert!(
                (got - exact).abs() < 1e-14 * exact.abs(),
                "{t}: {got} vs {exact}"
            );
        }
    }
}
