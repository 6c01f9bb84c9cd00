//! `b24`: the command-line front end of `bitrix24-codegen`.
//!
//! Each command lives in its own module under [`commands`]; adding one means
//! adding a file there and a line to [`commands::COMMANDS`]. Commands write
//! through [`commands::output`]: a write that fails (a closed pipe, a full
//! disk) is an error status with a message, never a panic nor a success.

use b24_cli::commands::{self, output};

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = run();
    // A write to stderr that failed could not say so: the status does, as
    // an I/O problem whatever the command's own status was.
    if output::stderr_failed() {
        return ExitCode::from(2);
    }
    code
}

fn run() -> ExitCode {
    b24_cli::logging::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((name, rest)) = args.split_first() else {
        output::note_raw(&commands::usage());
        return ExitCode::from(2);
    };
    if matches!(name.as_str(), "-h" | "--help" | "help") {
        return match output::print(&commands::usage()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                output::note(&format!("b24: {message}"));
                ExitCode::from(2)
            }
        };
    }
    match commands::find(name) {
        Some(command) if commands::asks_for_help(rest) => {
            match output::print(&commands::command_help(command)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    output::note(&format!("b24 {name}: {message}"));
                    ExitCode::from(2)
                }
            }
        }
        Some(command) => {
            match (command.run)(rest).and_then(|code| output::flush().map(|()| code)) {
                Ok(code) => code,
                Err(message) => {
                    output::note(&format!("b24 {name}: {message}"));
                    ExitCode::from(2)
                }
            }
        }
        None => {
            output::note(&format!("b24: unknown command `{name}`\n"));
            output::note_raw(&commands::usage());
            ExitCode::from(2)
        }
    }
}
