//! `b24`: the command-line front end of `bitrix24-codegen`.
//!
//! Each command lives in its own module under [`commands`]; adding one means
//! adding a file there and a line to [`commands::COMMANDS`].

use b24_cli::commands;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((name, rest)) = args.split_first() else {
        eprint!("{}", commands::usage());
        return ExitCode::from(2);
    };
    if matches!(name.as_str(), "-h" | "--help" | "help") {
        print!("{}", commands::usage());
        return ExitCode::SUCCESS;
    }
    match commands::find(name) {
        Some(command) => match (command.run)(rest) {
            Ok(code) => code,
            Err(message) => {
                eprintln!("b24 {name}: {message}");
                ExitCode::from(2)
            }
        },
        None => {
            eprintln!("b24: unknown command `{name}`\n");
            eprint!("{}", commands::usage());
            ExitCode::from(2)
        }
    }
}
