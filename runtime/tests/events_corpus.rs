//! Every event page's payload example in the public reference, read as
//! JSON and as the form a portal POSTs (PHP's `http_build_query` of the
//! same value), gives the same `Payload`. Skips when `../shared` is absent.

use std::path::{Path, PathBuf};

use bitrix24::events::form::{decode, decode_json, Limits};
use bitrix24::events::Payload;
use serde_json::{Map, Value};

fn event_pages(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            event_pages(&path, out);
        } else if path.extension().is_some_and(|e| e == "md")
            && path
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n == "events")
            && path.file_name().is_some_and(|n| n != "index.md")
        {
            out.push(path);
        }
    }
}

/// The JSON code blocks of a page that look like a delivered event.
fn payload_examples(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let fence = line.trim_start();
        match &mut current {
            None if fence.starts_with("```json") => current = Some(String::new()),
            Some(block) if fence.starts_with("```") => {
                if block.contains("\"event\"") && block.contains("\"auth\"") {
                    blocks.push(block.clone());
                }
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// `http_build_query`: nested keys, `true` as 1, `false` as 0, `null` left out.
fn form_pairs(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}[{k}]")
        }
    };
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| form_pairs(&key(k), v, out)),
        Value::Array(list) => list
            .iter()
            .enumerate()
            .for_each(|(i, v)| form_pairs(&key(&i.to_string()), v, out)),
        Value::Null => {}
        Value::Bool(b) => out.push((prefix.into(), if *b { "1" } else { "0" }.into())),
        Value::Number(n) => out.push((prefix.into(), n.to_string())),
        Value::String(s) => out.push((prefix.into(), s.clone())),
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What survives a form: scalars as text, empty containers and nulls gone.
fn as_form(value: &Value) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::Bool(b) => Some(Value::String(if *b { "1" } else { "0" }.into())),
        Value::Number(n) => Some(Value::String(n.to_string())),
        Value::String(_) => Some(value.clone()),
        Value::Array(list) => {
            let items: Vec<Value> = list.iter().filter_map(as_form).collect();
            if items.is_empty() {
                None
            } else if items.len() == list.len() {
                Some(Value::Array(items))
            } else {
                // Holes leave indices that are not 0..n: an object.
                let map: Map<String, Value> = list
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| Some((i.to_string(), as_form(v)?)))
                    .collect();
                Some(Value::Object(map))
            }
        }
        Value::Object(map) => {
            let kept: Map<String, Value> = map
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), as_form(v)?)))
                .collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
    }
}

#[test]
fn every_event_example_reads_the_same_as_json_and_as_a_form() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24restdocs/api-reference");
    if !root.is_dir() {
        eprintln!("skipped: {} is absent", root.display());
        return;
    }
    let mut pages = Vec::new();
    event_pages(&root, &mut pages);
    pages.sort();
    let (mut examples, mut not_json, mut failures) = (0, 0, Vec::new());
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap_or_default();
        for block in payload_examples(&text) {
            let Ok(json) = decode_json(block.as_bytes(), Limits::default()) else {
                not_json += 1;
                continue;
            };
            examples += 1;
            let name = page
                .strip_prefix(&root)
                .unwrap_or(page)
                .display()
                .to_string();
            let from_json: Payload = match serde_json::from_value(json.clone()) {
                Ok(p) => p,
                Err(e) => {
                    failures.push(format!("{name}: as JSON: {e}"));
                    continue;
                }
            };
            let mut pairs = Vec::new();
            form_pairs("", &json, &mut pairs);
            let body = pairs
                .iter()
                .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                .collect::<Vec<_>>()
                .join("&");
            let form = match decode(
                Some("application/x-www-form-urlencoded"),
                body.as_bytes(),
                Limits::default(),
            ) {
                Ok(form) => form,
                Err(e) => {
                    failures.push(format!("{name}: as a form: {e}"));
                    continue;
                }
            };
            if Some(&form) != as_form(&json).as_ref() {
                failures.push(format!("{name}: the form decodes to another value"));
                continue;
            }
            let mut form = form;
            if let Value::Object(map) = &mut form {
                map.entry("data").or_insert(Value::Null);
            }
            let from_form: Payload = match serde_json::from_value(form) {
                Ok(p) => p,
                Err(e) => {
                    failures.push(format!("{name}: form as a payload: {e}"));
                    continue;
                }
            };
            let same = from_json.event == from_form.event
                && from_json.event_handler_id == from_form.event_handler_id
                && from_json.ts == from_form.ts
                && from_json.auth.member_id == from_form.auth.member_id
                && from_json.auth.domain == from_form.auth.domain
                && from_json.auth.application_token == from_form.auth.application_token;
            if !same {
                failures.push(format!("{name}: JSON and form payloads differ"));
            }
        }
    }
    eprintln!(
        "{} event pages, {examples} payload examples read, {not_json} not strict JSON, {} failed",
        pages.len(),
        failures.len()
    );
    assert!(examples >= 100, "only {examples} examples found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
