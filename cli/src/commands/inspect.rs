//! `b24 inspect PAGE.md`: the parsed model as JSON.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::{one_path, Outcome};

/// Parses the page and prints its model.
pub fn run(args: &[String]) -> Outcome {
    let page = one_path(args, "a page path")?;
    match bitrix24_codegen::load(Path::new(page), page) {
        Ok(loaded) => {
            let json = serde_json::to_string_pretty(&loaded.method).map_err(|e| e.to_string())?;
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout(), "{json}");
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("{error}");
            Ok(ExitCode::FAILURE)
        }
    }
}
