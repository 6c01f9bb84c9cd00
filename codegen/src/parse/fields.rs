//! Parameter tables → [`Field`]s, with nested members from sub-tables (linked
//! by anchor or by heading), tables inside cells and bullet lists in cells.

use super::decide;
use super::examples::Samples;
use super::linked::Dictionary;
use super::sections::{Page, SectionKind};
use crate::blocks::{self, Block, Cell, Table};
use crate::diag::Diagnostic;
use crate::inline;
use crate::model::{EnumValue, Field, Kind};
use crate::source::Source;
use std::cell::RefCell;
use std::path::PathBuf;

/// How deep nested members are followed (sub-tables may link in a cycle).
const MAX_DEPTH: usize = 6;

/// Which column holds what.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    name: usize,
    ty: Option<usize>,
    description: Option<usize>,
    required: Option<usize>,
}

impl Columns {
    /// Columns of a table without a header: name (with type), description.
    pub fn default_for(count: usize) -> Columns {
        Columns {
            name: 0,
            ty: None,
            description: (count > 1).then_some(count - 1),
            required: None,
        }
    }

    /// Reads a header row. The first column names the field unless another does.
    pub fn of(header: &[Cell]) -> Columns {
        let labels: Vec<String> = header
            .iter()
            .map(|c| inline::plain(&c.text()).to_lowercase())
            .collect();
        let find = |pred: &dyn Fn(&str) -> bool| labels.iter().position(|l| pred(l.trim()));
        let name = find(&|l| {
            l.starts_with("name")
                || l.starts_with("parameter")
                || l.starts_with("field")
                || l.starts_with("param")
                || l.starts_with("key")
                || l.starts_with("property")
        })
        .unwrap_or(0);
        let ty = find(&|l| l == "type" || l.starts_with("type ") || l == "data type");
        let description = find(&|l| {
            l.starts_with("description") || l.starts_with("purpose") || l.starts_with("value")
        })
        .filter(|&i| i != name)
        .or_else(|| {
            (0..labels.len())
                .rev()
                .find(|&i| i != name && Some(i) != ty)
        });
        let required = find(&|l| l.starts_with("required") || l.starts_with("mandatory"));
        Columns {
            name,
            ty: ty.filter(|&t| t != name),
            description,
            required,
        }
    }
}

/// A table that stands under its own heading, as a candidate for nested members.
#[derive(Clone)]
pub struct SubTable<'b> {
    anchor: Option<String>,
    heading: String,
    /// The id the site gives the heading when it has no `{#anchor}`.
    slug: String,
    table: &'b Table<'b>,
}

struct Context<'b> {
    /// Tables under headings anywhere below, for `#anchor` links.
    subtables: Vec<SubTable<'b>>,
    /// Tables under headings of the same part of the page, matched by name.
    named: Vec<SubTable<'b>>,
    /// Tables of the files the page links to.
    links: &'b Links<'b>,
}

/// Member tables of other files the page's type links point to
/// (`[`catalog_product`](../data-types.md#catalog_product)`). A file is read
/// the first time a field asks for it.
pub struct Links<'b> {
    source: Option<&'b Source>,
    /// Every file fields asked for, in order, whether or not it could be read.
    asked: RefCell<Vec<PathBuf>>,
    /// The files that were read.
    docs: RefCell<Vec<&'static Dictionary>>,
}

impl<'b> Links<'b> {
    /// The linked files of `source`, read through its reader when asked for.
    pub fn new(source: &'b Source) -> Links<'b> {
        Links {
            source: Some(source),
            asked: RefCell::default(),
            docs: RefCell::default(),
        }
    }

    /// The linked files that were read.
    pub fn read(&self) -> Vec<PathBuf> {
        self.docs.borrow().iter().map(|d| d.path.clone()).collect()
    }

    /// The tables of the file `target` names, relative to the file of page line `at`.
    fn tables(&self, at: usize, target: &str) -> Option<&'static [SubTable<'static>]> {
        let source = self.source?;
        let line = source.lines.get(at)?;
        let dir = source.files.get(line.file)?.parent()?;
        let path = crate::source::normalize(&dir.join(target));
        if let Some(doc) = self.docs.borrow().iter().find(|doc| doc.path == path) {
            return Some(&doc.subtables);
        }
        let mut asked = self.asked.borrow_mut();
        if asked.contains(&path) {
            return None;
        }
        asked.push(path);
        let path = asked.last()?;
        // A page links a handful of dictionaries at most; this bounds what a
        // page full of links costs.
        if asked.len() > super::linked::MAX_FILES_PER_PAGE || source.files.contains(path) {
            return None;
        }
        let doc = super::linked::open(source, path)?;
        self.docs.borrow_mut().push(doc);
        Some(&doc.subtables)
    }
}

/// Reads the parameter section. Its first table lists the parameters; later
/// tables under their own headings describe members of structured ones.
pub fn read_params(
    page: &Page<'_>,
    samples: &Samples,
    links: &Links<'_>,
) -> Result<Vec<Field>, Diagnostic> {
    let mut sections = page.sections_of(SectionKind::Params);
    let Some(section) = sections.next() else {
        return Ok(Vec::new());
    };
    let mut tables = section
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Table(t) | Block::PipeTable(t) => Some((i, t)),
            _ => None,
        });
    let Some((first_index, main)) = tables.next() else {
        return Ok(Vec::new());
    };
    if !main.closed {
        return Err(Diagnostic::new(
            main.at,
            "the parameter table is never closed: `#|` has no matching `|#`",
        ));
    }
    // Links may point anywhere below the table; headings that only name a
    // parameter count inside the parameter sections.
    let after = section.start + first_index + 1;
    let mut named = subtables(&section.blocks[first_index + 1..]);
    for other in sections {
        // Include the section's own heading (`## Parameter fields {#fields}`).
        let from = other.start.saturating_sub(1);
        let to = other.start + other.blocks.len();
        named.extend(subtables(page.blocks.get(from..to).unwrap_or(other.blocks)));
    }
    let context = Context {
        subtables: subtables(page.blocks.get(after..).unwrap_or(&[])),
        named,
        links,
    };
    let mut fields = read_table(main, &context, &[], 0, true)?;
    attach_by_heading(&mut fields, &context);
    for field in &mut fields {
        decide::finish(field, &[], samples, decide::Side::Request);
    }
    Ok(fields)
}

/// Reads a table leniently (rows without a name are skipped), with members
/// from sub-tables among `after`. Kinds are left for the caller to decide.
pub fn read_lenient(
    table: &Table,
    after: &[Block],
    samples: &Samples,
    links: &Links<'_>,
) -> Vec<Field> {
    let _ = samples;
    let context = Context {
        subtables: subtables(after),
        named: subtables(after),
        links,
    };
    let mut fields = read_table(table, &context, &[], 0, false).unwrap_or_default();
    attach_by_heading(&mut fields, &context);
    fields
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

/// Reads every data row of a table. `strict` makes an unreadable row an error
/// (the top-level parameter table); nested tables are read leniently.
fn read_table(
    table: &Table,
    context: &Context<'_>,
    path: &[String],
    depth: usize,
    strict: bool,
) -> Result<Vec<Field>, Diagnostic> {
    let Some(first_row) = table.rows.first() else {
        return Ok(Vec::new());
    };
    // A table may start right away with data rows (`|| **result** ...`).
    let headerless = !is_header(first_row);
    let (columns, rows) = if headerless {
        (Columns::default_for(first_row.len()), &table.rows[..])
    } else {
        (Columns::of(first_row), &table.rows[1..])
    };
    let mut fields: Vec<Field> = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if row.iter().all(Cell::is_blank) {
            continue;
        }
        match read_row(row, columns, context, path, depth) {
            Some(field) => fields.push(field),
            None if strict && !row.get(columns.name).is_some_and(|c| !c.is_blank()) => {
                let at = row.iter().find_map(Cell::at).unwrap_or(table.at);
                return Err(Diagnostic::new(
                    at,
                    format!(
                        "row {} of the parameter table has no parameter name in its column {}",
                        index + 1,
                        columns.name + 1
                    ),
                ));
            }
            None => {}
        }
    }
    Ok(nest_dotted(fields))
}

/// Whether a first row is a header: its first cell is a column label.
fn is_header(row: &[Cell]) -> bool {
    let Some(first) = row.first() else {
        return false;
    };
    let raw = first.text();
    let text = inline::plain(&raw).to_lowercase();
    let label = text
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches(':');
    const LABELS: &[&str] = &[
        "name",
        "parameter",
        "parameters",
        "field",
        "fields",
        "key",
        "property",
        "code",
        "type",
        "description",
        "value",
        "status",
        "error",
        "argument",
        "option",
        "element",
        "mistake",
        "method",
        "event",
        "scope",
        "object",
        "member",
        "attribute",
        "setting",
        "column",
    ];
    LABELS.iter().any(|l| {
        label
            .strip_prefix(l)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '/']))
    }) || !raw.contains("**") && !raw.contains('`')
}

/// Rows named by a dotted path (`result.items[].id`, `error.validation[].field`)
/// become members of the row they name, when that row is in the same table.
fn nest_dotted(fields: Vec<Field>) -> Vec<Field> {
    if !fields.iter().any(|f| f.name.contains('.')) {
        return fields;
    }
    let mut out: Vec<Field> = Vec::new();
    for field in fields {
        let path: Vec<String> = field
            .name
            .split('.')
            .map(|s| s.trim_end_matches("[]").to_string())
            .collect();
        if path.len() < 2 || path.iter().any(String::is_empty) {
            out.push(field);
            continue;
        }
        let mut field = field;
        match insert_at(&mut out, &path[..path.len() - 1]) {
            Some(parent) => {
                field.name = path[path.len() - 1].clone();
                parent.push(field);
            }
            None => out.push(field),
        }
    }
    out
}

/// The member list of the field at `path` (by names with `[]` removed).
fn insert_at<'f>(fields: &'f mut [Field], path: &[String]) -> Option<&'f mut Vec<Field>> {
    let (first, rest) = path.split_first()?;
    let field = fields
        .iter_mut()
        .rev()
        .find(|f| f.name.trim_end_matches("[]") == first)?;
    if rest.is_empty() {
        Some(&mut field.fields)
    } else {
        insert_at(&mut field.fields, rest)
    }
}

fn read_row(
    row: &[Cell],
    columns: Columns,
    context: &Context<'_>,
    path: &[String],
    depth: usize,
) -> Option<Field> {
    let name_cell = row.get(columns.name)?;
    let mut lines = name_cell.nonblank_lines();
    let first = lines.next()?;
    let (name, marked, same_line) = split_name(first.text)?;
    let mut rest: Vec<&str> = Vec::new();
    if !same_line.trim().is_empty() {
        rest.push(same_line);
    }
    rest.extend(lines.map(|p| p.text));
    let type_text = match columns.ty {
        Some(col) => row.get(col).map(Cell::text).unwrap_or_default(),
        None => type_lines(&rest),
    };
    let ty = Some(inline::plain_collapsed(&type_text))
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("unknown"));
    let required_column = columns
        .required
        .and_then(|c| row.get(c))
        .map(|c| {
            let t = inline::plain(&c.text()).to_lowercase();
            t.starts_with('y') || t.starts_with("true") || t.starts_with("required") || t == "+"
        })
        .unwrap_or(false);

    let mut field = Field::new(name, crate::model::Kind::Any);
    field.ty = ty;
    field.required = marked || required_column;
    field.at = first.at;
    let mut own_path = path.to_vec();
    own_path.push(field.name.clone());

    if let Some(cell) = columns.description.and_then(|c| row.get(c)) {
        read_description(cell, &mut field, context, &own_path, depth);
    }
    // A type that links to a table on the page (`[`block[]`](#block)`).
    if field.fields.is_empty() && depth < MAX_DEPTH && !written_scalar(&field) {
        let typed: String = match columns.ty.and_then(|c| row.get(c)) {
            Some(cell) => cell.text(),
            None => name_cell.text(),
        };
        link_members(&typed, &mut field, context, &own_path, depth, true);
    }
    Some(field)
}

/// The type text of a name cell: the lines after the name up to the first
/// line that is prose, a list or a directive (a cell may go on with notes).
fn type_lines(lines: &[&str]) -> String {
    let mut out = Vec::new();
    for line in lines {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let typed =
            t.starts_with('[') || t.starts_with('`') || t.starts_with("\\|") || t.starts_with('|');
        if !typed && !out.is_empty() {
            break;
        }
        if t.starts_with("{%") || t.starts_with("- ") {
            break;
        }
        if !typed {
            // A bare word such as `Order` in a name cell is still a type.
            if t.split_whitespace().count() > 2 {
                break;
            }
        }
        out.push(t);
    }
    out.join(" ")
}

/// The name and required mark from a name cell's first line:
/// `**id***`, `**id^*^**`, `**id**^*^`, `id*`, `` `id` ``.
pub fn field_name(line: &str) -> Option<(String, bool)> {
    split_name(line).map(|(name, required, _)| (name, required))
}

/// The name, its required mark and what follows the name on the same line
/// (a type written after the bold name, glued or after a space).
/// A second name after an escaped pipe (`**A*** \| **B***`) is an alias and is dropped.
pub fn split_name(line: &str) -> Option<(String, bool, &str)> {
    let line = line.trim().trim_start_matches("- ").trim_start();
    let (raw, after) = match line.find("**") {
        Some(start) => {
            let rest = &line[start + 2..];
            let end = closing_bold(rest)?;
            (&rest[..end], &rest[end + 2..])
        }
        None => match line.find(['[', ' ']) {
            // `name [`type`](...)` without bold.
            Some(cut) if line.starts_with(|c: char| c.is_alphanumeric() || c == '_') => {
                (&line[..cut], &line[cut..])
            }
            _ => (line, ""),
        },
    };
    let mut after = after;
    let mut required = false;
    loop {
        let trimmed = after.trim_start();
        if let Some(rest) = trimmed.strip_prefix("^*^") {
            required = true;
            after = rest;
        } else if let Some(rest) = trimmed.strip_prefix('*') {
            required = true;
            after = rest;
        } else if let Some(rest) = trimmed.strip_prefix(',') {
            after = rest;
        } else {
            break;
        }
    }
    // An alias name: `\| **ID***`.
    let trimmed = after.trim_start();
    if let Some(rest) = trimmed
        .strip_prefix("\\|")
        .or_else(|| trimmed.strip_prefix('|'))
    {
        let rest_trimmed = rest.trim_start();
        if rest_trimmed.starts_with("**") {
            after = split_name(rest_trimmed).map_or("", |(_, _, tail)| tail);
        }
    }
    let mut name = raw.trim().to_string();
    if let Some(stripped) = name.strip_suffix("^*^") {
        name = stripped.to_string();
        required = true;
    }
    if name.ends_with('*') && !name.ends_with("\\*") {
        name = name.trim_end_matches('*').to_string();
        required = true;
    }
    let name = inline::plain(&name).replace('\\', "");
    let name = name.trim().trim_matches('`').trim().to_string();
    (!name.is_empty()).then_some((name, required, after))
}

/// The index of the `**` that closes a bold run, skipping escaped characters
/// (`**UF_\***` is the name `UF_*`).
fn closing_bold(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut k = 0;
    while k + 1 < bytes.len() {
        if bytes[k] == b'\\' {
            k += 2;
            continue;
        }
        if bytes[k] == b'*' && bytes[k + 1] == b'*' {
            // `**id***`: the closing run is the last two stars of a run of three.
            let run = bytes[k..].iter().take_while(|&&b| b == b'*').count();
            return Some(if run >= 3 && k > 0 { k + run - 2 } else { k });
        }
        k += 1;
    }
    None
}

fn read_description(
    cell: &Cell,
    field: &mut Field,
    context: &Context<'_>,
    path: &[String],
    depth: usize,
) {
    let blocks = blocks::scan(&cell.lines);
    let mut prose = Vec::new();
    for block in &blocks {
        match block {
            Block::Paragraph(lines) => {
                let text: Vec<&str> = lines.iter().map(|p| p.text.trim()).collect();
                prose.push(match text.as_slice() {
                    [one] => inline::plain_collapsed(one),
                    _ => inline::plain_collapsed(&text.join(" ")),
                });
                // Values written one per line as bare code spans, no list markers.
                let values: Vec<EnumValue> = text
                    .iter()
                    .filter(|l| l.starts_with('`') && !l.starts_with("```"))
                    .filter_map(|l| enum_value(l))
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
                        if let Some(member) = member_from_item(item, context, path) {
                            field.fields.push(member);
                        }
                    }
                } else {
                    for item in &top_items {
                        if let Some(value) = enum_value(&item.text) {
                            field.values.push(value);
                        }
                    }
                }
                for item in items {
                    prose.push(format!("- {}", inline::plain_collapsed(&item.text)));
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
                    if let Ok(members) = read_table(table, context, path, depth + 1, false) {
                        field.fields = members;
                    }
                } else if !members && field.values.is_empty() {
                    let plain_header = table.rows.len() > 1;
                    for row in table.rows.iter().skip(usize::from(plain_header)) {
                        let value = row
                            .first()
                            .map(|c| inline::plain(&c.text()))
                            .unwrap_or_default();
                        let value = value.trim().to_string();
                        if value.is_empty() || value.contains(' ') {
                            continue;
                        }
                        let description = row
                            .get(1)
                            .map(|c| inline::plain_collapsed(&c.text()))
                            .unwrap_or_default();
                        field.values.push(EnumValue { value, description });
                    }
                }
            }
            _ => {}
        }
    }
    field.description = prose.join("\n");
    // The cell's text is only worth joining when a link may give members.
    if field.fields.is_empty() && depth < MAX_DEPTH && !written_scalar(field) {
        link_members(&cell.text(), field, context, path, depth, false);
    }
}

/// Members from the first sub-table that a `[..](#anchor)` link in `text`
/// points to, by explicit anchor or by the heading's slug.
fn link_members(
    text: &str,
    field: &mut Field,
    context: &Context<'_>,
    path: &[String],
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
                    distance(&s.slug, &wanted) <= 2
                        || s.anchor
                            .as_deref()
                            .is_some_and(|a| distance(a, &wanted) <= 2)
                })
            });
        if let Some(sub) = sub {
            if let Ok(members) = read_table(sub.table, context, path, depth + 1, false) {
                if !members.is_empty() {
                    field.fields = members;
                    break;
                }
            }
        }
    }
    if field.fields.is_empty() && remote {
        remote_members(text, field, context, path, depth);
    }
}

/// The page writes a scalar type for the field.
fn written_scalar(field: &Field) -> bool {
    field.ty.as_deref().is_some_and(|t| {
        !matches!(
            crate::types::kind_of(t).non_null(),
            Kind::Object | Kind::Any | Kind::Array(_)
        )
    })
}

/// Members from a table in another file (`../data-types.md#catalog_product`),
/// for fields whose written type is not a scalar.
fn remote_members(
    text: &str,
    field: &mut Field,
    context: &Context<'_>,
    path: &[String],
    depth: usize,
) {
    if written_scalar(field) || matches!(field.name.as_str(), "time" | "error") {
        return;
    }
    // A link to a dictionary page without an anchor names the table by the
    // type itself (`[`sale_delivery_handler[]`](../../data-types.md)` → the
    // `### sale_delivery_handler` heading), for type names that are not basic.
    let own_name = field
        .ty
        .as_deref()
        .map(|t| t.trim().trim_end_matches("[]").trim())
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
        if !super::linked::member_anchor(anchor) {
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
        // Links inside that file point into that file.
        let there = Context {
            subtables: tables.to_vec(),
            named: Vec::new(),
            links: context.links,
        };
        if let Ok(members) = read_table(sub.table, &there, path, depth + 1, false) {
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
    while let Some(open) = rest.find("](") {
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
fn bare_links(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("](") {
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

/// Edit distance between two short strings (anchors); 3 means "3 or more".
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return 3;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == cb {
                previous
            } else {
                1 + previous.min(row[j]).min(current)
            };
            previous = current;
        }
    }
    row[b.len()]
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

/// `**NAME**` at the start of an item marks a member; a code span or plain
/// value marks an allowed value.
fn is_member_item(text: &str) -> bool {
    let t = text.trim_start();
    if !t.starts_with("**") {
        return false;
    }
    match field_name(t) {
        Some((name, _)) => name.chars().any(|c| c.is_ascii_alphabetic()) && !name.contains(' '),
        None => false,
    }
}

fn member_from_item(item: &blocks::Item, context: &Context<'_>, path: &[String]) -> Option<Field> {
    let _ = context;
    let first_line = item.text.lines().next().unwrap_or("");
    let (name, required) = field_name(first_line)?;
    let after_bold = first_line
        .splitn(3, "**")
        .nth(2)
        .unwrap_or("")
        .trim_start_matches(['*', '^'])
        .trim();
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
    field.description = inline::plain_collapsed(description);
    field.at = item.at;
    let _ = path;
    Some(field)
}

/// `` `Y` — yes `` → value `Y`.
fn enum_value(text: &str) -> Option<EnumValue> {
    let t = text.trim_start();
    let (value, rest) = if t.starts_with('`') {
        let run = t.bytes().take_while(|&b| b == b'`').count();
        let close = t[run..].find(&t[..run])?;
        (&t[run..run + close], &t[run + close + run..])
    } else if let Some(inner) = t.strip_prefix("**") {
        let close = inner.find("**")?;
        (&inner[..close], &inner[close + 2..])
    } else {
        return None;
    };
    let rest = rest
        .trim_start()
        .trim_start_matches(['—', '–', '-', ':', ',']);
    let description = inline::plain_collapsed(rest);
    let value = value.trim().trim_matches(['"', '\'']).to_string();
    (!value.is_empty() && !value.contains(' ')).then_some(EnumValue { value, description })
}

/// `[text](#anchor)` targets in a cell.
fn anchor_links(text: &str) -> Vec<String> {
    text.match_indices("](#")
        .filter_map(|(i, _)| {
            let rest = &text[i + 3..];
            rest.find(')').map(|end| rest[..end].trim().to_string())
        })
        .collect()
}

/// Sub-tables not linked by anchor: a heading that names a structured
/// parameter without members gives it the table below.
fn attach_by_heading(fields: &mut [Field], context: &Context<'_>) {
    for field in fields.iter_mut() {
        if !field.fields.is_empty() {
            continue;
        }
        let name = field.name.to_lowercase();
        let named = context.named.iter().find(|s| {
            let heading = inline::plain(&s.heading).to_lowercase();
            heading
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == name)
        });
        if let Some(sub) = named {
            if let Ok(members) = read_table(
                sub.table,
                context,
                std::slice::from_ref(&field.name),
                1,
                false,
            ) {
                field.fields = members;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_marks_of_every_generation() {
        assert_eq!(field_name("**id***"), Some(("id".into(), true)));
        assert_eq!(field_name("**id*** "), Some(("id".into(), true)));
        assert_eq!(
            field_name("**CONTACT_ID^*^**"),
            Some(("CONTACT_ID".into(), true))
        );
        assert_eq!(
            field_name("**CONTACT_ID**^*^"),
            Some(("CONTACT_ID".into(), true))
        );
        assert_eq!(field_name("**SORT**"), Some(("SORT".into(), false)));
        assert_eq!(field_name("`filter`"), Some(("filter".into(), false)));
        assert_eq!(
            field_name("**UF\\_CRM\\_1**"),
            Some(("UF_CRM_1".into(), false))
        );
        assert_eq!(field_name("****"), None);
    }

    #[test]
    fn member_items_and_value_items_are_told_apart() {
        assert!(is_member_item("**CONTACT_ID^*^** — id"));
        assert!(!is_member_item("`Y` — yes"));
        assert_eq!(
            enum_value("`Y` — yes"),
            Some(EnumValue {
                value: "Y".into(),
                description: "yes".into()
            })
        );
    }
}
