//! `k2bone evidence` (not yet implemented).

use clap::Args;

#[derive(Debug, Args)]
pub struct EvidenceArgs {}

pub fn run(_args: EvidenceArgs) -> anyhow::Result<()> {
    anyhow::bail!("`k2bone evidence` is not implemented yet")
}
