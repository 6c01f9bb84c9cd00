//! The subcommands. Each is a module with an `Args` struct (its flags, a
//! clap derive whose doc comments are its `--help`) and a `run(Args)`
//! function; [`crate::cli`] names them for dispatch.

use std::process::ExitCode;

pub mod call;
pub mod check;
pub mod completions;
pub mod diff;
pub mod expand;
pub mod export;
pub mod import;
pub mod inspect;
pub mod new_bindings;
pub mod output;
pub mod pages;
pub mod progress;
pub mod remote;
pub mod vendor;

/// What a command returns: an exit code, or a usage/IO problem to print
/// (a failed write to stdout included: see [`output`]).
pub type Outcome = Result<ExitCode, String>;
