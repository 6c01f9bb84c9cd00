//! `bitrix_api!(.., methods = [..], events = [..])` checked on the engine's
//! output: only what the globs pick is bound, and a glob that picks nothing
//! is reported by its position.

use std::path::Path;

use bitrix24_codegen::tree::{api_tree_select, Select};

fn tree(select: &Select) -> bitrix24_codegen::ApiTree {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = "fixtures/lead-events";
    api_tree_select(&root.join(dir), dir, None, select).unwrap_or_else(|e| panic!("{e}"))
}

fn globs(list: &[&str]) -> Option<Vec<String>> {
    Some(list.iter().map(|g| g.to_string()).collect())
}

#[test]
fn only_the_picked_methods_and_events_are_bound() {
    let bound = tree(&Select {
        methods: globs(&["fixture.*"]),
        events: globs(&["onCrmLeadAdd"]),
    });
    assert_eq!((bound.methods, bound.events), (1, 1));
    assert!(bound.unmatched.is_empty(), "{:?}", bound.unmatched);
    let code = bitrix24_codegen::pretty(bound.tokens);
    assert!(code.contains("pub mod on_crm_lead_add {"), "{code}");
    assert!(!code.contains("on_crm_lead_update"), "{code}");

    let none = tree(&Select {
        methods: globs(&[]),
        events: None,
    });
    assert_eq!((none.methods, none.events), (0, 2));
    let code = bitrix24_codegen::pretty(none.tokens);
    assert!(!code.contains("pub mod fixture"), "{code}");
}

#[test]
fn a_glob_that_picks_nothing_is_reported_at_its_position() {
    let bound = tree(&Select {
        methods: globs(&["fixture.lead.touch", "crm.*"]),
        events: globs(&["onCrmLead*", "onTaskAdd"]),
    });
    assert_eq!((bound.methods, bound.events), (1, 2));
    let reported: Vec<(bool, usize)> = bound.unmatched.iter().map(|u| (u.event, u.index)).collect();
    assert_eq!(reported, [(false, 1), (true, 1)]);
    assert_eq!(
        bound.unmatched[0].message,
        "`crm.*` matches no method under `fixtures/lead-events`; the closest: `fixture.lead.touch`"
    );
}
