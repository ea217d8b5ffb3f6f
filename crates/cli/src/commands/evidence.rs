//! `k2bone evidence`: the vitamin K trial database (list, show, import), meta-analysis of one
//! outcome from it (analyze), and the published K2 meta-analyses re-run from it (reproduce).
//! The database lives in `--data-dir`, else `K2BONE_DATA`, else the user data directory, and is
//! seeded from the shipped `data/evidence/trials.csv` on first use.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use k2bone_app::evidence::{analyze, published, reproduce, AnalyzeRequest, TrialDb};
use k2bone_app::meta::PoolingMethod;
use k2bone_app::TrialFilter;
use k2bone_app::{AppError, AppResult};
use k2bone_app::{Measure, Test};

use crate::format::{outln, print_json, print_report, Format};

#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// Directory of the database (default: $K2BONE_DATA, else the user data directory).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(subcommand)]
    command: EvidenceCommand,
}

#[derive(Debug, Subcommand)]
enum EvidenceCommand {
    /// List trial rows (one per study, outcome and time point).
    List {
        /// Only this outcome, e.g. bmd_lumbar_pct_change, vertebral_fracture.
        #[arg(long)]
        outcome: Option<String>,
        /// Only this vitamer: K1, MK-4, MK-7.
        #[arg(long)]
        k_form: Option<String>,
    },
    /// Every row and source of one study.
    Show {
        /// Study id, e.g. shiraki_2000.
        study_id: String,
    },
    /// Import trials from a CSV (the columns of data/evidence/trials.csv); all rows or none.
    Import {
        /// The CSV file.
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
    },
    /// Delete imported rows of a study (all, or one outcome and/or time point); shipped rows stay.
    Delete {
        /// Study id of the imported rows.
        study_id: String,
        /// Only the rows of this outcome.
        #[arg(long)]
        outcome: Option<String>,
        /// Only the rows at this time point, months.
        #[arg(long)]
        timepoint_months: Option<f64>,
    },
    /// Meta-analysis of one outcome over the trials in the database.
    Analyze(AnalyzeArgs),
    /// Re-run a published K2 meta-analysis and print it beside the published result.
    Reproduce {
        /// Analysis name (see --list).
        name: Option<String>,
        /// List the published analyses.
        #[arg(long)]
        list: bool,
        /// Drop trials under integrity concerns (e.g. the Sato trials) first.
        #[arg(long)]
        exclude_integrity_concerns: bool,
        /// Targets file instead of the shipped data/evidence/published.toml.
        #[arg(long, value_name = "FILE.toml")]
        published: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct AnalyzeArgs {
    /// Outcome, e.g. bmd_lumbar_pct_change or vertebral_fracture.
    #[arg(long)]
    outcome: String,
    /// Time point in months (default: each study's latest).
    #[arg(long)]
    timepoint_months: Option<f64>,
    /// MD or SMD for continuous outcomes; OR, RR or RD for fractures (default MD / OR).
    #[arg(long, value_enum, ignore_case = true)]
    measure: Option<Measure>,
    /// tau² estimator, or MH / PETO for fractures.
    #[arg(long, value_enum, ignore_case = true, default_value_t = PoolingMethod::REML)]
    method: PoolingMethod,
    /// z or knha.
    #[arg(long, value_enum, ignore_case = true, default_value_t = Test::Z)]
    test: Test,
    /// Subgroups by a trial column: k_form, control, country, co_treatment, provenance, ...
    #[arg(long, value_name = "COLUMN")]
    by: Option<String>,
    /// Write a forest plot (.svg or .png).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Drop trials under integrity concerns.
    #[arg(long)]
    exclude_integrity_concerns: bool,
    /// Keep trials with an active comparator (left out by default).
    #[arg(long)]
    include_active: bool,
}

pub fn run(args: EvidenceArgs) -> AppResult<()> {
    let format = args.format.no_csv()?;
    let json = format == Format::Json;
    let mut db = TrialDb::open(args.data_dir.as_deref())?;
    match args.command {
        EvidenceCommand::List { outcome, k_form } => {
            let rows = db.list(&TrialFilter {
                outcome,
                k_form,
                study_id: None,
            })?;
            if json {
                return print_json(&rows);
            }
            print_report(&rows)?;
        }
        EvidenceCommand::Show { study_id } => {
            let rows = db.show(&study_id)?;
            if json {
                return print_json(&rows);
            }
            print_report(&rows)?;
        }
        EvidenceCommand::Import { file } => {
            let i = db.import(&file)?;
            outln!(
                "imported {} trial rows from {} into {}",
                i.rows,
                i.file.display(),
                i.database.display()
            );
        }
        EvidenceCommand::Delete {
            study_id,
            outcome,
            timepoint_months,
        } => {
            let d = db.delete(&study_id, outcome.as_deref(), timepoint_months)?;
            if json {
                return print_json(&d);
            }
            outln!(
                "deleted {} imported row(s) of {} from {}",
                d.rows,
                k2bone_app::printable(&d.study_id),
                d.database.display()
            );
        }
        EvidenceCommand::Analyze(a) => {
            let req = AnalyzeRequest {
                outcome: a.outcome,
                timepoint_months: a.timepoint_months,
                measure: a.measure,
                method: a.method,
                test: a.test,
                by: a.by,
                plot: a.plot,
                exclude_integrity_concerns: a.exclude_integrity_concerns,
                include_active: a.include_active,
            };
            let r = analyze(&db, &req)?;
            if json {
                return print_json(&r);
            }
            print_report(&r)?;
        }
        EvidenceCommand::Reproduce {
            name,
            list,
            exclude_integrity_concerns,
            published: file,
        } => {
            let all = published(file.as_deref())?;
            if list {
                if json {
                    return print_json(&all);
                }
                print_report(&all)?;
                return Ok(());
            }
            let name = name.ok_or_else(|| {
                AppError::bad_input("give an analysis NAME, or --list to see them")
            })?;
            let r = reproduce(&db, &all, &name, exclude_integrity_concerns)?;
            if json {
                return print_json(&r);
            }
            print_report(&r)?;
        }
    }
    Ok(())
}
