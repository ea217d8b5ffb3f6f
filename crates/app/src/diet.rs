//! Diet logs and food plans as use cases (`k2bone diet`): a log as µg per day and vitamer with
//! variation, contributors, reference doses and safety flags; a plan of foods and grams toward a
//! vitamin K2 target (a linear program), checked by the same safety rules.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use k2bone_diet::log::{read_log, DayIntake, DietLog, LogEntry, DEFAULT_HOUR};
use k2bone_diet::plan::{suggest, FoodPlan, PlanOptions, Target};
use k2bone_diet::report::{build, DietReport};
use k2bone_diet::safety::{check, Anticoagulant, Person, SafetyFlag};
use k2bone_diet::{link, Intake};
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_units::Vitamer;

use crate::error::write_output;
use crate::foods::Foods;
use crate::{AppError, AppResult};

/// What the safety rules need to know about the person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SafetyProfile {
    pub anticoagulant: Option<Anticoagulant>,
    /// Age, years (under 18 is outside the evidence).
    pub age_years: Option<f64>,
    /// Pregnant (outside the evidence).
    pub pregnant: bool,
}

impl SafetyProfile {
    fn person(&self) -> AppResult<Person> {
        if let Some(a) = self
            .age_years
            .filter(|a| !a.is_finite() || *a < 0.0 || *a > 130.0)
        {
            return Err(AppError::bad_input(format!(
                "--age {a} is out of range (accepted: 0 to 130 years)"
            )));
        }
        Ok(Person {
            anticoagulant: self.anticoagulant,
            age_years: self.age_years,
            pregnant: self.pregnant,
        })
    }
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
}

/// The report of a diet log (`diet report --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DietLogReport {
    #[serde(flatten)]
    pub report: DietReport,
    pub disclaimer: String,
}

/// Reads a diet log and reports its intake.
pub fn diet_report(foods: &Foods, req: &DietReportRequest) -> AppResult<DietLogReport> {
    let person = req.person.person()?;
    let log = read_log(&foods.db, &req.log, req.skip_unknown)?;
    let report = build(&foods.db, &log, &person);
    if let Some(path) = &req.dose_events {
        write_events(path, &link::from_log(&foods.db, &log))?;
    }
    Ok(DietLogReport {
        report,
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
    let person = req.person.person()?;
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
fn plan_flags(plan: &FoodPlan, person: &Person) -> Vec<SafetyFlag> {
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

fn write_events(path: &Path, s: &link::IntakeSchedule) -> AppResult<()> {
    let mut out = String::from("time_h,vitamer,amount_ug,bioavailability,bioavailable_ug\n");
    for e in &s.events {
        out += &format!(
            "{},{},{},{},{}\n",
            e.time_h,
            e.vitamer.key(),
            e.amount_ug,
            e.bioavailability,
            e.bioavailable_ug
        );
    }
    out += &format!("# {}\n", s.basis);
    write_output(path, out)
}
