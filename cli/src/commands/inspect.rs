//! `b24 inspect PAGE.md`: the parsed model as JSON.

use std::path::Path;
use std::process::ExitCode;

use super::{one_path, output, Outcome};

/// Parses the page and prints its model.
pub fn run(args: &[String]) -> Outcome {
    let page = one_path(args, "a page path")?;
    match bitrix24_codegen::load(Path::new(page), page) {
        Ok(loaded) => {
            let json = serde_json::to_string_pretty(&loaded.method).map_err(|e| e.to_string())?;
            // A closed pipe or a full disk is an error, never a panic.
            output::println(&json)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            output::note(&error.to_string());
            Ok(ExitCode::FAILURE)
        }
    }
}
