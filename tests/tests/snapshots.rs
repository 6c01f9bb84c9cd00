//! Snapshots of the pretty-printed expansion of shipped and fixture pages.
//! A change in generated code shows up here as a diff to review; run with
//! `BLESS=1` to accept it.

use std::path::{Path, PathBuf};

fn check(page: &str, snapshot: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = bitrix24_codegen::load(&root.join(page), page).unwrap_or_else(|e| panic!("{e}"));
    compare(
        page,
        snapshot,
        bitrix24_codegen::generate_pretty(&loaded.method),
    );
}

/// [`check`] for an event page (`bitrix_event!`'s expansion).
fn check_event(page: &str, snapshot: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded =
        bitrix24_codegen::load_event(&root.join(page), page).unwrap_or_else(|e| panic!("{e}"));
    let tokens = bitrix24_codegen::generate_event(&loaded.event);
    compare(page, snapshot, bitrix24_codegen::pretty(tokens));
}

fn compare(page: &str, snapshot: &str, actual: String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path: PathBuf = root.join("snapshots").join(snapshot);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run with BLESS=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "expansion of {page} changed at line {}:\n  snapshot: {:?}\n  now:      {:?}\nrun with BLESS=1 to accept",
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first)
        );
    }
}

#[test]
fn seed_page_expansion() {
    check(
        "../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md",
        "crm-lead-contact-items-set.rs",
    );
}

#[test]
fn nested_fixture_expansion() {
    check("fixtures/task-update.md", "task-update.rs");
}

#[test]
fn event_fixture_expansion() {
    check_event(
        "fixtures/lead-events/on-crm-lead-add.md",
        "on-crm-lead-add.rs",
    );
}

#[test]
fn doc_links_tree_expansion() {
    // A tree whose pages link each other (intra-doc links to their
    // modules), a page that is no method (linked on the site) and the web.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = "fixtures/doc-links";
    let bound = bitrix24_codegen::api_tree(&root.join(dir), dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((bound.methods, bound.events), (2, 1), "{:?}", bound.skipped);
    compare(dir, "doc-links.rs", bitrix24_codegen::pretty(bound.tokens));
}
