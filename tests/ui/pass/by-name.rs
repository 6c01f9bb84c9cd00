// A method bound by its name, found under a docs folder, in both forms.
bitrix24::bitrix_method!("crm.lead.contact.items.set", docs = "../docs-input");

#[bitrix24::method("CRM.LEAD.CONTACT.ITEMS.SET", docs = "../docs-input")]
pub(crate) mod contacts {
    /// An item of the user's own, beside the generated ones.
    pub fn primary(contact_id: i64) -> Items {
        Items {
            contact_id,
            sort: None,
            is_primary: Some(true),
        }
    }
}

fn main() {
    let _: &str = crm_lead_contact_items_set::METHOD;
    let params = contacts::Params {
        id: 7,
        items: vec![contacts::primary(1010)],
    };
    assert_eq!(contacts::METHOD, "crm.lead.contact.items.set");
    let _ = params;
}
