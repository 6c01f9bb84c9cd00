bitrix24::bitrix_method!("../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md");

fn main() {
    let _ = crm_lead_contact_items_set::Params { id: 1 };
}
