//! # k2bone-sim
//!
//! Runs an [`OdeModel`] with doses and samples it on a grid, using diffsol's BDF solver (the
//! stiff method this model needs: time constants from minutes to decades, spec §8).
//!
//! | you want to … | use |
//! |---|---|
//! | run a model with doses | [`Simulator::run`] |
//! | read a dosing table (`time_h,drug,amount,unit[,ii_h,addl,dur_h]`) | [`parse_dose_table`] |
//! | the reference scenarios of the spec | [`builtins::BUILTINS`] |
//! | a model with a closed-form solution, to check the solver | [`test_models`] |
//!
//! ```
//! use k2bone_physiology::CalciumBoneModel;
//! use k2bone_sim::{parse_dose_table, Simulator};
//! let model = CalciumBoneModel::default();
//! let doses = parse_dose_table("time_h,drug,amount,unit\n0,teriparatide,20,ug\n", "doses.csv", &model).unwrap();
//! let traj = Simulator::default().run(&model, &doses, &[0.0, 0.4]).unwrap();
//! let pth = traj.column("PTHpm").unwrap();
//! assert!(pth[1] > 25.0); // PTH peaks near 28.9 pM 0.4 h after 20 µg (spec §10.2)
//! ```

mod arms;
pub mod bone_inputs;
pub mod builtins;
mod dosing;
mod error;
pub mod fast;
mod model;
mod solver;
pub mod test_models;
mod trajectory;

pub use arms::{run_arms, run_arms_observed, ArmRun, ArmSpec};
pub use dosing::{
    parse_dose_table, parse_dose_table_until, DoseEvent, DoseTableError, MAX_DOSES, MAX_TABLE_DOSES,
};
pub use error::SimError;
pub use fast::{FastMethod, FastSimulator};
pub use model::OdeModel;
pub use solver::Simulator;
pub use trajectory::{Column, SolverStats, Trajectory};

/// An evenly spaced grid from 0 to `end_h` inclusive, every `every_h` hours (the end is added
/// if the step does not land on it).
pub fn grid(end_h: f64, every_h: f64) -> Vec<f64> {
    let n = (end_h / every_h).floor() as usize;
    let mut g: Vec<f64> = (0..=n).map(|i| i as f64 * every_h).collect();
    if g.last()
        .is_some_and(|t| (end_h - t) > 1e-9 * end_h.max(1.0))
    {
        g.push(end_h);
    }
    g
}
