//! The module of one event: its code, the members of `data` as a struct
//! (every key kept, as on response structs), and `Payload`, the runtime's
//! generic event payload over that struct.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::types::{Owner, TypeSet};
use super::{docs, ident};
use crate::model::Event;
use crate::naming;

/// The module's name: `onCrmLeadAdd` → `on_crm_lead_add`.
pub fn module_name(event: &Event) -> String {
    naming::snake(&event.name)
}

/// `pub mod on_crm_lead_add { pub const EVENT; struct Data; type Payload }`.
pub fn event_module(event: &Event) -> TokenStream {
    let module = ident(&module_name(event));
    let code = Literal::string(&event.code);
    let doc = docs::literal(&module_doc(event));
    let mut types = TypeSet::new(&["Data", "Payload", "EVENT"]);
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
        types.structure("Data", &doc, &event.data, Owner::Response, true)
    };
    let items = types.into_items();
    let payload_doc = docs::literal(&format!(
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

fn module_doc(event: &Event) -> String {
    let mut doc = format!("{}\n\nBinds the event `{}`.", event.title, event.code);
    if !event.scope.is_empty() {
        doc.push_str(&format!("\n\nScope: `{}`.", event.scope.join("`, `")));
    }
    if !event.description.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&event.description);
    }
    doc
}
