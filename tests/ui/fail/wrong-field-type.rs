bitrix24::bitrix_method!("../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md");

fn main() {
    let _ = crm_lead_contact_items_set::Items {
        contact_id: "1010",
        sort: None,
        is_primary: None,
    };
}
