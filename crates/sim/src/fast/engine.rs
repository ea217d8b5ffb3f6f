//! The fast path: the stiff solver integrates only the core (the states outside the upstream
//! chain), reading sources and filters from their exact path ([`UpstreamPath`]); doses into
//! sources (vitamin K, vitamin D3) therefore never stop or restart it. Doses into core states
//! (denosumab, oral calcium: a state-dependent bolus into the gut calcium pool, whose
//! absorption is saturable) and infusions still stop it, change the state and restart it, as
//! in the event path.
//!
//! The result is the same [`Trajectory`] as [`crate::Simulator`]'s, every state and output on
//! the grid, and agrees with it to the solvers' tolerance (`tests/fast_vs_event.rs`).

use std::cell::{Cell, RefCell};

use diffsol::{
    NalgebraLU, NalgebraMat, NalgebraVec, OdeBuilder, OdeSolverMethod, OdeSolverStopReason, Vector,
};

use super::split::Split;
use super::upstream::{Change, UpstreamPath};
use crate::dosing::DoseEvent;
use crate::model::OdeModel;
use crate::solver::{check_grid, to_vec, RESTART_STEP_H};
use crate::trajectory::{SolverStats, Trajectory};
use crate::SimError;

/// Settings of the fast path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FastSimulator {
    pub rtol: f64,
    pub atol: f64,
    /// Steps allowed over the whole run before giving up.
    pub max_steps: usize,
    pub method: FastMethod,
    /// Stop the stiff solver (without restarting it) at every change of the upstream chain.
    pub stop_at_changes: bool,
}

/// The stiff method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FastMethod {
    Bdf,
    Esdirk34,
    TrBdf2,
}

impl Default for FastSimulator {
    fn default() -> Self {
        FastSimulator {
            rtol: 1e-8,
            atol: 1e-10,
            max_steps: 5_000_000,
            method: FastMethod::Bdf,
            stop_at_changes: false,
        }
    }
}

/// Where a dose goes.
enum Route {
    /// Into the sources only, by a fixed increment (in `Split::sources` order).
    Source(Vec<f64>),
    /// Into the stiff states (or state-dependent): the solver stops and restarts.
    Core,
}

/// One stop of the stiff solver.
struct Stop {
    t_h: f64,
    restart: bool,
}

impl FastSimulator {
    /// Runs `model` from `y0` at t = 0 with `doses`, sampled at `grid_h` (as
    /// [`crate::Simulator::run_from`]).
    pub fn run_from<M: OdeModel>(
        &self,
        model: &M,
        y0: &[f64],
        doses: &[DoseEvent<M::Drug>],
        grid_h: &[f64],
    ) -> Result<Trajectory, SimError> {
        self.run_from_time(model, 0.0, y0, doses, grid_h)
    }

    /// As [`FastSimulator::run_from`], starting at model time `t0_h` (the model's clock
    /// matters: the core ages). Dose and grid times are model times; earlier doses are ignored
    /// and grid times up to `t0_h` get `y0`.
    pub fn run_from_time<M: OdeModel>(
        &self,
        model: &M,
        t0_h: f64,
        y0: &[f64],
        doses: &[DoseEvent<M::Drug>],
        grid_h: &[f64],
    ) -> Result<Trajectory, SimError> {
        check_grid(grid_h)?;
        if !(t0_h.is_finite() && t0_h >= 0.0) {
            return Err(SimError::BadSettings(format!(
                "start time {t0_h} h is out of range (accepted: finite, >= 0)"
            )));
        }
        if !(self.rtol > 0.0 && self.atol > 0.0 && self.rtol.is_finite() && self.atol.is_finite()) {
            return Err(SimError::BadSettings(format!(
                "rtol = {} and atol = {} must be finite and > 0",
                self.rtol, self.atol
            )));
        }
        let n = model.n_states();
        let t_end = *grid_h.last().expect("checked non-empty");
        let inputs0 = model.default_inputs();
        let split = Split::detect(model, &inputs0);
        if split.others.is_empty() {
            // Nothing stiff is left: the event path is as good.
            return crate::Simulator {
                rtol: self.rtol,
                atol: self.atol,
                max_steps: self.max_steps,
            }
            .run_from(model, y0, doses, grid_h);
        }
        let routes: Vec<Route> = doses.iter().map(|d| route(model, &split, y0, d)).collect();

        // Times at which something happens, with what.
        let mut times: Vec<f64> = doses
            .iter()
            .flat_map(|d| std::iter::once(d.time_h).chain(d.duration_h.map(|x| d.time_h + x)))
            .filter(|t| *t >= t0_h && *t < t_end)
            .collect();
        // (Doses at t_end only change the last sample; they are applied there.)
        times.sort_by(f64::total_cmp);
        times.dedup();

        // Walk the events once: the upstream chain's changes, and the solver's stops.
        let mut inputs = inputs0.clone();
        let mut y_start = y0.to_vec();
        let mut inputs_at_0 = None;
        let mut changes: Vec<Change<M::Inputs>> = Vec::new();
        let mut stops: Vec<Stop> = Vec::new();
        for &t in &times {
            let mut jump = vec![0.0; split.sources.len()];
            let mut jumped = false;
            let mut inputs_changed = false;
            let mut core = false;
            for (d, r) in doses.iter().zip(&routes) {
                match (d.duration_h, r) {
                    (None, Route::Source(inc)) if d.time_h == t => {
                        jumped = true;
                        for (j, v) in jump.iter_mut().zip(inc) {
                            *j += v;
                        }
                    }
                    (None, Route::Core) if d.time_h == t => core = true,
                    (Some(dur), _) if d.time_h == t || d.time_h + dur == t => {
                        let rate = d.amount / dur;
                        if d.time_h == t {
                            model.add_infusion(d.drug, rate, &mut inputs);
                        }
                        if d.time_h + dur == t {
                            model.add_infusion(d.drug, -rate, &mut inputs);
                        }
                        inputs_changed = true;
                        core = true;
                    }
                    _ => {}
                }
            }
            // A jump in a source the core reads is a jump in the core's right-hand side.
            core |= jump
                .iter()
                .zip(&split.core_reads)
                .any(|(j, reads)| *j != 0.0 && *reads);
            if t == t0_h {
                for (j, &i) in split.sources.iter().enumerate() {
                    y_start[i] += jump[j];
                }
                if inputs_changed {
                    inputs_at_0 = Some(inputs.clone());
                }
                continue;
            }
            if (jumped || inputs_changed) && self.stop_at_changes && !core {
                stops.push(Stop {
                    t_h: t,
                    restart: false,
                });
            }
            if jumped || inputs_changed {
                changes.push(Change {
                    t_h: t,
                    jump,
                    inputs: inputs_changed.then(|| inputs.clone()),
                });
            }
            if core {
                stops.push(Stop {
                    t_h: t,
                    restart: true,
                });
            }
        }
        let path = UpstreamPath::new(
            model,
            &split,
            &y_start,
            inputs_at_0.unwrap_or_else(|| inputs0.clone()),
            changes,
            t0_h,
            t_end,
        );

        // Core doses at t = 0, then the reduced initial state.
        let inputs = RefCell::new(inputs0);
        apply_core(
            model,
            doses,
            &routes,
            t0_h,
            &mut y_start,
            &mut inputs.borrow_mut(),
        );
        let ctx = Ctx::new(&split, &path, &y_start);
        let mut traj = Trajectory::new(model, grid_h.len());
        let mut next = 0;
        while next < grid_h.len() && grid_h[next] <= t0_h {
            traj.push(model, grid_h[next], &y_start);
            next += 1;
        }
        if t_end <= t0_h {
            return traj.finish(SolverStats::default());
        }
        let x_init: Vec<f64> = split.others.iter().map(|&i| y_start[i]).collect();
        let n_red = x_init.len();
        let problem = OdeBuilder::<NalgebraMat<f64>>::new()
            .t0(t0_h)
            .rtol(self.rtol)
            .atol([self.atol])
            .use_coloring(false)
            .rhs_implicit(
                |x: &[f64], _p: &[f64], t: f64, dy: &mut [f64]| {
                    let full = ctx.full(t, x);
                    let mut dfull = ctx.dfull.borrow_mut();
                    model.rhs(t, &full, &inputs.borrow(), &mut dfull);
                    for (d, &i) in dy.iter_mut().zip(&split.others) {
                        *d = dfull[i];
                    }
                },
                |x: &[f64], _p: &[f64], t: f64, v: &[f64], out: &mut [f64]| {
                    let full = ctx.full(t, x);
                    let mut vfull = ctx.vfull.borrow_mut();
                    for (&vi, &i) in v.iter().zip(&split.others) {
                        vfull[i] = vi;
                    }
                    let mut dfull = ctx.dfull.borrow_mut();
                    model.jvp(t, &full, &vfull, &inputs.borrow(), &mut dfull);
                    for (o, &i) in out.iter_mut().zip(&split.others) {
                        *o = dfull[i];
                    }
                },
            )
            .init(
                move |_p: &[f64], _t: f64, y: &mut [f64]| y.copy_from_slice(&x_init),
                n_red,
            )
            .build()
            .map_err(|e| SimError::Setup(e.to_string()))?;
        macro_rules! drive {
            ($solver:expr) => {{
                let mut solver = $solver.map_err(|e| SimError::Setup(e.to_string()))?;
                let fail = |t: f64, msg: String, x: &[f64]| SimError::Solver {
                    t_h: t,
                    message: msg,
                    state: ctx.full(t, x).clone(),
                    names: model.state_names(),
                };

                let mut steps = 0usize;
                let ends: Vec<(f64, bool)> = stops
                    .iter()
                    .map(|s| (s.t_h, s.restart))
                    .chain(std::iter::once((t_end, false)))
                    .collect();
                for (seg, &(t_break, restart)) in ends.iter().enumerate() {
                    ctx.stop.set(t_break);
                    solver.set_stop_time(t_break).map_err(|e| {
                        let x = to_vec(solver.state().y);
                        fail(solver.state().t, e.to_string(), &x)
                    })?;
                    loop {
                        let reason = solver.step().map_err(|e| {
                            let x = to_vec(solver.state().y);
                            fail(solver.state().t, e.to_string(), &x)
                        })?;
                        steps += 1;
                        let t = solver.state().t;
                        let x = to_vec(solver.state().y);
                        if let Some(i) = x.iter().position(|v| !v.is_finite()) {
                            let state = ctx.full(t, &x).clone();
                            return Err(SimError::NonFinite {
                                t_h: t,
                                name: model.state_names()[split.others[i]],
                                state,
                                names: model.state_names(),
                            });
                        }
                        if steps > self.max_steps {
                            return Err(SimError::TooManySteps {
                                t_h: t,
                                max_steps: self.max_steps,
                            });
                        }
                        let done = matches!(reason, OdeSolverStopReason::TstopReached);
                        while next < grid_h.len() && grid_h[next] <= t && grid_h[next] < t_break {
                            let ti = grid_h[next];
                            let xi = solver
                                .interpolate(ti)
                                .map_err(|e| fail(ti, e.to_string(), &x))?;
                            let full = ctx.full(ti, &to_vec(&xi)).clone();
                            traj.push(model, ti, &full);
                            next += 1;
                        }
                        if done {
                            break;
                        }
                    }
                    let x = to_vec(solver.state().y);
                    ctx.stop
                        .set(ends.get(seg + 1).map_or(f64::INFINITY, |e| e.0));
                    let mut y = ctx.full(t_break, &x).clone();
                    if t_break == t_end {
                        // Doses at the last grid time (the event path applies them too).
                        for d in doses
                            .iter()
                            .filter(|d| d.time_h == t_end && d.duration_h.is_none())
                        {
                            model.apply_bolus(d.drug, d.amount, &mut y);
                        }
                    }
                    if restart {
                        apply_core(
                            model,
                            doses,
                            &routes,
                            t_break,
                            &mut y,
                            &mut inputs.borrow_mut(),
                        );
                        let xr: Vec<f64> = split.others.iter().map(|&i| y[i]).collect();
                        let mut dfull = vec![0.0; n];
                        model.rhs(t_break, &y, &inputs.borrow(), &mut dfull);
                        let dr: Vec<f64> = split.others.iter().map(|&i| dfull[i]).collect();
                        let st = solver.state_mut();
                        st.y.copy_from(&NalgebraVec::from_slice(&xr, Default::default()));
                        st.dy
                            .copy_from(&NalgebraVec::from_slice(&dr, Default::default()));
                        *st.h = st.h.abs().min(RESTART_STEP_H);
                    }
                    while next < grid_h.len() && grid_h[next] <= t_break {
                        traj.push(model, grid_h[next], &y);
                        next += 1;
                    }
                }
                let s = solver.get_statistics();
                traj.finish(SolverStats {
                    steps: s.number_of_steps,
                    error_test_failures: s.number_of_error_test_failures,
                    nonlinear_iterations: s.number_of_nonlinear_solver_iterations,
                    nonlinear_failures: s.number_of_nonlinear_solver_fails,
                    jacobian_factorizations: s.number_of_linear_solver_setups,
                })
            }};
        }
        match self.method {
            FastMethod::Bdf => drive!(problem.bdf::<NalgebraLU<f64>>()),
            FastMethod::Esdirk34 => drive!(problem.esdirk34::<NalgebraLU<f64>>()),
            FastMethod::TrBdf2 => drive!(problem.tr_bdf2::<NalgebraLU<f64>>()),
        }
    }
}

/// Decides where a dose goes: a bolus that changes only sources, by the same amount whatever
/// the state, is a source dose; anything else goes through the stiff solver.
fn route<M: OdeModel>(model: &M, split: &Split, y0: &[f64], d: &DoseEvent<M::Drug>) -> Route {
    if d.duration_h.is_some() {
        return Route::Core;
    }
    let probe: Vec<f64> = y0.iter().map(|v| v * 1.013 + 1e-3).collect();
    let inc = |y: &[f64]| {
        let mut z = y.to_vec();
        model.apply_bolus(d.drug, d.amount, &mut z);
        z.iter().zip(y).map(|(a, b)| a - b).collect::<Vec<f64>>()
    };
    let (a, b) = (inc(y0), inc(&probe));
    let only_sources = a
        .iter()
        .enumerate()
        .all(|(i, v)| split.is_source[i] || *v == 0.0);
    let same = a
        .iter()
        .zip(&b)
        .all(|(x, y)| (x - y).abs() <= 1e-12 * x.abs().max(y.abs()));
    if only_sources && same {
        Route::Source(split.sources.iter().map(|&i| a[i]).collect())
    } else {
        Route::Core
    }
}

/// Applies the doses at `t` that go through the stiff solver.
fn apply_core<M: OdeModel>(
    model: &M,
    doses: &[DoseEvent<M::Drug>],
    routes: &[Route],
    t: f64,
    y: &mut [f64],
    inputs: &mut M::Inputs,
) {
    for (d, r) in doses.iter().zip(routes) {
        match (d.duration_h, r) {
            (None, Route::Core) if d.time_h == t => model.apply_bolus(d.drug, d.amount, y),
            (Some(dur), _) => {
                let rate = d.amount / dur;
                if d.time_h == t {
                    model.add_infusion(d.drug, rate, inputs);
                }
                if d.time_h + dur == t {
                    model.add_infusion(d.drug, -rate, inputs);
                }
            }
            _ => {}
        }
    }
}

/// Scratch space that turns the solver's reduced state into a full one.
struct Ctx<'a, 'm, M: OdeModel> {
    split: &'a Split,
    path: &'a UpstreamPath<'m, M>,
    full: RefCell<Vec<f64>>,
    dfull: RefCell<Vec<f64>>,
    vfull: RefCell<Vec<f64>>,
    up: RefCell<Vec<f64>>,
    up_at: Cell<(f64, bool)>,
    /// The end of the segment being integrated: there the upstream chain is read before that
    /// time's changes.
    stop: Cell<f64>,
}

impl<'a, 'm, M: OdeModel> Ctx<'a, 'm, M> {
    fn new(split: &'a Split, path: &'a UpstreamPath<'m, M>, y: &[f64]) -> Self {
        Ctx {
            split,
            path,
            full: RefCell::new(y.to_vec()),
            dfull: RefCell::new(vec![0.0; y.len()]),
            vfull: RefCell::new(vec![0.0; y.len()]),
            up: RefCell::new(vec![0.0; path.indices().len()]),
            up_at: Cell::new((f64::NAN, false)),
            stop: Cell::new(f64::INFINITY),
        }
    }

    /// The full state at `t` from the reduced state `x`.
    fn full(&self, t: f64, x: &[f64]) -> std::cell::RefMut<'_, Vec<f64>> {
        let mut full = self.full.borrow_mut();
        let at = (t, t >= self.stop.get());
        if self.up_at.get() != at {
            let mut up = self.up.borrow_mut();
            self.path.eval(at.0, at.1, &mut up);
            for (&v, &i) in up.iter().zip(self.path.indices()) {
                full[i] = v;
            }
            self.up_at.set(at);
        }
        for (&v, &i) in x.iter().zip(&self.split.others) {
            full[i] = v;
        }
        full
    }
}
