//! Event pages of the real reference (skipped when `../shared` is absent):
//! every page that documents an event parses into an [`Event`] whose `data`
//! members cover what the page's own payload example sends.
//!
//! [`Event`]: bitrix24_codegen::model::Event

use std::path::Path;

use serde_json::Value;

/// Keys of the example's `data` (one level down too) that no member names.
fn uncovered(event: &bitrix24_codegen::model::Event, example: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(data) = example.get("data").and_then(Value::as_object) else {
        return out;
    };
    for (key, value) in data {
        let Some(member) = event.data.iter().find(|f| f.name.eq_ignore_ascii_case(key)) else {
            out.push(key.clone());
            continue;
        };
        let keyed = matches!(member.kind, bitrix24_codegen::model::Kind::Map(_));
        if let (Some(inner), false, false) = (value.as_object(), member.fields.is_empty(), keyed) {
            for inner_key in inner.keys() {
                if !member
                    .fields
                    .iter()
                    .any(|f| f.name.eq_ignore_ascii_case(inner_key))
                {
                    out.push(format!("{key}.{inner_key}"));
                }
            }
        }
    }
    out
}

#[test]
fn every_event_page_of_the_reference_parses_with_its_example_covered() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24restdocs");
    if !root.is_dir() {
        eprintln!("skipped: no reference at {}", root.display());
        return;
    }
    let files = bitrix24_codegen::source::markdown_files(&root).unwrap();
    let (mut events, mut failed, mut with_example, mut covered) = (0, Vec::new(), 0, 0);
    for file in files {
        let shown = file.display().to_string();
        let is_event = match bitrix24_codegen::load(&file, &shown) {
            Ok(_) => false,
            Err(e) => e.documents_event(),
        };
        if !is_event {
            continue;
        }
        match bitrix24_codegen::load_event(&file, &shown) {
            Ok(loaded) => {
                events += 1;
                if let Some(example) = loaded.examples.first() {
                    with_example += 1;
                    let missing = uncovered(&loaded.event, example);
                    if missing.is_empty() {
                        covered += 1;
                    } else {
                        eprintln!("{shown}: data keys without a member: {missing:?}");
                    }
                }
                // Every event expands into a module that parses as Rust.
                let tokens = bitrix24_codegen::generate_event(&loaded.event);
                syn::parse2::<syn::File>(tokens).unwrap_or_else(|e| panic!("{shown}: {e}"));
            }
            // Widget pages say who can subscribe too; they name no event.
            Err(e) if e.names_no_event() => {}
            Err(e) => failed.push(e.message),
        }
    }
    eprintln!(
        "{events} event pages parse ({} do not); {covered} of {with_example} payload examples covered",
        failed.len()
    );
    for message in &failed {
        eprintln!("  {message}");
    }
    assert!(events >= 180, "only {events} event pages");
    assert!(failed.len() * 20 <= events, "{failed:#?}");
    assert!(
        covered * 100 >= with_example * 95,
        "{covered} of {with_example}"
    );
}
