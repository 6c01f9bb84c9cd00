//! `b24`'s command line: one clap derive struct per subcommand (each in
//! its own module under [`crate::commands`], its doc comments are its
//! `--help`), gathered here into [`Cli`] for parsing, dispatch,
//! `b24 help COMMAND`, `--version` and shell completions.
//!
//! Help and the version go to stdout through [`output`], so a closed pipe or
//! a full disk is an error status (2), never a panic nor a success. Usage
//! errors go to stderr with status 2; a command's own error is printed as
//! `b24 COMMAND: message`, status 2.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand};

use crate::commands::{
    call, check, completions, diff, expand, export, import, inspect, new_bindings, output, vendor,
    Outcome,
};

/// What `b24 --help` ends with.
const AFTER_HELP: &str = "\
`b24 COMMAND --help` (or `b24 help COMMAND`) shows a command's options.
Portal commands read $B24_WEBHOOK_URL (or $B24_TOKENS for OAuth) and $B24_DOCS when their flags are not given.";

/// Typed Bitrix24 REST bindings from the method pages: inspect, expand and
/// check pages, diff and vendor reference trees, scaffold a bindings crate,
/// and call, export and import against a portal.
#[derive(Parser, Debug)]
#[command(
    name = "b24",
    version,
    after_help = AFTER_HELP,
    arg_required_else_help = true
)]
pub struct Cli {
    /// The subcommand and its arguments.
    #[command(subcommand)]
    pub command: Command,
}

/// Every subcommand, in help order. Each one's help is the doc comment of
/// its `Args` struct (the first line in the list of commands).
#[derive(Subcommand, Debug)]
pub enum Command {
    // Print the method model read from a page as JSON
    Inspect(inspect::Args),
    // Print the Rust bindings generated from a page
    Expand(expand::Args),
    // Generate every page under DIR, compile all of it in one crate and report per page
    Check(check::Args),
    // What changed between two revisions of the reference, breaking or not
    Diff(diff::Args),
    // Copy the pages of methods (globs on names) and all they read into a crate
    Vendor(vendor::Args),
    // Create a small bindings crate: chosen methods' pages vendored in it, bound by bitrix_api!
    NewBindings(new_bindings::Args),
    // Call any method on the portal and print its result
    Call(call::Args),
    // Write every item of a list method as one JSON line
    Export(export::Args),
    // One call per input line, batched; a report line per input line
    Import(import::Args),
    // Print a shell completion script for b24
    Completions(completions::Args),
}

impl Command {
    /// The name typed after `b24`.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Inspect(_) => "inspect",
            Command::Expand(_) => "expand",
            Command::Check(_) => "check",
            Command::Diff(_) => "diff",
            Command::Vendor(_) => "vendor",
            Command::NewBindings(_) => "new-bindings",
            Command::Call(_) => "call",
            Command::Export(_) => "export",
            Command::Import(_) => "import",
            Command::Completions(_) => "completions",
        }
    }

    /// Runs the command.
    pub fn run(self) -> Outcome {
        match self {
            Command::Inspect(args) => inspect::run(args),
            Command::Expand(args) => expand::run(args),
            Command::Check(args) => check::run(args),
            Command::Diff(args) => diff::run(args),
            Command::Vendor(args) => vendor::run(args),
            Command::NewBindings(args) => new_bindings::run(args),
            Command::Call(args) => call::run(args),
            Command::Export(args) => export::run(args),
            Command::Import(args) => import::run(args),
            Command::Completions(args) => completions::run(args),
        }
    }
}

/// The whole command line as clap knows it: every subcommand with its
/// arguments (for help, completions and tests).
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses `args` (the program's name first) and runs the command: its exit
/// status, with every message already written.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => return refused(&error),
    };
    let name = cli.command.name();
    match cli
        .command
        .run()
        .and_then(|code| output::flush().map(|()| code))
    {
        Ok(code) => code,
        Err(message) => {
            output::note(&format!("b24 {name}: {message}"));
            ExitCode::from(2)
        }
    }
}

/// What clap stopped at: help or the version on stdout (status 0, or 2
/// when stdout cannot be written), a usage error on stderr (status 2).
fn refused(error: &clap::Error) -> ExitCode {
    let text = error.render().to_string();
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => match output::print(&text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                output::note(&format!("b24: {message}"));
                ExitCode::from(2)
            }
        },
        _ => {
            output::note_raw(&text);
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("b24").chain(args.iter().copied()))
    }

    #[test]
    fn the_definition_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn debug_output_never_shows_the_webhook() {
        let url = "https://portal.example.com/rest/1/sekrit-key-123/";
        for args in [
            &["call", "crm.lead.get", "--webhook", url][..],
            &[
                "export",
                "crm.lead.list",
                "--out",
                "x.jsonl",
                "--webhook",
                url,
            ][..],
            &[
                "import",
                "crm.lead.add",
                "--in",
                "a",
                "--report",
                "b",
                "--webhook",
                url,
            ][..],
        ] {
            let cli = parse(args).unwrap();
            let shown = format!("{cli:?} {cli:#?}");
            assert!(!shown.contains("sekrit"), "{shown}");
            assert!(shown.contains(crate::commands::remote::REDACTED), "{shown}");
        }
    }

    #[test]
    fn defaults_and_bounds() {
        let Command::Export(export) = parse(&["export", "m", "--out", "o"]).unwrap().command else {
            panic!("not export")
        };
        assert_eq!(export.ranges, bitrix24::DEFAULT_RANGES);
        for bad in ["0", "65", "many"] {
            let error = parse(&["export", "m", "--out", "o", "--ranges", bad]).unwrap_err();
            assert!(error.to_string().contains("--ranges"), "{error}");
        }
        let error = parse(&["export", "m", "--out", "o", "--resume", "--force"]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ArgumentConflict);
        let Command::Vendor(vendor) = parse(&["vendor", "--update"]).unwrap().command else {
            panic!("not vendor")
        };
        assert_eq!(vendor.into, std::path::Path::new("docs-input"));
        assert!(parse(&["vendor"]).is_err(), "names or --update");
        assert!(parse(&["check", "d", "--examples", "--no-build"]).is_err());
        assert!(parse(&["call", "m", "--timeout", "0"]).is_err());
    }
}
