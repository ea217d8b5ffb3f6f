//! A simulated run sampled on the output grid: every state and output as a named column.

use serde::Serialize;

use crate::model::OdeModel;
use crate::SimError;

/// Counters from the solver, for benchmarks and snapshot tests.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct SolverStats {
    pub steps: usize,
    pub error_test_failures: usize,
    pub nonlinear_iterations: usize,
    pub nonlinear_failures: usize,
    pub jacobian_factorizations: usize,
}

/// One named column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub name: String,
    pub unit: String,
    pub values: Vec<f64>,
}

/// The sampled solution: `times_h[i]` and `columns[j].values[i]`. States come first, in vector
/// order, then the model's outputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trajectory {
    pub times_h: Vec<f64>,
    pub columns: Vec<Column>,
    pub stats: SolverStats,
    #[serde(skip)]
    n_states: usize,
    #[serde(skip)]
    scratch: Vec<f64>,
}

impl Trajectory {
    pub(crate) fn new<M: OdeModel>(model: &M, capacity: usize) -> Trajectory {
        let mut columns: Vec<Column> = model
            .state_names()
            .into_iter()
            .map(|name| Column {
                name: name.to_string(),
                unit: String::new(),
                values: Vec::with_capacity(capacity),
            })
            .collect();
        let n_states = columns.len();
        columns.extend(model.output_names().into_iter().map(|(name, unit)| Column {
            name: name.to_string(),
            unit: unit.to_string(),
            values: Vec::with_capacity(capacity),
        }));
        let n_out = columns.len() - n_states;
        Trajectory {
            times_h: Vec::with_capacity(capacity),
            columns,
            stats: SolverStats::default(),
            n_states,
            scratch: vec![0.0; n_out],
        }
    }

    pub(crate) fn push<M: OdeModel>(&mut self, model: &M, t_h: f64, y: &[f64]) {
        self.times_h.push(t_h);
        model.outputs(y, &mut self.scratch);
        for (col, v) in self
            .columns
            .iter_mut()
            .zip(y.iter().chain(self.scratch.iter()))
        {
            col.values.push(*v);
        }
    }

    /// The NaN guard: a trajectory with a non-finite value is an error, never a result.
    pub(crate) fn finish(mut self, stats: SolverStats) -> Result<Trajectory, SimError> {
        for col in &self.columns {
            if let Some(i) = col.values.iter().position(|v| !v.is_finite()) {
                return Err(SimError::NonFiniteOutput {
                    t_h: self.times_h[i],
                    name: col.name.clone(),
                });
            }
        }
        self.stats = stats;
        Ok(self)
    }

    /// The samples at `indices` (in order) of every column, with the same statistics.
    pub fn select(&self, indices: &[usize]) -> Trajectory {
        Trajectory {
            times_h: indices.iter().map(|&i| self.times_h[i]).collect(),
            columns: self
                .columns
                .iter()
                .map(|c| Column {
                    name: c.name.clone(),
                    unit: c.unit.clone(),
                    values: indices.iter().map(|&i| c.values[i]).collect(),
                })
                .collect(),
            stats: self.stats,
            n_states: self.n_states,
            scratch: Vec::new(),
        }
    }

    /// The column called `name` (a state or an output).
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.values.as_slice())
    }

    /// Number of state columns (they come first).
    pub fn n_states(&self) -> usize {
        self.n_states
    }

    /// The state vector at sample `i`.
    pub fn state_at(&self, i: usize) -> Vec<f64> {
        self.columns[..self.n_states]
            .iter()
            .map(|c| c.values[i])
            .collect()
    }

    /// The value of `name` at the sample closest to `t_h`.
    pub fn value_near(&self, name: &str, t_h: f64) -> Option<f64> {
        let col = self.column(name)?;
        let i = self
            .times_h
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - t_h).abs().total_cmp(&(b.1 - t_h).abs()))?
            .0;
        Some(col[i])
    }
}
