//! `k2bone validate`: simulates the trial results the model was not fitted to and prints
//! simulated vs reported, without refitting.

use std::path::PathBuf;

use clap::Args;
use k2bone_app::validate::{validate, ValidateRequest};
use k2bone_app::{AppResult, Cancel};

use crate::format::{print_json, print_report, Format};
use crate::progress::Bar;

/// Compare the model with trial results it was not calibrated to.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone validate
  k2bone validate --format json")]
pub struct ValidateArgs {
    /// Validation files (default: the shipped data/validation/trials.toml and bone.toml).
    #[arg(long, num_args = 1..)]
    targets: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: ValidateArgs) -> AppResult<()> {
    let format = args.format.no_csv()?;
    let req = ValidateRequest {
        targets: args.targets,
    };
    let v = validate(&req, &Bar::new(format == Format::Json), &Cancel::new())?;
    if format == Format::Json {
        return print_json(&v);
    }
    print_report(&v)
}
