//! Event pages → [`Event`]: the handler's payload as the "What the Handler
//! Receives" section shows it, a table of `event`, `data`, `data.FIELDS`...
//! rows (sub-tables by anchor or heading, as on method pages) checked
//! against the section's JSON example, which the page's own examples make
//! the oracle of.

use serde_json::Value;

use super::examples::Samples;
use super::{decide, fields, linked, sections};
use crate::blocks::{self, Block};
use crate::diag::{Diagnostic, Kind};
use crate::inline;
use crate::model::{Event, Field};
use crate::source::Source;

/// The event of an event page, the files it read, and its payload examples.
pub fn parse_event(
    source: &Source,
) -> Result<(Event, Vec<std::path::PathBuf>, Vec<Value>), Diagnostic> {
    let blocks = blocks::scan(&blocks::pieces_of(source));
    let page = sections::split(source, &blocks);
    let (title, title_at) = page.title.clone().unwrap_or_default();
    let not_event = |why: &str| {
        Diagnostic::of(
            Kind::NotEventPage,
            title_at,
            format!("not an event page: {why}"),
        )
    };
    let plain_title = inline::plain_collapsed(&title);
    // The section the handler's payload is described in ("What the Handler
    // Receives"; "Parameters" on older pages), and what follows it; older
    // pages with no section put the table under the introduction.
    let heading = |want: fn(&str) -> bool| {
        blocks.iter().enumerate().find_map(|(i, b)| match b {
            Block::Heading { level, text, .. } if *level >= 2 && want(text) => {
                Some((i + 1, *level))
            }
            _ => None,
        })
    };
    let (start, level) = heading(receives)
        .or_else(|| heading(|h| sections::classify(h) == sections::SectionKind::Params))
        .unwrap_or((0, 1));
    let end = blocks[start..]
        .iter()
        .position(|b| matches!(b, Block::Heading { level: l, .. } if *l <= level && level > 1))
        .map_or(blocks.len(), |n| start + n);
    let section = &blocks[start..end];
    let examples: Vec<Value> = section
        .iter()
        .filter_map(|b| match b {
            Block::Code { text, .. } if text.trim_start().starts_with('{') => {
                crate::json::lenient(text).filter(Value::is_object)
            }
            _ => None,
        })
        .collect();
    let name = event_name(&plain_title)
        .or_else(|| {
            examples
                .iter()
                .find_map(|e| e.get("event").and_then(Value::as_str).map(str::to_string))
        })
        .ok_or_else(|| {
            not_event("no event name (like `onCrmLeadAdd`) in the title or the example")
        })?;
    let code = examples
        .iter()
        .find_map(|e| e.get("event").and_then(Value::as_str))
        .map_or_else(|| name.to_ascii_uppercase(), str::to_string);
    // The payload example read as a response, so that the kinds of `data`'s
    // members are decided and checked the way a method's result members are.
    let samples = Samples {
        responses: examples
            .iter()
            .map(|e| serde_json::json!({ "result": e }))
            .collect(),
        ..Samples::default()
    };
    let links = linked::Links::new(source);
    let table = section.iter().enumerate().find_map(|(i, b)| match b {
        Block::Table(t) | Block::PipeTable(t) => Some((t, start + i + 1)),
        _ => None,
    });
    // `data` is an object unless the table or the example says otherwise.
    let mut data_is_object = examples
        .iter()
        .filter_map(|e| e.get("data"))
        .all(|d| d.is_object() || d.is_null());
    let mut data = match table {
        Some((table, after)) => {
            let rows = fields::read_lenient(table, &blocks[after..], &samples, &links);
            match rows.iter().position(|f| f.name == "data") {
                Some(data) => {
                    let row = &rows[data];
                    if row.fields.is_empty() && super::anchors::written_scalar(row) {
                        data_is_object = false;
                    }
                    rows.into_iter()
                        .nth(data)
                        .map(|f| f.fields)
                        .unwrap_or_default()
                }
                // Older pages list `data`'s members themselves.
                None => rows
                    .into_iter()
                    .filter(|f| !ENVELOPE.contains(&f.name.as_str()))
                    .collect(),
            }
        }
        None => Vec::new(),
    };
    let mut carrier = Field::new("data", crate::model::Kind::Object);
    carrier.fields = std::mem::take(&mut data);
    decide::finish(&mut carrier, &[], &samples, decide::Side::Response);
    if carrier.fields.is_empty() {
        // No table of `data`: the example's keys and value shapes.
        if let Some((_, members)) = examples
            .first()
            .and_then(|e| e.get("data"))
            .and_then(super::sampled::shape)
        {
            carrier.fields = members;
        }
    }
    let event = Event {
        title: {
            let stripped = plain_title.replace(&name, "");
            let trimmed = stripped.trim().to_string();
            if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("event") {
                plain_title.clone()
            } else {
                trimmed
            }
        },
        name,
        code,
        scope: page.scope.clone(),
        description: page.description.clone(),
        markdown: page.markdown.clone(),
        page: super::origin::page_path(source),
        data: if data_is_object {
            carrier.fields
        } else {
            Vec::new()
        },
        data_is_object,
    };
    Ok((event, links.read(), examples))
}

/// Keys of every payload beside `data`.
const ENVELOPE: [&str; 4] = ["event", "event_handler_id", "ts", "auth"];

/// "What the Handler Receives", "Handler parameters", "Event parameters".
fn receives(heading: &str) -> bool {
    let h = heading.to_lowercase();
    h.contains("handler receives")
        || h.contains("handler parameters")
        || h.contains("event parameters")
}

/// `onCrmLeadAdd`, `OnAppInstall`, `ONIMBOTMESSAGEADD` in a title.
fn event_name(title: &str) -> Option<String> {
    title
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| {
            let camel = w.len() > 3
                && (w.starts_with("on") || w.starts_with("On"))
                && w[2..].starts_with(|c: char| c.is_ascii_uppercase());
            let upper = w.len() > 4
                && w.starts_with("ON")
                && w.chars().all(|c| c.is_ascii_uppercase() || c == '_');
            camel || upper
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    const PAGE: &str = "# Event onDemoThingAdd

> Scope: [`demo`](../scopes/permissions.md)
>
> Who can subscribe: any user

The event fires when a thing is added.

## What the Handler Receives

```json
{\"event\": \"ONDEMOTHINGADD\", \"event_handler_id\": \"7\", \"data\": {\"FIELDS\": {\"ID\": \"42\", \"TAGS\": [\"a\"]}}, \"ts\": \"1742807175\"}
```

#|
|| **parameter**
`type` | **Description** ||
|| **event**
[`string`](../data-types.md) | The code ||
|| **data**
[`object`](../data-types.md) | What was added ||
|| **data.FIELDS**
[`object`](../data-types.md) | The thing, see [below](#fields) ||
|#

### Parameter FIELDS {#fields}

#|
|| **parameter**
`type` | **Description** ||
|| **ID**
[`integer`](../data-types.md) | Its id ||
|#

## Continue Learning
";

    #[test]
    fn the_payload_data_is_read_from_the_table_and_its_example() {
        let source = Source::from_text("on-demo-thing-add.md", PAGE, |_| None);
        let (event, _, examples) = parse_event(&source).unwrap();
        assert_eq!(event.name, "onDemoThingAdd");
        assert_eq!(event.code, "ONDEMOTHINGADD");
        assert_eq!(examples.len(), 1);
        assert_eq!(event.data.len(), 1);
        let fields = &event.data[0];
        assert_eq!(fields.name, "FIELDS");
        assert_eq!(fields.kind, Kind::Object);
        assert_eq!(fields.fields[0].name, "ID");
        assert_eq!(fields.fields[0].kind, Kind::Integer);
    }

    #[test]
    fn a_page_without_a_payload_section_is_not_an_event_page() {
        let source = Source::from_text("x.md", "# Event onX\n\nText.\n", |_| None);
        let err = parse_event(&source).unwrap_err();
        assert!(
            err.message.starts_with("not an event page"),
            "{}",
            err.message
        );
    }
}
