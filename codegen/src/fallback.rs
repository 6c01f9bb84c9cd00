//! A failed page: its [`PageError`] with every problem, and the stub module a
//! front end declares in its place.
//!
//! As thiserror's `fallback.rs` does, the macro emits the errors together
//! with something standing in for what the page would have generated, so
//! code that uses the module meets the page's errors and nothing else: no
//! "unresolved module", no "no field `id`" at every use. The stand-in is the
//! module itself with the errors inside it: rustc reports no name as missing
//! from a module where a macro failed, since that macro might have defined it.

use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::diag::{Diagnostics, Kind};
use crate::model::Method;
use crate::source::{ReadError, Source};
use crate::{PageError, Problem};

impl PageError {
    /// Whether the page documents no method ([`Kind::NotMethodPage`]) or
    /// an event ([`Kind::EventPage`]): a front end that binds a folder
    /// passes over it, and `bitrix_method!` reports it; other problems of
    /// the page (a refused include) may come first.
    pub fn not_a_method(&self) -> bool {
        self.problems
            .iter()
            .any(|p| matches!(p.kind, Kind::NotMethodPage | Kind::EventPage))
    }

    /// Whether the page documents an event: it binds with `bitrix_event!`.
    pub fn documents_event(&self) -> bool {
        self.problems.iter().any(|p| p.kind == Kind::EventPage)
    }

    /// Whether the page, read as an event page, names no event (a widget
    /// placement that says who can subscribe, a guide).
    pub fn names_no_event(&self) -> bool {
        self.problems.iter().any(|p| p.kind == Kind::NotEventPage)
    }

    /// An error with one problem that has no line (a folder that cannot be
    /// listed, a page that cannot be opened).
    pub fn new(kind: Kind, message: impl Into<String>) -> PageError {
        let message = message.into();
        PageError {
            problems: vec![Problem {
                kind,
                message: message.clone(),
                line: None,
            }],
            message,
            line: None,
            kind,
            module: None,
        }
    }
}

/// The error of a page that could not be read at all.
pub(crate) fn unreadable(path: &Path, shown: &str, error: &ReadError) -> PageError {
    let problem = Problem {
        kind: error.kind,
        message: error.render(shown),
        line: error.place.map(|(line, _)| line),
    };
    PageError {
        message: problem.message.clone(),
        line: problem.line,
        kind: problem.kind,
        problems: vec![problem],
        module: module_of_file(path),
    }
}

/// The error of a page read with `problems`; `method` is what could be
/// read of it, when it is a method page.
pub(crate) fn failed(
    source: &Source,
    shown: &str,
    problems: &Diagnostics,
    method: Option<&Method>,
) -> PageError {
    let mut list: Vec<Problem> = problems
        .list()
        .iter()
        .map(|d| Problem {
            kind: d.kind,
            message: d.render(source, shown),
            line: d.location(source).map(|p| p.line),
        })
        .collect();
    if list.is_empty() {
        list.push(Problem {
            kind: Kind::Other,
            message: format!("{shown}: the page could not be read"),
            line: None,
        });
    }
    let mut message = list
        .iter()
        .map(|p| p.message.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    if problems.dropped() > 0 {
        message.push_str(&format!(
            "\n{shown}: {} more problems not shown",
            problems.dropped()
        ));
    }
    let module = match method {
        Some(method) => Some(crate::expand::module_name(&method.method)),
        None => source.files.first().and_then(|f| module_of_file(f)),
    };
    PageError {
        message,
        line: list[0].line,
        kind: list[0].kind,
        problems: list,
        module,
    }
}

/// `crm-lead-add.md` → `crm_lead_add`.
fn module_of_file(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let name = crate::naming::snake(stem);
    syn::parse_str::<Ident>(&name).ok().map(|_| name)
}

/// The module a failed page stands for, holding `errors` (the page's
/// `compile_error!`s): code that names anything in it then adds no error of
/// its own. Without a module name, the errors alone.
pub fn stub(error: &PageError, errors: TokenStream) -> TokenStream {
    let Some(module) = &error.module else {
        return errors;
    };
    let module = match module.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(module, Span::call_site()),
    };
    quote! {
        pub mod #module {
            #errors
        }
    }
}
