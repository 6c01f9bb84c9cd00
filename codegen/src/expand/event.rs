//! The module of one event: its code, the members of `data` as a struct
//! (every key kept, as on response structs), and `Payload`, the runtime's
//! generic event payload over that struct.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::links::DocLinks;
use super::markdown::doc_text;
use super::types::{Owner, TypeSet};
use super::{ident, literal};
use crate::model::Event;
use crate::naming;

/// The module's name: the event's name as the page writes it, in
/// snake_case (`onCrmLeadAdd` → `on_crm_lead_add`). `b24 check` names the
/// module the same way.
pub fn module_name(event: &Event) -> String {
    naming::snake(&event.name)
}

/// The event's code in the words of its name: the name itself when it is
/// the code, else the code split where the name's words are found in it
/// (a page titled `onLeadDelete` whose portal sends `ONCRMLEADDELETE` →
/// `OnCrmLeadDelete`), so a tree's variants are named for what the portal
/// sends. A code with lower-case letters is its own spelling.
pub fn spelled(event: &Event) -> String {
    let code = event.code.as_str();
    if code.is_empty() || code.eq_ignore_ascii_case(&event.name) || !code.is_ascii() {
        return event.name.clone();
    }
    if code.chars().any(|c| c.is_ascii_lowercase()) {
        return code.to_string();
    }
    let upper = code.to_ascii_uppercase();
    let mut out = String::with_capacity(upper.len());
    let mut word = |piece: &str| {
        let mut chars = piece.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    };
    let mut at = 0;
    for name_word in naming::snake(&event.name).split('_') {
        let wanted = name_word.to_ascii_uppercase();
        if wanted.is_empty() {
            continue;
        }
        if let Some(found) = upper[at..].find(&wanted) {
            word(&upper[at..at + found]);
            word(&wanted);
            at += found + wanted.len();
        }
    }
    word(&upper[at..]);
    out
}

/// `pub mod on_crm_lead_add { pub const EVENT; struct Data; type Payload }`,
/// its docs' links resolved from the page alone.
pub fn event_module(event: &Event) -> TokenStream {
    let links = DocLinks::page(event.page.as_deref());
    event_module_in(event, &links, links)
}

/// [`event_module`] with the module doc's links resolved as `doc` says
/// (in the parent's scope) and its items' as `items` does (in its own).
pub fn event_module_in(event: &Event, doc: &DocLinks<'_>, items: DocLinks<'_>) -> TokenStream {
    let module = ident(&module_name(event));
    let code = Literal::string(&event.code);
    let doc = literal::literal(&module_doc(event, doc));
    let mut types = TypeSet::new(&["Data", "Payload", "EVENT"], items);
    let data = if !event.data_is_object {
        quote! {
            /// `data` as sent: the page shows no object here (an id, a list).
            pub type Data = ::bitrix24::__private::serde_json::Value;
        }
    } else if event.data.is_empty() {
        quote! {
            /// `data` as sent: the page shows no members.
            pub type Data = ::bitrix24::wire::Object;
        }
    } else {
        let doc = format!("What `data` holds in `{}`.", event.code);
        types
            .structure("Data", &doc, &event.data, Owner::Response, true)
            .into_iter()
            .collect::<TokenStream>()
    };
    let items = types.into_items();
    let payload_doc = literal::literal(&format!(
        "The payload of `{}` as the portal POSTs it; check its `application_token` before use (`bitrix24::events`).",
        event.code
    ));
    quote! {
        #[doc = #doc]
        #[allow(clippy::all, non_camel_case_types, dead_code)]
        pub mod #module {
            /// The event's code, as sent in `event` and given to `event.bind`.
            pub const EVENT: &str = #code;
            #data
            #(#items)*
            #[doc = #payload_doc]
            pub type Payload = ::bitrix24::events::Payload<Data>;
        }
    }
}

fn module_doc(event: &Event, links: &DocLinks<'_>) -> String {
    let mut doc = format!("{}\n\nBinds the event `{}`.", event.title, event.code);
    if !event.scope.is_empty() {
        doc.push_str(&format!("\n\nScope: `{}`.", event.scope.join("`, `")));
    }
    if !event.description.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&doc_text(
            &event.description,
            event.markdown.as_deref(),
            links,
        ));
    }
    doc
}

/// The variant of an event in a tree's `Event` enum: its name
/// ([`spelled`]) without the leading `on`, in UpperCamelCase
/// (`onCrmLeadAdd` → `CrmLeadAdd`,
/// `ONIMBOTMESSAGEADD` → `Imbotmessageadd`); the whole name when nothing
/// is left or what is left is `Other`, the enum's variant for codes not
/// bound (`onOther` → `OnOther`).
pub fn variant_name(event: &Event) -> String {
    let name = spelled(event);
    let name = name.as_str();
    let rest = match name.get(..2) {
        Some(on) if on.eq_ignore_ascii_case("on") => &name[2..],
        _ => name,
    };
    let short = naming::camel(rest);
    if rest.chars().any(|c| c.is_ascii_alphanumeric()) && short != "Other" {
        short
    } else {
        naming::camel(name)
    }
}

/// One event of a tree's enum: the variant, and the module that binds it
/// (inside the same `events` module).
#[derive(Debug, Clone, Copy)]
pub struct Variant<'a> {
    /// The variant's name, unique in the enum and not `Other`.
    pub name: &'a str,
    /// The module of the event ([`module_name`]).
    pub module: &'a str,
    /// The event.
    pub event: &'a Event,
}

/// `pub enum Event { CrmLeadAdd(on_crm_lead_add::Payload), ..., Other(..) }`
/// and its `bitrix24::events::EventSet` impl, which picks the variant by the
/// payload's code without regard to case. `path` names the tree in docs.
pub fn event_enum(variants: &[Variant<'_>], path: &str) -> TokenStream {
    let doc = literal::literal(&format!(
        "Every event bound under `{path}`, each with its typed payload, and `Other` for \
         any other code.\n\nRead one from a verified body with \
         `bitrix24::events::EventHandler::receive_event::<Event>`, or from a payload with \
         `bitrix24::events::EventSet::from_payload`; codes compare without regard to case."
    ));
    let mut arms = Vec::with_capacity(variants.len());
    let mut cases = Vec::with_capacity(variants.len());
    let mut codes = Vec::with_capacity(variants.len());
    for variant in variants {
        let name = ident(variant.name);
        let module = ident(variant.module);
        let code = variant.event.code.to_ascii_uppercase();
        let title = &variant.event.title;
        let doc = if title
            .to_lowercase()
            .contains(&variant.event.name.to_lowercase())
        {
            format!("`{code}`, bound by [`{}`].", variant.module)
        } else {
            format!("`{code}`, bound by [`{}`]: {title}.", variant.module)
        };
        let doc = literal::literal(&doc);
        arms.push(quote! {
            #[doc = #doc]
            #name(#module::Payload),
        });
        let code = Literal::string(&code);
        cases.push(quote! { #code => payload.typed().map(Self::#name), });
        codes.push(code);
    }
    quote! {
        #[doc = #doc]
        #[derive(::core::fmt::Debug, ::core::clone::Clone)]
        #[allow(clippy::large_enum_variant)]
        pub enum Event {
            #(#arms)*
            /// An event this tree binds no page for, with `data` as sent.
            Other(::bitrix24::events::Payload),
        }

        #[automatically_derived]
        impl ::bitrix24::events::EventSet for Event {
            const CODES: &'static [&'static str] = &[#(#codes),*];

            // `#[inline]`: compiled where events are received, not in the
            // bindings crate, where it would decode every payload type.
            #[inline]
            fn from_payload(
                payload: ::bitrix24::events::Payload,
            ) -> ::core::result::Result<Self, ::bitrix24::__private::serde_json::Error> {
                match payload.event.to_ascii_uppercase().as_str() {
                    #(#cases)*
                    _ => ::core::result::Result::Ok(Self::Other(payload)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, code: &str) -> Event {
        Event {
            name: name.into(),
            code: code.into(),
            title: format!("Event {name}"),
            scope: Vec::new(),
            description: String::new(),
            markdown: None,
            page: None,
            data: Vec::new(),
            data_is_object: true,
        }
    }

    #[test]
    fn variants_are_named_without_on() {
        let name = |n: &str| variant_name(&event(n, &n.to_ascii_uppercase()));
        assert_eq!(name("onCrmLeadAdd"), "CrmLeadAdd");
        assert_eq!(name("OnAppInstall"), "AppInstall");
        assert_eq!(name("ONIMBOTMESSAGEADD"), "Imbotmessageadd");
        assert_eq!(name("onOther"), "OnOther");
        assert_eq!(name("on"), "On");
    }

    #[test]
    fn names_follow_the_code_the_portal_sends() {
        let spell = |name: &str, code: &str| spelled(&event(name, code));
        assert_eq!(spell("onLeadDelete", "ONCRMLEADDELETE"), "OnCrmLeadDelete");
        assert_eq!(spell("onCrmLeadAdd", "ONCRMLEADADD"), "onCrmLeadAdd");
        assert_eq!(spell("onCrmLeadAdd", "onCrmLeadAdd"), "onCrmLeadAdd");
        assert_eq!(spell("onFoo", "ONBAR"), "OnBar");
        assert_eq!(spell("onFoo", "ONFOOBAR_X"), "OnFooBar_x");
        assert_eq!(spell("onFoo", "OnFooBar"), "OnFooBar");
        assert_eq!(spell("onFoo", "ÖN"), "onFoo");
        let deleted = event("onLeadDelete", "ONCRMLEADDELETE");
        assert_eq!(module_name(&deleted), "on_lead_delete");
        assert_eq!(variant_name(&deleted), "CrmLeadDelete");
    }

    #[test]
    fn the_enum_matches_upper_case_codes_and_parses() {
        let add = event("onDemoAdd", "onDemoAdd");
        let variants = [Variant {
            name: "DemoAdd",
            module: "on_demo_add",
            event: &add,
        }];
        let tokens = event_enum(&variants, "demo");
        let code = crate::pretty(tokens);
        assert!(
            code.contains(r#""ONDEMOADD" => payload.typed().map(Self::DemoAdd),"#),
            "{code}"
        );
        assert!(code.contains(r#"&["ONDEMOADD"]"#), "{code}");
        assert!(code.contains("bound by [`on_demo_add`]."), "{code}");
        syn::parse_str::<syn::File>(&code).unwrap();
    }
}
