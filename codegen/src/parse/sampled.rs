//! Members read off the page's response example, where no table, link or
//! row gives them: the example's keys and the shapes of their values. An
//! object keyed by data (ids, language codes) rather than by names is a map.

use serde_json::{Map, Value};

use super::decide;
use crate::model::{Field, Kind};

/// How deep an example's structure is followed.
const MAX_DEPTH: usize = 4;
/// How many elements of a list are looked at for the union of their keys.
const MAX_ELEMENTS: usize = 20;

/// The kind and members a sample value shows, or `None` when it shows no
/// structure (a scalar, null, an empty object or list).
pub fn shape(value: &Value) -> Option<(Kind, Vec<Field>)> {
    shape_at(value, 0)
}

fn shape_at(value: &Value, depth: usize) -> Option<(Kind, Vec<Field>)> {
    if depth >= MAX_DEPTH {
        return None;
    }
    match value {
        Value::Object(map) if !map.is_empty() => {
            if keyed_by_data(map) {
                // The values' shape, if they have one; else a map of values.
                let values: Vec<&Value> = map.values().take(MAX_ELEMENTS).collect();
                return Some(match union_of(&values, depth + 1) {
                    Some(fields) => (Kind::Map(Box::new(Kind::Object)), fields),
                    None => (Kind::Map(Box::new(Kind::Any)), Vec::new()),
                });
            }
            Some((Kind::Object, members(map, depth)))
        }
        Value::Array(items) => {
            let objects: Vec<&Value> = items.iter().take(MAX_ELEMENTS).collect();
            let fields = union_of(&objects, depth)?;
            Some((Kind::Array(Box::new(Kind::Object)), fields))
        }
        _ => None,
    }
}

/// The members of the objects among `values` (all of them objects named by
/// members), merged by name in first-seen order.
fn union_of(values: &[&Value], depth: usize) -> Option<Vec<Field>> {
    let objects: Vec<&Map<String, Value>> = values.iter().filter_map(|v| v.as_object()).collect();
    if objects.is_empty() || objects.len() != values.len() || objects.iter().all(|o| o.is_empty()) {
        return None;
    }
    if objects.iter().any(|o| keyed_by_data(o)) {
        return None;
    }
    let mut merged = Map::new();
    for object in &objects {
        for (key, value) in *object {
            let slot = merged.entry(key.clone()).or_insert(Value::Null);
            if slot.is_null() || (!slot.is_object() && !slot.is_array()) && !value.is_null() {
                *slot = value.clone();
            }
        }
    }
    let mut fields = members(&merged, depth);
    // Every element's scalar may widen what the first decided (`"N"` in one,
    // `"I"` in the next is text, not a flag).
    for field in &mut fields {
        if !field.fields.is_empty() {
            continue;
        }
        for object in &objects {
            if let Some(value) = object.get(&field.name) {
                field.kind = super::reconcile::with_sample(field.kind.clone(), field, Some(value));
            }
        }
    }
    Some(fields)
}

fn members(map: &Map<String, Value>, depth: usize) -> Vec<Field> {
    map.iter()
        .map(|(key, value)| {
            let mut field = Field::new(key.clone(), Kind::Any);
            match shape_at(value, depth + 1) {
                Some((kind, fields)) => {
                    field.kind = kind;
                    field.fields = fields;
                }
                None => {
                    field.kind = match value {
                        Value::Object(_) => Kind::Object,
                        other => decide::of_sample(other).unwrap_or(Kind::Any),
                    };
                }
            }
            field.description = "As the page's example shows it.".to_string();
            field
        })
        .collect()
}

/// Keys that are data, not member names: numbers (`"17"`), or anything that
/// is not an identifier (`"en-US"` stays a name; `"user 1"` does not).
fn keyed_by_data(map: &Map<String, Value>) -> bool {
    map.keys().all(|k| k.parse::<u64>().is_ok())
        || map.keys().any(|k| {
            k.is_empty()
                || !k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                || k.contains([' ', '/', ':'])
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn structure_from_an_example() {
        let (kind, fields) =
            shape(&json!([{"ID": "1", "NAME": "a", "TAGS": {}}, {"ID": "2", "EXTRA": true}]))
                .unwrap();
        assert_eq!(kind, Kind::Array(Box::new(Kind::Object)));
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["ID", "NAME", "TAGS", "EXTRA"]);
        assert_eq!(fields[3].kind, Kind::Boolean(crate::model::BoolWire::Json));

        let (kind, fields) = shape(&json!({"17": {"id": 17}, "23": {"id": 23}})).unwrap();
        assert_eq!(kind, Kind::Map(Box::new(Kind::Object)));
        assert_eq!(fields[0].name, "id");
        assert_eq!(shape(&json!(true)), None);
        assert_eq!(shape(&json!([1, 2])), None);
    }
}
