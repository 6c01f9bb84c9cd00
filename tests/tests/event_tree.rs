//! What `bitrix_api!` makes of event pages, checked on the engine's output:
//! an `events` module beside the methods, a module per event, one enum of
//! them all; pages that clash or fail are listed, never bound twice.

use std::path::Path;

fn tree(dir: &str) -> bitrix24_codegen::ApiTree {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    bitrix24_codegen::api_tree(&root.join(dir), dir).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn event_pages_become_an_events_module_with_one_enum() {
    let bound = tree("fixtures/lead-events");
    assert_eq!(bound.methods, 1, "{:?}", bound.skipped);
    assert_eq!(bound.events, 2, "{:?}", bound.skipped);
    assert!(bound.skipped.is_empty(), "{:?}", bound.skipped);
    let code = bitrix24_codegen::pretty(bound.tokens.clone());
    let at = |wanted: &str| {
        code.find(wanted)
            .unwrap_or_else(|| panic!("missing {wanted:?} in\n{code}"))
    };
    // The method tree first, then the events, in name order.
    let order = [
        at("pub mod fixture {"),
        at("pub mod events {"),
        at("pub enum Event {"),
        at("CrmLeadAdd(on_crm_lead_add::Payload),"),
        at("CrmLeadUpdate(on_crm_lead_update::Payload),"),
        at("Other(::bitrix24::events::Payload),"),
        at("impl ::bitrix24::events::EventSet for Event {"),
        at("pub mod on_crm_lead_add {"),
        at("pub mod on_crm_lead_update {"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}\n{code}");
    assert!(code.contains(
        r#"const CODES: &'static [&'static str] = &["ONCRMLEADADD", "ONCRMLEADUPDATE"];"#
    ));
    assert!(code.contains(r#""ONCRMLEADADD" => payload.typed().map(Self::CrmLeadAdd),"#));
    // The event pages were read, so a macro tracks them.
    for page in ["on-crm-lead-add.md", "on-crm-lead-update.md"] {
        assert!(bound.files.iter().any(|f| f.ends_with(page)), "{page}");
    }
    // The same input gives the same output.
    assert_eq!(
        bound.tokens.to_string(),
        tree("fixtures/lead-events").tokens.to_string()
    );
}

#[test]
fn a_second_page_of_one_code_and_a_failing_page_are_listed_not_bound() {
    let bound = tree("fixtures/event-clash");
    assert_eq!((bound.methods, bound.events), (0, 2), "{:?}", bound.skipped);
    assert_eq!(bound.skipped.len(), 2, "{:#?}", bound.skipped);
    // Path order: `on-demo-clash-again.md` sorts before `on-demo-clash.md`.
    assert_eq!(
        bound.skipped[0],
        "fixtures/event-clash/on-demo-clash.md: binds the event `ONDEMOCLASH` \
         (module `on_demo_clash`) as fixtures/event-clash/on-demo-clash-again.md does"
    );
    assert!(
        bound.skipped[1].starts_with("fixtures/event-clash/on-demo-looped.md:")
            && bound.skipped[1].contains("include cycle"),
        "{}",
        bound.skipped[1]
    );
    let code = bitrix24_codegen::pretty(bound.tokens);
    // `onOther` keeps its `on`: `Other` is the variant for codes not bound.
    for wanted in [
        "DemoClash(on_demo_clash::Payload),",
        "OnOther(on_other::Payload),",
        "Other(::bitrix24::events::Payload),",
        r#""ONDEMOCLASH" => payload.typed().map(Self::DemoClash),"#,
        // The failures are listed in the module's doc.
        "Pages under this directory that are not bound:",
        "on-demo-looped.md",
    ] {
        assert!(code.contains(wanted), "missing {wanted:?} in\n{code}");
    }
    assert!(!code.contains("on_demo_looped"), "{code}");
}
