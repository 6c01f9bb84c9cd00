//! `bitrix_event!` on a fixture page, and the same page through
//! `bitrix_api!`: the payload decodes the page's own example, and the
//! tree's enum picks the variant by code.

bitrix24::bitrix_event!("fixtures/lead-events/on-crm-lead-add.md");

mod tree {
    bitrix24::bitrix_api!("fixtures/lead-events");
}

use bitrix24::events::EventSet;

fn main() {
    let example = serde_json::json!({
        "event": "ONCRMLEADADD",
        "event_handler_id": "31",
        "data": {"FIELDS": {"ID": "4021", "TITLE": "kept"}},
        "ts": "1710000000",
        "auth": {"member_id": "fixture-member", "application_token": "fixture-app-token"}
    });
    let payload: on_crm_lead_add::Payload = serde_json::from_value(example.clone()).unwrap();
    assert_eq!(on_crm_lead_add::EVENT, "ONCRMLEADADD");
    let fields: &on_crm_lead_add::Fields = payload.data.fields.as_ref().unwrap();
    assert_eq!(fields.id, Some(4021));
    // A key the page does not name is kept.
    assert_eq!(fields.extra["TITLE"], "kept");
    assert_eq!(payload.event_handler_id, Some(31));

    let raw: bitrix24::events::Payload = serde_json::from_value(example).unwrap();
    match tree::events::Event::from_payload(raw).unwrap() {
        tree::events::Event::CrmLeadAdd(p) => {
            let _: tree::events::on_crm_lead_add::Payload = p;
        }
        _ => panic!("not CrmLeadAdd"),
    }
    assert_eq!(tree::events::Event::CODES.len(), 2);
    let _ = tree::fixture::lead::touch::METHOD;
}
