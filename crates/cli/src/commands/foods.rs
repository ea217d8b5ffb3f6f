//! `k2bone foods` (not yet implemented).

use clap::Args;

#[derive(Debug, Args)]
pub struct FoodsArgs {}

pub fn run(_args: FoodsArgs) -> anyhow::Result<()> {
    anyhow::bail!("`k2bone foods` is not implemented yet")
}
