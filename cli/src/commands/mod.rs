//! The subcommands. Each is a module with a `run(args)` function; the table
//! below names them for dispatch and help.

use std::process::ExitCode;

pub mod call;
pub mod check;
pub mod diff;
pub mod expand;
pub mod export;
pub mod import;
pub mod inspect;
pub mod output;
pub mod remote;

/// What a command returns: an exit code, or a usage/IO problem to print
/// (a failed write to stdout included: see [`output`]).
pub type Outcome = Result<ExitCode, String>;

/// One subcommand.
pub struct Command {
    /// The name typed after `b24`.
    pub name: &'static str,
    /// Arguments, for the help text.
    pub args: &'static str,
    /// One line of help.
    pub about: &'static str,
    /// Runs it with the arguments after its name.
    pub run: fn(&[String]) -> Outcome,
}

/// Every command, in help order.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "inspect",
        args: "PAGE.md",
        about: "print the method model read from a page as JSON",
        run: inspect::run,
    },
    Command {
        name: "expand",
        args: "PAGE.md",
        about: "print the Rust bindings generated from a page",
        run: expand::run,
    },
    Command {
        name: "check",
        args: "DIR [--json] [--no-build]",
        about: "generate every page under DIR, compile all of it in one crate and report per page",
        run: check::run,
    },
    Command {
        name: "diff",
        args: "OLD_DOCS NEW_DOCS [--json]",
        about: "what changed between two revisions of the reference, breaking or not",
        run: diff::run,
    },
    Command {
        name: "call",
        args: "METHOD [JSON]",
        about: "call any method on the portal and print its result",
        run: call::run,
    },
    Command {
        name: "export",
        args: "METHOD --out FILE [--resume]",
        about: "write every item of a list method as one JSON line",
        run: export::run,
    },
    Command {
        name: "import",
        args: "METHOD --in FILE --report FILE",
        about: "one call per input line, batched; a report line per input line",
        run: import::run,
    },
];

/// The command called `name`.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The help text.
pub fn usage() -> String {
    let mut text = String::from("usage: b24 COMMAND [ARGS]\n\ncommands:\n");
    for command in COMMANDS {
        let left = format!("{} {}", command.name, command.args);
        text.push_str(&format!("  {left:<40} {}\n", command.about));
    }
    text
}

/// The single positional argument of a command that takes one page.
pub fn one_path<'a>(args: &'a [String], what: &str) -> Result<&'a str, String> {
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if let Some(flag) = args.iter().find(|a| a.starts_with("--")) {
        return Err(format!("unknown option `{flag}`"));
    }
    match positional.as_slice() {
        [one] => Ok(one.as_str()),
        [] => Err(format!("expected {what}")),
        _ => Err(format!("expected one {what}, got {}", positional.len())),
    }
}
