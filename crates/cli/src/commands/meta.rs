//! `k2bone meta`: meta-analysis of a CSV of studies with metafor's conventions (effect sizes by
//! `escalc`, models by `rma`, `rma.mh`, `rma.peto`), printed as a report or as one JSON object,
//! with optional subgroups, meta-regression, sensitivity analyses, small-study tests and plots.

use std::path::PathBuf;

use clap::Args;
use k2bone_app::meta::{meta_analysis, CsvInput, MetaRequest, PoolingMethod};
use k2bone_app::AppResult;
use k2bone_app::{Measure, Test};

use crate::format::{print_json, print_report, Format};

#[derive(Debug, Args)]
#[command(
    after_help = "Input: a CSV with a `study` column and either yi,vi (GEN), m1i,sd1i,n1i,m2i,sd2i,n2i (MD, SMD)
or ai,bi,ci,di (OR, RR, RD: events/non-events, treatment then control). Other columns can be used
with --by and --mods. Ratio measures are analysed and reported in JSON on the log scale.

Examples:
  k2bone meta studies.csv --measure SMD --method REML
  k2bone meta trials.csv --measure OR --method DL --test knha --forest forest.png
  k2bone meta trials.csv --measure RR --method MH
  k2bone meta trials.csv --measure OR --by alloc --mods ablat,year --loo --egger --trimfill --format json"
)]
pub struct MetaArgs {
    /// The CSV of studies.
    #[arg(value_name = "FILE.csv")]
    file: PathBuf,
    /// Effect-size measure (GEN: precomputed yi, vi).
    #[arg(long, value_enum, ignore_case = true)]
    measure: Measure,
    /// tau² estimator, or MH / PETO for 2x2 tables.
    #[arg(long, value_enum, ignore_case = true, default_value_t = PoolingMethod::REML)]
    method: PoolingMethod,
    /// Inference: z (Wald) or knha (Knapp-Hartung).
    #[arg(long, value_enum, ignore_case = true, default_value_t = Test::Z)]
    test: Test,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Confidence level in percent.
    #[arg(long, default_value_t = 95.0)]
    level: f64,
    /// Mantel-Haenszel (same as --method MH).
    #[arg(long, conflicts_with = "peto")]
    mh: bool,
    /// Peto odds ratio (same as --method PETO).
    #[arg(long)]
    peto: bool,
    /// Column with subgroup labels: fits per subgroup and the between-subgroup Q test.
    #[arg(long, value_name = "COLUMN")]
    by: Option<String>,
    /// Moderator columns for a meta-regression (numeric or categorical), comma-separated.
    #[arg(long, value_name = "COL,COL", value_delimiter = ',')]
    mods: Vec<String>,
    /// Leave-one-out analysis.
    #[arg(long)]
    loo: bool,
    /// Cumulative analysis in file order.
    #[arg(long)]
    cumulative: bool,
    /// Egger's regression test (metafor regtest, and the classic lm version).
    #[arg(long)]
    egger: bool,
    /// Trim-and-fill (L0).
    #[arg(long)]
    trimfill: bool,
    /// Write a forest plot (.svg or .png).
    #[arg(long, value_name = "FILE")]
    forest: Option<PathBuf>,
    /// Write a funnel plot (.svg or .png).
    #[arg(long, value_name = "FILE")]
    funnel: Option<PathBuf>,
}

pub fn run(args: MetaArgs) -> AppResult<()> {
    let format = args.format.no_csv()?;
    let method = match (args.mh, args.peto) {
        (true, _) => PoolingMethod::MH,
        (_, true) => PoolingMethod::PETO,
        _ => args.method,
    };
    let req = MetaRequest {
        data: CsvInput::File(args.file),
        measure: args.measure,
        method,
        test: args.test,
        level: args.level,
        by: args.by,
        mods: args.mods,
        leave_one_out: args.loo,
        cumulative: args.cumulative,
        egger: args.egger,
        trimfill: args.trimfill,
        forest: args.forest,
        funnel: args.funnel,
    };
    let m = meta_analysis(&req)?;
    if format == Format::Json {
        return print_json(&m);
    }
    print_report(&m)?;
    Ok(())
}
