//! When the page's table and its own example disagree, the Rust type must
//! take both: a "integer" the example sends as `"DN"` is text, a scalar the
//! example sends as an object is a JSON value. And the list methods'
//! conventions: `filter` and `order` are maps of field name to value or
//! direction (their keys carry operators, `>=DATE_CREATE`), `select` a list
//! of names, whatever member table the page gives them.

use serde_json::Value;

use crate::model::{Field, Kind};
use crate::ws::Trim;

/// The kind that reads both what the page writes (`kind`) and what its
/// example sends (`sample`).
pub fn with_sample(kind: Kind, field: &Field, sample: Option<&Value>) -> Kind {
    let Some(sample) = sample.filter(|s| !s.is_null()) else {
        return kind;
    };
    let (inner, nullable) = match kind {
        Kind::Nullable(inner) => (*inner, true),
        other => (other, false),
    };
    let numeric = |s: &str| s.trim_ws().is_empty() || s.trim_ws().parse::<f64>().is_ok();
    let container = matches!(sample, Value::Object(_) | Value::Array(_));
    let widened = match (&inner, sample) {
        (Kind::Integer, Value::String(s)) if !numeric(s) => Some(Kind::String),
        (Kind::Integer, Value::String(s))
            if s.trim_ws().parse::<i64>().is_err() && !s.trim_ws().is_empty() =>
        {
            Some(Kind::Float)
        }
        (Kind::Integer, Value::Number(n)) if !(n.is_i64() || n.is_u64()) => Some(Kind::Float),
        (Kind::Float, Value::String(s)) if !numeric(s) => Some(Kind::String),
        (Kind::Boolean(_), Value::String(s)) if !is_flag(s) => Some(Kind::String),
        // A scalar the example sends as a container; a wrapped scalar
        // (`{"id": 5}`) the lenient readers take as it is.
        (
            Kind::Integer
            | Kind::Float
            | Kind::String
            | Kind::Boolean(_)
            | Kind::Date
            | Kind::DateTime
            | Kind::Enum,
            _,
        ) if container && !wrapped_scalar(sample) => Some(Kind::Any),
        // Documented members the example sends keyed by ids
        // (`{"571": {"BOT_ID": 571, ...}}`): a map of them.
        (Kind::Object, Value::Object(map))
            if !field.fields.is_empty() && keyed_by_ids_holding(map, &field.fields) =>
        {
            Some(Kind::Map(Box::new(Kind::Object)))
        }
        // An object (documented members or not) the example sends as a
        // plain value.
        (Kind::Object, _) if !container && !field.fields.is_empty() => Some(Kind::Any),
        (Kind::Object, Value::String(s)) if !s.is_empty() => Some(Kind::Any),
        (Kind::Object, Value::Number(_) | Value::Bool(true)) => Some(Kind::Any),
        (Kind::Array(element), Value::Array(items))
            if **element == Kind::Object
                && !field.fields.is_empty()
                && items.iter().any(|i| !i.is_object() && !i.is_null()) =>
        {
            Some(Kind::Any)
        }
        (Kind::Array(element), _)
            if **element == Kind::Object && !field.fields.is_empty() && !container =>
        {
            Some(Kind::Any)
        }
        // Either of two kinds: the example must send one of them.
        (Kind::OneOf(..), _) if !one_of_takes(&inner, sample) => Some(Kind::Any),
        // A PHP associative array is a JSON object on the wire.
        (Kind::Array(_), Value::Object(map)) if !index_keyed(map) && !map.is_empty() => {
            Some(Kind::Map(Box::new(Kind::Any)))
        }
        _ => None,
    };
    // A number or date the example leaves empty (`"ownerId": ""`) may be
    // absent: the field is optional whatever the table says.
    let emptied = matches!(sample, Value::String(s) if s.trim_ws().is_empty())
        && matches!(
            inner,
            Kind::Integer | Kind::Float | Kind::Date | Kind::DateTime
        );
    let kind = widened.unwrap_or(inner);
    if (nullable || emptied) && kind != Kind::Any {
        Kind::Nullable(Box::new(kind))
    } else {
        kind
    }
}

/// Whether a [`Kind::OneOf`] has an alternative of the sample's JSON shape.
fn one_of_takes(kind: &Kind, sample: &Value) -> bool {
    match kind.non_null() {
        Kind::OneOf(first, rest) => one_of_takes(first, sample) || one_of_takes(rest, sample),
        other => other.json_shape() == crate::model::JsonShape::of(sample),
    }
}

/// `filter`, `order` and `select` of a list method, at the top level of the
/// parameters: maps and a list of names, unless the page or its example
/// shows another shape (REST 3.0 filters are lists of conditions).
pub fn list_conventions(field: &mut Field, sample: Option<&Value>) {
    let name = field.name.to_ascii_lowercase();
    let written = field.kind.non_null().clone();
    match name.as_str() {
        "filter" | "order" | "sort" => {
            let fits = matches!(written, Kind::Object | Kind::Any)
                && matches!(sample, None | Some(Value::Object(_)));
            if fits {
                field.kind = Kind::Map(Box::new(Kind::Any));
                field.fields.clear();
            }
        }
        "select" => {
            let names = match sample {
                None => true,
                Some(Value::Array(items)) => items.iter().all(Value::is_string),
                Some(_) => false,
            };
            if names && matches!(written, Kind::Array(_) | Kind::Any | Kind::Object) {
                field.kind = Kind::Array(Box::new(Kind::String));
                field.fields.clear();
            }
        }
        _ => {}
    }
}

fn is_flag(s: &str) -> bool {
    matches!(
        s.trim_ws().to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "1" | "0" | "true" | "false" | "on" | "off" | ""
    )
}

/// `{"id": 5}`: one key holding a scalar.
fn wrapped_scalar(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        map.len() == 1
            && map
                .values()
                .all(|v| !matches!(v, Value::Object(_) | Value::Array(_) | Value::Null))
    })
}

/// Every key a number and every value an object with a documented member.
fn keyed_by_ids_holding(map: &serde_json::Map<String, Value>, members: &[Field]) -> bool {
    !map.is_empty()
        && !members.iter().any(|m| map.contains_key(&m.name))
        && map.iter().all(|(key, value)| {
            key.parse::<u64>().is_ok()
                && value.as_object().is_some_and(|inner| {
                    members
                        .iter()
                        .any(|m| inner.keys().any(|k| k.eq_ignore_ascii_case(&m.name)))
                })
        })
}

fn index_keyed(map: &serde_json::Map<String, Value>) -> bool {
    map.keys().enumerate().all(|(i, k)| k.parse() == Ok(i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plain(kind: Kind) -> Field {
        Field::new("x", kind)
    }

    #[test]
    fn the_example_widens_what_the_table_says() {
        let f = plain(Kind::Integer);
        assert_eq!(
            with_sample(Kind::Integer, &f, Some(&json!("DN"))),
            Kind::String
        );
        assert_eq!(
            with_sample(Kind::Integer, &f, Some(&json!("12"))),
            Kind::Integer
        );
        assert_eq!(
            with_sample(Kind::Integer, &f, Some(&json!(1.5))),
            Kind::Float
        );
        assert_eq!(
            with_sample(Kind::String, &f, Some(&json!({"A": "Y", "B": 1}))),
            Kind::Any
        );
        assert_eq!(
            with_sample(Kind::Integer, &f, Some(&json!({"id": 5}))),
            Kind::Integer
        );
        let mut s = plain(Kind::Object);
        s.fields.push(Field::new("A", Kind::String));
        assert_eq!(with_sample(Kind::Object, &s, Some(&json!("P"))), Kind::Any);
        let list = Kind::Array(Box::new(Kind::Any));
        assert_eq!(
            with_sample(list.clone(), &f, Some(&json!({"NAME": "asc"}))),
            Kind::Map(Box::new(Kind::Any))
        );
        assert_eq!(with_sample(list.clone(), &f, Some(&json!({"0": 1}))), list);
    }

    #[test]
    fn filter_order_and_select_follow_the_list_conventions() {
        let mut filter = plain(Kind::Object);
        filter.name = "filter".into();
        filter.fields.push(Field::new("ID", Kind::Integer));
        list_conventions(&mut filter, Some(&json!({">=ID": 5})));
        assert_eq!(filter.kind, Kind::Map(Box::new(Kind::Any)));
        assert!(filter.fields.is_empty());

        let mut select = plain(Kind::Array(Box::new(Kind::Any)));
        select.name = "SELECT".into();
        list_conventions(&mut select, Some(&json!(["ID", "TITLE"])));
        assert_eq!(select.kind, Kind::Array(Box::new(Kind::String)));

        let mut v3 = plain(Kind::Array(Box::new(Kind::Any)));
        v3.name = "filter".into();
        list_conventions(&mut v3, Some(&json!([["id", ">", 1]])));
        assert_eq!(v3.kind, Kind::Array(Box::new(Kind::Any)));
    }
}
