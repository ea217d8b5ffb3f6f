//! `k2bone diet report|plan`: a diet log as µg per day and vitamer with variation, contributors,
//! reference doses and safety flags; a food plan toward a K2 target solved as a linear program.
//! Every output carries the disclaimer.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use k2bone_diet::log::{read_log, DietLog, LogEntry, DEFAULT_HOUR};
use k2bone_diet::plan::{suggest, FoodPlan, PlanOptions, Target};
use k2bone_diet::report::{build, total_k, DietReport};
use k2bone_diet::safety::{check, Anticoagulant, Person, SafetyFlag};
use k2bone_diet::{link, Intake};
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_units::Vitamer;
use serde_json::json;

use super::foods::{cell, csv_field, diet_error, Common, Format};
use crate::exit::bad_input;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone diet report examples/diet/week.csv
  k2bone diet report examples/diet/week.csv --anticoagulant warfarin --format json
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
    /// Anticoagulant taken: warfarin, acenocoumarol, phenprocoumon, apixaban, rivaroxaban, dabigatran, edoxaban.
    #[arg(long)]
    anticoagulant: Option<String>,
    /// Age in years (under 18 is outside the evidence).
    #[arg(long)]
    age: Option<f64>,
    /// Pregnant (outside the evidence).
    #[arg(long)]
    pregnant: bool,
}

impl PersonArgs {
    fn person(&self) -> anyhow::Result<Person> {
        let anticoagulant = self
            .anticoagulant
            .as_deref()
            .map(str::parse::<Anticoagulant>)
            .transpose()
            .map_err(bad_input)?;
        if let Some(a) = self
            .age
            .filter(|a| !a.is_finite() || *a < 0.0 || *a > 130.0)
        {
            return Err(bad_input(format!(
                "--age {a} is out of range (accepted: 0 to 130 years)"
            )));
        }
        Ok(Person {
            anticoagulant,
            age_years: self.age,
            pregnant: self.pregnant,
        })
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

pub fn run(args: DietArgs) -> anyhow::Result<()> {
    let (_store, db) = args.common.open()?;
    let format = args.common.format;
    match args.command {
        DietCommand::Report {
            log,
            person,
            skip_unknown,
            dose_events,
        } => {
            let person = person.person()?;
            let log = read_log(&db, &log, skip_unknown).map_err(diet_error)?;
            let report = build(&db, &log, &person);
            if let Some(path) = dose_events {
                write_events(&path, &link::from_log(&db, &log))?;
            }
            match format {
                Format::Json => {
                    let mut v = serde_json::to_value(&report)?;
                    v["disclaimer"] = json!(DISCLAIMER);
                    println!("{}", serde_json::to_string_pretty(&v)?);
                }
                Format::Csv => print_report_csv(&report),
                Format::Text => print_report(&report),
            }
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
            let person = person.person()?;
            let mut targets_ug = Vec::new();
            for (t, v) in [
                (Target::Vitamer(Vitamer::Mk7), target_mk7_ug),
                (Target::Vitamer(Vitamer::Mk4), target_mk4_ug),
                (Target::TotalK2, target_k2_ug),
            ] {
                if let Some(v) = v {
                    targets_ug.push((t, v));
                }
            }
            let k1_range_ug = k1_max_ug.map(|hi| (k1_min_ug.unwrap_or(0.0), hi));
            let options = PlanOptions {
                targets_ug,
                exclude,
                no_dairy,
                max_grams_per_food: max_grams_per_day,
                max_total_grams,
                k1_range_ug,
            };
            let plan = suggest(&db, &options).map_err(diet_error)?;
            let flags = plan_flags(&plan, &person);
            print_plan(&plan, &flags, format);
        }
    }
    Ok(())
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
    let day = k2bone_diet::log::DayIntake {
        day: "plan".into(),
        grams: plan.total_grams,
        foods: plan.intake_ug.clone(),
        supplements: Intake::new(),
        contributions: Vec::new(),
    };
    check(person, &log, &[day])
}

fn other_k2(i: &Intake) -> Option<f64> {
    i.total_k2().map(|t| {
        t - i.vitamer(Vitamer::Mk4).unwrap_or(0.0) - i.vitamer(Vitamer::Mk7).unwrap_or(0.0)
    })
}

fn row(label: &str, i: &Intake) -> String {
    format!(
        "{label:<14} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10}",
        cell(i.vitamer(Vitamer::K1)),
        cell(i.vitamer(Vitamer::Mk4)),
        cell(i.vitamer(Vitamer::Mk7)),
        cell(other_k2(i)),
        cell(i.total_k2()),
        cell(total_k(i))
    )
}

fn print_flags(flags: &[SafetyFlag]) {
    if flags.is_empty() {
        return;
    }
    println!("\nSafety:");
    for f in flags {
        println!(
            "  [{:?}] {}: {}\n      {}\n      source: {}",
            f.severity, f.rule, f.finding, f.advice, f.source
        );
    }
}

fn print_report(r: &DietReport) {
    println!("Diet report: {} ({} day(s))\n", r.file, r.days.len());
    println!(
        "{:<14} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10}",
        "µg per day", "K1", "MK-4", "MK-7", "other K2", "total K2", "K1 + K2"
    );
    for d in &r.days {
        println!("{}", row(&d.day, &d.ug));
    }
    println!("{}", row("mean", &r.mean_per_day_ug));
    let var = |k: &str| &r.variation[k];
    let line = |label: &str, f: &dyn Fn(&str) -> Option<f64>| {
        println!(
            "{label:<14} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10}",
            cell(f("k1")),
            cell(f("mk4")),
            cell(f("mk7")),
            "",
            cell(f("total_k2")),
            cell(f("total_k"))
        );
    };
    line("SD", &|k| var(k).sd_ug);
    line("largest swing", &|k| var(k).largest_swing_ug);
    println!("(n/m = not measured in any food eaten; \"other K2\" = MK-5, MK-6, MK-8 … MK-10 and K2 reported without a split)");
    if !r.not_measured.is_empty() {
        println!("\nNot measured (amounts above are lower bounds):");
        // Vitamers missing from the same foods share a line.
        let mut groups: Vec<(Vec<&str>, &k2bone_diet::report::NotMeasured)> = Vec::new();
        for n in &r.not_measured {
            match groups.iter_mut().find(|(_, g)| g.foods == n.foods) {
                Some((keys, _)) => keys.push(n.nutrient),
                None => groups.push((vec![n.nutrient], n)),
            }
        }
        for (keys, n) in groups {
            let shown: Vec<&str> = n.foods.iter().take(4).map(String::as_str).collect();
            let more = if n.foods.len() > 4 {
                format!(" and {} more", n.foods.len() - 4)
            } else {
                String::new()
            };
            println!(
                "  {} in {:.0} g: {}{more}",
                keys.join(", "),
                n.grams,
                shown.join("; ")
            );
        }
    }
    println!("\nTop contributors (K1 + K2 per day):");
    for c in &r.top_contributors {
        println!(
            "  {:>8.1} µg  {:>7.1} g/day  {}",
            c.total_k_ug_per_day, c.grams_per_day, c.food
        );
    }
    println!("\nCompared with:");
    for c in &r.comparisons {
        let pct = c.percent_of_reference.map_or("n/m".to_string(), |p| {
            if p < 0.01 {
                "< 0.01 %".to_string()
            } else if p < 1.0 {
                format!("{p:.2} %")
            } else {
                format!("{p:.1} %")
            }
        });
        println!(
            "  {:<48} {:>9.0} µg/d  mean {:>9}  = {pct:>9}\n      {}",
            c.reference.name,
            c.reference.ug_per_day,
            cell(c.mean_ug_per_day),
            c.reference.source
        );
    }
    if !r.unknown_foods.is_empty() {
        println!("\nUnknown foods (not counted):");
        for u in &r.unknown_foods {
            println!("  {u}");
        }
    }
    print_flags(&r.safety_flags);
    println!("\n{DISCLAIMER}");
}

const KEYS: [&str; 10] = [
    "k1",
    "mk4",
    "mk5",
    "mk6",
    "mk7",
    "mk8",
    "mk9",
    "mk10",
    "k2_unsplit",
    "total_k2",
];

fn csv_values(i: &Intake) -> String {
    let vals = i.report_values();
    let mut out: Vec<String> = KEYS
        .iter()
        .map(|k| {
            vals.iter()
                .find(|(kk, _)| kk == k)
                .and_then(|(_, v)| *v)
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect();
    out.push(total_k(i).map(|v| v.to_string()).unwrap_or_default());
    out.join(",")
}

fn print_report_csv(r: &DietReport) {
    println!(
        "day,grams,{},total_k (ug; empty = not measured)",
        KEYS.map(|k| k.to_string()).join(",")
    );
    for d in &r.days {
        println!("{},{},{}", csv_field(&d.day), d.grams, csv_values(&d.ug));
    }
    println!("mean,,{}", csv_values(&r.mean_per_day_ug));
    println!("# {DISCLAIMER}");
}

fn print_plan(plan: &FoodPlan, flags: &[SafetyFlag], format: Format) {
    match format {
        Format::Json => {
            let mut v = serde_json::to_value(plan).unwrap_or_default();
            v["safety_flags"] = json!(flags);
            v["disclaimer"] = json!(DISCLAIMER);
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Format::Csv => {
            println!(
                "food_id,food,grams,{},total_k",
                KEYS.map(|k| format!("{k}_ug")).join(",")
            );
            for i in &plan.items {
                println!(
                    "{},{},{},{}",
                    i.food_id,
                    csv_field(&i.food),
                    i.grams,
                    csv_values(&i.ug)
                );
            }
            println!(
                ",total,{},{}",
                plan.total_grams,
                csv_values(&plan.intake_ug)
            );
            println!("# {DISCLAIMER}");
        }
        Format::Text => {
            println!(
                "Food plan (per day, fewest grams; {} candidate foods):\n",
                plan.candidates
            );
            println!(
                "{:>8}  {:<50} {:>9} {:>9} {:>9} {:>10}",
                "grams", "food", "K1", "MK-4", "MK-7", "total K2"
            );
            for i in &plan.items {
                println!(
                    "{:>8.1}  {:<50} {:>9} {:>9} {:>9} {:>10}",
                    i.grams,
                    i.food,
                    cell(i.ug.vitamer(Vitamer::K1)),
                    cell(i.ug.vitamer(Vitamer::Mk4)),
                    cell(i.ug.vitamer(Vitamer::Mk7)),
                    cell(i.ug.total_k2())
                );
            }
            let t = &plan.intake_ug;
            println!(
                "{:>8.1}  {:<50} {:>9} {:>9} {:>9} {:>10}",
                plan.total_grams,
                "total (µg/day)",
                cell(t.vitamer(Vitamer::K1)),
                cell(t.vitamer(Vitamer::Mk4)),
                cell(t.vitamer(Vitamer::Mk7)),
                cell(t.total_k2())
            );
            print_flags(flags);
            println!("\n{DISCLAIMER}");
        }
    }
}

fn write_events(path: &std::path::Path, s: &link::IntakeSchedule) -> anyhow::Result<()> {
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
    std::fs::write(path, out).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
}
