//! `k2bone diet report|plan`: a diet log as µg per day and vitamer with variation, contributors,
//! reference doses and safety flags; a food plan toward a K2 target solved as a linear program.
//! Every output carries the disclaimer.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use k2bone_app::diet::{diet_plan, diet_report, DietPlanRequest, DietReportRequest, SafetyProfile};
use k2bone_app::foods::Foods;
use k2bone_app::inr::UsualDiet;
use k2bone_app::Anticoagulant;
use k2bone_app::AppResult;

use super::foods::Common;
use crate::format::{print_json, print_report, Csv, Format};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone diet report examples/diet/week.csv
  k2bone diet report examples/diet/week.csv --anticoagulant warfarin --format json
  k2bone diet report examples/diet/warfarin-two-weeks.csv --anticoagulant warfarin --inr 2.5
  k2bone diet plan --target-mk7-ug 180 --exclude natto --max-grams-per-day 300
  k2bone diet plan --target-k2-ug 100 --no-dairy --k1-min-ug 90 --k1-max-ug 120")]
pub struct DietArgs {
    #[command(subcommand)]
    command: DietCommand,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct PersonArgs {
    /// Anticoagulant taken: warfarin (coumadin), acenocoumarol (sintrom), phenprocoumon
    /// (marcumar), apixaban, rivaroxaban, dabigatran, edoxaban, or none (the default).
    #[arg(long, value_name = "DRUG", value_parser = taken)]
    anticoagulant: Option<Taken>,
    /// Age in years (under 18 is outside the evidence).
    #[arg(long)]
    age: Option<f64>,
    /// Pregnant (outside the evidence).
    #[arg(long)]
    pregnant: bool,
}

/// `--anticoagulant`: a drug, or `none` as in a scenario file.
#[derive(Debug, Clone, Copy)]
struct Taken(Option<Anticoagulant>);

fn taken(s: &str) -> Result<Taken, String> {
    Anticoagulant::parse_or_none(s).map(Taken)
}

impl PersonArgs {
    fn profile(self) -> SafetyProfile {
        SafetyProfile {
            anticoagulant: self.anticoagulant.and_then(|t| t.0),
            age_years: self.age,
            pregnant: self.pregnant,
        }
    }
}

#[derive(Debug, Subcommand)]
enum DietCommand {
    /// Per-vitamer intake of a diet log (CSV `day,food,grams|portions[,meal,dose]` or TOML meal plan).
    Report {
        #[arg(value_name = "LOG")]
        log: PathBuf,
        #[command(flatten)]
        person: PersonArgs,
        /// Report unknown foods instead of failing (they add nothing and are listed).
        #[arg(long)]
        skip_unknown: bool,
        /// Also write the intake as dose events for the simulation (CSV: time_h,vitamer,amount_ug,...).
        #[arg(long, value_name = "FILE.csv")]
        dose_events: Option<PathBuf>,
        /// Replace an existing --dose-events file.
        #[arg(long, requires = "dose_events")]
        force: bool,
        /// Stable INR on the usual diet (1 < INR <= 6; needs a vitamin K antagonist): predict
        /// the INR course over the log (a model: the INR must be measured).
        #[arg(long, value_name = "INR")]
        inr: Option<f64>,
        /// Which stretch of the log the stable INR was measured on.
        #[arg(long, value_enum, default_value_t = UsualDiet::FirstWeek, requires = "inr")]
        usual: UsualDiet,
    },
    /// Foods and grams per day that reach a vitamin K2 target with the fewest grams.
    Plan {
        /// MK-7 target, µg/day.
        #[arg(long)]
        target_mk7_ug: Option<f64>,
        /// MK-4 target, µg/day.
        #[arg(long)]
        target_mk4_ug: Option<f64>,
        /// Total K2 (MK-4 … MK-10 and unsplit K2) target, µg/day.
        #[arg(long)]
        target_k2_ug: Option<f64>,
        /// Foods to leave out: names, aliases or words ("natto", "liver"); repeat or comma-separate.
        #[arg(long, value_delimiter = ',')]
        exclude: Vec<String>,
        /// Leave out dairy (milk products; eggs stay).
        #[arg(long)]
        no_dairy: bool,
        /// Most grams of any one food per day.
        #[arg(long, default_value_t = 300.0)]
        max_grams_per_day: f64,
        /// Most grams of all plan foods together per day.
        #[arg(long)]
        max_total_grams: Option<f64>,
        /// Keep K1 at or above this, µg/day (steady K1; needs --k1-max-ug).
        #[arg(long, requires = "k1_max_ug")]
        k1_min_ug: Option<f64>,
        /// Keep K1 at or below this, µg/day (steady K1).
        #[arg(long)]
        k1_max_ug: Option<f64>,
        #[command(flatten)]
        person: PersonArgs,
    },
}

pub fn run(args: DietArgs) -> AppResult<()> {
    let foods = Foods::open(args.common.data_dir.as_deref())?;
    let format = args.common.format;
    match args.command {
        DietCommand::Report {
            log,
            person,
            skip_unknown,
            dose_events,
            force,
            inr,
            usual,
        } => {
            let req = DietReportRequest {
                log,
                person: person.profile(),
                skip_unknown,
                dose_events,
                force,
                inr,
                usual,
            };
            let r = diet_report(&foods, &req)?;
            match format {
                Format::Json => print_json(&r)?,
                Format::Csv => print_report(&Csv(&r))?,
                Format::Text => print_report(&r)?,
            }
            Ok(())
        }
        DietCommand::Plan {
            target_mk7_ug,
            target_mk4_ug,
            target_k2_ug,
            exclude,
            no_dairy,
            max_grams_per_day,
            max_total_grams,
            k1_min_ug,
            k1_max_ug,
            person,
        } => {
            let req = DietPlanRequest {
                target_mk7_ug,
                target_mk4_ug,
                target_k2_ug,
                exclude,
                no_dairy,
                max_grams_per_day,
                max_total_grams,
                k1_range_ug: k1_max_ug.map(|hi| (k1_min_ug.unwrap_or(0.0), hi)),
                person: person.profile(),
            };
            let p = diet_plan(&foods, &req)?;
            match format {
                Format::Json => print_json(&p)?,
                Format::Csv => print_report(&Csv(&p))?,
                Format::Text => print_report(&p)?,
            }
            Ok(())
        }
    }
}
