// An event page whose include includes itself: the cycle is located in the page.
bitrix24::bitrix_event!("fixtures/event-clash/on-demo-looped.md");

fn main() {}
