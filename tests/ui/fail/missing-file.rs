bitrix24::bitrix_method!("fixtures/does-not-exist.md");

fn main() {}
