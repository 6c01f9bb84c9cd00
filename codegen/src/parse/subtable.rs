//! Tables that stand under their own heading: the candidates for nested
//! members, found by `{#anchor}`, by the heading's slug or by a name in the
//! heading. Both the page's reader and the dictionary cache collect them.

use crate::blocks::{Block, Table};
use crate::inline;

/// A table that stands under its own heading, as a candidate for nested members.
#[derive(Clone)]
pub struct SubTable<'b> {
    /// The heading's `{#anchor}`, if it has one.
    pub anchor: Option<String>,
    /// The heading as plain lowercase text, for matching by words (made
    /// once: a dictionary's sub-tables are matched for page after page).
    pub lower: String,
    /// The id the site gives the heading when it has no `{#anchor}`.
    pub slug: String,
    pub table: &'b Table<'b>,
    /// Tables of the same columns that follow under the same heading: the
    /// other tabs of a `{% list tabs %}` (a lead's fields, a deal's...).
    pub more: Vec<&'b Table<'b>>,
}

/// The tables of `blocks` that stand under a heading, in order.
pub fn subtables<'b>(blocks: &'b [Block<'b>]) -> Vec<SubTable<'b>> {
    let mut out: Vec<SubTable<'b>> = Vec::new();
    // Borrowed: most headings have no table under them, and only a
    // sub-table keeps a copy of its anchor.
    let mut heading: Option<(&'b str, &'b Option<String>)> = None;
    // Whether the last sub-table's heading is still the current one.
    let mut open = false;
    for block in blocks {
        match block {
            Block::Heading { text, anchor, .. } => {
                heading = Some((text, anchor));
                open = false;
            }
            Block::Table(table) | Block::PipeTable(table) => {
                if let Some((text, anchor)) = heading.take() {
                    let lower = inline::into_lowercase(inline::plain(text));
                    out.push(SubTable {
                        anchor: anchor.clone(),
                        slug: slug(&lower),
                        lower,
                        table,
                        more: Vec::new(),
                    });
                    open = true;
                } else if let Some(last) = out.last_mut().filter(|_| open) {
                    if same_columns(last.table, table) {
                        last.more.push(table);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Two tables with the same header row.
fn same_columns(a: &Table, b: &Table) -> bool {
    match (a.rows.first(), b.rows.first()) {
        (Some(x), Some(y)) => {
            x.len() == y.len()
                && x.iter().zip(y.iter()).all(|(p, q)| {
                    inline::plain(&p.text()).trim() == inline::plain(&q.text()).trim()
                })
        }
        _ => false,
    }
}

/// The id a heading without `{#anchor}` gets on the site: lowercase words
/// joined by `-`, from the heading as plain lowercase text.
fn slug(lower: &str) -> String {
    // A slug is never longer than the heading: one allocation.
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if (c.is_whitespace() || c == '-') && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    // `trim_end_matches('-')` in place.
    while out.ends_with('-') {
        out.pop();
    }
    out
}
