//! `k2bone simulate` (not yet implemented).

use clap::Args;

#[derive(Debug, Args)]
pub struct SimulateArgs {}

pub fn run(_args: SimulateArgs) -> anyhow::Result<()> {
    anyhow::bail!("`k2bone simulate` is not implemented yet")
}
