//! End-of-study results of a multi-arm run of the full model: per arm, the values at the end and
//! the changes from the arm's start, and the fracture risk that follows from the BMD by site.
//! This is the `summary.json` shape every multi-arm command writes (`arms[].name`,
//! `arms[].end`, `units`), computed once here so the CLI, the report and the tests agree.

use serde::Serialize;

use k2bone_physiology::fracture::{
    fracture_risk, FractureRisk, Sex, BMD_SD_PCT_OF_MEAN_FN, BMD_SD_PCT_OF_MEAN_LS,
};

use crate::arms::ArmRun;

/// Who was simulated and for how long: what the summary needs beyond the trajectories.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyFacts {
    pub sex: Sex,
    /// Age at the start of treatment, years.
    pub age_years_at_start: f64,
    pub duration_days: f64,
    /// BMD Z-scores at the start (0 = the average of the person's age), by site.
    pub baseline_z_lumbar_spine: f64,
    pub baseline_z_femoral_neck: f64,
    /// Apply the K2 fracture odds ratios beyond BMD (an assumption; off by default).
    pub k2_effect_beyond_bmd: bool,
}

/// One end-of-study quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EndValue {
    pub key: &'static str,
    pub value: f64,
}

/// One arm's end-of-study values.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmSummary {
    pub name: String,
    pub end: Vec<EndValue>,
    pub fracture: FractureRisk,
    pub solver_steps: usize,
    pub jacobian_factorizations: usize,
}

impl ArmSummary {
    /// The end value under `key` (see [`END_KEYS`]).
    pub fn get(&self, key: &str) -> Option<f64> {
        self.end.iter().find(|e| e.key == key).map(|e| e.value)
    }
}

/// Every key of `arms[].end`, with its unit and meaning, in output order.
pub const END_KEYS: [(&str, &str, &str); 21] = [
    (
        "bmd_lumbar_pct_change",
        "%",
        "lumbar spine BMD, change from the arm's start",
    ),
    (
        "bmd_femoral_neck_pct_change",
        "%",
        "femoral neck BMD, change from the arm's start",
    ),
    (
        "ucoc_pct_change",
        "%",
        "uncarboxylated osteocalcin, change from the arm's start",
    ),
    (
        "ucoc_coc_ratio_pct_change",
        "%",
        "ucOC/cOC ratio, change from the arm's start",
    ),
    (
        "total_oc_pct_change",
        "%",
        "total osteocalcin, change from the arm's start",
    ),
    (
        "dp_ucmgp_pct_change",
        "%",
        "dp-ucMGP, change from the arm's start",
    ),
    (
        "calcification_index_pct_change",
        "%",
        "vascular calcification index, change from the arm's start",
    ),
    ("serum_k1_ng_ml", "ng/mL", "serum vitamin K1 at the end"),
    ("serum_mk4_ng_ml", "ng/mL", "serum MK-4 at the end"),
    ("serum_mk7_ng_ml", "ng/mL", "serum MK-7 at the end"),
    ("serum_25ohd_nmol_l", "nmol/L", "serum 25(OH)D at the end"),
    ("serum_calcium_mM", "mM", "serum calcium at the end"),
    ("pth_pM", "pM", "plasma PTH at the end"),
    ("calcitriol_pM", "pM", "plasma calcitriol at the end"),
    (
        "hepatic_carboxylation_pct",
        "%",
        "hepatic (clotting factor) carboxylation at the end",
    ),
    (
        "hip_fracture_risk_1y_pct",
        "%",
        "absolute hip fracture risk over the next year",
    ),
    (
        "hip_fracture_risk_5y_pct",
        "%",
        "absolute hip fracture risk over the next 5 years",
    ),
    (
        "hip_fracture_risk_10y_pct",
        "%",
        "absolute hip fracture risk over the next 10 years",
    ),
    (
        "vertebral_fracture_risk_10y_pct",
        "%",
        "absolute clinical vertebral fracture risk over the next 10 years",
    ),
    (
        "any_fracture_risk_10y_pct",
        "%",
        "absolute major fracture risk over the next 10 years",
    ),
    ("age_years_at_end", "years", "age at the end of the arm"),
];

/// The unit of an end key.
pub fn unit_of(key: &str) -> Option<&'static str> {
    END_KEYS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, u, _)| *u)
}

fn column<'a>(run: &'a ArmRun, name: &str) -> Result<&'a [f64], String> {
    run.trajectory
        .column(name)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| format!("arm `{}` has no column `{name}`", run.name))
}

fn last(run: &ArmRun, name: &str) -> Result<f64, String> {
    column(run, name).map(|c| c[c.len() - 1])
}

/// % change of `v` from `start` (a state or positive quantity).
pub fn pct_change(v: f64, start: f64) -> f64 {
    (v / start - 1.0) * 100.0
}

/// % change from `start` of an output already expressed as % change from the model baseline
/// (so −50% then −75% is a further halving, −50%).
pub fn rebased_pct_change(v_pct: f64, start_pct: f64) -> f64 {
    ((1.0 + v_pct / 100.0) / (1.0 + start_pct / 100.0) - 1.0) * 100.0
}

/// % change from the arm's start at the end of a state or positive quantity.
fn change(run: &ArmRun, name: &str) -> Result<f64, String> {
    let c = column(run, name)?;
    Ok(pct_change(c[c.len() - 1], c[0]))
}

/// As [`change`] for an output already in % change from the model baseline.
fn rebased(run: &ArmRun, name: &str) -> Result<f64, String> {
    let c = column(run, name)?;
    Ok(rebased_pct_change(c[c.len() - 1], c[0]))
}

/// Summarises `runs` (the first arm is the reference: it stands for the population average of
/// the person's age, so each arm's fracture risk uses its BMD difference from the first arm on
/// top of the baseline Z-scores).
pub fn summarize(facts: &StudyFacts, runs: &[ArmRun]) -> Result<Vec<ArmSummary>, String> {
    let reference = runs.first().ok_or("no arms to summarise")?;
    let end_age = facts.age_years_at_start + facts.duration_days / 365.0;
    let ref_ls = change(reference, "BMDls")?;
    let ref_fn = change(reference, "BMDfn")?;
    runs.iter()
        .map(|run| {
            let ls = change(run, "BMDls")?;
            let fnk = change(run, "BMDfn")?;
            let from_average_ls =
                facts.baseline_z_lumbar_spine * BMD_SD_PCT_OF_MEAN_LS + ls - ref_ls;
            let from_average_fn =
                facts.baseline_z_femoral_neck * BMD_SD_PCT_OF_MEAN_FN + fnk - ref_fn;
            let risk = fracture_risk(
                facts.sex,
                end_age,
                from_average_ls,
                from_average_fn,
                facts.k2_effect_beyond_bmd,
            );
            let values = [
                ls,
                fnk,
                rebased(run, "ucOC_pct_change")?,
                rebased(run, "ucOC_cOC_pct_change")?,
                rebased(run, "OC_total_pct_change")?,
                rebased(run, "dp_ucMGP_pct_change")?,
                change(run, "CI")?,
                last(run, "K1_ng_mL")?,
                last(run, "MK4_ng_mL")?,
                last(run, "MK7_ng_mL")?,
                last(run, "D25")?,
                last(run, "CaC")?,
                last(run, "PTHpm")?,
                last(run, "calcitriol_pM")?,
                last(run, "hepatic_carboxylation_pct")?,
                risk.hip_1y_pct,
                risk.hip_5y_pct,
                risk.hip_10y_pct,
                risk.vertebral_10y_pct,
                risk.any_10y_pct,
                end_age,
            ];
            if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                return Err(format!(
                    "arm `{}`: {} is not finite ({})",
                    run.name, END_KEYS[i].0, values[i]
                ));
            }
            Ok(ArmSummary {
                name: run.name.clone(),
                end: END_KEYS
                    .iter()
                    .zip(values)
                    .map(|((key, _, _), value)| EndValue { key, value })
                    .collect(),
                fracture: risk,
                solver_steps: run.trajectory.stats.steps,
                jacobian_factorizations: run.trajectory.stats.jacobian_factorizations,
            })
        })
        .collect()
}
