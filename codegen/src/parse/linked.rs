//! Type dictionaries in other files: a type link such as
//! ``[`catalog_product`](../data-types.md#catalog_product)`` names a table in
//! another page. Those files are read when a field asks for one, so their
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
                Source::from_string(path.clone(), text, |_| None),
            ));
        }
    }
    out
}

/// Whether an anchor of a dictionary page can name a member table.
pub fn member_anchor(anchor: &str) -> bool {
    !NOT_MEMBERS.contains(&anchor)
}
