//! A food diary for a page (the web app's Diet page): the same report as `k2bone diet report`,
//! with the log inline as CSV text instead of a file.

use serde::{Deserialize, Serialize};

use k2bone_diet::log::parse_csv;
use k2bone_diet::report::build;
use k2bone_report::disclaimer::DISCLAIMER;

use crate::diet::{DietLogReport, SafetyProfile};
use crate::foods::Foods;
use crate::AppResult;

/// A diary to report on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiaryRequest {
    /// CSV `day,food,grams|portions[,meal,dose]`, as `k2bone diet report` reads.
    pub csv: String,
    #[serde(default)]
    pub person: SafetyProfile,
    /// Report unknown foods instead of failing (they add nothing and are listed).
    #[serde(default)]
    pub skip_unknown: bool,
}

/// Reports the diary's intake per vitamer and day, its top contributors and safety flags.
pub fn diary_report(foods: &Foods, req: &DiaryRequest) -> AppResult<DietLogReport> {
    let person = crate::diet::validated(&req.person)?;
    let log = parse_csv(&foods.db, "diary", &req.csv, req.skip_unknown)?;
    Ok(DietLogReport {
        report: build(&foods.db, &log, &person),
        // The diary page predicts no INR yet (`diet report --inr` does).
        inr: None,
        inr_hint: None,
        disclaimer: DISCLAIMER.to_string(),
    })
}
