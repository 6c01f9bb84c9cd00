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
pub mod pages;
pub mod progress;
pub mod remote;
pub mod vendor;

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
    /// The options, one per line, for `b24 COMMAND --help`.
    pub options: &'static str,
    /// Runs it with the arguments after its name.
    pub run: fn(&[String]) -> Outcome,
}

/// The connection options every portal command takes, for its help.
macro_rules! connection_help {
    () => {
        "\nconnection (portal commands):\n  --webhook URL        the webhook to call (else $B24_WEBHOOK_URL)\n  --tokens FILE        OAuth instead: the token file, renewed pairs saved back (else $B24_TOKENS)\n  --portal URL         OAuth: the portal's address (else $B24_PORTAL)\n  --client-id ID       OAuth: the application's client id (else $B24_CLIENT_ID); its secret is read from $B24_CLIENT_SECRET only\n  --token-endpoint URL OAuth: where tokens renew (default https://oauth.bitrix.info/oauth/token/)\n  --rate-limit B/S     the portal's bucket: burst/rate per second, e.g. 50/2 (else $B24_RATE_LIMIT)\n  --timeout SECS       give up on one attempt after SECS\n  --deadline SECS      give up on the whole call, retries included, after SECS\n  --docs DIR           method pages, to check parameters and know if a call may be repeated (else $B24_DOCS)\nRUST_LOG (e.g. debug) shows the runtime's spans on stderr, keys and tokens masked"
    };
}

/// Every command, in help order.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "inspect",
        args: "PAGE.md",
        about: "print the method model read from a page as JSON",
        options: "  (none)",
        run: inspect::run,
    },
    Command {
        name: "expand",
        args: "PAGE.md",
        about: "print the Rust bindings generated from a page",
        options: "  (none)",
        run: expand::run,
    },
    Command {
        name: "check",
        args: "DIR [--json] [--no-build] [--examples]",
        about: "generate every page under DIR, compile all of it in one crate and report per page",
        options: "  --json        one JSON document: pages, problems, downgrades, examples, summary\n  --no-build    parse and generate only, do not compile\n  --examples    also run every page's own examples through its bindings",
        run: check::run,
    },
    Command {
        name: "diff",
        args: "OLD_DOCS NEW_DOCS [--json]",
        about: "what changed between two revisions of the reference, breaking or not",
        options: "  --json        one JSON document: added, removed, moved, changed, summary",
        run: diff::run,
    },
    Command {
        name: "vendor",
        args: "NAME... --docs DOCS [--into DIR] [--update]",
        about: "copy the pages of methods (globs on names) and all they read into a crate",
        options: "  --docs DIR    the docs tree to copy from (else $B24_DOCS)\n  --into DIR    the crate's folder of pages (default docs-input); it becomes a docs root\n  --update      vendor the manifest's methods again from DOCS and report what changed\n  --json        one JSON document: methods, files and, with --update, the changes\nnames: method names or globs: `*` any run of characters (dots too), `?` one, case ignored",
        run: vendor::run,
    },
    Command {
        name: "call",
        args: "METHOD [JSON]",
        about: "call any method on the portal and print its result",
        options: concat!("  --idempotent  the call is safe to repeat: retry it after a lost answer\n  --envelope    print the whole answer (result, total, next, time), not only `result`", connection_help!()),
        run: call::run,
    },
    Command {
        name: "export",
        args: "METHOD --out FILE [--resume]",
        about: "write every item of a list method as one JSON line",
        options: concat!("  --out FILE            the JSON-lines file to write (required)\n  --filter JSON         a filter object, e.g. '{\">ID\": 100}'\n  --select F,..         the fields to ask for\n  --resume              go on from the last complete line of FILE\n  --force               overwrite FILE when it exists\n  --count               spend one request to learn the total, for the progress line\n  --ranges N            ID ranges fetched at once, 1 to 64 (default 8; 1: one request after another)\n  --id-field ID         the items' ID field (else from the method's page)\n  --items-key KEY       where the list sits in `result` (else from the method's page)\n  --quiet               no progress line", connection_help!()),
        run: export::run,
    },
    Command {
        name: "import",
        args: "METHOD --in FILE --report FILE",
        about: "one call per input line, batched; a report line per input line",
        options: concat!("  --in FILE             one JSON object of parameters per line (required)\n  --report FILE         one JSON line per input line: ok, error or unknown (required)\n  --resume              retry only the lines the report does not show as done\n  --retry-unknown       with --resume, also retry lines whose outcome is unknown\n  --batch-size N        commands per batch request (at most 50)\n  --concurrency N       batch requests in flight\n  --quiet               no progress line", connection_help!()),
        run: import::run,
    },
];

/// The help of one command: usage, what it does, its options.
pub fn command_help(command: &Command) -> String {
    format!(
        "usage: b24 {} {}\n\n{}\n\noptions:\n{}\n",
        command.name, command.args, command.about, command.options
    )
}

/// Whether the arguments ask for help (`-h`, `--help`) before any `--`.
pub fn asks_for_help(args: &[String]) -> bool {
    args.iter()
        .take_while(|a| a.as_str() != "--")
        .any(|a| matches!(a.as_str(), "-h" | "--help"))
}

/// The command called `name`.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The help text.
pub fn usage() -> String {
    let mut text = String::from(
        "usage: b24 COMMAND [ARGS]   (b24 COMMAND --help for its options)\n\ncommands:\n",
    );
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
