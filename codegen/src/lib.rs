//! The engine behind `bitrix24::bitrix_method!`: reads a Bitrix24 REST method
//! page (YFM Markdown) into a typed [`model::Method`], then generates Rust
//! bindings from it.
//!
//! The stages, each its own module:
//! [`source`] (read the page, splice includes) → [`blocks`] (YFM blocks) →
//! [`parse`] (page → [`model`]) → [`expand`] (model → tokens).
//! The proc-macro crate and the `b24` tool are thin front ends over [`generate`].

pub mod blocks;
pub mod diag;
pub mod diff;
pub mod expand;
pub mod facts;
pub mod fallback;
pub mod files;
pub mod glob;
pub mod inline;
pub mod json;
pub mod locate;
pub mod marks;
pub mod model;
pub mod naming;
pub mod parse;
pub mod source;
pub mod tree;
pub mod types;
pub mod ws;

// Only to ask whether we run inside a proc macro (see `expand::literal::literal`).
extern crate proc_macro;

use std::path::Path;

pub use diag::{Diagnostic, Kind};
pub use model::Method;
pub use source::Source;
pub use tree::{api_tree, api_tree_in, ApiTree};

/// A page failed: it could not be read, or it is not a usable method page.
/// Front ends decide on [`PageError::kind`], never on the message's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    /// Every problem as `path:line:col: problem`, one a line, with the path
    /// as the caller showed it; the first is the page's main failure.
    pub message: String,
    /// Page line number (1-based) of the first problem in the file named
    /// by the message, when known.
    pub line: Option<usize>,
    /// The kind of the first problem.
    pub kind: Kind,
    /// Every problem, in the order they were found.
    pub problems: Vec<Problem>,
    /// The module the page would have bound: named for its method when the
    /// page is a method page, else for its file (`crm-lead-add.md` →
    /// `crm_lead_add`). A front end declares it as a stub
    /// ([`fallback::stub`]) so that code using it meets no second error.
    pub module: Option<String>,
}

/// One problem of a failed page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What kind of problem it is.
    pub kind: Kind,
    /// `path:line:col: problem`.
    pub message: String,
    /// Line number (1-based) in the file the message names, when known.
    pub line: Option<usize>,
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PageError {}

/// A page read and parsed, with the files it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The parsed method.
    pub method: Method,
    /// The page and every include that was read.
    pub files: Vec<std::path::PathBuf>,
    /// The page's own request and response examples.
    pub examples: Examples,
}

/// A page's own examples, read leniently ([`json::lenient`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Examples {
    /// The JSON of every cURL `-d` body, without `auth`, in page order.
    pub requests: Vec<serde_json::Value>,
    /// Every response example with a `result` key, in page order.
    pub responses: Vec<serde_json::Value>,
}

/// Reads and parses the page at `path`; `shown` is how errors name it.
/// Its includes and links stay inside its docs root ([`files::DocsRoot`]).
pub fn load(path: &Path, shown: &str) -> Result<Loaded, PageError> {
    load_in(path, shown, None)
}

/// [`load`] with the folder that is the docs root when no folder above the
/// page marks one (a macro passes the invoking crate's manifest folder).
pub fn load_in(
    path: &Path,
    shown: &str,
    fallback_root: Option<&Path>,
) -> Result<Loaded, PageError> {
    let source =
        Source::load_in(path, fallback_root).map_err(|e| fallback::unreadable(path, shown, &e))?;
    parse_source(&source, shown)
}

/// Parses an already loaded source; `shown` is how errors name the page.
/// Fails with every problem of the page, not only the first.
pub fn parse_source(source: &Source, shown: &str) -> Result<Loaded, PageError> {
    let parsed = parse::read(source);
    match parsed.method {
        Some(method) if parsed.problems.is_empty() => {
            let mut files = source.files.clone();
            files.extend(parsed.linked);
            Ok(Loaded {
                method,
                files,
                examples: parsed.examples,
            })
        }
        method => Err(fallback::failed(
            source,
            shown,
            &parsed.problems,
            method.as_ref(),
        )),
    }
}

/// The bindings of one method as tokens (no file tracking: callers add it).
pub fn generate(method: &Method) -> proc_macro2::TokenStream {
    expand::method_module(method)
}

/// The bindings of one method in a module the caller names (`visibility`,
/// `module`), with `extra` items of the caller's after the generated ones.
pub fn generate_as(
    method: &Method,
    visibility: proc_macro2::TokenStream,
    module: proc_macro2::Ident,
    extra: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    expand::method_module_as(method, visibility, module, extra)
}

/// The bindings of one method as formatted Rust source.
pub fn generate_pretty(method: &Method) -> String {
    pretty(generate(method))
}

/// An event page, parsed.
#[derive(Debug, Clone)]
pub struct LoadedEvent {
    /// The parsed event.
    pub event: model::Event,
    /// The page and every include and linked file that was read.
    pub files: Vec<std::path::PathBuf>,
    /// The payload examples of the page's "What the Handler Receives" section.
    pub examples: Vec<serde_json::Value>,
}

/// Reads and parses the event page at `path`; `shown` is how errors name it.
pub fn load_event(path: &Path, shown: &str) -> Result<LoadedEvent, PageError> {
    load_event_in(path, shown, None)
}

/// [`load_event`] with the folder that is the docs root when no folder above
/// the page marks one, as for [`load_in`].
pub fn load_event_in(
    path: &Path,
    shown: &str,
    fallback_root: Option<&Path>,
) -> Result<LoadedEvent, PageError> {
    let source =
        Source::load_in(path, fallback_root).map_err(|e| fallback::unreadable(path, shown, &e))?;
    match parse::event::parse_event(&source) {
        Ok((event, linked, examples)) if source.problems.is_empty() => {
            let mut files = source.files.clone();
            files.extend(linked);
            Ok(LoadedEvent {
                event,
                files,
                examples,
            })
        }
        outcome => {
            let mut problems = source.problems.clone();
            problems.extend(outcome.err());
            Err(fallback::failed(&source, shown, &problems, None))
        }
    }
}

/// The bindings of one event as tokens: `EVENT`, `Data` and `Payload`.
pub fn generate_event(event: &model::Event) -> proc_macro2::TokenStream {
    expand::event::event_module(event)
}

/// Pretty-prints tokens that form a file.
pub fn pretty(tokens: proc_macro2::TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}
