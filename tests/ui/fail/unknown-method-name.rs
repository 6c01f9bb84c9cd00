// A name no page under the folder documents: one error on the literal,
// with the closest names, and no second error where the module is used.
bitrix24::bitrix_method!("crm.lead.contact.items.sett", docs = "../docs-input");

fn main() {
    let _ = crm_lead_contact_items_sett::METHOD;
}
