bitrix24::bitrix_method!("fixtures/no-method.md");

fn main() {}
