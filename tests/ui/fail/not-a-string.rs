bitrix24::bitrix_method!(crm_lead_add);

fn main() {}
