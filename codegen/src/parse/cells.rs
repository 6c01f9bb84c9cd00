//! The description cell of a row: its prose, the members or allowed values
//! its bullet lists and nested tables give, and members its links point to.

use super::anchors::{link_members, written_scalar};
use super::columns::is_header;
use super::context::{Context, MAX_DEPTH};
use super::names::field_name;
use super::origin;
use super::prose::{self, Prose};
use crate::blocks::{self, Block, Cell};
use crate::inline;
use crate::model::{EnumValue, Field};
use crate::ws::Trim;

/// Reads a description cell into `field`: its description, and members or
/// allowed values from the lists, tables and links in the cell.
pub fn read_description(cell: &Cell, field: &mut Field, context: &Context<'_>, depth: usize) {
    // Most cells are one line of prose: one paragraph, with no block to find.
    let one_prose_line = match &*cell.lines {
        [only] if blocks::starts_prose(only.text.trim_ws()) => Some(only.text.trim_ws()),
        _ => None,
    };
    let blocks = match one_prose_line {
        Some(_) => Vec::new(),
        None => blocks::scan(&cell.lines),
    };
    // Lines joined by `\n`, as the plain text always was; the strings are
    // made as large as the cell once (most cells of more than a line have
    // paragraphs and lists, pushed one by one).
    let mut prose = match one_prose_line {
        Some(_) => Prose::new(),
        None => Prose::with_capacity(cell.lines.iter().map(|p| p.text.len() + 1).sum()),
    };
    let folder = Folder::new(cell, context);
    if let Some(line) = one_prose_line {
        prose.push("\n", "", line);
    }
    for block in &blocks {
        match block {
            Block::Paragraph(lines) => {
                let text: Vec<&str> = lines.iter().map(|p| p.text.trim_ws()).collect();
                match text.as_slice() {
                    [one] => prose.push("\n", "", one),
                    _ => prose.push("\n", "", &text.join(" ")),
                }
                // Values written one per line as bare code spans, no list markers.
                let values: Vec<EnumValue> = text
                    .iter()
                    .filter(|l| l.starts_with('`') && !l.starts_with("```"))
                    .filter_map(|l| enum_value(l))
                    .map(|v| folder.value(v))
                    .collect();
                if values.len() >= 2 && field.values.is_empty() {
                    field.values = values;
                }
            }
            Block::List(items) => {
                let top = items.iter().map(|i| i.indent).min().unwrap_or(0);
                let top_items: Vec<_> = items.iter().filter(|i| i.indent == top).collect();
                if depth < MAX_DEPTH && top_items.iter().all(|i| is_member_item(&i.text)) {
                    for item in top_items {
                        if let Some(mut member) = member_from_item(item) {
                            member.markdown = folder.rebase(member.markdown);
                            field.fields.push(member);
                        }
                    }
                } else {
                    for item in &top_items {
                        if let Some(value) = enum_value(&item.text) {
                            field.values.push(folder.value(value));
                        }
                    }
                }
                for item in items {
                    prose.push("\n", "- ", &item.text);
                }
            }
            Block::Table(table) | Block::PipeTable(table) if depth < MAX_DEPTH => {
                // A nested table with bold names lists members; one with
                // plain first cells (`||CALL|Call||`) lists allowed values.
                let data_rows = if table.rows.first().is_some_and(|r| is_header(r))
                    && table
                        .rows
                        .iter()
                        .skip(1)
                        .any(|r| r.first().is_some_and(|c| c.contains("**")))
                {
                    &table.rows[1..]
                } else {
                    &table.rows[..]
                };
                let members = data_rows
                    .iter()
                    .any(|r| r.first().is_some_and(|c| c.contains("**")));
                if members && field.fields.is_empty() {
                    if let Ok(members) = context.read_table(table, depth + 1, false) {
                        field.fields = members;
                    }
                } else if !members && field.values.is_empty() {
                    let plain_header = table.rows.len() > 1;
                    for row in table.rows.iter().skip(usize::from(plain_header)) {
                        let value = row
                            .first()
                            .map(|c| inline::plain(&c.text()))
                            .unwrap_or_default();
                        let value = value.trim_ws().to_string();
                        if value.is_empty() || value.contains(' ') {
                            continue;
                        }
                        let (description, markdown) =
                            row.get(1).map(|c| prose::of(&c.text())).unwrap_or_default();
                        field.values.push(EnumValue {
                            value,
                            description,
                            markdown: folder.rebase(markdown),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    let (description, markdown) = prose.finish();
    field.description = description;
    field.markdown = folder.rebase(markdown);
    // The cell's text is only worth joining when a link may give members.
    if field.fields.is_empty() && depth < MAX_DEPTH && !written_scalar(field) {
        link_members(&cell.text(), field, context, depth, false);
    }
}

/// `**NAME**` at the start of an item marks a member; a code span or plain
/// value marks an allowed value.
fn is_member_item(text: &str) -> bool {
    let t = text.trim_start_ws();
    if !t.starts_with("**") {
        return false;
    }
    match field_name(t) {
        Some((name, _)) => name.chars().any(|c| c.is_ascii_alphabetic()) && !name.contains(' '),
        None => false,
    }
}

fn member_from_item(item: &blocks::Item) -> Option<Field> {
    let first_line = item.text.lines().next().unwrap_or("");
    let (name, required) = field_name(first_line)?;
    let after_bold = first_line
        .splitn(3, "**")
        .nth(2)
        .unwrap_or("")
        .trim_start_matches(['*', '^'])
        .trim_ws();
    // `**NAME** (`type`) — text` or `**NAME** `type` — text`.
    let spans = inline::code_spans(after_bold.split(['—', '–']).next().unwrap_or(""));
    let ty = spans.first().map(|s| inline::collapse(s));
    let description = after_bold
        .split_once(['—', '–', '-'])
        .map(|(_, d)| d)
        .unwrap_or(after_bold);
    let mut field = Field::new(name, crate::model::Kind::Any);
    field.ty = ty;
    field.required = required;
    (field.description, field.markdown) = prose::of(description);
    field.at = item.at;
    Some(field)
}

/// Where a cell was read from, for the links of its Markdown: the folder
/// of its file relative to the page's, looked up once, when a text of the
/// cell first has a link.
struct Folder<'c> {
    cell: &'c Cell<'c>,
    context: &'c Context<'c>,
    offset: std::cell::OnceCell<Option<String>>,
}

impl<'c> Folder<'c> {
    fn new(cell: &'c Cell<'c>, context: &'c Context<'c>) -> Folder<'c> {
        Folder {
            cell,
            context,
            offset: std::cell::OnceCell::new(),
        }
    }

    /// `markdown` with its relative links rebased onto the page's folder
    /// ([`origin::rebase`]) when the cell was read from a file in another
    /// folder (an include, a linked dictionary).
    fn rebase(&self, markdown: Option<String>) -> Option<String> {
        let markdown = markdown?;
        if !prose::has_link(&markdown) {
            return Some(markdown);
        }
        let offset = self.offset.get_or_init(|| {
            let first = self.cell.lines.first()?;
            self.context.links.offset_of(first.text)
        });
        match offset {
            Some(offset) => Some(origin::rebase(&markdown, offset)),
            None => Some(markdown),
        }
    }

    /// An allowed value with its Markdown rebased.
    fn value(&self, mut value: EnumValue) -> EnumValue {
        value.markdown = self.rebase(value.markdown);
        value
    }
}

/// `` `Y` — yes `` → value `Y`.
fn enum_value(text: &str) -> Option<EnumValue> {
    let t = text.trim_start_ws();
    let (value, rest) = if t.starts_with('`') {
        let run = t.bytes().take_while(|&b| b == b'`').count();
        // A single backtick, the usual run, is found by a byte search.
        let close = if run == 1 {
            t[run..].find('`')?
        } else {
            t[run..].find(&t[..run])?
        };
        (&t[run..run + close], &t[run + close + run..])
    } else if let Some(inner) = t.strip_prefix("**") {
        let close = crate::inline::find_pair(inner, *b"**")?;
        (&inner[..close], &inner[close + 2..])
    } else {
        return None;
    };
    let rest = rest
        .trim_start_ws()
        .trim_start_matches(['—', '–', '-', ':', ',']);
    let (description, markdown) = prose::of(rest);
    let value = value.trim_ws().trim_matches(['"', '\'']).to_string();
    (!value.is_empty() && !value.contains(' ')).then_some(EnumValue {
        value,
        description,
        markdown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_items_and_value_items_are_told_apart() {
        assert!(is_member_item("**CONTACT_ID^*^** — id"));
        assert!(!is_member_item("`Y` — yes"));
        assert_eq!(
            enum_value("`Y` — yes"),
            Some(EnumValue {
                value: "Y".into(),
                description: "yes".into(),
                markdown: None,
            })
        );
    }
}
