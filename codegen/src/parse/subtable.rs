//! Tables that stand under their own heading: the candidates for nested
//! members, found by `{#anchor}`, by the heading's slug or by a name in the
//! heading. Both the page's reader and the dictionary cache collect them.

use crate::blocks::{Block, Table};
use crate::inline;

/// A table that stands under its own heading, as a candidate for nested members.
#[derive(Clone)]
pub struct SubTable<'b> {
    pub anchor: Option<String>,
    pub heading: String,
    /// The id the site gives the heading when it has no `{#anchor}`.
    pub slug: String,
    pub table: &'b Table<'b>,
}

/// The tables of `blocks` that stand under a heading, in order.
pub fn subtables<'b>(blocks: &'b [Block<'b>]) -> Vec<SubTable<'b>> {
    let mut out = Vec::new();
    let mut heading: Option<(String, Option<String>)> = None;
    for block in blocks {
        match block {
            Block::Heading { text, anchor, .. } => heading = Some((text.clone(), anchor.clone())),
            Block::Table(table) | Block::PipeTable(table) => {
                if let Some((text, anchor)) = heading.take() {
                    out.push(SubTable {
                        anchor,
                        slug: slug(&text),
                        heading: text,
                        table,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// The id a heading without `{#anchor}` gets on the site: lowercase words joined by `-`.
fn slug(heading: &str) -> String {
    let plain = inline::plain(heading).to_lowercase();
    let mut out = String::new();
    for c in plain.chars() {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if (c.is_whitespace() || c == '-') && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}
