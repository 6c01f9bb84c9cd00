//! Parameter tables → [`Field`]s, with nested members from sub-tables (linked
//! by anchor or by heading), tables inside cells and bullet lists in cells.
//!
//! The entry points: the page's parameter section and any other table
//! (results, members). The work is done by `rows` (a table's rows), `cells`
//! (description cells), `anchors` (members behind links and headings),
//! `names` and `columns`.

use super::anchors::attach_by_heading;
use super::context::Context;
use super::decide;
use super::examples::Samples;
use super::linked::Links;
use super::rows::read_table;
use super::sections::{Page, SectionKind};
use super::subtable::subtables;
use crate::blocks::{Block, Table};
use crate::diag::Diagnostic;
use crate::model::Field;

/// The fields the sibling `x.y.fields` page documents, for an `x.y.get` or
/// `x.y.list` page that documents no result at all (older pages say only
/// "see the description of list methods"): those methods answer with the
/// entity, whose fields its `fields` page lists.
pub fn sibling_fields(method: &str, links: &Links<'_>) -> Vec<Field> {
    let Some((entity, verb)) = method.rsplit_once('.') else {
        return Vec::new();
    };
    if !matches!(verb, "get" | "list") {
        return Vec::new();
    }
    let mut carrier = Field::new("result", crate::model::Kind::Object);
    let context = Context {
        subtables: Vec::new(),
        named: Vec::new(),
        links,
        read: read_table,
    };
    super::fields_pages::members(&format!("{entity}.fields"), &mut carrier, &context, 0);
    carrier.fields
}

/// Parameters of a page with no parameter table ("see the description of
/// list methods", or no section at all), as its request examples send them:
/// every top-level key, optional, typed by what it carries.
fn from_examples(samples: &Samples) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    for request in &samples.requests {
        let Some(map) = request.as_object() else {
            continue;
        };
        for key in map.keys() {
            if key == "auth" || fields.iter().any(|f| f.name.eq_ignore_ascii_case(key)) {
                continue;
            }
            let mut field = Field::new(key.clone(), crate::model::Kind::Any);
            field.description =
                "Sent by the page's example; the page has no parameter table.".to_string();
            fields.push(field);
        }
    }
    for field in &mut fields {
        decide::finish(field, &[], samples, decide::Side::Request);
    }
    fields
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
        return Ok(from_examples(samples));
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
        return Ok(from_examples(samples));
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
        read: read_table,
    };
    let mut fields = context.read_table(main, 0, true)?;
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
        read: read_table,
    };
    let mut fields = context.read_table(table, 0, false).unwrap_or_default();
    attach_by_heading(&mut fields, &context);
    fields
}
