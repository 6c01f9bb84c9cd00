//! `b24 inspect PAGE.md`: the parsed model as JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{output, Outcome};

/// Print the method model read from a page as JSON.
///
/// Exit status: 0 when the page documents a method, 1 when it does not
/// (the reason on stderr), 2 for usage problems.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The method page (Markdown)
    #[arg(value_name = "PAGE.md")]
    pub page: PathBuf,
}

/// Parses the page and prints its model.
pub fn run(args: Args) -> Outcome {
    let shown = args.page.display().to_string();
    match bitrix24_codegen::load(&args.page, &shown) {
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
