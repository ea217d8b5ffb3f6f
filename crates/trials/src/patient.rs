//! One virtual patient: their model (the person from the covariates, then the parameter draw,
//! then their own variability), the burn-in that ages them to enrolment, the arm's regimen,
//! and the outcomes at each visit as changes from the trial's baseline.

use k2bone_physiology::bone_posterior::BonePosterior;
use k2bone_physiology::bone_response::{BoneDay, BoneResponseParams, BoneSubject, Site};
use k2bone_physiology::{BoneHealthModel, Params};
use k2bone_scenario::{Anticoagulant, SiteScores};
use k2bone_sim::{FastSimulator, Trajectory};
use k2bone_units::HOURS_PER_DAY;

use crate::design::TrialDesign;
use crate::population::PatientDraw;
use crate::TrialError;

/// One draw of the model's parameters (parameter uncertainty, e.g. a posterior draw): values
/// by parameter name. Draw 0 with no values is the shipped point estimate.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ParameterDraw {
    pub id: u32,
    pub values: Vec<(String, f64)>,
}

impl ParameterDraw {
    /// The shipped parameters.
    pub fn point_estimate() -> ParameterDraw {
        ParameterDraw::default()
    }
}

/// Outcomes at one visit, as changes from the patient's value at randomisation.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct VisitOutcome {
    pub visit_day: f64,
    /// Still in the trial (not dropped out) at this visit.
    pub observed: bool,
    pub bmd_lumbar_pct_change: f64,
    pub bmd_femoral_neck_pct_change: f64,
    pub ucoc_pct_change: f64,
    pub dp_ucmgp_pct_change: f64,
    pub d25_nmol_l: f64,
    pub calcification_index_pct_change: f64,
}

/// One patient's result.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientResult {
    pub draw_id: u32,
    pub patient_id: u64,
    pub arm: usize,
    pub draw: PatientDraw,
    /// Their values of the parameters with variability (in [`crate::Population::iiv`] order).
    pub params: Vec<f64>,
    pub visits: Vec<VisitOutcome>,
}

/// A patient's model and what goes with it.
#[derive(Debug, Clone)]
pub struct PatientModel {
    pub model: BoneHealthModel,
    /// From the model's start (age 41) to enrolment.
    pub burn_in_h: f64,
    /// The arm's doses, times from enrolment.
    pub doses: Vec<k2bone_sim::DoseEvent<k2bone_physiology::Agent>>,
    /// Their values of the parameters with variability (in [`crate::Population::iiv`] order).
    pub iiv_values: Vec<f64>,
    /// Sex and years since menopause as the bone response reads them.
    pub bone_subject: BoneSubject,
}

/// A patient's model: the person from the covariates, then the parameter draw, then their
/// own variability.
pub fn patient_model(
    design: &TrialDesign,
    arm: usize,
    draw: &PatientDraw,
    params: &ParameterDraw,
) -> Result<PatientModel, String> {
    let c = &draw.covariates;
    let mut sc = design.scenario.clone();
    sc.person.sex = c.sex;
    sc.person.age_years = c.age_years;
    sc.person.years_since_menopause = c.years_since_menopause;
    sc.person.calcium_intake_mg_per_day = c.calcium_intake_mg_per_day;
    sc.person.d25_nmol_l = c.d25_nmol_l;
    sc.person.bmd_z_scores = SiteScores {
        lumbar_spine: c.bmd_z_lumbar_spine,
        femoral_neck: c.bmd_z_femoral_neck,
    };
    sc.person.anticoagulant = if c.vka_inhibition > 0.0 {
        Anticoagulant::Warfarin {
            inr: inr_of_inhibition(c.vka_inhibition)?,
            recycling_inhibition: c.vka_inhibition,
        }
    } else {
        Anticoagulant::None
    };
    sc.arms = vec![design.scenario.arms[arm].clone()];
    let ysm = sc.person.model_years_since_menopause();
    let bone_subject = BoneSubject {
        female: ysm.is_some(),
        years_since_menopause: ysm.unwrap_or(0.0),
    };
    let plan = sc.build(None).map_err(|e| e.to_string())?;
    let mut core = plan.model.core().clone();
    let mut k = plan.model.k_params().clone();
    let mut set = |name: &str, value: &dyn Fn(f64) -> f64| -> Result<f64, String> {
        if let Some(full) = k_name(name) {
            let nv = value(k.get(full).expect("a known name"));
            k.set(full, nv).map_err(|e| e.to_string())?;
            Ok(nv)
        } else if let Some(v) = core_param(core.params(), name) {
            let nv = value(v);
            core = core.with_param(name, nv).map_err(|e| e.to_string())?;
            Ok(nv)
        } else {
            Err(format!("`{name}` is not a model parameter"))
        }
    };
    for (name, v) in &params.values {
        set(name, &|_| *v)?;
    }
    let mut values = Vec::new();
    for (p, eta) in design.population.iiv.iter().zip(&draw.eta) {
        values.push(set(&p.parameter, &|v| v * eta.exp())?);
    }
    let model = BoneHealthModel::new(core, k, *plan.model.person()).map_err(|e| e.to_string())?;
    Ok(PatientModel {
        model,
        burn_in_h: plan.burn_in_h,
        doses: plan.arms[0].doses.clone(),
        iiv_values: values,
        bone_subject,
    })
}

/// The full `section.name` of a vitamin K/D parameter written as `name` or `section.name`.
pub(crate) fn k_name(name: &str) -> Option<&'static str> {
    let names = k2bone_physiology::K_PARAM_NAMES;
    names.iter().find(|n| **n == name).copied().or_else(|| {
        let mut hits = names.iter().filter(|n| n.rsplit('.').next() == Some(name));
        match (hits.next(), hits.next()) {
            (Some(h), None) => Some(*h),
            _ => None,
        }
    })
}

/// A core parameter by name (`kb` or `section.kb`).
pub(crate) fn core_param(p: &Params, name: &str) -> Option<f64> {
    let (section, key) = match name.split_once('.') {
        Some((s, k)) => (Some(s), k),
        None => (None, name),
    };
    p.entries()
        .into_iter()
        .find(|(s, n, _, _)| *n == key && section.is_none_or(|w| w == *s))
        .map(|(_, _, _, v)| v)
}

/// Simulates patient `id` of `design` in `arm` under `params`, from the state `y_enrolment`
/// (after the burn-in; `None` runs it here).
pub fn simulate_patient(
    design: &TrialDesign,
    params: &ParameterDraw,
    id: u64,
    arm: usize,
    draw: &PatientDraw,
    y_enrolment: Option<&[f64]>,
) -> Result<PatientResult, TrialError> {
    let mut r = simulate_patient_draws(
        design,
        std::slice::from_ref(params),
        id,
        arm,
        draw,
        y_enrolment,
    )?;
    Ok(r.remove(0))
}

/// Simulates patient `id` once for several parameter draws that share their model parameters
/// (the same `values`) and differ only in the bone response's posterior row
/// (`bone_params`, row = id mod rows): one ODE trajectory feeds every draw's bone response, so K draws cost one
/// solve plus K cheap daily recursions. One result per draw, in the order given.
pub fn simulate_patient_draws(
    design: &TrialDesign,
    params: &[ParameterDraw],
    id: u64,
    arm: usize,
    draw: &PatientDraw,
    y_enrolment: Option<&[f64]>,
) -> Result<Vec<PatientResult>, TrialError> {
    let first = params.first().ok_or_else(|| {
        TrialError::Population("simulate_patient_draws: give at least one draw".into())
    })?;
    let fail = |message: String| TrialError::Patient {
        patient: id,
        arm: design.arms[arm].clone(),
        draw: first.id,
        message,
    };
    if let Some(p) = params.iter().find(|p| p.values != first.values) {
        return Err(fail(format!(
            "draw {} has other model parameters than draw {}; only draws that differ in the bone response share a solve",
            p.id, first.id
        )));
    }
    let PatientModel {
        model,
        burn_in_h,
        doses,
        iiv_values: values,
        bone_subject,
    } = patient_model(design, arm, draw, first).map_err(fail)?;
    let sim = FastSimulator {
        rtol: design.rtol,
        atol: design.atol,
        ..FastSimulator::default()
    };
    let y0 = match y_enrolment {
        Some(y) => y.to_vec(),
        None => burn_in(&sim, &model, &[burn_in_h]).map_err(fail)?.remove(0),
    };
    // Treatment runs on the model's clock, after the burn-in (the core ages on). The bone
    // response reads daily inputs, so the grid is every whole day plus the visits.
    let (grid_days, visit_idx, day_idx) = merged_grid(&design.visits_days);
    let grid: Vec<f64> = grid_days
        .iter()
        .map(|d| burn_in_h + d * HOURS_PER_DAY)
        .collect();
    let arm_doses = doses;
    let doses: Vec<_> = arm_doses
        .iter()
        .map(|d| k2bone_sim::DoseEvent {
            time_h: d.time_h + burn_in_h,
            ..*d
        })
        .collect();
    let tr = sim
        .run_from_time(&model, burn_in_h, &y0, &doses, &grid)
        .map_err(|e| fail(e.to_string()))?;
    let core = core_outcomes(
        &tr,
        &Sampling {
            burn_in_h,
            visit_idx: &visit_idx,
            day_idx: &day_idx,
        },
        &arm_doses,
        &design.visits_days,
        draw.dropout_day,
    )
    .map_err(fail)?;
    Ok(params
        .iter()
        .map(|p| PatientResult {
            draw_id: p.id,
            patient_id: id,
            arm,
            draw: draw.clone(),
            params: values.clone(),
            visits: with_bmd(&core, &bone_subject, bone_params(p.id), &design.visits_days),
        })
        .collect())
}

/// The shipped posterior of the bone response, read once.
pub fn bone_posterior() -> &'static BonePosterior {
    static POSTERIOR: std::sync::OnceLock<BonePosterior> = std::sync::OnceLock::new();
    POSTERIOR.get_or_init(BonePosterior::shipped)
}

/// The bone response's parameters for parameter draw `draw_id`: posterior row
/// `draw_id mod (number of rows)`, so a run over draws 0 … K−1 carries the bone response's
/// parameter uncertainty (A-trial-11).
pub fn bone_params(draw_id: u32) -> &'static BoneResponseParams {
    let post = bone_posterior();
    &post.draws[draw_id as usize % post.draws.len()]
}

/// `k` parameter draws spread evenly over the shipped posterior's rows (ids `j·rows/k`, so
/// rows far apart in the sampler's order, not `k` neighbours), sharing the model's point
/// parameters: they differ in the bone response only, so one solve per patient serves all.
/// `k` is 1 … the number of rows (checked by [`crate::TrialDesign`]).
pub fn posterior_draws(k: usize) -> Vec<ParameterDraw> {
    let rows = bone_posterior().draws.len();
    let k = k.clamp(1, rows);
    (0..k)
        .map(|j| ParameterDraw {
            id: (j * rows / k) as u32,
            values: Vec::new(),
        })
        .collect()
}

/// Days from enrolment to simulate: every whole day up to the last visit, and the visits,
/// merged; with the indices of the visits and of the whole days in it.
fn merged_grid(visits_days: &[f64]) -> (Vec<f64>, Vec<usize>, Vec<usize>) {
    let end = visits_days.last().copied().unwrap_or(0.0);
    let n_days = (end + 1e-9).floor() as usize;
    let mut grid: Vec<f64> = visits_days
        .iter()
        .copied()
        .chain((0..=n_days).map(|d| d as f64))
        .collect();
    grid.sort_by(f64::total_cmp);
    grid.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let find = |x: f64| {
        grid.iter()
            .position(|g| (g - x).abs() < 1e-9)
            .expect("on the grid")
    };
    let visits = visits_days.iter().map(|&d| find(d)).collect();
    let days = (0..=n_days).map(|d| find(d as f64)).collect();
    (grid, visits, days)
}

/// Where the visits and the whole days are on the treatment run's grid.
struct Sampling<'a> {
    burn_in_h: f64,
    visit_idx: &'a [usize],
    day_idx: &'a [usize],
}

/// A patient's outcomes that do not depend on the bone response's parameters, and the bone
/// response's daily inputs.
struct CoreOutcomes {
    days: Vec<BoneDay>,
    visits: Vec<VisitOutcome>,
}

/// States after ageing `model` from its start without treatment to each of `times_h` (sorted),
/// in one run: patients who share a model share their burn-in and branch off it.
pub(crate) fn burn_in(
    sim: &FastSimulator,
    model: &BoneHealthModel,
    times_h: &[f64],
) -> Result<Vec<Vec<f64>>, String> {
    let mut grid: Vec<f64> = times_h.to_vec();
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    if grid[0] > 0.0 {
        grid.insert(0, 0.0);
    }
    let tr = sim
        .run_from(model, &model.initial_state(), &[], &grid)
        .map_err(|e| format!("burn-in: {e}"))?;
    let n = model.n_states();
    Ok(times_h
        .iter()
        .map(|t| {
            let i = grid
                .iter()
                .position(|g| g == t)
                .expect("time is on the grid");
            tr.columns[..n].iter().map(|c| c.values[i]).collect()
        })
        .collect())
}

/// Outcomes at the visits, as changes from randomisation, except BMD (see [`with_bmd`]): the
/// core's outputs at the visits, and the bone response's daily inputs from the treatment run's
/// daily samples ([`k2bone_sim::bone_inputs::bone_days`]).
fn core_outcomes(
    tr: &Trajectory,
    at: &Sampling,
    doses: &[k2bone_sim::DoseEvent<k2bone_physiology::Agent>],
    visits_days: &[f64],
    dropout_day: f64,
) -> Result<CoreOutcomes, String> {
    let mut daily = tr.select(at.day_idx);
    for t in &mut daily.times_h {
        *t -= at.burn_in_h;
    }
    let days = k2bone_sim::bone_inputs::bone_days(&daily, doses).map_err(|e| e.to_string())?;
    let visits = tr.select(at.visit_idx);
    let col = |name: &str| {
        visits
            .column(name)
            .ok_or_else(|| format!("no output `{name}`"))
    };
    let (uc, mgp, d25, ci) = (
        col("ucOC_pct_change")?,
        col("ucMGP_rel")?,
        col("D25")?,
        col("CI")?,
    );
    let pct = |v: &[f64], i: usize| (v[i] / v[0] - 1.0) * 100.0;
    let visits = visits_days
        .iter()
        .enumerate()
        .map(|(i, &day)| VisitOutcome {
            visit_day: day,
            observed: day < dropout_day,
            bmd_lumbar_pct_change: f64::NAN,
            bmd_femoral_neck_pct_change: f64::NAN,
            ucoc_pct_change: ((1.0 + uc[i] / 100.0) / (1.0 + uc[0] / 100.0) - 1.0) * 100.0,
            dp_ucmgp_pct_change: pct(mgp, i),
            d25_nmol_l: d25[i],
            calcification_index_pct_change: pct(ci, i),
        })
        .collect();
    Ok(CoreOutcomes { days, visits })
}

/// The visits of `core` with BMD from the calibrated bone response (issue 10,
/// `physiology::bone_response`) under `params`: the % change of each site on each day; a visit
/// reads the day it falls in, as a change from the visit-0 day.
fn with_bmd(
    core: &CoreOutcomes,
    subject: &BoneSubject,
    params: &BoneResponseParams,
    visits_days: &[f64],
) -> Vec<VisitOutcome> {
    let days = &core.days;
    let ls = params.bmd_pct_change(Site::LumbarSpine, subject, days);
    let fnk = params.bmd_pct_change(Site::FemoralNeck, subject, days);
    let day_of = |d: f64| ((d + 1e-9).floor() as usize).min(days.len().saturating_sub(1));
    let bmd = |b: &[f64], i: usize| {
        let (d, d0) = (day_of(visits_days[i]), day_of(visits_days[0]));
        ((1.0 + b[d] / 100.0) / (1.0 + b[d0] / 100.0) - 1.0) * 100.0
    };
    core.visits
        .iter()
        .enumerate()
        .map(|(i, v)| VisitOutcome {
            bmd_lumbar_pct_change: bmd(&ls, i),
            bmd_femoral_neck_pct_change: bmd(&fnk, i),
            ..*v
        })
        .collect()
}

/// The stable INR whose derived recycling inhibition is `inhibition` (bisection on
/// `k2bone_physiology::inr::derived_vka_inhibition`, which rises with the INR over (1, 6]); the
/// trial covariate stays the inhibition the population draws, and scenarios name the INR. An
/// inhibition no INR in (1, 6] gives is refused with the accepted range.
fn inr_of_inhibition(inhibition: f64) -> Result<f64, String> {
    let at = inhibition_at_inr();
    let (mut lo, mut hi) = (1.0 + 1e-9, 6.0);
    let (min, max) = vka_inhibition_range();
    if !(min..=max).contains(&inhibition) {
        return Err(format!(
            "vka_inhibition = {inhibition}: accepted {min:.3} to {max:.3} (a stable INR of 1 to 6)"
        ));
    }
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if at(mid) < inhibition {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(0.5 * (lo + hi))
}

/// The derived recycling inhibition at a stable INR in (1, 6].
fn inhibition_at_inr() -> impl Fn(f64) -> f64 {
    use k2bone_physiology::inr::{derived_vka_inhibition, InrTable};
    let table = InrTable::shipped();
    // Inside (1, 6] the derivation cannot fail.
    move |inr: f64| derived_vka_inhibition(&table, inr).unwrap_or(0.0)
}

/// The vitamin K antagonist recycling inhibitions a patient on one may have: those of a stable
/// INR just above 1 to 6 (`k2bone_physiology::inr`); 0 is a patient on none.
pub fn vka_inhibition_range() -> (f64, f64) {
    let at = inhibition_at_inr();
    (at(1.0 + 1e-9), at(6.0))
}

#[cfg(test)]
mod inr_tests {
    use super::inr_of_inhibition;
    use k2bone_physiology::inr::{derived_vka_inhibition, InrTable};

    #[test]
    fn the_inr_of_an_inhibition_reads_back_and_absurd_ones_are_refused() {
        let t = InrTable::shipped();
        let want = derived_vka_inhibition(&t, 2.5).unwrap();
        let inr = inr_of_inhibition(want).unwrap();
        assert!((inr - 2.5).abs() < 1e-6, "{inr}");
        let e = inr_of_inhibition(0.999_999).unwrap_err();
        assert!(
            e.contains("vka_inhibition") && e.contains("accepted"),
            "{e}"
        );
    }
}
