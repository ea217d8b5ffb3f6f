//! `k2bone foods search|show|add`: the vitamin K food composition database (µg per 100 g by
//! vitamer, each value with its source; "n/m" = not measured, which differs from 0).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use k2bone_app::foods::Foods;
use k2bone_app::AppResult;

use crate::format::{csv_field, print_json, print_report, Csv, Format};

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

pub fn run(args: FoodsArgs) -> AppResult<()> {
    let mut foods = Foods::open(args.common.data_dir.as_deref())?;
    let format = args.common.format;
    match args.command {
        FoodsCommand::Search { query, limit } => {
            let s = foods.search(&query.join(" "), limit)?;
            match format {
                Format::Json => print_json(&s)?,
                Format::Csv => print_report(&Csv(&s))?,
                Format::Text => print_report(&s)?,
            }
        }
        FoodsCommand::Show { food } => {
            let d = foods.show(&food.join(" "))?;
            match format {
                Format::Json => print_json(&d)?,
                Format::Csv => print_report(&Csv(&d))?,
                Format::Text => print_report(&d)?,
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
