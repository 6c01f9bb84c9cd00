//! The method's `Error` enum: one variant per documented code, then the
//! portal's system errors, other API errors and transport failures.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

use super::links::DocLinks;
use super::markdown::doc_text;
use super::punct;

use crate::model::Method;
use crate::naming::{self, Names};

/// Variants every method's error has; documented codes never take these names.
const FIXED: &[&str] = &["System", "Api", "Transport", "Decode", "OutcomeUnknown"];

/// The `Error` enum: the page's codes, handed to the runtime's
/// `__method_error!`, which writes the fixed variants and the impls.
/// Appended to `out`.
pub fn error_enum(method: &Method, links: &DocLinks<'_>, out: &mut Vec<TokenTree>) {
    let mut names = Names::with(FIXED);
    // Gathered in a vector and made a stream once (see `TypeSet::structure_with`).
    let mut variants = Vec::with_capacity(method.errors.len() * 5);
    for error in &method.errors {
        let mut wanted = naming::camel(&error.code);
        if FIXED.contains(&wanted.as_str()) {
            wanted.push_str("Code");
        }
        let variant = super::ident(&names.claim(&wanted));
        let code = &error.code;
        // ` `CODE`.` or ` `CODE`: description`, written into one string.
        let mut doc = String::with_capacity(code.len() + error.description.len() + 6);
        doc.push_str(" `");
        doc.push_str(code);
        if error.description.is_empty() {
            doc.push_str("`.");
        } else {
            doc.push_str("`: ");
            doc.push_str(&doc_text(
                &error.description,
                error.markdown.as_deref(),
                links,
            ));
        }
        // `"doc" Variant = "CODE",` as tokens: `quote!` would escape `code`
        // char by char where `docs::literal` copies it.
        variants.extend([
            TokenTree::Literal(super::docs::literal(&doc)),
            TokenTree::Ident(variant),
            punct('='),
            TokenTree::Literal(super::docs::literal(code)),
            punct(','),
        ]);
    }
    let doc = super::docs::literal(&format!(" Errors of `{}`.", method.method));
    // Moved in, not interpolated (which would copy every token).
    let input: TokenStream = [
        TokenTree::Literal(doc),
        TokenTree::Group(Group::new(Delimiter::Brace, variants.into_iter().collect())),
    ]
    .into_iter()
    .collect();
    super::invoke("__method_error", input, out);
}
