// A method page is not an event page.
bitrix24::bitrix_event!("fixtures/task-update.md");

fn main() {}
