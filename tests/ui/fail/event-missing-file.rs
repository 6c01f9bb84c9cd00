bitrix24::bitrix_event!("fixtures/on-crm-deal-add.md");

// The failed page stands in as its module: no second error here.
fn main() {
    let _ = on_crm_deal_add::EVENT;
}
