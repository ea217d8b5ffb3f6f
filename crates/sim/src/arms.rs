//! Several arms of one person, run side by side (one thread each), optionally after a burn-in
//! during which the person ages without treatment (the core's estrogen and age terms), so
//! every arm starts from the same physiological state at the same age.

use std::ops::ControlFlow;

use crate::dosing::DoseEvent;
use crate::error::SimError;
use crate::model::OdeModel;
use crate::solver::Simulator;
use crate::trajectory::Trajectory;

/// One arm: a name and its doses (times from the start of the arm).
#[derive(Debug, Clone)]
pub struct ArmSpec<D> {
    pub name: String,
    pub doses: Vec<DoseEvent<D>>,
}

/// One arm's trajectory, with time 0 at the start of the arm.
#[derive(Debug, Clone)]
pub struct ArmRun {
    pub name: String,
    pub trajectory: Trajectory,
}

/// Runs every arm from t = 0 (the model's initial state), treatment starting at `burn_in_h`,
/// sampled on `grid_h` (times from the start of treatment).
pub fn run_arms<M>(
    sim: &Simulator,
    model: &M,
    burn_in_h: f64,
    arms: &[ArmSpec<M::Drug>],
    grid_h: &[f64],
) -> Result<Vec<ArmRun>, SimError>
where
    M: OdeModel + Sync,
    M::Drug: Send + Sync,
{
    run_arms_observed(sim, model, burn_in_h, arms, grid_h, &|_, _| {
        ControlFlow::Continue(())
    })
}

/// As [`run_arms`], calling `progress(arm_index, fraction_done)` from each arm's thread as its
/// solver advances (fraction of the whole run including the burn-in, 0…1); `Break` cancels.
/// An arm's failure names the arm ([`SimError::InArm`]).
pub fn run_arms_observed<M>(
    sim: &Simulator,
    model: &M,
    burn_in_h: f64,
    arms: &[ArmSpec<M::Drug>],
    grid_h: &[f64],
    progress: &(dyn Fn(usize, f64) -> ControlFlow<()> + Sync),
) -> Result<Vec<ArmRun>, SimError>
where
    M: OdeModel + Sync,
    M::Drug: Send + Sync,
{
    let shifted_grid: Vec<f64> = grid_h.iter().map(|t| t + burn_in_h).collect();
    let results: Vec<Result<ArmRun, SimError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = arms
            .iter()
            .enumerate()
            .map(|(i, arm)| {
                let grid = &shifted_grid;
                scope.spawn(move || {
                    let doses: Vec<DoseEvent<M::Drug>> = arm
                        .doses
                        .iter()
                        .map(|d| DoseEvent {
                            time_h: d.time_h + burn_in_h,
                            ..*d
                        })
                        .collect();
                    let t_end = grid.last().copied().unwrap_or(1.0).max(1e-300);
                    let mut trajectory = sim
                        .run_observed(model, &model.initial_state(), &doses, grid, &mut |t| {
                            progress(i, (t / t_end).clamp(0.0, 1.0))
                        })
                        .map_err(|e| e.in_arm(&arm.name))?;
                    for t in &mut trajectory.times_h {
                        *t -= burn_in_h;
                    }
                    Ok(ArmRun {
                        name: arm.name.clone(),
                        trajectory,
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("an arm's thread panicked"))
            .collect()
    });
    results.into_iter().collect()
}
