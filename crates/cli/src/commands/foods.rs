//! `k2bone foods search|show|add`: the vitamin K food composition database (µg per 100 g by
//! vitamer, each value with its source; "n/m" = not measured, which differs from 0).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use k2bone_diet::{DietError, Food, FoodDb, Nutrient};
use k2bone_store::Store;
use serde_json::json;

use crate::exit::bad_input;

/// Output format shared by `foods` and `diet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
}

/// Options every `foods` and `diet` command takes.
#[derive(Debug, Args)]
pub struct Common {
    /// Output format.
    #[arg(long, value_enum, default_value = "text", global = true)]
    pub format: Format,
    /// Directory of the k2bone database (default: $K2BONE_DATA or the user data directory).
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
}

impl Common {
    /// Opens the store (seeding the food table on first use) and loads the foods.
    pub fn open(&self) -> anyhow::Result<(Store, FoodDb)> {
        let mut store = match &self.data_dir {
            Some(d) => Store::open_in(d),
            None => Store::open_default(),
        }
        .context("opening the k2bone database")?;
        let db = FoodDb::open(&mut store).map_err(diet_error)?;
        Ok((store, db))
    }
}

/// Bad input exits 2, anything else 1.
pub fn diet_error(e: DietError) -> anyhow::Error {
    if e.is_bad_input() {
        bad_input(e)
    } else {
        anyhow::Error::new(e)
    }
}

/// "12.3", or "n/m" when not measured.
pub fn cell(v: Option<f64>) -> String {
    v.map_or_else(|| "n/m".to_string(), |v| format!("{v:.1}"))
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

fn per_100g_json(f: &Food) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for n in SHOWN {
        m.insert(n.key().to_string(), json!(f.ug_per_100g(n)));
    }
    m.insert(
        "total_k2".into(),
        json!(f.intake_for_grams(100.0).total_k2()),
    );
    serde_json::Value::Object(m)
}

pub fn run(args: FoodsArgs) -> anyhow::Result<()> {
    let (mut store, db) = args.common.open()?;
    let format = args.common.format;
    match args.command {
        FoodsCommand::Search { query, limit } => {
            let q = query.join(" ");
            if q.trim().is_empty() {
                return Err(bad_input(
                    "give words to search for, e.g. `k2bone foods search gouda`",
                ));
            }
            let hits = db.search(&q, limit);
            match format {
                Format::Json => {
                    let results: Vec<_> = hits
                        .iter()
                        .map(|(f, s)| json!({"id": f.id, "name": f.name, "food_group": f.food_group, "score": s, "per_100g_ug": per_100g_json(f)}))
                        .collect();
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&json!({"query": q, "results": results}))?
                    );
                }
                Format::Csv => {
                    println!(
                        "id,name,food_group,score,{}",
                        SHOWN.map(|n| format!("{}_ug_per_100g", n.key())).join(",")
                    );
                    for (f, s) in &hits {
                        let vals: Vec<String> = SHOWN
                            .iter()
                            .map(|n| f.ug_per_100g(*n).map(|v| v.to_string()).unwrap_or_default())
                            .collect();
                        println!(
                            "{},{},{},{s:.3},{}",
                            f.id,
                            csv_field(&f.name),
                            csv_field(&f.food_group),
                            vals.join(",")
                        );
                    }
                }
                Format::Text => {
                    if hits.is_empty() {
                        println!("no food matches '{q}'");
                    } else {
                        println!("{:>6}  {:<60} {:>8} {:>8} {:>8} {:>9}   (µg/100 g; n/m = not measured)", "id", "food", "K1", "MK-4", "MK-7", "total K2");
                        for (f, _) in &hits {
                            let v = |n| cell(f.ug_per_100g(n));
                            let k2 = cell(f.intake_for_grams(100.0).total_k2());
                            println!(
                                "{:>6}  {:<60} {:>8} {:>8} {:>8} {:>9}",
                                f.id,
                                truncate(&f.name, 60),
                                v(Nutrient::Vitamer(k2bone_units::Vitamer::K1)),
                                v(Nutrient::Vitamer(k2bone_units::Vitamer::Mk4)),
                                v(Nutrient::Vitamer(k2bone_units::Vitamer::Mk7)),
                                k2
                            );
                        }
                    }
                }
            }
        }
        FoodsCommand::Show { food } => {
            let f = db.resolve(&food.join(" ")).map_err(diet_error)?;
            match format {
                Format::Json => {
                    let mut v = serde_json::to_value(f)?;
                    v["per_100g_ug"] = per_100g_json(f);
                    println!("{}", serde_json::to_string_pretty(&v)?);
                }
                Format::Csv => {
                    println!("nutrient,ug_per_100g,source,status");
                    for n in SHOWN {
                        match f.values.get(n.key()) {
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
                Format::Text => print_food(f),
            }
        }
        FoodsCommand::Add { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| bad_input(format!("cannot read {}: {e}", file.display())))?;
            let ids = k2bone_diet::import::add_foods_csv(
                &mut store,
                &db,
                &file.display().to_string(),
                &text,
            )
            .map_err(diet_error)?;
            let db = FoodDb::load(store.conn()).map_err(diet_error)?;
            let added: Vec<_> = ids.iter().filter_map(|id| db.by_id(*id)).collect();
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &json!({"added": added.iter().map(|f| json!({"id": f.id, "name": f.name})).collect::<Vec<_>>()})
                    )?
                ),
                Format::Csv => {
                    println!("id,name");
                    for f in &added {
                        println!("{},{}", f.id, csv_field(&f.name));
                    }
                }
                Format::Text => {
                    println!(
                        "added {} food(s) to {}:",
                        added.len(),
                        store.path().display()
                    );
                    for f in &added {
                        println!("  {:>6}  {}", f.id, f.name);
                    }
                }
            }
        }
    }
    Ok(())
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

/// Quotes a CSV field when needed.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}
