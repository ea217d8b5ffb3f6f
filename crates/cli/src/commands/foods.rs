//! `k2bone foods search|show|add`: the vitamin K food composition database (µg per 100 g by
//! vitamer, each value with its source; "n/m" = not measured, which differs from 0).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use k2bone_app::foods::{FoodSearch, Foods};
use k2bone_app::AppResult;
use k2bone_diet::{Food, Nutrient};
use k2bone_units::Vitamer;

use crate::format::{cell, csv_field, print_json, truncate, Format};

/// Options every `foods` and `diet` command takes.
#[derive(Debug, Args)]
pub struct Common {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,
    /// Directory of the k2bone database (default: $K2BONE_DATA or the user data directory).
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone foods search gouda
  k2bone foods show natto --format json
  k2bone foods add my-foods.csv   (columns: name,food_group,source,<k1|mk4..mk10|k2_unsplit>_ug_per_100g[,aliases,portion_g,portion_label,status])")]
pub struct FoodsArgs {
    #[command(subcommand)]
    command: FoodsCommand,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Subcommand)]
enum FoodsCommand {
    /// Fuzzy search over food names and aliases.
    Search {
        /// Words to look for ("gouda", "egg yolk", "natto").
        query: Vec<String>,
        /// Most results to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Every value of one food, with its source.
    Show {
        /// Food name, alias or id.
        #[arg(value_name = "NAME_OR_ID")]
        food: Vec<String>,
    },
    /// Add foods from a CSV (validated; all rows or none).
    Add {
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
    },
}

const SHOWN: [Nutrient; 10] = Nutrient::ALL;

pub fn run(args: FoodsArgs) -> AppResult<()> {
    let mut foods = Foods::open(args.common.data_dir.as_deref())?;
    let format = args.common.format;
    match args.command {
        FoodsCommand::Search { query, limit } => {
            let s = foods.search(&query.join(" "), limit)?;
            match format {
                Format::Json => print_json(&s)?,
                Format::Csv => print_search_csv(&s),
                Format::Text => print_search(&s),
            }
        }
        FoodsCommand::Show { food } => {
            let d = foods.show(&food.join(" "))?;
            match format {
                Format::Json => print_json(&d)?,
                Format::Csv => {
                    println!("nutrient,ug_per_100g,source,status");
                    for n in SHOWN {
                        match d.food.values.get(n.key()) {
                            Some(v) => println!(
                                "{},{},{},{}",
                                n.key(),
                                v.ug_per_100g,
                                csv_field(&v.source),
                                csv_field(&v.status)
                            ),
                            None => println!("{},,not measured,", n.key()),
                        }
                    }
                }
                Format::Text => print_food(&d.food),
            }
        }
        FoodsCommand::Add { file } => {
            let a = foods.add(&file)?;
            match format {
                Format::Json => print_json(&a)?,
                Format::Csv => {
                    println!("id,name");
                    for f in &a.added {
                        println!("{},{}", f.id, csv_field(&f.name));
                    }
                }
                Format::Text => {
                    println!(
                        "added {} food(s) to {}:",
                        a.added.len(),
                        a.database.display()
                    );
                    for f in &a.added {
                        println!("  {:>6}  {}", f.id, f.name);
                    }
                }
            }
        }
    }
    Ok(())
}

fn print_search_csv(s: &FoodSearch) {
    let keys = SHOWN.map(|n| format!("{}_ug_per_100g", n.key()));
    println!("id,name,food_group,score,{}", keys.join(","));
    for h in &s.results {
        let vals: Vec<String> = SHOWN
            .iter()
            .map(|n| {
                h.food
                    .ug_per_100g(*n)
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect();
        println!(
            "{},{},{},{:.3},{}",
            h.id,
            csv_field(&h.name),
            csv_field(&h.food_group),
            h.score,
            vals.join(",")
        );
    }
}

fn print_search(s: &FoodSearch) {
    if s.results.is_empty() {
        println!("no food matches '{}'", s.query);
        return;
    }
    println!(
        "{:>6}  {:<60} {:>8} {:>8} {:>8} {:>9}   (µg/100 g; n/m = not measured)",
        "id", "food", "K1", "MK-4", "MK-7", "total K2"
    );
    for h in &s.results {
        let v = |n| cell(h.food.ug_per_100g(n));
        println!(
            "{:>6}  {:<60} {:>8} {:>8} {:>8} {:>9}",
            h.id,
            truncate(&h.name, 60),
            v(Nutrient::Vitamer(Vitamer::K1)),
            v(Nutrient::Vitamer(Vitamer::Mk4)),
            v(Nutrient::Vitamer(Vitamer::Mk7)),
            cell(h.food.intake_for_grams(100.0).total_k2())
        );
    }
}

fn print_food(f: &Food) {
    println!(
        "{} (id {}, {}; origin {:?})",
        f.name, f.id, f.food_group, f.origin
    );
    if !f.aliases.is_empty() {
        println!("also called: {}", f.aliases.join(", "));
    }
    println!("\n{:<24} {:>10}  source [status]", "per 100 g", "µg");
    for n in SHOWN {
        match f.values.get(n.key()) {
            Some(v) => println!(
                "{:<24} {:>10.2}  {} [{}]",
                n.label(),
                v.ug_per_100g,
                v.source,
                v.status
            ),
            None => println!("{:<24} {:>10}", n.label(), "not measured"),
        }
    }
    for p in &f.portions {
        println!(
            "\nportion: {} = {} g ({}; {})",
            p.label, p.grams, p.status, p.source
        );
    }
}
