//! `b24 completions SHELL`: the shell's completion script for `b24`, on
//! stdout, made by `clap_complete` from the same command definition the
//! parser uses (so it names every subcommand and flag there is).

use std::process::ExitCode;

use clap_complete::Shell;

use super::{output, Outcome};

/// Print a shell completion script for b24.
///
/// For example `b24 completions bash > ~/.local/share/bash-completion/completions/b24`,
/// or `b24 completions zsh > ~/.zfunc/_b24`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The shell to complete in
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: Shell,
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Result<String, String> {
    let mut command = crate::cli::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut command, "b24", &mut bytes);
    String::from_utf8(bytes).map_err(|e| format!("the {shell} script is not UTF-8: {e}"))
}

/// Prints the script.
pub fn run(args: Args) -> Outcome {
    output::print(&script(args.shell)?)?;
    Ok(ExitCode::SUCCESS)
}
