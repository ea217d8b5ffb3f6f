//! `k2bone meta` (not yet implemented).

use clap::Args;

#[derive(Debug, Args)]
pub struct MetaArgs {}

pub fn run(_args: MetaArgs) -> anyhow::Result<()> {
    anyhow::bail!("`k2bone meta` is not implemented yet")
}
