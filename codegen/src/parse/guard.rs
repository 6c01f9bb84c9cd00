//! Checks that the parameter section was read whole, and that no table
//! swallowed the rest of the page. A table that lost its `||` or its `#|`
//! still scans, into fewer rows or into paragraphs, and a reader that takes
//! what it finds would bind such a page with parameters missing, or with
//! none. These checks turn every such page into located problems
//! ([`Kind::UnreadableTable`]) instead.
//!
//! A page without parameters says so ("No parameters.", "The method is
//! called without parameters"), and that is not a problem.

use super::columns::Columns;
use super::names::split_name;
use super::sections::{Page, SectionKind};
use crate::blocks::{Block, Cell, Table};
use crate::diag::{Diagnostic, Kind};
use crate::inline;
use crate::model::Field;
use crate::ws::Trim;

/// Every problem of the parameter sections of `page`, given the
/// parameters that were read from them (`whole`: without a problem of
/// the table reader's own, which already says why there are none).
pub fn params(page: &Page<'_>, params: &[Field], whole: bool) -> Vec<Diagnostic> {
    let mut problems = unclosed_tables(page);
    let mut sections = page.sections_of(SectionKind::Params).peekable();
    let Some(first) = sections.peek() else {
        return problems;
    };
    let main = first.blocks.iter().find_map(|b| match b {
        Block::Table(t) | Block::PipeTable(t) => Some((b, t)),
        _ => None,
    });
    match main {
        // The table reader says the table is never closed; what follows
        // it is the rest of the page, not lost rows.
        Some((_, table)) if !table.closed => {}
        Some((block, table)) => {
            if matches!(block, Block::Table(_)) && table.rows.is_empty() {
                problems.push(unreadable(
                    table.stray.unwrap_or(table.at),
                    "the parameter table has no `|| ... ||` row",
                ));
            } else if let Some(at) = table.stray {
                problems.push(unreadable(
                    at,
                    "text outside any `|| ... ||` row of the parameter table: a row lost its `||`",
                ));
            }
            problems.extend(rows_without_names(table));
        }
        None => {
            if let Some(at) = rows_without_table(first.blocks) {
                problems.push(unreadable(
                    at,
                    "table rows (`||`) with no table around them: the `#|` that opens the parameter table is missing",
                ));
            }
        }
    }
    if whole && problems.is_empty() && params.is_empty() {
        let text: Vec<&Block> = sections.flat_map(|s| s.blocks.iter()).collect();
        if let Some(block) = text.iter().find(|b| !matches!(b, Block::Heading { .. })) {
            if !says_no_parameters(&text) {
                problems.push(unreadable(
                    block.at(),
                    "the parameters section has text but no parameter could be read from it \
                     (a page without parameters says `No parameters.`)",
                ));
            }
        }
    }
    problems
}

/// Every table of the page that is never closed: it reads the rest of the
/// page as its cells, examples and all (the reference closes every table).
fn unclosed_tables(page: &Page<'_>) -> Vec<Diagnostic> {
    page.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) if !t.closed => Some(unreadable(
                t.at,
                "the table is never closed: `#|` has no matching `|#`, so the rest of the page is read as its cells",
            )),
            _ => None,
        })
        .collect()
}

fn unreadable(at: usize, message: &str) -> Diagnostic {
    Diagnostic::of(Kind::UnreadableTable, at, message)
}

/// The first line of a paragraph that is a YFM table row or table end,
/// in blocks that hold no table.
fn rows_without_table(blocks: &[Block]) -> Option<usize> {
    blocks.iter().find_map(|block| match block {
        Block::Paragraph(lines) => lines
            .iter()
            .find(|p| {
                let t = p.text.trim_ws();
                t.starts_with("||") || t.starts_with("|#")
            })
            .map(|p| p.at),
        _ => None,
    })
}

/// Every data row whose name cell has no name: blank, with no name that
/// can be read (the table reader would skip the row), or only a type
/// (`[`string`](...)`), which would otherwise become a parameter named
/// after its type.
fn rows_without_names(table: &Table) -> Vec<Diagnostic> {
    if table.rows.is_empty() {
        return Vec::new();
    }
    let (columns, rows) = Columns::of_table(&table.rows);
    let mut problems = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if row.iter().all(Cell::is_blank) {
            continue;
        }
        let at = row.iter().find_map(Cell::at).unwrap_or(table.at);
        let Some(cell) = row.get(columns.name).filter(|c| !c.is_blank()) else {
            problems.push(unreadable(
                at,
                &format!(
                    "row {} of the parameter table has no parameter name in its column {}",
                    index + 1,
                    columns.name + 1
                ),
            ));
            continue;
        };
        let first = cell.nonblank_lines().next().map_or("", |p| p.text);
        if split_name(first).is_none() {
            problems.push(unreadable(
                cell.at().unwrap_or(at),
                &format!(
                    "row {} of the parameter table has no name that can be read: its name cell starts with {:?}",
                    index + 1,
                    first.trim_ws()
                ),
            ));
        } else if is_prose(first) {
            problems.push(unreadable(
                cell.at().unwrap_or(at),
                &format!(
                    "row {} of the parameter table has no parameter name: its name cell starts with the text {:?}",
                    index + 1,
                    first.trim_ws()
                ),
            ));
        } else if let Some(ty) = only_a_type(first) {
            problems.push(unreadable(
                cell.at().unwrap_or(at),
                &format!(
                    "row {} of the parameter table has no parameter name: its name cell starts with the type `{ty}`",
                    index + 1
                ),
            ));
        }
    }
    problems
}

/// The type of a name cell's first line that is only a type link
/// (`[`string`](../data-types.md)`, `[`integer`][1]`), with no bold or
/// plain name before it.
fn only_a_type(line: &str) -> Option<String> {
    let line = line.trim_ws();
    let rest = line.strip_prefix("[`")?;
    let (ty, after) = rest.split_once("`]")?;
    let (open, close) = match after.chars().next()? {
        '(' => ('(', ')'),
        '[' => ('[', ']'),
        _ => return None,
    };
    let after = after.strip_prefix(open)?;
    let end = after.find(close)?;
    let tail = after[end + 1..].trim_ws();
    // `[`type`](link)` and nothing but a required mark or a note after it.
    (!ty.is_empty() && (tail.is_empty() || !tail.starts_with("**"))).then(|| ty.to_string())
}

/// A name cell's first line that is a sentence rather than a name: no
/// bold, no code or link first, three words or more ("Possible values for
/// `order`:" when the name above it was lost).
fn is_prose(line: &str) -> bool {
    let line = line.trim_ws();
    !line.contains("**")
        && !line.starts_with(['`', '['])
        && inline::plain(line).split_whitespace().count() >= 3
}

/// Whether the section's text says the method takes no parameters.
fn says_no_parameters(blocks: &[&Block]) -> bool {
    let mut text = String::new();
    for block in blocks {
        if let Block::Paragraph(lines) | Block::Quote(lines) = block {
            for line in lines {
                text.push_str(line.text);
                text.push(' ');
            }
        }
    }
    let text = inline::into_lowercase(inline::plain_collapsed(&text));
    const SAYINGS: &[&str] = &[
        "no parameters",
        "no parameter",
        "no arguments",
        "without parameters",
        "without arguments",
        "not accept any parameters",
        "not take any parameters",
        "not require any parameters",
        "has no input",
        "без параметров",
        "нет параметров",
        "параметров нет",
    ];
    // Or it sends the reader elsewhere: "See the description of list methods".
    const REFERS: &[&str] = &["see ", "refer to ", "described in ", "same as "];
    text.trim_ws().trim_end_matches('.') == "none"
        || SAYINGS.iter().any(|s| text.contains(s))
        || REFERS.iter().any(|r| text.trim_start_ws().starts_with(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_link_alone_is_not_a_name() {
        assert_eq!(
            only_a_type("[`string`](../data-types.md)"),
            Some("string".into())
        );
        assert_eq!(only_a_type("[`integer`](t.md) | x"), Some("integer".into()));
        assert_eq!(only_a_type("[`integer`][1]"), Some("integer".into()));
        assert_eq!(only_a_type("**id***"), None);
        assert_eq!(only_a_type("**id** [`string`](t.md)"), None);
        assert_eq!(only_a_type("`filter`"), None);
        assert!(is_prose("Possible values for `order`:"));
        assert!(!is_prose("id [`integer`](t.md)"));
        assert!(!is_prose("**id** — the identifier of the lead"));
    }
}
