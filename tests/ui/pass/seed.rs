bitrix24::bitrix_method!("../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md");

use crm_lead_contact_items_set::{Error, Items, Output, Params};

fn main() {
    let params = Params {
        id: 1,
        items: vec![Items {
            contact_id: 1010,
            sort: Some(10),
            is_primary: Some(true),
        }],
    };
    let _: &str = crm_lead_contact_items_set::METHOD;
    let _ok: Option<Output> = None::<bool>;
    let _ = params;
    let _ = |e: Error| match e {
        Error::AccessDenied(api) | Error::NotFound(api) | Error::Api(api) => api.code,
        Error::System(system) => system.api.code,
        Error::Transport(t) | Error::OutcomeUnknown(t) => t.message,
        Error::Decode(d) => d.body,
    };
}
