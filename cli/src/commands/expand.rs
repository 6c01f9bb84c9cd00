//! `b24 expand PAGE.md`: the generated bindings, pretty-printed.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{output, Outcome};

/// Print the Rust bindings generated from a page.
///
/// The module `bitrix_method!` generates from the page, pretty-printed.
/// Exit status: 0 when the page documents a method, 1 when it does not
/// (the reason on stderr), 2 for usage problems.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The method page (Markdown)
    #[arg(value_name = "PAGE.md")]
    pub page: PathBuf,
}

/// Parses the page and prints the module generated from it.
pub fn run(args: Args) -> Outcome {
    let shown = args.page.display().to_string();
    match bitrix24_codegen::load(&args.page, &shown) {
        Ok(loaded) => {
            // A closed pipe or a full disk is an error, never a panic.
            output::print(&bitrix24_codegen::generate_pretty(&loaded.method))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            output::note(&error.to_string());
            Ok(ExitCode::FAILURE)
        }
    }
}
