//! The method's `Error` enum: one variant per documented code, then the
//! portal's system errors, other API errors and transport failures.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

use super::links::DocLinks;
use super::literal::doc_literal;
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
        // ` `CODE`.` or ` `CODE`: description`, written as its literal.
        let doc = doc_literal(code.len() + error.description.len() + 6, |doc| {
            doc.push_fixed(" `", " `");
            doc.push(code);
            if error.description.is_empty() {
                doc.push_fixed("`.", "`.");
            } else {
                doc.push_fixed("`: ", "`: ");
                doc.push(&doc_text(
                    &error.description,
                    error.markdown.as_deref(),
                    links,
                ));
            }
        });
        // `"doc" Variant = "CODE",` as tokens: `quote!` would escape `code`
        // char by char where `literal::literal` copies it.
        variants.extend([
            TokenTree::Literal(doc),
            TokenTree::Ident(variant),
            punct('='),
            TokenTree::Literal(super::literal::literal(code)),
            punct(','),
        ]);
    }
    let doc = doc_literal(method.method.len() + 16, |doc| {
        doc.push_fixed(" Errors of `", " Errors of `");
        doc.push(&method.method);
        doc.push_fixed("`.", "`.");
    });
    // Moved in, not interpolated (which would copy every token).
    let input: TokenStream = [
        TokenTree::Literal(doc),
        TokenTree::Group(Group::new(Delimiter::Brace, variants.into_iter().collect())),
    ]
    .into_iter()
    .collect();
    super::invoke("__method_error", input, out);
}
