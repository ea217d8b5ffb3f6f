//! Simulating one target with given extension parameters.

use k2bone_physiology::{BoneHealthModel, CalciumBoneModel, KParams, PersonInputs};
use k2bone_sim::{grid, DoseEvent, OdeModel, Simulator};

use crate::targets::{Measure, Target};
use crate::CalibrationError;

/// A target with its simulated value.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub name: String,
    pub source: String,
    pub target: f64,
    pub simulated: f64,
    pub tolerance: f64,
    /// (simulated − target) / tolerance; 0 for a one-sided target that is met.
    pub scaled_residual: f64,
}

impl Evaluation {
    pub fn within_tolerance(&self) -> bool {
        self.scaled_residual.abs() <= 1.0
    }
}

fn model_for(
    core: &CalciumBoneModel,
    k: &KParams,
    t: &Target,
) -> Result<BoneHealthModel, CalibrationError> {
    let person = PersonInputs {
        d25_nmol_l: t.d25_nmol_l.unwrap_or(k.d25_reference_nmol_l),
        ..PersonInputs::default()
    };
    Ok(BoneHealthModel::new(core.clone(), k.clone(), person)?)
}

fn doses(
    model: &BoneHealthModel,
    t: &Target,
) -> Result<Vec<DoseEvent<k2bone_physiology::Agent>>, CalibrationError> {
    let mut out = Vec::new();
    for d in &t.dosing {
        let (agent, amount) =
            model
                .resolve_dose(&d.agent, d.amount, &d.unit)
                .map_err(|message| CalibrationError::Target {
                    target: t.name.clone(),
                    message,
                })?;
        model
            .check_dose(agent, d.amount, &d.unit, amount)
            .map_err(|message| CalibrationError::Target {
                target: t.name.clone(),
                message,
            })?;
        for i in 0..d.count {
            out.push(DoseEvent {
                time_h: d.start_h + i as f64 * d.every_h,
                drug: agent,
                amount,
                duration_h: None,
            });
        }
    }
    out.sort_by(|a, b| a.time_h.total_cmp(&b.time_h));
    Ok(out)
}

fn end_h(t: &Target) -> f64 {
    [t.time_h, t.window_h, t.to_h]
        .into_iter()
        .flatten()
        .fold(0.0, f64::max)
}

/// Simulates `target` with the core `core` and extension parameters `k`.
pub fn evaluate(
    core: &CalciumBoneModel,
    k: &KParams,
    target: &Target,
) -> Result<Evaluation, CalibrationError> {
    let model = model_for(core, k, target)?;
    // Calibration tolerances: far below the targets' own precision, and ~3x faster than the
    // reference-grade default.
    let sim = Simulator {
        rtol: 1e-7,
        atol: 1e-9,
        ..Simulator::default()
    };
    let end = end_h(target);
    let step = target.every_h.unwrap_or(match target.measure {
        Measure::TmaxH | Measure::PeakIncrement | Measure::HalfLifeH => 0.25,
        _ => 24.0,
    });
    let times = grid(end, step);
    let run = |doses: &[DoseEvent<k2bone_physiology::Agent>]| {
        sim.run(&model, doses, &times)
            .map_err(|source| CalibrationError::Solver {
                target: target.name.clone(),
                source,
            })
    };
    let column = |tr: &k2bone_sim::Trajectory| -> Result<Vec<f64>, CalibrationError> {
        tr.column(&target.output)
            .map(|c| c.to_vec())
            .ok_or_else(|| CalibrationError::Target {
                target: target.name.clone(),
                message: format!("unknown output `{}`", target.output),
            })
    };
    let dosed = column(&run(&doses(&model, target)?)?)?;
    let at = |c: &[f64], t_h: f64| -> f64 {
        let i = times
            .iter()
            .position(|&x| x >= t_h - 1e-9)
            .unwrap_or(times.len() - 1);
        c[i]
    };
    let simulated = match target.measure {
        Measure::TmaxH => {
            let w = target.window_h.unwrap_or(end);
            let (i, _) = dosed
                .iter()
                .zip(&times)
                .enumerate()
                .filter(|(_, (_, t))| **t <= w)
                .max_by(|a, b| a.1 .0.total_cmp(b.1 .0))
                .expect("grid is not empty");
            // Vertex of the parabola through the grid maximum and its neighbours, so the
            // measure varies smoothly with the parameters (the optimizer needs that).
            if i > 0 && i + 1 < dosed.len() {
                let (y0, y1, y2) = (dosed[i - 1], dosed[i], dosed[i + 1]);
                let h = times[i + 1] - times[i];
                let denom = y0 - 2.0 * y1 + y2;
                if denom < 0.0 {
                    times[i] + 0.5 * h * (y0 - y2) / denom
                } else {
                    times[i]
                }
            } else {
                times[i]
            }
        }
        Measure::PeakIncrement => {
            let w = target.window_h.unwrap_or(end);
            dosed
                .iter()
                .zip(&times)
                .filter(|(_, t)| **t <= w)
                .map(|(v, _)| v - dosed[0])
                .fold(f64::NEG_INFINITY, f64::max)
        }
        Measure::HalfLifeH => {
            let (t1, t2) = (target.from_h.unwrap_or(0.0), target.to_h.unwrap_or(end));
            let (c1, c2) = (at(&dosed, t1) - dosed[0], at(&dosed, t2) - dosed[0]);
            if c1 <= 0.0 || c2 <= 0.0 || c2 >= c1 {
                f64::INFINITY
            } else {
                (t2 - t1) * std::f64::consts::LN_2 / (c1 / c2).ln()
            }
        }
        Measure::ValueAt => at(&dosed, target.time_h.unwrap_or(end)),
        Measure::DifferenceAt => {
            let control = column(&run(&[])?)?;
            let t = target.time_h.unwrap_or(end);
            at(&dosed, t) - at(&control, t)
        }
        Measure::Days90PctOfPlateau => {
            let plateau = at(&dosed, target.time_h.unwrap_or(end)) - dosed[0];
            let i = dosed
                .iter()
                .position(|v| v - dosed[0] >= 0.9 * plateau)
                .unwrap_or(times.len() - 1);
            times[i] / 24.0
        }
    };
    let mut scaled = (simulated - target.value) / target.tolerance;
    if target.upper_bound && simulated <= target.value {
        scaled = 0.0;
    }
    if !scaled.is_finite() {
        scaled = 1e6;
    }
    Ok(Evaluation {
        name: target.name.clone(),
        source: target.source.clone(),
        target: target.value,
        simulated,
        tolerance: target.tolerance,
        scaled_residual: scaled,
    })
}
