//! Every subcommand clap knows answers `b24 COMMAND --help` (and `-h`, and
//! `b24 help COMMAND`) on stdout with status 0, a usage line and every
//! option it takes, each with its help text, and runs nothing. `--version`
//! answers too, `b24 completions SHELL` prints a script naming every
//! subcommand, and usage errors are status 2 on stderr.

use std::process::{Command, Output};

use b24_cli::cli::command;

fn b24(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_b24"))
        .args(args)
        .env_remove("B24_WEBHOOK_URL")
        .env_remove("B24_DOCS")
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The subcommands (clap's own `help` aside) and their names.
fn subcommands() -> Vec<clap::Command> {
    let subcommands: Vec<clap::Command> = command()
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .cloned()
        .collect();
    assert!(subcommands.len() >= 10, "{subcommands:?}");
    subcommands
}

#[test]
fn every_subcommand_answers_help_with_all_its_options() {
    for sub in subcommands() {
        let name = sub.get_name();
        for flag in ["--help", "-h"] {
            let output = b24(&[name, flag]);
            let text = stdout(&output);
            assert_eq!(output.status.code(), Some(0), "{name} {flag}: {text}");
            assert!(output.stderr.is_empty(), "{name} {flag}: {output:?}");
            assert!(
                text.contains(&format!("Usage: b24 {name}")),
                "{name} {flag}: {text}"
            );
            for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
                let shown = match arg.get_long() {
                    Some(long) => format!("--{long}"),
                    // `<NAME>` when required, `[NAME]...` when not.
                    None => arg.get_value_names().unwrap_or_default().join(" "),
                };
                assert!(text.contains(&shown), "{name} {flag}: no {shown} in {text}");
                if arg.get_id() != "help" {
                    assert!(arg.get_help().is_some(), "{name}: {shown} has no help text");
                }
            }
        }
        assert!(sub.get_about().is_some(), "{name} has no description");
        // `b24 help COMMAND` is the same help.
        let long = stdout(&b24(&[name, "--help"]));
        let output = b24(&["help", name]);
        assert_eq!(output.status.code(), Some(0), "help {name}");
        assert_eq!(stdout(&output), long, "help {name}");
    }
}

#[test]
fn help_after_other_arguments_still_helps_and_runs_nothing() {
    let output = b24(&[
        "export",
        "crm.lead.list",
        "--out",
        "/nonexistent/dir/x.jsonl",
        "--help",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("--resume"));
}

#[test]
fn the_overview_names_every_command_and_points_at_their_help() {
    let output = b24(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("COMMAND --help"), "{text}");
    for sub in subcommands() {
        assert!(text.contains(sub.get_name()), "{text}");
    }
}

#[test]
fn the_version_is_the_crates() {
    for flag in ["--version", "-V"] {
        let output = b24(&[flag]);
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(
            stdout(&output),
            format!("b24 {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn usage_errors_are_status_2_on_stderr() {
    // Nothing at all: the overview, on stderr.
    let output = b24(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage: b24 <COMMAND>"));
    for args in [
        &["no-such-command"][..],
        &["exprot", "crm.lead.list"][..],
        &["inspect"][..],
        &["call", "crm.lead.get", "--no-such-flag"][..],
        &["call", "crm.lead.get", "--webhook"][..],
    ] {
        let output = b24(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(stderr.starts_with("error:"), "{args:?}: {stderr}");
        assert!(stderr.contains("--help"), "{args:?}: {stderr}");
    }
    // A misspelt or repeated flag is named, never the webhook key it carried.
    for args in [
        &["call", "m", "--webhok=https://x.example/rest/1/sekrit-1/"][..],
        &[
            "call",
            "m",
            "--webhook",
            "https://x.example/rest/1/sekrit-1/",
            "--webhook=https://x.example/rest/1/sekrit-2/",
        ][..],
    ] {
        let output = b24(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("--webhook"), "{stderr}");
        assert!(!stderr.contains("sekrit"), "{stderr}");
    }
    // A misspelt command is answered with the right one.
    let output = b24(&["exprot"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("export"));
}

#[test]
fn completions_name_every_subcommand() {
    let output = b24(&["completions", "bash"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let script = stdout(&output);
    assert!(script.contains("_b24()"), "not a bash function: {script}");
    assert!(script.contains("complete -F _b24"), "{script}");
    for sub in subcommands() {
        assert!(script.contains(sub.get_name()), "{}", sub.get_name());
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let output = b24(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        assert!(stdout(&output).contains("new-bindings"), "{shell}");
    }
    assert_eq!(b24(&["completions", "tcsh"]).status.code(), Some(2));
}
