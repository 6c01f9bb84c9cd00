//! Type dictionaries in other files: a type link such as
//! ``[`catalog_product`](../data-types.md#catalog_product)`` names a table in
//! another page. Those files are read once per page, before parsing, so their
//! tables can give members to fields the page itself leaves open.

use std::path::PathBuf;

use crate::source::Source;

/// Anchors that name shared reference sections, not member tables.
const NOT_MEMBERS: &[&str] = &[
    "time",
    "standart-types",
    "standard-types",
    "compound-types",
    "lang-ids",
    "object_type",
    "activity-enums",
];

/// Reads the linked files `wanted` (already resolved) through the page's reader.
pub fn load(source: &Source, wanted: &[PathBuf]) -> Vec<(PathBuf, Source)> {
    let Some(read) = source.reader else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for path in wanted.iter().take(4) {
        if source.files.contains(path) {
            continue;
        }
        if let Some(text) = read(path) {
            out.push((
                path.clone(),
                Source::from_text(path.clone(), &text, |_| None),
            ));
        }
    }
    out
}

/// Whether the page has any type link into another file at all.
pub fn any(source: &Source) -> bool {
    source.reader.is_some()
        && source.lines.iter().any(|line| {
            let text = source.text(line);
            text.contains(".md#") && !type_link_targets(text).is_empty()
        })
}

/// `path.md` of every ``[`type`](path.md#anchor)`` link in a line whose anchor
/// can name a member table.
pub fn type_link_targets(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("`](") {
        let after = &rest[open + 3..];
        let Some(close) = after.find(')') else { break };
        let target = &after[..close];
        if let Some((path, anchor)) = target.split_once('#') {
            let remote =
                path.ends_with(".md") && !path.starts_with("http") && !path.starts_with('/');
            if remote && !NOT_MEMBERS.contains(&anchor) {
                out.push(path);
            }
        }
        rest = &after[close..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_type_links_to_member_tables() {
        assert_eq!(
            type_link_targets(
                "|| **x**\n[`catalog_product`](../data-types.md#catalog_product) | y [a](b.md#c)"
            ),
            ["../data-types.md"]
        );
        assert!(type_link_targets("[`time`](../data-types.md#time)").is_empty());
        assert!(type_link_targets("[`lead`](#lead)").is_empty());
    }
}
