bitrix24::bitrix_method!("fixtures/unclosed-table.md");

fn main() {}
