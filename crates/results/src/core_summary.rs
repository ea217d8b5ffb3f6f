//! `summary.json` of one run of the core calcium–bone model (`k2bone simulate --builtin
//! baseline`, `--doses FILE.csv`): the run, the solver, and for the key outputs the value at the
//! start and the end, the change, and the extremes with their times.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use k2bone_physiology::{OUTPUTS, STATES};
use k2bone_sim::{SolverStats, Trajectory};
use k2bone_units::HOURS_PER_DAY;

/// The outputs printed and summarised at the end of a core run.
pub const KEY_OUTPUTS: [&str; 10] = [
    "CaC",
    "PTHpm",
    "calcitriol_pM",
    "OBchange",
    "OCchange",
    "BMDlsDENchange",
    "BMDls",
    "BMDfn",
    "DENCP",
    "UCA",
];

/// The model in words.
pub const CORE_MODEL: &str = "Peterson-Riggs 2010 / OpenBoneMin calcium-bone model (k2bone core)";

/// The `summary.json` of a core-model run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoreSummary {
    pub model: String,
    pub scenario: CoreRun,
    pub solver: CoreSolver,
    /// Per key output: start, end, change.
    pub end: BTreeMap<String, CoreEnd>,
    /// Per key output: smallest and largest value and when.
    pub extremes: BTreeMap<String, Extremes>,
    /// The files written beside it.
    pub files: Vec<String>,
    pub disclaimer: String,
}

/// What was run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoreRun {
    /// The built-in's name or the dosing table's path.
    pub name: String,
    /// Number of dose events.
    pub doses: usize,
    pub duration_days: f64,
    pub every_hours: f64,
    /// The parameter file, if not the shipped one.
    pub params: Option<String>,
}

/// Solver settings and counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoreSolver {
    pub method: String,
    pub rtol: f64,
    pub atol: f64,
    pub stats: SolverStats,
}

/// One key output at the start and the end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoreEnd {
    pub value: f64,
    pub unit: String,
    pub start: f64,
    /// % change from the start; none when the start is 0.
    pub change_pct: Option<f64>,
}

/// Smallest and largest value of one output, and when (days from the start).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Extremes {
    pub min: f64,
    pub min_time_days: f64,
    pub max: f64,
    pub max_time_days: f64,
}

/// The unit of a state or output of the core model.
pub fn core_unit(name: &str) -> &'static str {
    STATES
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.unit)
        .or_else(|| OUTPUTS.iter().find(|o| o.name == name).map(|o| o.unit))
        .unwrap_or("")
}

/// Summarises a core run; `run` says what was run, `files` what is written beside it.
pub fn summarize_core(
    run: CoreRun,
    (rtol, atol): (f64, f64),
    traj: &Trajectory,
    files: Vec<String>,
    disclaimer: &str,
) -> CoreSummary {
    let mut end = BTreeMap::new();
    let mut extremes = BTreeMap::new();
    for key in KEY_OUTPUTS {
        let v = traj.column(key).expect("a key output of the core model");
        let (first, last) = (v[0], v[v.len() - 1]);
        let change_pct = (first != 0.0).then(|| 100.0 * (last / first - 1.0));
        end.insert(
            key.to_string(),
            CoreEnd {
                value: last,
                unit: core_unit(key).to_string(),
                start: first,
                change_pct,
            },
        );
        let (imin, imax) = argminmax(v);
        extremes.insert(
            key.to_string(),
            Extremes {
                min: v[imin],
                min_time_days: traj.times_h[imin] / HOURS_PER_DAY,
                max: v[imax],
                max_time_days: traj.times_h[imax] / HOURS_PER_DAY,
            },
        );
    }
    CoreSummary {
        model: CORE_MODEL.to_string(),
        scenario: run,
        solver: CoreSolver {
            method: "BDF (diffsol), exact Jacobian by forward-mode AD".to_string(),
            rtol,
            atol,
            stats: traj.stats,
        },
        end,
        extremes,
        files,
        disclaimer: disclaimer.to_string(),
    }
}

fn argminmax(v: &[f64]) -> (usize, usize) {
    let mut imin = 0;
    let mut imax = 0;
    for (i, x) in v.iter().enumerate() {
        if *x < v[imin] {
            imin = i;
        }
        if *x > v[imax] {
            imax = i;
        }
    }
    (imin, imax)
}
