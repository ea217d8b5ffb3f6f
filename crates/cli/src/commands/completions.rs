//! `k2bone completions SHELL`: prints a completion script for bash, zsh, fish, elvish or
//! PowerShell to stdout.

use clap::{Args, CommandFactory};
use clap_complete::Shell;
use k2bone_app::AppResult;

/// Print a shell completion script.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  k2bone completions bash > ~/.local/share/bash-completion/completions/k2bone
  k2bone completions zsh > ~/.zfunc/_k2bone
  k2bone completions fish > ~/.config/fish/completions/k2bone.fish")]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: CompletionsArgs) -> AppResult<()> {
    let mut cmd = crate::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "k2bone", &mut std::io::stdout());
    Ok(())
}
