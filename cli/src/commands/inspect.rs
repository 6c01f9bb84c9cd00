//! `b24 inspect PAGE.md`: the parsed model as JSON.

use std::path::PathBuf;

use super::Outcome;

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
    super::pages::show_method(&args.page, |method| {
        serde_json::to_string_pretty(method)
            .map(|json| json + "\n")
            .map_err(|e| e.to_string())
    })
}
