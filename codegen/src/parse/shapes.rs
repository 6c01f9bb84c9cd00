//! Shapes of `result` that no member table describes but the format does:
//! the answer of a `*.fields` method is a map from each field's name to its
//! descriptor (`type`, `isRequired`, `title`...), whether the page documents
//! those fields as rows of a table (they are keys, not members) or not.

use serde_json::Value;

use crate::model::{Field, Kind, ResultSpec};

/// Whether the method's name says it describes fields: `crm.lead.fields`,
/// `catalog.price.getFields`, `task.item.userfield.getfields`.
pub fn names_fields(method: &str) -> bool {
    let last = method.rsplit('.').next().unwrap_or("");
    last.eq_ignore_ascii_case("fields") || last.eq_ignore_ascii_case("getfields")
}

/// Keys only a field descriptor has.
const DESCRIPTOR_KEYS: [&str; 6] = [
    "type",
    "isRequired",
    "isReadOnly",
    "isImmutable",
    "isMultiple",
    "isDynamic",
];

/// An object whose every value is an object with a `type` or a
/// `isRequired`-like flag: field descriptors.
pub fn is_descriptor_map(value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    !map.is_empty() && map.values().all(is_descriptor)
}

/// A descriptor: a `type` given as text, or an `isRequired`-like flag given
/// as a flag (an entity with a member named `type` holds an object there).
fn is_descriptor(value: &Value) -> bool {
    value.as_object().is_some_and(|o| {
        o.iter().any(|(k, v)| {
            let k = k.replace('_', "");
            let flag = matches!(v, Value::Bool(_)) || matches!(v.as_str(), Some("Y" | "N"));
            DESCRIPTOR_KEYS.iter().any(|d| d.eq_ignore_ascii_case(&k))
                && if k.eq_ignore_ascii_case("type") {
                    v.is_string()
                } else {
                    flag
                }
        })
    })
}

/// Retypes `result` as a map of descriptors where the example shows one (at
/// `result`, or under its one key), or, with no example, where the method
/// is named for fields and the page lists the fields themselves as rows.
pub fn descriptors(method: &str, sample: Option<&Value>, spec: &mut ResultSpec) {
    let descriptor_map = Kind::Map(Box::new(Kind::FieldInfo));
    match sample {
        Some(value) if is_descriptor_map(value) => {
            spec.kind = descriptor_map;
            spec.fields.clear();
        }
        Some(Value::Object(map)) if map.len() == 1 => {
            let (key, inner) = map.iter().next().expect("one entry");
            if is_descriptor_map(inner) {
                let mut holder = Field::new(key.clone(), descriptor_map);
                holder.description = "The fields, each by its name.".to_string();
                spec.kind = Kind::Object;
                spec.fields = vec![holder];
            }
        }
        None if names_fields(method)
            && matches!(spec.kind.non_null(), Kind::Object | Kind::Any)
            && spec.fields.len() != 1 =>
        {
            spec.kind = descriptor_map;
            spec.fields.clear();
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> ResultSpec {
        ResultSpec {
            ty: Some("object".into()),
            fields: vec![Field::new("TITLE", Kind::String)],
            kind: Kind::Object,
        }
    }

    #[test]
    fn descriptor_maps_at_result_or_one_key_below() {
        let mut s = spec();
        descriptors(
            "x.y.fields",
            Some(&json!({"ID": {"type": "integer"}})),
            &mut s,
        );
        assert_eq!(s.kind, Kind::Map(Box::new(Kind::FieldInfo)));
        assert!(s.fields.is_empty());

        let mut s = spec();
        let sample = json!({"product": {"ID": {"type": "integer", "isRequired": true}}});
        descriptors("catalog.product.getFields", Some(&sample), &mut s);
        assert_eq!(s.kind, Kind::Object);
        assert_eq!(s.fields[0].name, "product");
        assert_eq!(s.fields[0].kind, Kind::Map(Box::new(Kind::FieldInfo)));

        let mut s = spec();
        let entity = json!({"image": {"type": {"type": "string"}, "url": {"type": "string"}}});
        descriptors("x.image.getFields", Some(&entity), &mut s);
        assert_eq!(s.fields[0].name, "image");
        let mut s = spec();
        descriptors("x.y.get", Some(&json!({"ID": 1})), &mut s);
        assert_eq!(s, spec());
        s.fields.push(Field::new("ID", Kind::Integer));
        descriptors("x.y.getFields", None, &mut s);
        assert_eq!(s.kind, Kind::Map(Box::new(Kind::FieldInfo)));
    }
}
