//! Diet logs and food plans as use cases (`k2bone diet`): a log as µg per day and vitamer with
//! variation, contributors, reference doses and safety flags; a plan of foods and grams toward a
//! vitamin K2 target (a linear program), checked by the same safety rules.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use k2bone_diet::log::{read_log, DayIntake, DietLog, LogEntry, DEFAULT_HOUR};
use k2bone_diet::plan::{suggest, FoodPlan, PlanOptions, Target};
use k2bone_diet::report::{build, DietReport};
pub use k2bone_diet::safety::SafetyProfile;
use k2bone_diet::safety::{check, SafetyFlag};
use k2bone_diet::{link, Intake};
use k2bone_physiology::KParamFile;
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_report::timeseries::format_value as number;
use k2bone_units::Vitamer;

use crate::foods::Foods;
use crate::inr::{self, InrPrediction, UsualDiet};
use crate::output_dir::write_file;
use crate::{AppError, AppResult};

/// Converts the profile's range error into the app's bad input (the CLI names the flag `--age`).
pub(crate) fn validated(p: &SafetyProfile) -> AppResult<SafetyProfile> {
    p.clone()
        .validated()
        .map_err(|e| AppError::bad_input(format!("--{e}")))
}

/// A diet log to report on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DietReportRequest {
    /// CSV `day,food,grams|portions[,meal,dose]` or a TOML meal plan.
    pub log: PathBuf,
    pub person: SafetyProfile,
    /// Report unknown foods instead of failing (they add nothing and are listed).
    pub skip_unknown: bool,
    /// Also write the intake as dose events for the simulation.
    pub dose_events: Option<PathBuf>,
    /// Replace an existing `dose_events` file.
    #[serde(default)]
    pub force: bool,
    /// The person's stable INR on their usual diet (needs a vitamin K antagonist): predict the
    /// INR course over the log.
    #[serde(default)]
    pub inr: Option<f64>,
    /// Which stretch of the log the stable INR was measured on.
    #[serde(default)]
    pub usual: UsualDiet,
}

/// The report of a diet log (`diet report --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DietLogReport {
    #[serde(flatten)]
    pub report: DietReport,
    /// The predicted INR course (with `inr` and a vitamin K antagonist).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inr: Option<InrPrediction>,
    /// How to get an INR prediction, when the person is on a vitamin K antagonist but gave no INR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inr_hint: Option<String>,
    pub disclaimer: String,
}

/// Reads a diet log and reports its intake.
pub fn diet_report(foods: &Foods, req: &DietReportRequest) -> AppResult<DietLogReport> {
    let person = validated(&req.person)?;
    let vka = person.anticoagulant.filter(|a| a.is_vka());
    if let Some(inr) = req.inr {
        inr::check_request(person.anticoagulant, inr)?;
    }
    let log = read_log(&foods.db, &req.log, req.skip_unknown)?;
    let report = build(&foods.db, &log, &person);
    if let Some(path) = &req.dose_events {
        write_events(path, &link::from_log(&foods.db, &log), req.force)?;
    }
    let inr = match (vka, req.inr) {
        (Some(a), Some(inr)) => Some(inr::predict(&foods.db, &log, a, inr, req.usual)?),
        _ => None,
    };
    let inr_hint = (vka.is_some() && inr.is_none()).then(|| {
        "give --inr with the person's stable INR on their usual diet (e.g. --inr 2.5) for the \
         model's predicted INR course over the log"
            .to_string()
    });
    Ok(DietLogReport {
        report,
        inr,
        inr_hint,
        disclaimer: DISCLAIMER.to_string(),
    })
}

/// A food plan to find.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DietPlanRequest {
    /// Targets, µg/day.
    pub target_mk7_ug: Option<f64>,
    pub target_mk4_ug: Option<f64>,
    /// Total K2 (MK-4 … MK-10 and unsplit K2).
    pub target_k2_ug: Option<f64>,
    /// Foods to leave out: names, aliases or words.
    pub exclude: Vec<String>,
    /// Leave out dairy (milk products; eggs stay).
    pub no_dairy: bool,
    /// Most grams of any one food per day.
    pub max_grams_per_day: f64,
    /// Most grams of all plan foods together per day.
    pub max_total_grams: Option<f64>,
    /// Keep K1 within [min, max] µg/day.
    pub k1_range_ug: Option<(f64, f64)>,
    pub person: SafetyProfile,
}

/// A food plan (`diet plan --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DietPlan {
    #[serde(flatten)]
    pub plan: FoodPlan,
    pub safety_flags: Vec<SafetyFlag>,
    pub disclaimer: String,
}

/// Finds the plan with the fewest grams that meets the targets, and checks it for safety.
pub fn diet_plan(foods: &Foods, req: &DietPlanRequest) -> AppResult<DietPlan> {
    let person = validated(&req.person)?;
    let targets_ug = [
        (Target::Vitamer(Vitamer::Mk7), req.target_mk7_ug),
        (Target::Vitamer(Vitamer::Mk4), req.target_mk4_ug),
        (Target::TotalK2, req.target_k2_ug),
    ]
    .into_iter()
    .filter_map(|(t, v)| v.map(|v| (t, v)))
    .collect();
    let plan = suggest(
        &foods.db,
        &PlanOptions {
            targets_ug,
            exclude: req.exclude.clone(),
            no_dairy: req.no_dairy,
            max_grams_per_food: req.max_grams_per_day,
            max_total_grams: req.max_total_grams,
            k1_range_ug: req.k1_range_ug,
        },
    )?;
    let safety_flags = plan_flags(&plan, &person);
    Ok(DietPlan {
        plan,
        safety_flags,
        disclaimer: DISCLAIMER.to_string(),
    })
}

/// The plan as a one-day log, so the same safety rules apply.
fn plan_flags(plan: &FoodPlan, person: &SafetyProfile) -> Vec<SafetyFlag> {
    let mut log = DietLog {
        file: "plan".into(),
        days: vec!["plan".into()],
        ..DietLog::default()
    };
    for (i, item) in plan.items.iter().enumerate() {
        log.entries.push(LogEntry {
            line: i + 1,
            day: "plan".into(),
            hour: DEFAULT_HOUR,
            food_id: item.food_id,
            food: item.food.clone(),
            grams: item.grams,
        });
    }
    let day = DayIntake {
        day: "plan".into(),
        grams: plan.total_grams,
        foods: plan.intake_ug.clone(),
        supplements: Intake::new(),
        contributions: Vec::new(),
    };
    check(person, &log, &[day])
}

/// The dose events CSV: what was eaten or taken, and what the model absorbs of it through its
/// PK vehicles (one home for bioavailability: data/model/vitamin-k-params.toml).
fn write_events(path: &Path, s: &link::IntakeSchedule, force: bool) -> AppResult<()> {
    let k = KParamFile::shipped().params;
    let mut out =
        String::from("time_h,vitamer,amount_ug,vehicle,bioavailability,bioavailable_ug\n");
    for e in &s.events {
        let vehicle = inr::vehicle(e.from_food);
        let f = vehicle.relative_f(e.vitamer, &k);
        out += &format!(
            "{},{},{},{},{},{}\n",
            number(e.time_h),
            e.vitamer.key(),
            number(e.amount_ug),
            format!("{vehicle:?}").to_lowercase(),
            number(f),
            number(e.amount_ug * f)
        );
    }
    out += "# bioavailability relative to an oil capsule, from the model's PK (pk.f_food_k1, pk.f_food_mk, pk.f_tablet in data/model/vitamin-k-params.toml; docs/assumptions.md A-model-4)\n";
    if !s.unsplit_k2_ug.is_empty() {
        let ug: f64 = s.unsplit_k2_ug.iter().map(|(_, ug)| ug).sum();
        out += &format!(
            "# not dosed: {} ug of K2 reported without a vitamer split\n",
            number(ug)
        );
    }
    write_file(path, out, force)
}
