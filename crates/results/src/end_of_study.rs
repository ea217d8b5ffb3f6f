//! End-of-study results of a multi-arm run of the full model: per arm, the values at the end and
//! the changes from the arm's start, and the fracture risk that follows from the BMD by site —
//! at the end ([`summarize`]) and on every output day ([`fracture_risk_over_time`]), by one
//! formula ([`risk_from_bmd_changes`]), so `summary.json`, the report and the plots agree.

use serde::{Deserialize, Serialize};

use k2bone_physiology::fracture::{
    fracture_risk, FractureRisk, Sex, BMD_SD_PCT_OF_MEAN_FN, BMD_SD_PCT_OF_MEAN_LS,
};
use k2bone_sim::ArmRun;
use k2bone_units::DAYS_PER_YEAR;

use crate::ResultsError;

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

impl StudyFacts {
    /// Age at the end of the study, years.
    pub fn age_years_at_end(&self) -> f64 {
        self.age_years_at_start + self.duration_days / DAYS_PER_YEAR
    }
}

/// One arm's values at the end of the study (`summary.json` `arms[].end`). Changes are from the
/// arm's own start; fracture risks are absolute, over the years after the end.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndOfStudy {
    /// Lumbar spine BMD, change from the arm's start, %.
    pub bmd_lumbar_pct_change: f64,
    /// Femoral neck BMD, change from the arm's start, %.
    pub bmd_femoral_neck_pct_change: f64,
    /// Uncarboxylated osteocalcin, change from the arm's start, %.
    pub ucoc_pct_change: f64,
    /// ucOC/cOC ratio, change from the arm's start, %.
    pub ucoc_coc_ratio_pct_change: f64,
    /// Total osteocalcin, change from the arm's start, %.
    pub total_oc_pct_change: f64,
    /// dp-ucMGP, change from the arm's start, %.
    pub dp_ucmgp_pct_change: f64,
    /// Vascular calcification index, change from the arm's start, %.
    pub calcification_index_pct_change: f64,
    /// Serum vitamin K1 at the end, ng/mL.
    pub serum_k1_ng_ml: f64,
    /// Serum MK-4 at the end, ng/mL.
    pub serum_mk4_ng_ml: f64,
    /// Serum MK-7 at the end, ng/mL.
    pub serum_mk7_ng_ml: f64,
    /// Serum 25(OH)D at the end, nmol/L.
    pub serum_25ohd_nmol_l: f64,
    /// Serum calcium at the end, mM.
    #[serde(rename = "serum_calcium_mM")]
    pub serum_calcium_mmol_per_l: f64,
    /// Plasma PTH at the end, pM.
    #[serde(rename = "pth_pM")]
    pub pth_pmol_per_l: f64,
    /// Plasma calcitriol at the end, pM.
    #[serde(rename = "calcitriol_pM")]
    pub calcitriol_pmol_per_l: f64,
    /// Hepatic (clotting factor) carboxylation at the end, %.
    pub hepatic_carboxylation_pct: f64,
    /// Absolute hip fracture risk over the next year, %.
    pub hip_fracture_risk_1y_pct: f64,
    /// Absolute hip fracture risk over the next 5 years, %.
    pub hip_fracture_risk_5y_pct: f64,
    /// Absolute hip fracture risk over the next 10 years, %.
    pub hip_fracture_risk_10y_pct: f64,
    /// Absolute clinical vertebral fracture risk over the next 10 years, %.
    pub vertebral_fracture_risk_10y_pct: f64,
    /// Absolute major fracture risk over the next 10 years, %.
    pub any_fracture_risk_10y_pct: f64,
    /// Age at the end of the arm, years.
    pub age_years_at_end: f64,
}

/// One key of [`EndOfStudy`] with its unit and meaning (`summary.json` `units`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndKey {
    pub key: &'static str,
    pub unit: &'static str,
    pub meaning: &'static str,
}

const fn k(key: &'static str, unit: &'static str, meaning: &'static str) -> EndKey {
    EndKey { key, unit, meaning }
}

/// Every key of [`EndOfStudy`], with its unit and meaning, in output order (a test checks that
/// it lists the struct's fields, in order).
pub const END_KEYS: [EndKey; 21] = [
    k(
        "bmd_lumbar_pct_change",
        "%",
        "lumbar spine BMD, change from the arm's start",
    ),
    k(
        "bmd_femoral_neck_pct_change",
        "%",
        "femoral neck BMD, change from the arm's start",
    ),
    k(
        "ucoc_pct_change",
        "%",
        "uncarboxylated osteocalcin, change from the arm's start",
    ),
    k(
        "ucoc_coc_ratio_pct_change",
        "%",
        "ucOC/cOC ratio, change from the arm's start",
    ),
    k(
        "total_oc_pct_change",
        "%",
        "total osteocalcin, change from the arm's start",
    ),
    k(
        "dp_ucmgp_pct_change",
        "%",
        "dp-ucMGP, change from the arm's start",
    ),
    k(
        "calcification_index_pct_change",
        "%",
        "vascular calcification index, change from the arm's start",
    ),
    k("serum_k1_ng_ml", "ng/mL", "serum vitamin K1 at the end"),
    k("serum_mk4_ng_ml", "ng/mL", "serum MK-4 at the end"),
    k("serum_mk7_ng_ml", "ng/mL", "serum MK-7 at the end"),
    k("serum_25ohd_nmol_l", "nmol/L", "serum 25(OH)D at the end"),
    k("serum_calcium_mM", "mM", "serum calcium at the end"),
    k("pth_pM", "pM", "plasma PTH at the end"),
    k("calcitriol_pM", "pM", "plasma calcitriol at the end"),
    k(
        "hepatic_carboxylation_pct",
        "%",
        "hepatic (clotting factor) carboxylation at the end",
    ),
    k(
        "hip_fracture_risk_1y_pct",
        "%",
        "absolute hip fracture risk over the next year",
    ),
    k(
        "hip_fracture_risk_5y_pct",
        "%",
        "absolute hip fracture risk over the next 5 years",
    ),
    k(
        "hip_fracture_risk_10y_pct",
        "%",
        "absolute hip fracture risk over the next 10 years",
    ),
    k(
        "vertebral_fracture_risk_10y_pct",
        "%",
        "absolute clinical vertebral fracture risk over the next 10 years",
    ),
    k(
        "any_fracture_risk_10y_pct",
        "%",
        "absolute major fracture risk over the next 10 years",
    ),
    k("age_years_at_end", "years", "age at the end of the arm"),
];

/// The unit of an end key.
pub fn unit_of(key: &str) -> Option<&'static str> {
    END_KEYS.iter().find(|e| e.key == key).map(|e| e.unit)
}

impl EndOfStudy {
    /// Every value by its key, in [`END_KEYS`] order.
    pub fn entries(&self) -> [(&'static str, f64); 21] {
        [
            ("bmd_lumbar_pct_change", self.bmd_lumbar_pct_change),
            (
                "bmd_femoral_neck_pct_change",
                self.bmd_femoral_neck_pct_change,
            ),
            ("ucoc_pct_change", self.ucoc_pct_change),
            ("ucoc_coc_ratio_pct_change", self.ucoc_coc_ratio_pct_change),
            ("total_oc_pct_change", self.total_oc_pct_change),
            ("dp_ucmgp_pct_change", self.dp_ucmgp_pct_change),
            (
                "calcification_index_pct_change",
                self.calcification_index_pct_change,
            ),
            ("serum_k1_ng_ml", self.serum_k1_ng_ml),
            ("serum_mk4_ng_ml", self.serum_mk4_ng_ml),
            ("serum_mk7_ng_ml", self.serum_mk7_ng_ml),
            ("serum_25ohd_nmol_l", self.serum_25ohd_nmol_l),
            ("serum_calcium_mM", self.serum_calcium_mmol_per_l),
            ("pth_pM", self.pth_pmol_per_l),
            ("calcitriol_pM", self.calcitriol_pmol_per_l),
            ("hepatic_carboxylation_pct", self.hepatic_carboxylation_pct),
            ("hip_fracture_risk_1y_pct", self.hip_fracture_risk_1y_pct),
            ("hip_fracture_risk_5y_pct", self.hip_fracture_risk_5y_pct),
            ("hip_fracture_risk_10y_pct", self.hip_fracture_risk_10y_pct),
            (
                "vertebral_fracture_risk_10y_pct",
                self.vertebral_fracture_risk_10y_pct,
            ),
            ("any_fracture_risk_10y_pct", self.any_fracture_risk_10y_pct),
            ("age_years_at_end", self.age_years_at_end),
        ]
    }

    /// The value under `key` (see [`END_KEYS`]).
    pub fn get(&self, key: &str) -> Option<f64> {
        self.entries()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

/// Solver counters of one arm (`summary.json` `arms[].solver`; not pinned by the goldens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ArmSolverStats {
    pub steps: usize,
    pub jacobian_factorizations: usize,
}

/// One arm's end-of-study values.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmSummary {
    pub name: String,
    pub end: EndOfStudy,
    /// 95 % intervals of the end values that carry the bone response's uncertainty.
    pub interval: crate::bone::EndIntervals,
    pub fracture: FractureRisk,
    pub solver: ArmSolverStats,
}

impl ArmSummary {
    /// The end value under `key` (see [`END_KEYS`]).
    pub fn get(&self, key: &str) -> Option<f64> {
        self.end.get(key)
    }
}

fn column<'a>(run: &'a ArmRun, name: &str) -> Result<&'a [f64], ResultsError> {
    run.trajectory
        .column(name)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ResultsError::MissingColumn {
            arm: run.name.clone(),
            column: name.to_string(),
        })
}

fn last(run: &ArmRun, name: &str) -> Result<f64, ResultsError> {
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
fn change(run: &ArmRun, name: &str) -> Result<f64, ResultsError> {
    let c = column(run, name)?;
    Ok(pct_change(c[c.len() - 1], c[0]))
}

/// As [`change`] for an output already in % change from the model baseline.
fn rebased(run: &ArmRun, name: &str) -> Result<f64, ResultsError> {
    let c = column(run, name)?;
    Ok(rebased_pct_change(c[c.len() - 1], c[0]))
}

/// Fracture risk of an arm whose BMD changed by `ls_pct` / `fn_pct` (from its start) while the
/// reference arm changed by `ref_ls_pct` / `ref_fn_pct`: the first arm stands for the average
/// of the person's age, so the arm's distance from average is the baseline Z-score plus its
/// difference from the reference (Marshall 1996 gradient; `k2bone_physiology::fracture`).
pub fn risk_from_bmd_changes(
    facts: &StudyFacts,
    age_years: f64,
    (ls_pct, fn_pct): (f64, f64),
    (ref_ls_pct, ref_fn_pct): (f64, f64),
) -> FractureRisk {
    let from_average_ls =
        facts.baseline_z_lumbar_spine * BMD_SD_PCT_OF_MEAN_LS + ls_pct - ref_ls_pct;
    let from_average_fn =
        facts.baseline_z_femoral_neck * BMD_SD_PCT_OF_MEAN_FN + fn_pct - ref_fn_pct;
    fracture_risk(
        facts.sex,
        age_years,
        from_average_ls,
        from_average_fn,
        facts.k2_effect_beyond_bmd,
    )
}

/// Summarises `runs` with the bone response `bone` of the same arms ([`crate::bone_study`]):
/// BMD and fracture risk are its posterior means (the first arm is the reference of the fracture
/// risk: it stands for the population average of the person's age), the other values come from
/// the trajectories.
pub fn summarize(
    facts: &StudyFacts,
    runs: &[ArmRun],
    bone: &[crate::bone::ArmBone],
) -> Result<Vec<ArmSummary>, ResultsError> {
    if runs.is_empty() {
        return Err(ResultsError::NoArms);
    }
    if bone.len() != runs.len() {
        return Err(ResultsError::MissingColumn {
            arm: runs[0].name.clone(),
            column: format!(
                "bone response of {} arms ({} given)",
                runs.len(),
                bone.len()
            ),
        });
    }
    let end_age = facts.age_years_at_end();
    runs.iter()
        .zip(bone)
        .map(|(run, b)| {
            let risk = b.fracture;
            let end = EndOfStudy {
                bmd_lumbar_pct_change: b.bmd_lumbar_pct_change,
                bmd_femoral_neck_pct_change: b.bmd_femoral_neck_pct_change,
                ucoc_pct_change: rebased(run, "ucOC_pct_change")?,
                ucoc_coc_ratio_pct_change: rebased(run, "ucOC_cOC_pct_change")?,
                total_oc_pct_change: rebased(run, "OC_total_pct_change")?,
                dp_ucmgp_pct_change: rebased(run, "dp_ucMGP_pct_change")?,
                calcification_index_pct_change: change(run, "CI")?,
                serum_k1_ng_ml: last(run, "K1_ng_mL")?,
                serum_mk4_ng_ml: last(run, "MK4_ng_mL")?,
                serum_mk7_ng_ml: last(run, "MK7_ng_mL")?,
                serum_25ohd_nmol_l: last(run, "D25")?,
                serum_calcium_mmol_per_l: last(run, "CaC")?,
                pth_pmol_per_l: last(run, "PTHpm")?,
                calcitriol_pmol_per_l: last(run, "calcitriol_pM")?,
                hepatic_carboxylation_pct: last(run, "hepatic_carboxylation_pct")?,
                hip_fracture_risk_1y_pct: risk.hip_1y_pct,
                hip_fracture_risk_5y_pct: risk.hip_5y_pct,
                hip_fracture_risk_10y_pct: risk.hip_10y_pct,
                vertebral_fracture_risk_10y_pct: risk.vertebral_10y_pct,
                any_fracture_risk_10y_pct: risk.any_10y_pct,
                age_years_at_end: end_age,
            };
            if let Some((key, value)) = end.entries().into_iter().find(|(_, v)| !v.is_finite()) {
                return Err(ResultsError::NonFinite {
                    arm: run.name.clone(),
                    key,
                    value,
                });
            }
            Ok(ArmSummary {
                name: run.name.clone(),
                end,
                interval: b.interval,
                fracture: risk,
                solver: ArmSolverStats {
                    steps: run.trajectory.stats.steps,
                    jacobian_factorizations: run.trajectory.stats.jacobian_factorizations,
                },
            })
        })
        .collect()
}

/// Fracture risk "if the study ended that day" on the sampled days of each arm's bone response
/// (posterior mean; [`crate::bone::ArmBone::fracture_over_time`]).
pub fn fracture_risk_over_time(bone: &[crate::bone::ArmBone]) -> Vec<Vec<FractureRisk>> {
    bone.iter().map(|b| b.fracture_over_time.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Oracle: the struct's own serde field list; `END_KEYS`, `entries` and the JSON keys are
    /// three spellings of one list and must agree in content and order.
    #[test]
    fn end_keys_list_the_fields_of_end_of_study_in_order() {
        let mut e: EndOfStudy = serde_json::from_value(serde_json::json!({
            "bmd_lumbar_pct_change": 0.0, "bmd_femoral_neck_pct_change": 0.0, "ucoc_pct_change": 0.0,
            "ucoc_coc_ratio_pct_change": 0.0, "total_oc_pct_change": 0.0, "dp_ucmgp_pct_change": 0.0,
            "calcification_index_pct_change": 0.0, "serum_k1_ng_ml": 0.0, "serum_mk4_ng_ml": 0.0,
            "serum_mk7_ng_ml": 0.0, "serum_25ohd_nmol_l": 0.0, "serum_calcium_mM": 0.0, "pth_pM": 0.0,
            "calcitriol_pM": 0.0, "hepatic_carboxylation_pct": 0.0, "hip_fracture_risk_1y_pct": 0.0,
            "hip_fracture_risk_5y_pct": 0.0, "hip_fracture_risk_10y_pct": 0.0,
            "vertebral_fracture_risk_10y_pct": 0.0, "any_fracture_risk_10y_pct": 0.0,
            "age_years_at_end": 0.0
        }))
        .unwrap();
        e.pth_pmol_per_l = 5.0;
        e.age_years_at_end = 63.0;
        let json = serde_json::to_value(e).unwrap();
        let keys: Vec<&str> = END_KEYS.iter().map(|k| k.key).collect();
        let entries: Vec<&str> = e.entries().iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, entries);
        assert_eq!(json.as_object().unwrap().len(), keys.len());
        for (key, value) in e.entries() {
            assert_eq!(json[key].as_f64(), Some(value), "{key}");
        }
        assert_eq!(e.get("pth_pM"), Some(5.0));
        assert_eq!(e.get("no_such_key"), None);
    }
}
