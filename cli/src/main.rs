//! `b24`: the command-line front end of `bitrix24-codegen`.
//!
//! The command line is [`b24_cli::cli`]: a clap struct per subcommand, each
//! in its own module under `b24_cli::commands`. Commands write through
//! `commands::output`: a write that fails (a closed pipe, a full disk) is an
//! error status with a message, never a panic nor a success.

use b24_cli::commands::output;

use std::process::ExitCode;

fn main() -> ExitCode {
    b24_cli::logging::init();
    let code = b24_cli::cli::run(std::env::args_os());
    // A write to stderr that failed could not say so: the status does, as
    // an I/O problem whatever the command's own status was.
    if output::stderr_failed() {
        return ExitCode::from(2);
    }
    code
}
