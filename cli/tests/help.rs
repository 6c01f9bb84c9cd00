//! `b24 COMMAND --help` (and `-h`) works for every command: usage, what it
//! does and its options on stdout, status 0, nothing run.

use std::process::Command;

use b24_cli::commands::COMMANDS;

#[test]
fn every_command_answers_help() {
    for command in COMMANDS {
        for flag in ["--help", "-h"] {
            let output = Command::new(env!("CARGO_BIN_EXE_b24"))
                .args([command.name, flag])
                .env_remove("B24_WEBHOOK_URL")
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{} {flag}: {stdout}",
                command.name
            );
            assert!(
                stdout.starts_with(&format!("usage: b24 {} ", command.name)),
                "{} {flag}: {stdout}",
                command.name
            );
            assert!(stdout.contains("options:"), "{stdout}");
        }
    }
}

#[test]
fn help_after_other_arguments_still_helps_and_runs_nothing() {
    let output = Command::new(env!("CARGO_BIN_EXE_b24"))
        .args([
            "export",
            "crm.lead.list",
            "--out",
            "/nonexistent/dir/x.jsonl",
            "--help",
        ])
        .env_remove("B24_WEBHOOK_URL")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("--resume"));
}

#[test]
fn the_overview_points_at_command_help() {
    let output = Command::new(env!("CARGO_BIN_EXE_b24"))
        .arg("--help")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("COMMAND --help"), "{stdout}");
    for command in COMMANDS {
        assert!(stdout.contains(command.name), "{stdout}");
    }
}
