//! `k2bone diet` (not yet implemented).

use clap::Args;

#[derive(Debug, Args)]
pub struct DietArgs {}

pub fn run(_args: DietArgs) -> anyhow::Result<()> {
    anyhow::bail!("`k2bone diet` is not implemented yet")
}
