//! The diffsol BDF event loop: integrate to the next dose, add it, go on, without rebuilding the
//! solver; sample the solution on the user's grid by the solver's own interpolation.
//!
//! After a bolus the state jumps, so the BDF history is reset (diffsol does this when the state
//! is modified), `dy/dt` is recomputed at the new state, and the step size is capped so the
//! solver restarts gently. A solver failure or a non-finite state is an error that carries the
//! time and the state; a [`Trajectory`] never holds NaN.

use std::cell::RefCell;
use std::ops::ControlFlow;

use diffsol::{
    NalgebraLU, NalgebraMat, NalgebraVec, OdeBuilder, OdeSolverMethod, OdeSolverStopReason, Vector,
};

use crate::dosing::DoseEvent;
use crate::model::OdeModel;
use crate::trajectory::{SolverStats, Trajectory};
use crate::SimError;

/// Step size (h) the solver restarts with after a dose, at most.
pub(crate) const RESTART_STEP_H: f64 = 0.01;

/// Solver settings. The defaults are the R reference's for the baseline run (spec §10 item 2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Simulator {
    pub rtol: f64,
    pub atol: f64,
    /// Steps allowed over the whole run before giving up.
    pub max_steps: usize,
}

impl Default for Simulator {
    fn default() -> Self {
        Simulator {
            rtol: 1e-10,
            atol: 1e-10,
            max_steps: 5_000_000,
        }
    }
}

impl Simulator {
    /// Runs `model` from its initial state with `doses`, sampled at `grid_h` (hours, sorted,
    /// non-negative; the run ends at the last grid time).
    pub fn run<M: OdeModel>(
        &self,
        model: &M,
        doses: &[DoseEvent<M::Drug>],
        grid_h: &[f64],
    ) -> Result<Trajectory, SimError> {
        self.run_from(model, &model.initial_state(), doses, grid_h)
    }

    /// As [`Simulator::run`], from the state `y0` at t = 0.
    pub fn run_from<M: OdeModel>(
        &self,
        model: &M,
        y0: &[f64],
        doses: &[DoseEvent<M::Drug>],
        grid_h: &[f64],
    ) -> Result<Trajectory, SimError> {
        self.run_observed(model, y0, doses, grid_h, &mut |_| ControlFlow::Continue(()))
    }

    /// As [`Simulator::run_from`], calling `progress(t_h)` after every solver step (for
    /// progress bars; the solution does not depend on it). `progress` returning
    /// `ControlFlow::Break` stops the run with [`SimError::Cancelled`].
    pub fn run_observed<M: OdeModel>(
        &self,
        model: &M,
        y0: &[f64],
        doses: &[DoseEvent<M::Drug>],
        grid_h: &[f64],
        progress: &mut dyn FnMut(f64) -> ControlFlow<()>,
    ) -> Result<Trajectory, SimError> {
        check_grid(grid_h)?;
        if !(self.rtol > 0.0 && self.atol > 0.0 && self.rtol.is_finite() && self.atol.is_finite()) {
            return Err(SimError::BadSettings(format!(
                "rtol = {} and atol = {} must be finite and > 0",
                self.rtol, self.atol
            )));
        }
        let n = model.n_states();
        let t_end = *grid_h.last().expect("checked non-empty");
        let actions = Actions::new(doses, t_end);

        let inputs = RefCell::new(model.default_inputs());
        let mut y_start = y0.to_vec();
        actions.apply_at(0.0, model, &mut y_start, &mut inputs.borrow_mut());

        let mut traj = Trajectory::new(model, grid_h.len());
        let mut next = 0;
        while next < grid_h.len() && grid_h[next] <= 0.0 {
            traj.push(model, grid_h[next], &y_start);
            next += 1;
        }
        if t_end <= 0.0 {
            return traj.finish(SolverStats::default());
        }

        let y_init = y_start.clone();
        let problem = OdeBuilder::<NalgebraMat<f64>>::new()
            .rtol(self.rtol)
            .atol([self.atol])
            .use_coloring(false)
            .rhs_implicit(
                |x: &[f64], _p: &[f64], t: f64, dy: &mut [f64]| {
                    model.rhs(t, x, &inputs.borrow(), dy)
                },
                |x: &[f64], _p: &[f64], t: f64, v: &[f64], out: &mut [f64]| {
                    model.jvp(t, x, v, &inputs.borrow(), out)
                },
            )
            .init(
                move |_p: &[f64], _t: f64, y: &mut [f64]| y.copy_from_slice(&y_init),
                n,
            )
            .build()
            .map_err(|e| SimError::Setup(e.to_string()))?;
        let mut solver = problem
            .bdf::<NalgebraLU<f64>>()
            .map_err(|e| SimError::Setup(e.to_string()))?;

        let mut steps = 0usize;
        for &t_break in actions.breakpoints.iter().chain(std::iter::once(&t_end)) {
            if t_break <= 0.0 {
                continue;
            }
            solver
                .set_stop_time(t_break)
                .map_err(|e| SimError::Solver {
                    t_h: solver.state().t,
                    message: e.to_string(),
                    state: to_vec(solver.state().y),
                    names: model.state_names(),
                })?;
            loop {
                let reason = solver.step().map_err(|e| SimError::Solver {
                    t_h: solver.state().t,
                    message: e.to_string(),
                    state: to_vec(solver.state().y),
                    names: model.state_names(),
                })?;
                steps += 1;
                let t = solver.state().t;
                if progress(t).is_break() {
                    return Err(SimError::Cancelled { t_h: t });
                }
                let y = to_vec(solver.state().y);
                if let Some(i) = y.iter().position(|v| !v.is_finite()) {
                    return Err(SimError::NonFinite {
                        t_h: t,
                        name: model.state_names()[i],
                        state: y,
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
                // Grid points strictly before the breakpoint come from this step's interpolant;
                // a grid point at the breakpoint is written after that time's doses.
                while next < grid_h.len() && grid_h[next] <= t && grid_h[next] < t_break {
                    let yi = solver
                        .interpolate(grid_h[next])
                        .map_err(|e| SimError::Solver {
                            t_h: grid_h[next],
                            message: e.to_string(),
                            state: y.clone(),
                            names: model.state_names(),
                        })?;
                    traj.push(model, grid_h[next], &to_vec(&yi));
                    next += 1;
                }
                if done {
                    break;
                }
            }
            let mut y = to_vec(solver.state().y);
            if actions.has_events_at(t_break) {
                actions.apply_at(t_break, model, &mut y, &mut inputs.borrow_mut());
                let mut dy = vec![0.0; n];
                model.rhs(t_break, &y, &inputs.borrow(), &mut dy);
                let st = solver.state_mut();
                st.y.copy_from(&NalgebraVec::from_slice(&y, Default::default()));
                st.dy
                    .copy_from(&NalgebraVec::from_slice(&dy, Default::default()));
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
    }
}

pub(crate) fn to_vec(v: &NalgebraVec<f64>) -> Vec<f64> {
    (0..v.len()).map(|i| v[i]).collect()
}

pub(crate) fn check_grid(grid_h: &[f64]) -> Result<(), SimError> {
    if grid_h.is_empty() {
        return Err(SimError::BadGrid("the output grid is empty".into()));
    }
    if let Some(w) = grid_h.windows(2).find(|w| w[1] <= w[0]) {
        return Err(SimError::BadGrid(format!(
            "output times must increase strictly ({} then {})",
            w[0], w[1]
        )));
    }
    if let Some(t) = grid_h.iter().find(|t| !t.is_finite() || **t < 0.0) {
        return Err(SimError::BadGrid(format!(
            "output time {t} is out of range (accepted: finite, >= 0)"
        )));
    }
    Ok(())
}

/// Bolus additions and infusion switches, by time.
struct Actions<'a, D> {
    doses: &'a [DoseEvent<D>],
    /// Sorted unique times (> 0, < t_end) at which something happens.
    breakpoints: Vec<f64>,
    /// (time, dose index, true = start or bolus / false = infusion stop), sorted by time and,
    /// within one time, in dose order with a start before its stop: the order the doses were
    /// applied in when every dose was scanned at every breakpoint (which was quadratic in the
    /// number of doses; a million doses never finished).
    events: Vec<(f64, usize, bool)>,
}

impl<'a, D: Copy> Actions<'a, D> {
    fn new(doses: &'a [DoseEvent<D>], t_end: f64) -> Self {
        let mut events: Vec<(f64, usize, bool)> = doses
            .iter()
            .enumerate()
            .flat_map(|(i, d)| {
                let stop = d.duration_h.map(|dur| (d.time_h + dur, i, false));
                std::iter::once((d.time_h, i, true)).chain(stop)
            })
            .collect();
        events.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut breakpoints: Vec<f64> = events
            .iter()
            .map(|e| e.0)
            .filter(|t| *t > 0.0 && *t < t_end)
            .collect();
        breakpoints.dedup();
        Actions {
            doses,
            breakpoints,
            events,
        }
    }

    /// The events at exactly `t`.
    fn at(&self, t: f64) -> &[(f64, usize, bool)] {
        let lo = self.events.partition_point(|e| e.0 < t);
        let hi = lo + self.events[lo..].partition_point(|e| e.0 <= t);
        &self.events[lo..hi]
    }

    fn has_events_at(&self, t: f64) -> bool {
        !self.at(t).is_empty()
    }

    fn apply_at<M: OdeModel<Drug = D>>(
        &self,
        t: f64,
        model: &M,
        y: &mut [f64],
        inputs: &mut M::Inputs,
    ) {
        for &(_, i, start) in self.at(t) {
            let d = &self.doses[i];
            match (d.duration_h, start) {
                (None, _) => model.apply_bolus(d.drug, d.amount, y),
                (Some(dur), true) => model.add_infusion(d.drug, d.amount / dur, inputs),
                (Some(dur), false) => model.add_infusion(d.drug, -(d.amount / dur), inputs),
            }
        }
    }
}
