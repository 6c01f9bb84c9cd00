//! Choosing each field's [`Kind`] from what the page writes, what it lists
//! and what its examples send.

use serde_json::Value;

use super::examples::Samples;
use crate::model::{BoolWire, Field, Kind};
use crate::types::kind_of;
use crate::ws::Trim;

/// Which examples describe a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A request parameter: cURL bodies.
    Request,
    /// A member of `result`: response examples.
    Response,
}

/// Decides the kinds of `field` and its members, depth first.
pub fn finish(field: &mut Field, parent: &[String], samples: &Samples, side: Side) {
    finish_at(field, &mut parent.to_vec(), samples, side);
}

/// [`finish`] with one path stack for the whole tree rather than a copy of
/// the path for every member.
fn finish_at(field: &mut Field, path: &mut Vec<String>, samples: &Samples, side: Side) {
    path.push(field.name.clone());
    for member in &mut field.fields {
        finish_at(member, path, samples, side);
    }
    let sample = match side {
        Side::Request => samples.request_value(path),
        Side::Response => samples.result_value(path),
    };
    // One member named by a placeholder (`{BOT_ID}`, `/{ID/}`, `<id>`): the
    // object is keyed by data, a map of that member.
    if let [only] = field.fields.as_slice() {
        if is_placeholder(&only.name) && !matches!(field.kind, Kind::Map(_)) {
            let only = field.fields.remove(0);
            field.kind = Kind::Map(Box::new(if only.fields.is_empty() {
                only.kind
            } else {
                Kind::Object
            }));
            field.fields = only.fields;
            path.pop();
            return;
        }
    }
    // The first example decides; every other one may widen what it decided.
    let mut kind = decide(field, sample);
    // No example has the path: none can widen the kind.
    let all = match sample {
        Some(_) => samples.values_at(side == Side::Response, path),
        None => Vec::new(),
    };
    for other in &all {
        kind = super::reconcile::with_sample(kind, field, Some(other));
    }
    field.kind = kind;
    // A response member the page gives no members: its example's keys do,
    // when every example shows the same kind of container.
    let open = matches!(field.kind.non_null(), Kind::Object | Kind::Any)
        && !field.ty.as_deref().is_some_and(crate::types::is_union);
    if side == Side::Response && field.fields.is_empty() && open {
        let agree = all.iter().all(|v| {
            matches!(
                (sample, v),
                (Some(Value::Object(_)), Value::Object(_))
                    | (Some(Value::Array(_)), Value::Array(_))
            ) || v.is_null()
        });
        if let Some((kind, members)) = sample.filter(|_| agree).and_then(super::sampled::shape) {
            field.kind = kind;
            field.fields = members;
        }
    }
    if side == Side::Request && !field.fields.is_empty() {
        field.open = sample.is_some_and(|s| sends_unnamed(s, &field.fields));
    }
    if side == Side::Request && path.len() == 1 {
        super::reconcile::list_conventions(field, sample);
    }
    path.pop();
}

/// `{BOT_ID}`, `/{BOT_ID/}`, `<id>`, `[code]`: a name that stands for keys.
fn is_placeholder(name: &str) -> bool {
    let name = name.replace('/', "");
    let name = name.trim_ws();
    (name.starts_with('{') && name.ends_with('}'))
        || (name.starts_with('<') && name.ends_with('>'))
        || (name.starts_with('[') && name.ends_with(']'))
}

/// Whether a sample object (or any object of a sample list) has a key that
/// none of `members` names, without regard to case. `auth` is the token a
/// cURL example sends, not a parameter.
pub fn sends_unnamed(sample: &Value, members: &[Field]) -> bool {
    let objects: Vec<&serde_json::Map<String, Value>> = match sample {
        Value::Object(map) => vec![map],
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    };
    objects.iter().any(|map| {
        map.keys()
            .any(|key| key != "auth" && !members.iter().any(|m| m.name.eq_ignore_ascii_case(key)))
    })
}

fn decide(field: &Field, sample: Option<&Value>) -> Kind {
    let written = field.ty.as_deref().map(kind_of).unwrap_or(Kind::Any);
    let nullable = matches!(written, Kind::Nullable(_));
    let base = written.non_null().clone();
    let kind = if !field.fields.is_empty() {
        let said_array = matches!(base, Kind::Array(_))
            || (mentions_array(&field.description) && !matches!(sample, Some(Value::Object(_))));
        if said_array || matches!(sample, Some(Value::Array(_))) {
            Kind::Array(Box::new(Kind::Object))
        } else {
            Kind::Object
        }
    } else if is_yes_no(field) {
        Kind::Boolean(BoolWire::YesNo)
    } else if !field.values.is_empty() && matches!(base, Kind::String | Kind::Enum | Kind::Any) {
        Kind::Enum
    } else {
        match base {
            // A union the page spells out (`object | array`) stays open.
            Kind::Any if field.ty.as_deref().is_some_and(crate::types::is_union) => Kind::Any,
            Kind::Any | Kind::Enum => sample.and_then(of_sample).unwrap_or(if base == Kind::Enum {
                Kind::String
            } else {
                Kind::Any
            }),
            Kind::Boolean(_) => Kind::Boolean(bool_wire(sample)),
            Kind::Array(inner) if *inner == Kind::Any => match sample.and_then(of_sample) {
                Some(k @ Kind::Array(_)) => k,
                _ => Kind::Array(inner),
            },
            other => other,
        }
    };
    if nullable && kind != Kind::Any {
        Kind::Nullable(Box::new(kind))
    } else {
        kind
    }
}

fn mentions_array(description: &str) -> bool {
    let d = description.to_lowercase();
    d.contains("array of") || d.contains("list of objects") || d.contains("set of objects")
}

/// A flag written as `char`/`boolean`/`string` whose values are `Y` and `N`.
fn is_yes_no(field: &Field) -> bool {
    let listed: Vec<&str> = field.values.iter().map(|v| v.value.as_str()).collect();
    if !listed.is_empty() {
        return listed.iter().all(|v| matches!(*v, "Y" | "N")) && listed.len() == 2;
    }
    let ty = field.ty.as_deref().unwrap_or("").to_ascii_lowercase();
    (ty == "char" || ty == "string" || ty.is_empty())
        && !field.description.contains("`Y`")
        && mentions_y_and_n(&field.description)
}

fn mentions_y_and_n(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.contains(&"Y") && words.contains(&"N")
}

fn bool_wire(sample: Option<&Value>) -> BoolWire {
    match sample {
        Some(Value::Bool(_)) | Some(Value::Number(_)) => BoolWire::Json,
        _ => BoolWire::YesNo,
    }
}

/// The kind a sample value shows.
pub fn of_sample(value: &Value) -> Option<Kind> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) => Kind::Boolean(BoolWire::Json),
        Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Integer,
        Value::Number(_) => Kind::Float,
        Value::String(s) if s == "Y" || s == "N" => Kind::Boolean(BoolWire::YesNo),
        Value::String(_) => Kind::String,
        Value::Array(items) => Kind::Array(Box::new(
            items.iter().find_map(of_sample).unwrap_or(Kind::Any),
        )),
        Value::Object(_) => Kind::Object,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EnumValue;

    fn field(ty: Option<&str>, description: &str) -> Field {
        let mut f = Field::new("X", Kind::Any);
        f.ty = ty.map(str::to_string);
        f.description = description.to_string();
        f
    }

    #[test]
    fn samples_fill_in_missing_types() {
        assert_eq!(
            decide(&field(None, ""), Some(&Value::from(1010))),
            Kind::Integer
        );
        assert_eq!(
            decide(&field(None, ""), Some(&Value::from("Y"))),
            Kind::Boolean(BoolWire::YesNo)
        );
        assert_eq!(decide(&field(None, ""), None), Kind::Any);
        assert_eq!(
            decide(&field(Some("boolean"), ""), Some(&Value::from(true))),
            Kind::Boolean(BoolWire::Json)
        );
    }

    #[test]
    fn members_make_an_object_or_an_array_of_objects() {
        let mut f = field(Some("object"), "A set represented as an array of objects");
        f.fields.push(Field::new("A", Kind::Integer));
        assert_eq!(decide(&f, None), Kind::Array(Box::new(Kind::Object)));
        f.description.clear();
        assert_eq!(decide(&f, None), Kind::Object);
    }

    #[test]
    fn listed_values_make_enums_or_flags() {
        let mut f = field(Some("string"), "");
        f.values = vec![
            EnumValue {
                value: "Y".into(),
                description: String::new(),
                markdown: None,
            },
            EnumValue {
                value: "N".into(),
                description: String::new(),
                markdown: None,
            },
        ];
        assert_eq!(decide(&f, None), Kind::Boolean(BoolWire::YesNo));
        f.values[1].value = "D".into();
        assert_eq!(decide(&f, None), Kind::Enum);
        assert_eq!(
            decide(&field(Some("char"), "Takes Y or N"), None),
            Kind::Boolean(BoolWire::YesNo)
        );
        assert_eq!(
            decide(&field(Some("integer | null"), ""), None),
            Kind::Nullable(Box::new(Kind::Integer))
        );
    }
}
