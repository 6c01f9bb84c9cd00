//! Cargo re-expands `bitrix_event!` and `bitrix_api!` when an event page
//! changes: both macros make rustc track the event pages they read.
//!
//! As `rebuild.rs` does, the test builds a small crate twice in trybuild's
//! target directory (where the dependencies are already built).

mod common;

use common::Probe;

/// An event page whose portal sends `code`.
fn page(code: &str) -> String {
    format!(
        "# Event onProbeThingAdd\n\n> Who can subscribe: any user\n\nA probe.\n\n\
         ## What the Handler Receives\n\n```json\n\
         {{\"event\": \"{code}\", \"data\": {{\"FIELDS\": {{\"ID\": \"1\"}}}}, \"ts\": \"1\"}}\n```\n"
    )
}

#[test]
fn editing_an_event_page_rebuilds_both_macros() {
    let probe = Probe::new("rebuild-events-probe", "");
    probe.write(
        "src/main.rs",
        "bitrix24::bitrix_event!(\"tree/on-probe-thing-add.md\");\n\
         mod tree {\n    bitrix24::bitrix_api!(\"tree\");\n}\n\
         use bitrix24::events::EventSet;\n\
         fn main() {\n    println!(\"{} {:?}\", on_probe_thing_add::EVENT, tree::events::Event::CODES);\n}\n",
    );
    let event_page = "tree/on-probe-thing-add.md";
    probe.write(event_page, &page("ONPROBETHINGADD"));
    assert_eq!(probe.run(), r#"ONPROBETHINGADD ["ONPROBETHINGADD"]"#);

    probe.write(event_page, &page("ONPROBETHINGCREATE"));
    assert_eq!(
        probe.run(),
        r#"ONPROBETHINGCREATE ["ONPROBETHINGCREATE"]"#,
        "an edited event page was not picked up"
    );
}
