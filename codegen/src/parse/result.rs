//! The success payload: the returned-data table, or the response example.

use serde_json::Value;

use super::decide::{self, Side};
use super::examples::Samples;
use super::fields;
use super::linked;
use super::sections::{Page, SectionKind};
use crate::blocks::{Block, Table};
use crate::inline;
use crate::model::{Field, Kind, ResultSpec};
use crate::types::kind_of;

/// Envelope fields that every response has; they are not part of `result`.
const ENVELOPE: [&str; 4] = ["time", "total", "next", "error"];

/// Reads what `result` holds and whether responses are paged.
pub fn read(
    method: &str,
    page: &Page<'_>,
    samples: &Samples,
    links: &linked::Links<'_>,
) -> (ResultSpec, bool) {
    let mut paged = samples.paged();
    let mut spec = ResultSpec {
        ty: None,
        fields: Vec::new(),
        kind: Kind::Any,
    };
    let table = page.sections_of(SectionKind::Response).find_map(|s| {
        s.blocks.iter().enumerate().find_map(|(i, b)| match b {
            Block::Table(t) | Block::PipeTable(t) if has_name_column(t) => {
                Some((t, &s.blocks[i + 1..]))
            }
            _ => None,
        })
    });
    let mut documented = false;
    if let Some((table, after)) = table {
        let rows = fields::read_lenient(table, after, samples, links);
        paged |= rows.iter().any(|f| f.name == "total" || f.name == "next");
        if let Some(at) = rows.iter().position(|f| f.name == "result") {
            let mut rows = rows;
            let result = rows.remove(at);
            let siblings: Vec<Field> = rows
                .into_iter()
                .filter(|f| !ENVELOPE.contains(&f.name.as_str()) && f.name != "result")
                .collect();
            spec.ty = result.ty.clone();
            spec.fields = result.fields;
            // REST 3.0 pages list `item`/`items` next to `result` although they sit inside it.
            let object_like = result.ty.as_deref().map_or(true, |t| {
                matches!(
                    kind_of(t).non_null(),
                    Kind::Object | Kind::Any | Kind::Array(_)
                )
            });
            let sample = samples.responses.iter().find_map(|r| r.get("result"));
            let confirmed = samples.rest_v3 || sample.is_some_and(|v| has_any_key(v, &siblings));
            if spec.fields.is_empty() && !siblings.is_empty() && object_like && confirmed {
                spec.fields = siblings;
            }
            // Members given only by position: the next table under its own
            // heading, when the example (if any) has those keys.
            if spec.fields.is_empty()
                && object_like
                && !result.ty.as_deref().is_some_and(crate::types::is_union)
            {
                if let Some(members) = next_member_table(after, samples, links) {
                    if sample.map_or(true, |v| has_any_key(v, &members)) {
                        spec.fields = members;
                    }
                }
            }
            documented = true;
        } else {
            let members: Vec<Field> = rows
                .into_iter()
                .filter(|f| !ENVELOPE.contains(&f.name.as_str()))
                .collect();
            if !members.is_empty() {
                spec.fields = members;
                documented = true;
            }
        }
    }
    let sample = samples.responses.iter().find_map(|r| r.get("result"));
    for field in &mut spec.fields {
        decide::finish(field, &[], samples, Side::Response);
    }
    spec.kind = if !spec.fields.is_empty() {
        match (spec.ty.as_deref().map(kind_of), sample) {
            (Some(Kind::Array(_)), _) | (_, Some(Value::Array(_))) => {
                Kind::Array(Box::new(Kind::Object))
            }
            _ => Kind::Object,
        }
    } else if let Some(ty) = spec.ty.as_deref() {
        match (kind_of(ty), sample) {
            (Kind::Boolean(_), _) => Kind::Boolean(crate::model::BoolWire::Json),
            (Kind::Any, Some(v)) if !crate::types::is_union(ty) => {
                decide::of_sample(v).unwrap_or(Kind::Any)
            }
            (kind, _) => kind,
        }
    } else if !documented {
        sample.and_then(decide::of_sample).unwrap_or(Kind::Any)
    } else {
        Kind::Any
    };
    // Pages written from PHP call an associative array `array`: when the
    // example's `result` is an object keyed by the documented members, it is
    // that object.
    if let (Kind::Array(_), Some(Value::Object(object))) = (&spec.kind, sample) {
        if holds_members(object, &spec.fields) {
            spec.kind = Kind::Object;
        }
    }
    // The page's own example wins over its table when they disagree on the
    // shape (an object keyed by name documented as an array, or the reverse):
    // the safe type is then a JSON value.
    if let Some(sample) = sample {
        let disagree = match (spec.kind.non_null(), sample) {
            (Kind::Array(_), Value::Object(_)) => true,
            (Kind::Object, Value::Array(_)) => true,
            (Kind::Object, Value::Object(map)) if !spec.fields.is_empty() && !map.is_empty() => {
                !has_any_key(sample, &spec.fields)
            }
            _ => false,
        };
        if disagree {
            spec.kind = match wrapped(sample, &spec.fields) {
                // The example nests the documented members one level down
                // (`{"result": {"resource": {...}}}`): keep them, under that key.
                Some((key, inner)) => {
                    let mut holder = Field::new(key, Kind::Object);
                    holder.fields = std::mem::take(&mut spec.fields);
                    holder.kind = if matches!(inner, Value::Array(_)) {
                        Kind::Array(Box::new(Kind::Object))
                    } else {
                        Kind::Object
                    };
                    holder.description = "Members as the page documents them.".to_string();
                    spec.fields = vec![holder];
                    Kind::Object
                }
                None => Kind::Any,
            };
        }
    }
    // What the examples send where the table says otherwise is read too;
    // a scalar some example answers with `null` may be anything.
    // The members lend themselves to the carrier for the loop, which reads
    // only the carrier and the kind, and come back after it (no copy of
    // the tree).
    let mut carrier = Field::new("result", spec.kind.clone());
    carrier.fields = std::mem::take(&mut spec.fields);
    for result in samples.responses.iter().filter_map(|r| r.get("result")) {
        let scalar = !matches!(
            spec.kind.non_null(),
            Kind::Object | Kind::Array(_) | Kind::Map(_) | Kind::Any
        );
        spec.kind = if result.is_null() && scalar {
            Kind::Any
        } else {
            super::reconcile::with_sample(spec.kind.clone(), &carrier, Some(result))
        };
    }
    spec.fields = carrier.fields;
    if spec.kind == Kind::Any {
        spec.fields.clear();
    }
    // Where no table, link or row gives members, the example's keys do.
    let untyped = matches!(spec.kind.non_null(), Kind::Any | Kind::Object)
        || matches!(spec.kind.non_null(), Kind::Array(inner) if matches!(**inner, Kind::Any | Kind::Object));
    // A union the page spells out (`object | boolean`) stays open.
    let union = spec.ty.as_deref().is_some_and(crate::types::is_union);
    if (spec.fields.is_empty() && untyped || spec.kind == Kind::Any)
        && !union
        && !sample.is_some_and(super::shapes::is_descriptor_map)
        && same_shape(samples)
    {
        if let Some((kind, fields)) = sample.and_then(super::sampled::shape) {
            spec.kind = kind;
            spec.fields = fields;
        }
    }
    // Nothing on the page: an entity's `get`/`list` answers its fields.
    if spec.kind == Kind::Any && spec.fields.is_empty() && sample.is_none() && !documented {
        let fields = fields::sibling_fields(method, links);
        if !fields.is_empty() {
            spec.fields = fields;
            for field in &mut spec.fields {
                decide::finish(field, &[], samples, Side::Response);
            }
            spec.kind = if method.ends_with(".list") {
                Kind::Array(Box::new(Kind::Object))
            } else {
                Kind::Object
            };
        }
    }
    super::shapes::descriptors(method, sample, &mut spec);
    from_typescript(method, page, samples, &mut spec);
    (spec, paged)
}

/// The type a TypeScript example declares for `result` fills what nothing
/// else typed: the whole result, or members left without a type. A union
/// the page's table spells out stays open.
fn from_typescript(method: &str, page: &Page<'_>, samples: &Samples, spec: &mut ResultSpec) {
    if spec.ty.as_deref().is_some_and(crate::types::is_union) {
        return;
    }
    let whole = spec.fields.is_empty() && untyped(&spec.kind);
    if !whole && !spec.fields.iter().any(has_untyped) {
        return;
    }
    let Some((kind, fields)) = super::typescript::result_type(page.blocks, method) else {
        return;
    };
    if whole {
        // A JSON example that the declared type cannot read wins: the
        // result stays open (`null` where a flag is declared, `[]` for an
        // object).
        // The members are the carrier's for the test, then the result's.
        let mut carrier = Field::new("result", kind.clone());
        carrier.fields = fields;
        let fits = samples
            .responses
            .iter()
            .filter_map(|r| r.get("result"))
            .all(|v| {
                !v.is_null()
                    && super::reconcile::with_sample(kind.clone(), &carrier, Some(v)) == kind
            });
        if fits {
            spec.kind = kind;
            spec.fields = carrier.fields;
        }
    } else {
        fill_untyped(&mut spec.fields, &fields);
    }
}

/// No type, or a container with no members.
fn untyped(kind: &Kind) -> bool {
    match kind.non_null() {
        Kind::Any | Kind::Object => true,
        Kind::Array(inner) | Kind::Map(inner) => untyped(inner),
        _ => false,
    }
}

fn has_untyped(field: &Field) -> bool {
    if field.fields.is_empty() {
        untyped(&field.kind) && !field.ty.as_deref().is_some_and(crate::types::is_union)
    } else {
        field.fields.iter().any(has_untyped)
    }
}

/// Gives members with no type the kind and members of the same-named
/// member of `declared`, at any depth.
fn fill_untyped(fields: &mut [Field], declared: &[Field]) {
    for field in fields {
        let Some(other) = declared.iter().find(|d| d.name == field.name) else {
            continue;
        };
        if !field.fields.is_empty() {
            fill_untyped(&mut field.fields, &other.fields);
        } else if has_untyped(field) && !(other.fields.is_empty() && untyped(&other.kind)) {
            field.kind = other.kind.clone();
            field.fields = other.fields.clone();
            field.values = other.values.clone();
        }
    }
}

/// Whether every response example's `result` is a container of one kind
/// (all objects or all lists): the shape read off the first then holds for all.
fn same_shape(samples: &Samples) -> bool {
    let mut results = samples.responses.iter().filter_map(|r| r.get("result"));
    let Some(first) = results.next() else {
        return true;
    };
    results.all(|r| {
        matches!(
            (first, r),
            (Value::Object(_), Value::Object(_)) | (Value::Array(_), Value::Array(_))
        )
    })
}

/// Whether an example object has the documented members as its keys, with
/// values of their kinds. Rows named like data (`0`, `<siteId>`) document a
/// map keyed by data, and `*.fields` methods answer with a descriptor object
/// for each documented scalar: neither is an object of those members.
fn holds_members(object: &serde_json::Map<String, Value>, fields: &[Field]) -> bool {
    let mut found = false;
    for field in fields {
        if !field
            .name
            .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        {
            return false;
        }
        let Some(value) = object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(&field.name))
            .map(|(_, value)| value)
        else {
            continue;
        };
        let fits = match (field.kind.non_null(), value) {
            (Kind::Object | Kind::Any, _) | (_, Value::Null) => true,
            (Kind::Array(_), Value::Object(map)) => map.is_empty(),
            (Kind::Array(_), _) => true,
            (_, Value::Object(_) | Value::Array(_)) => false,
            _ => true,
        };
        if !fits {
            return false;
        }
        found = true;
    }
    found
}

/// The single key of an object sample whose value holds the documented members.
fn wrapped<'v>(sample: &'v Value, fields: &[Field]) -> Option<(String, &'v Value)> {
    let map = sample.as_object()?;
    if map.len() != 1 || fields.is_empty() {
        return None;
    }
    let (key, inner) = map.iter().next()?;
    has_any_key(inner, fields).then(|| (key.clone(), inner))
}

/// Whether a sample (or its first element) has a key named like one of `fields`.
fn has_any_key(sample: &Value, fields: &[Field]) -> bool {
    let object = match sample {
        Value::Array(items) => items.first().and_then(Value::as_object),
        other => other.as_object(),
    };
    object.is_some_and(|map| {
        fields
            .iter()
            .any(|f| map.keys().any(|k| k.eq_ignore_ascii_case(&f.name)))
    })
}

/// The members of the first table under a heading among `after`.
fn next_member_table(
    after: &[Block<'_>],
    samples: &Samples,
    links: &linked::Links<'_>,
) -> Option<Vec<Field>> {
    let mut headed = false;
    for (i, block) in after.iter().enumerate() {
        match block {
            Block::Heading { .. } => headed = true,
            Block::Table(t) | Block::PipeTable(t) if headed && has_name_column(t) => {
                let members = fields::read_lenient(t, &after[i + 1..], samples, links);
                return (!members.is_empty()).then_some(members);
            }
            _ => {}
        }
    }
    None
}

fn has_name_column(table: &Table) -> bool {
    // A table without a header that starts with a bold member name.
    let headerless = table
        .rows
        .first()
        .and_then(|r| r.first())
        .is_some_and(|c| c.text().trim_start().starts_with("**"));
    headerless
        || table.rows.first().is_some_and(|h| {
            h.iter().any(|c| {
                let t = inline::into_lowercase(inline::plain(&c.text()));
                t.starts_with("name") || t.starts_with("field") || t.starts_with("parameter")
            })
        })
}
