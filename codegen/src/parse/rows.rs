//! Reading a table's rows into [`Field`]s: the name cell, the type, the
//! required mark, the description cell and members linked from the type;
//! rows named by a dotted path nest under the row they name.

use super::anchors::{link_members, written_scalar};
use super::cells::read_description;
use super::columns::Columns;
use super::context::{Context, MAX_DEPTH};
use super::names::split_name;
use crate::blocks::{Cell, Table};
use crate::diag::Diagnostic;
use crate::inline;
use crate::model::Field;
use crate::ws::Trim;

/// Reads every data row of a table. `strict` makes an unreadable row an error
/// (the top-level parameter table); nested tables are read leniently.
pub fn read_table(
    table: &Table,
    context: &Context<'_>,
    depth: usize,
    strict: bool,
) -> Result<Vec<Field>, Diagnostic> {
    if table.rows.is_empty() {
        return Ok(Vec::new());
    }
    // A table may start right away with data rows (`|| **result** ...`).
    let (columns, rows) = Columns::of_table(&table.rows);
    let mut fields: Vec<Field> = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if row.iter().all(Cell::is_blank) {
            continue;
        }
        match read_row(row, columns, context, depth) {
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

/// One data row → a [`Field`], or `None` when its name cell names nothing.
fn read_row(row: &[Cell], columns: Columns, context: &Context<'_>, depth: usize) -> Option<Field> {
    let name_cell = row.get(columns.name)?;
    let mut lines = name_cell.nonblank_lines();
    let first = lines.next()?;
    let (name, marked, same_line) = split_name(first.text)?;
    let mut rest: Vec<&str> = Vec::new();
    if !same_line.trim_ws().is_empty() {
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
            let t = inline::into_lowercase(inline::plain(&c.text()));
            t.starts_with('y') || t.starts_with("true") || t.starts_with("required") || t == "+"
        })
        .unwrap_or(false);

    let mut field = Field::new(name, crate::model::Kind::Any);
    field.ty = ty;
    field.required = marked || required_column;
    field.at = first.at;

    if let Some(cell) = columns.description.and_then(|c| row.get(c)) {
        read_description(cell, &mut field, context, depth);
    }
    // A type that links to a table on the page (`[`block[]`](#block)`).
    if field.fields.is_empty() && depth < MAX_DEPTH && !written_scalar(&field) {
        let typed: String = match columns.ty.and_then(|c| row.get(c)) {
            Some(cell) => cell.text(),
            None => name_cell.text(),
        };
        link_members(&typed, &mut field, context, depth, true);
    }
    Some(field)
}

/// The type text of a name cell: the lines after the name up to the first
/// line that is prose, a list or a directive (a cell may go on with notes).
fn type_lines(lines: &[&str]) -> String {
    let mut out = Vec::new();
    for line in lines {
        let t = line.trim_ws();
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
