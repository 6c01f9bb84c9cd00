//! `b24 expand PAGE.md`: the generated bindings, pretty-printed.

use std::path::PathBuf;

use super::Outcome;

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
    super::pages::show_method(&args.page, |method| {
        Ok(bitrix24_codegen::generate_pretty(method))
    })
}
