bitrix24::bitrix_method!("fixtures/nameless-row.md");

fn main() {}
