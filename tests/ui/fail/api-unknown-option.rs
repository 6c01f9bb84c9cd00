bitrix24::bitrix_api!("fixtures/lead-events", scopes = ["crm"]);

fn main() {}
