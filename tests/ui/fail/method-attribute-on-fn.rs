// The attribute form goes on a module.
#[bitrix24::method("crm.lead.contact.items.set", docs = "../docs-input")]
fn not_a_module() {}

fn main() {}
