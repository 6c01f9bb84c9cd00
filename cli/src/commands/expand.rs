//! `b24 expand PAGE.md`: the generated bindings, pretty-printed.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::{one_path, Outcome};

/// Parses the page and prints the module generated from it.
pub fn run(args: &[String]) -> Outcome {
    let page = one_path(args, "a page path")?;
    match bitrix24_codegen::load(Path::new(page), page) {
        Ok(loaded) => {
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = write!(
                std::io::stdout(),
                "{}",
                bitrix24_codegen::generate_pretty(&loaded.method)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("{error}");
            Ok(ExitCode::FAILURE)
        }
    }
}
