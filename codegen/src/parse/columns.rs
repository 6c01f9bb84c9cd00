//! The header of a table: which column holds the name, type, description
//! and required mark, and whether a first row is a header at all.

use crate::blocks::Cell;
use crate::inline;
use crate::ws::Trim;

/// Which column holds what.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    pub name: usize,
    pub ty: Option<usize>,
    pub description: Option<usize>,
    pub required: Option<usize>,
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

    /// The columns of a table and the rows of data: after its first row
    /// when that is a header ([`is_header`]), else all of them with
    /// [`Columns::default_for`] the first row. The first cell is read once
    /// for both questions.
    pub fn of_table<'r, 'a>(rows: &'r [Vec<Cell<'a>>]) -> (Columns, &'r [Vec<Cell<'a>>]) {
        let Some(first_row) = rows.first() else {
            return (Columns::default_for(0), rows);
        };
        let Some(first) = first_row.first() else {
            return (Columns::default_for(first_row.len()), rows);
        };
        let raw = first.text();
        let text = inline::into_lowercase(inline::plain(&raw));
        if !is_header_text(&raw, &text) {
            return (Columns::default_for(first_row.len()), rows);
        }
        let mut labels = Vec::with_capacity(first_row.len());
        labels.push(text);
        labels.extend(first_row[1..].iter().map(label));
        (Columns::of_labels(labels), &rows[1..])
    }

    /// Reads the labels of a header row. The first column names the field
    /// unless another does.
    fn of_labels(labels: Vec<String>) -> Columns {
        let find = |pred: &dyn Fn(&str) -> bool| labels.iter().position(|l| pred(l.trim_ws()));
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

/// A header cell's label: its plain text, lowercased.
fn label(cell: &Cell) -> String {
    inline::into_lowercase(inline::plain(&cell.text()))
}

/// Whether a first row is a header: its first cell is a column label.
pub fn is_header(row: &[Cell]) -> bool {
    let Some(first) = row.first() else {
        return false;
    };
    let raw = first.text();
    is_header_text(&raw, &inline::into_lowercase(inline::plain(&raw)))
}

/// [`is_header`] of a first cell: its text `raw`, and `text` its label
/// ([`label`]).
fn is_header_text(raw: &str, text: &str) -> bool {
    let label = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_ws()
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
