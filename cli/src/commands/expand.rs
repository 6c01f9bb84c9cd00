//! `b24 expand PAGE.md`: the generated bindings, pretty-printed.

use std::path::Path;
use std::process::ExitCode;

use super::{one_path, output, Outcome};

/// Parses the page and prints the module generated from it.
pub fn run(args: &[String]) -> Outcome {
    let page = one_path(args, "a page path")?;
    match bitrix24_codegen::load(Path::new(page), page) {
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
