//! [`Method`] → tokens: one `pub mod` per method with its request structs,
//! nested types, typed output, error enum, `Call` impl and `call` function.
//!
//! What is the same in every module is written once, in the runtime's
//! macros (`runtime/src/generated.rs`: `__method!`, `__record!`,
//! `__method_error!`, `__open_enum!`); the expansion calls them with only
//! what the page says. Everything is named by absolute path
//! (`::bitrix24::...`) and emitted in page order, so the output is
//! deterministic and needs only `bitrix24`.

mod docs;
mod errors;
pub mod event;
pub mod links;
mod literal;
pub mod markdown;
mod types;

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

use crate::model::{Kind, Method};
use crate::naming;

pub use docs::{module_doc, module_doc_in};
use links::DocLinks;
use types::{Owner, TypeSet};

/// An identifier as `format_ident!` makes it (`r#` for raw ones), without
/// formatting the name into a new string first.
fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The module of one method.
pub fn method_module(method: &Method) -> TokenStream {
    let module = ident(&module_name(&method.method));
    method_module_as(
        method,
        TokenTree::Ident(ident("pub")).into(),
        module,
        TokenStream::new(),
    )
}

/// The module of one method under a name and visibility the user chose,
/// with the user's own `extra` items after the generated ones (the
/// attribute form of the binding).
pub fn method_module_as(
    method: &Method,
    visibility: TokenStream,
    module: proc_macro2::Ident,
    extra: TokenStream,
) -> TokenStream {
    let doc = docs::module_literal(method);
    // Token by token, as the rest of the module: `quote!` pays a stream
    // extension per token, and this runs once per method.
    let mut tokens = Vec::with_capacity(12);
    tokens.extend(outer_attr([
        TokenTree::Ident(ident("doc")),
        punct('='),
        TokenTree::Literal(doc),
    ]));
    tokens.extend(outer_attr([
        TokenTree::Ident(ident("allow")),
        TokenTree::Group(Group::new(
            Delimiter::Parenthesis,
            [
                TokenTree::Ident(ident("clippy")),
                TokenTree::Punct(Punct::new(':', Spacing::Joint)),
                punct(':'),
                TokenTree::Ident(ident("all")),
                punct(','),
                TokenTree::Ident(ident("non_camel_case_types")),
                punct(','),
                TokenTree::Ident(ident("dead_code")),
            ]
            .into_iter()
            .collect(),
        )),
    ]));
    // The module's own items refer to its deprecated ones; only the user's
    // uses should warn.
    if method.deprecated.is_some() {
        tokens.extend(outer_attr([
            TokenTree::Ident(ident("allow")),
            TokenTree::Group(Group::new(
                Delimiter::Parenthesis,
                TokenTree::Ident(ident("deprecated")).into(),
            )),
        ]));
    }
    let mut body = module_body(method);
    body.extend(extra);
    tokens.extend(visibility);
    tokens.extend([
        TokenTree::Ident(ident("mod")),
        TokenTree::Ident(module),
        // Moved into its group: interpolating it would copy every item's tokens.
        TokenTree::Group(Group::new(Delimiter::Brace, body)),
    ]);
    tokens.into_iter().collect()
}

/// `#[content]`.
fn outer_attr(content: impl IntoIterator<Item = TokenTree>) -> [TokenTree; 2] {
    [
        punct('#'),
        TokenTree::Group(Group::new(
            Delimiter::Bracket,
            content.into_iter().collect(),
        )),
    ]
}

/// `::bitrix24::name! { input }`: a call of one of the runtime's macros
/// (`runtime/src/generated.rs`), appended to `out`: a module's items are
/// gathered as tokens and made a stream once, where a small stream per
/// item paid an allocation and its growth each.
pub(crate) fn invoke(name: &str, input: TokenStream, out: &mut Vec<TokenTree>) {
    out.extend([
        TokenTree::Punct(Punct::new(':', Spacing::Joint)),
        punct(':'),
        TokenTree::Ident(ident("bitrix24")),
        TokenTree::Punct(Punct::new(':', Spacing::Joint)),
        punct(':'),
        TokenTree::Ident(ident(name)),
        punct('!'),
        TokenTree::Group(Group::new(Delimiter::Brace, input)),
    ]);
}

/// `list Item, "ID" [in "key"];` of `__method!`, for paged methods whose
/// items and their ID field the page documents: `result` is the list, or an
/// object with one list member (the key).
fn list_spec(method: &Method, elements: &[(String, Vec<TokenTree>)], out: &mut TokenStream) {
    // Where the items are is the model's fact; only their type is the
    // generator's.
    let Some(shape) = method.list_shape() else {
        return;
    };
    let item = match &shape.items_key {
        None => vec![TokenTree::Ident(ident("Item"))],
        Some(key) => match elements.iter().find(|(name, _)| name == key) {
            Some((_, ty)) => ty.clone(),
            None => return,
        },
    };
    let (key, id) = (shape.items_key.as_deref(), shape.id_field);
    out.extend([TokenTree::Ident(ident("list"))]);
    out.extend(item);
    out.extend([punct(','), TokenTree::Literal(literal::literal(&id))]);
    if let Some(key) = key {
        out.extend([
            TokenTree::Ident(ident("in")),
            TokenTree::Literal(literal::literal(key)),
        ]);
    }
    out.extend([punct(';')]);
}

/// A lone punctuation token.
pub(crate) fn punct(ch: char) -> TokenTree {
    TokenTree::Punct(Punct::new(ch, Spacing::Alone))
}

/// `#[deprecated]` with the page's note, for the next item of a deprecated method.
pub(crate) fn deprecated(method: &Method) -> TokenStream {
    match &method.deprecated {
        Some(note) => outer_attr([
            TokenTree::Ident(ident("deprecated")),
            TokenTree::Group(Group::new(
                Delimiter::Parenthesis,
                [
                    TokenTree::Ident(ident("note")),
                    punct('='),
                    TokenTree::Literal(literal::literal(note)),
                ]
                .into_iter()
                .collect(),
            )),
        ])
        .into_iter()
        .collect(),
        None => TokenStream::new(),
    }
}

/// The module's name for a method: its dotted name in snake_case.
pub fn module_name(method: &str) -> String {
    naming::snake(&method.replace('.', "_"))
}

/// The items inside a method's module: `__method!` with what the page says
/// of the call (the runtime writes `METHOD`, the `Call` and `ListMethod`
/// impls and `call`), then the structs, enums and the `Error` enum. The
/// docs' links are resolved from the page alone ([`module_body_in`] for a tree).
pub fn module_body(method: &Method) -> TokenStream {
    module_body_in(method, DocLinks::page(method.page.as_deref()))
}

/// [`module_body`] with the docs' links resolved as `links` says (in the
/// scope of the module itself).
pub fn module_body_in(method: &Method, links: DocLinks<'_>) -> TokenStream {
    let mut set = TypeSet::new(&["Params", "Output", "Error", "METHOD", "call"], links);
    let params = set.structure_with(
        deprecated(method),
        "Params",
        &docs::params_doc(method),
        &method.params,
        Owner::Request,
        method.params_open,
    );
    set.elements.clear();
    set.output(&method.result);
    let result = &method.result;
    let documented_items = method.items_are_result();
    // `Output` is the struct `set.output` declared, or an alias of the plan's type.
    let (alias, decode) = if result.kind == Kind::Object && !result.fields.is_empty() {
        (None, "plain")
    } else {
        let plan = if documented_items {
            set.output_items(result)
        } else {
            set.plan_output_kind(&result.kind)
        };
        let decode = plan.decode_helper();
        (Some(plan.ty), decode)
    };
    let api_version = if method.rest_v3 { "V3" } else { "V2" };
    // `"method" Retry Api decode; [type Output = T;] [list ...;] [deprecated "note";]`,
    // built token by token and moved in: `quote!` would re-escape the name
    // and copy every interpolated stream.
    let mut spec: TokenStream = [
        TokenTree::Literal(literal::literal(&method.method)),
        TokenTree::Ident(ident(method.retry_class().variant())),
        TokenTree::Ident(ident(api_version)),
        TokenTree::Ident(ident(decode)),
        punct(';'),
    ]
    .into_iter()
    .collect();
    if let Some(ty) = alias {
        spec.extend([
            TokenTree::Ident(ident("type")),
            TokenTree::Ident(ident("Output")),
            punct('='),
        ]);
        spec.extend(ty);
        spec.extend([punct(';')]);
    }
    list_spec(method, &set.elements, &mut spec);
    if let Some(note) = &method.deprecated {
        spec.extend([
            TokenTree::Ident(ident("deprecated")),
            TokenTree::Literal(literal::literal(note)),
            punct(';'),
        ]);
    }
    let items = set.into_items();
    let mut body = Vec::with_capacity(8 + params.len() + items.len() + 8);
    invoke("__method", spec, &mut body);
    // The parts are moved in rather than interpolated, which would copy them.
    body.extend(params);
    body.extend(items);
    errors::error_enum(method, &links, &mut body);
    body.into_iter().collect()
}
