//! Members that a field gets from elsewhere: the sub-table a `#anchor` link
//! in its cells points to, a table in a linked file, or a table under a
//! heading that names the field.

use super::context::Context;
use super::linked::member_anchor;
use crate::model::{Field, Kind};
use crate::ws::Trim;

/// Members from the first sub-table that a `[..](#anchor)` link in `text`
/// points to, by explicit anchor or by the heading's slug.
pub fn link_members(
    text: &str,
    field: &mut Field,
    context: &Context<'_>,
    depth: usize,
    remote: bool,
) {
    // A scalar (`catalog_vat.id`, `string`) linking to a table is a
    // reference or a list of values, not a structure.
    if written_scalar(field) {
        return;
    }
    for anchor in anchor_links(text) {
        let wanted = anchor.to_lowercase();
        let sub = context
            .subtables
            .iter()
            .find(|s| s.anchor.as_deref() == Some(anchor.as_str()))
            .or_else(|| context.subtables.iter().find(|s| s.slug == wanted))
            .or_else(|| {
                // Misspelled links (`#parametr-fields`): the nearest slug or anchor.
                if wanted.len() < 6 {
                    return None;
                }
                context.subtables.iter().find(|s| {
                    near(&s.slug, &wanted) || s.anchor.as_deref().is_some_and(|a| near(a, &wanted))
                })
            });
        if let Some(sub) = sub {
            if let Ok(members) = context.read_sub(sub, depth + 1) {
                if !members.is_empty() {
                    field.fields = members;
                    break;
                }
            }
        }
    }
    if field.fields.is_empty() && remote {
        remote_members(text, field, context, depth);
    }
    if field.fields.is_empty() && depth < super::context::MAX_DEPTH {
        super::fields_pages::members(text, field, context, depth);
    }
}

/// The page writes a scalar type for the field.
pub fn written_scalar(field: &Field) -> bool {
    field.ty.as_deref().is_some_and(|t| {
        !matches!(
            crate::types::kind_of(t).non_null(),
            Kind::Object | Kind::Any | Kind::Array(_)
        )
    })
}

/// Members from a table in another file (`../data-types.md#catalog_product`),
/// for fields whose written type is not a scalar.
fn remote_members(text: &str, field: &mut Field, context: &Context<'_>, depth: usize) {
    if written_scalar(field) || matches!(field.name.as_str(), "time" | "error") {
        return;
    }
    // A link to a dictionary page without an anchor names the table by the
    // type itself (`[`sale_delivery_handler[]`](../../data-types.md)` → the
    // `### sale_delivery_handler` heading), for type names that are not basic.
    let own_name = field
        .ty
        .as_deref()
        .map(|t| t.trim_ws().trim_end_matches("[]").trim_ws())
        .filter(|t| {
            !t.is_empty()
                && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && crate::types::kind_of(t) == Kind::Any
                && *t != "any"
        });
    let mut targets = remote_links(text);
    if let Some(name) = own_name {
        targets.extend(bare_links(text).into_iter().map(|file| (file, name)));
    }
    for (target, anchor) in targets {
        if !member_anchor(anchor) {
            continue;
        }
        let Some(tables) = context.links.tables(field.at, target) else {
            continue;
        };
        let wanted = anchor.to_lowercase();
        let Some(sub) = tables
            .iter()
            .find(|s| s.anchor.as_deref() == Some(anchor))
            .or_else(|| tables.iter().find(|s| s.slug == wanted))
        else {
            continue;
        };
        if let Ok(members) = context
            .in_file(tables)
            .read_table(sub.table, depth + 1, false)
        {
            if members.iter().any(|m| !m.name.contains(' ')) {
                field.fields = members;
                return;
            }
        }
    }
}

/// `(path.md, anchor)` of every `[..](path.md#anchor)` link in `text`.
fn remote_links(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = crate::inline::find_pair(rest, *b"](") {
        let after = &rest[open + 2..];
        let Some(close) = after.find(')') else { break };
        if let Some((file, anchor)) = after[..close].split_once('#') {
            if file.ends_with(".md") && !anchor.is_empty() {
                out.push((file, anchor));
            }
        }
        rest = &after[close..];
    }
    out
}

/// `path.md` of every `[..](path.md)` link without an anchor in `text`.
pub fn bare_links(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = crate::inline::find_pair(rest, *b"](") {
        let after = &rest[open + 2..];
        let Some(close) = after.find(')') else { break };
        let target = &after[..close];
        if target.ends_with(".md") && !target.starts_with("http") && !target.starts_with('/') {
            out.push(target);
        }
        rest = &after[close..];
    }
    out
}

/// Whether two short strings (anchors) are at most two edits apart.
fn near(a: &str, b: &str) -> bool {
    a.chars().count().abs_diff(b.chars().count()) <= 2 && crate::glob::distance(a, b) <= 2
}

/// `[text](#anchor)` targets in a cell.
fn anchor_links(text: &str) -> Vec<String> {
    // Each `]` is a byte search away; only those followed by `(#` open one.
    let bytes = text.as_bytes();
    memchr::memchr_iter(b']', bytes)
        .filter(|&i| bytes[i + 1..].starts_with(b"(#"))
        .filter_map(|i| {
            let rest = &text[i + 3..];
            rest.find(')').map(|end| rest[..end].trim_ws().to_string())
        })
        .collect()
}

/// Sub-tables not linked by anchor: a heading that names a structured
/// parameter without members gives it the table below.
pub fn attach_by_heading(fields: &mut [Field], context: &Context<'_>) {
    for field in fields.iter_mut() {
        // A scalar (`integer`) is never given members by a heading that
        // happens to use its name as a word.
        if !field.fields.is_empty() || written_scalar(field) {
            continue;
        }
        let name = field.name.to_lowercase();
        let named = context.named.iter().find(|s| {
            let heading = &s.lower;
            heading
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == name)
        });
        if let Some(sub) = named {
            if let Ok(members) = context.read_sub(sub, 1) {
                field.fields = members;
            }
        }
    }
}
