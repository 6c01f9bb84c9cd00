//! [`Method`] → tokens: one `pub mod` per method with its request structs,
//! nested types, typed output, error enum, `Call` impl and `call` function.
//!
//! Everything is named by absolute path (`::bitrix24::...`) and emitted in
//! page order, so the output is deterministic and needs only `bitrix24`.

mod docs;
mod errors;
mod retry;
mod types;

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Kind, Method};
use crate::naming;

pub use docs::module_doc;
pub use retry::retry_class;
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
    // Moved into its group: interpolating it would copy every item's tokens.
    let body = Group::new(Delimiter::Brace, module_body(method));
    let doc = docs::literal(&docs::module_doc(method));
    // The module's own items refer to its deprecated ones; only the user's
    // uses should warn.
    let allow_deprecated = method
        .deprecated
        .as_ref()
        .map(|_| quote! { #[allow(deprecated)] });
    quote! {
        #[doc = #doc]
        #[allow(clippy::all, non_camel_case_types, dead_code)]
        #allow_deprecated
        pub mod #module #body
    }
}

/// `ListMethod` for paged methods whose items and their ID field the page
/// documents: `result` is the list, or an object with one list member.
fn list_impl(
    method: &Method,
    elements: &[(String, TokenStream)],
    items_are_output: bool,
) -> TokenStream {
    if !method.paged {
        return TokenStream::new();
    }
    let result = &method.result;
    let id_of = |fields: &[crate::model::Field]| {
        fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case("id"))
            .map(|f| f.name.clone())
    };
    let (item, key, id) = if items_are_output {
        let Some(id) = id_of(&result.fields) else {
            return TokenStream::new();
        };
        (quote! { Item }, None, id)
    } else if result.kind == Kind::Object {
        let lists: Vec<&crate::model::Field> = result
            .fields
            .iter()
            .filter(|f| matches!(f.kind.non_null(), Kind::Array(inner) if **inner == Kind::Object))
            .collect();
        let [list] = lists.as_slice() else {
            return TokenStream::new();
        };
        let Some(id) = id_of(&list.fields) else {
            return TokenStream::new();
        };
        let Some((_, ty)) = elements.iter().find(|(name, _)| *name == list.name) else {
            return TokenStream::new();
        };
        (ty.clone(), Some(list.name.clone()), id)
    } else {
        return TokenStream::new();
    };
    let key = match key {
        Some(key) => quote! { ::core::option::Option::Some(#key) },
        None => quote! { ::core::option::Option::None },
    };
    quote! {
        #[automatically_derived]
        impl ::bitrix24::ListMethod for Params {
            type Item = #item;
            const ITEMS_KEY: ::core::option::Option<&'static str> = #key;
            const ID_FIELD: &'static str = #id;
        }
    }
}

/// `#[deprecated]` with the page's note, for the next item of a deprecated method.
pub(crate) fn deprecated(method: &Method) -> TokenStream {
    match &method.deprecated {
        Some(note) => {
            let note = docs::literal(note);
            quote! { #[deprecated(note = #note)] }
        }
        None => TokenStream::new(),
    }
}

/// The module's name for a method: its dotted name in snake_case.
pub fn module_name(method: &str) -> String {
    naming::snake(&method.replace('.', "_"))
}

/// The items inside a method's module.
pub fn module_body(method: &Method) -> TokenStream {
    let name = &method.method;
    let mut set = TypeSet::new(&["Params", "Output", "Error", "METHOD", "call"]);
    let params = set.structure_with(
        deprecated(method),
        "Params",
        &docs::params_doc(method),
        &method.params,
        Owner::Request,
    );
    set.elements.clear();
    set.output(&method.result);
    let result = &method.result;
    let documented_items = !result.fields.is_empty()
        && matches!(result.kind.non_null(), Kind::Array(inner) if **inner == Kind::Object);
    let (output_decl, decode) = if result.kind == Kind::Object && !result.fields.is_empty() {
        (
            quote! {},
            quote! { ::bitrix24::__private::serde_json::from_value(result) },
        )
    } else {
        let plan = if documented_items {
            set.output_items(result)
        } else {
            set.plan_output_kind(&result.kind)
        };
        let ty = &plan.ty;
        let decode = plan.decode_expr();
        (
            quote! {
                /// What the method returns in `result`.
                pub type Output = #ty;
            },
            decode,
        )
    };
    let list = list_impl(method, &set.elements, documented_items);
    let items = set.into_items();
    let error = errors::error_enum(method);
    let retry = retry::retry_tokens(method);
    let api_version = if method.rest_v3 {
        quote! { ::bitrix24::ApiVersion::V3 }
    } else {
        quote! { ::bitrix24::ApiVersion::V2 }
    };
    // The parts are moved in rather than interpolated, which would copy them.
    let mut body = quote! {
        /// The REST method this module binds.
        pub const METHOD: &str = #name;
    };
    body.extend(params);
    body.extend(output_decl);
    body.extend(items);
    body.extend(error);
    body.extend(quote! {
        #[automatically_derived]
        impl ::bitrix24::Call for Params {
            const METHOD: &'static str = #name;
            const RETRY: ::bitrix24::Retry = #retry;
            const API: ::bitrix24::ApiVersion = #api_version;
            type Output = Output;
            type Error = Error;

            fn decode(
                result: ::bitrix24::__private::serde_json::Value,
            ) -> ::core::result::Result<Output, ::bitrix24::__private::serde_json::Error> {
                #decode
            }
        }
    });
    body.extend(list);
    body.extend(deprecated(method));
    body.extend(quote! {
        /// Calls the method on `client` and decodes its result.
        pub async fn call(
            client: &::bitrix24::Client,
            params: Params,
        ) -> ::core::result::Result<Output, Error> {
            client.call(params).await
        }
    });
    body
}
