//! One generic (de)serializer for every generated struct.
//!
//! A derived `Deserialize`/`Serialize` is a visitor and a field enum per
//! struct, with a `with` adapter per field: thousands of lines of Rust per
//! scope, each type-checked, borrow-checked and compiled. `__record!`
//! instead writes two small functions per struct that read and write a JSON
//! object field by field through the functions here. These are generic
//! only over a field's type and its wire helper, so the compiler makes one
//! copy per field *type* in a crate, not one per field.
//!
//! The behaviour is that of the derive they replace (`#[serde(with = ...)]`
//! per field, `default` and `skip_serializing_if = "Option::is_none"` for
//! optional fields, `flatten` for the map of unnamed keys):
//! - an object is read key by key; a missing required field is an error
//!   (``missing field `ID` ``), a missing optional one is `None`, unnamed
//!   keys go to the struct's map of other keys or are ignored when it has
//!   none;
//! - a struct without such a map is also read from an array, by position
//!   (as serde reads a struct from a sequence); `[]` is then a struct of
//!   missing fields;
//! - a field's lenient reading is its wire helper's, with the helper's
//!   error (`expected an integer, found "abc"`), as the derive gave it;
//! - fields are written in declaration order, then the other keys; `None`
//!   is not written.

use serde::de::{Error as _, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::ser::Error as _;
use serde::{Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A JSON object being read into, or written from, a struct.
pub type Object = Map<String, Value>;

/// A wire helper's `deserialize` for a JSON value.
pub type Read<T> = fn(Value) -> Result<T, serde_json::Error>;

/// A wire helper's `serialize` into a JSON value.
pub type Write<T> = fn(&T, serde_json::value::Serializer) -> Result<Value, serde_json::Error>;

/// Reads the object a struct is made from, as serde's derive asks for it:
/// `deserialize_struct` with the field names (`names`, in order, which
/// callers such as [`read_params`](crate::read_params) probe, and by which
/// an array is read by position), or `deserialize_map` when the struct keeps
/// other keys (`rest` names that map), which reads from an object only.
pub fn object<'de, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    names: &'static [&'static str],
    rest: &[&'static str],
) -> Result<Object, D::Error> {
    if rest.is_empty() {
        let visitor = ObjectVisitor {
            name,
            names: Some(names),
        };
        deserializer.deserialize_struct(name, names, visitor)
    } else {
        deserializer.deserialize_map(ObjectVisitor { name, names: None })
    }
}

/// Collects a struct's object; an array by position when `names` is set.
struct ObjectVisitor {
    name: &'static str,
    names: Option<&'static [&'static str]>,
}

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Object;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Object, A::Error> {
        let mut map = Object::new();
        while let Some((key, value)) = access.next_entry::<String, Value>()? {
            map.insert(key, value);
        }
        Ok(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Object, A::Error> {
        let Some(names) = self.names else {
            return Err(A::Error::invalid_type(Unexpected::Seq, &self));
        };
        let mut map = Object::new();
        for name in names {
            match access.next_element::<Value>()? {
                Some(value) => {
                    map.insert((*name).to_string(), value);
                }
                None => break,
            }
        }
        // Elements beyond the fields: the deserializer reports them
        // (serde_json: "invalid length N, expected fewer elements in array").
        Ok(map)
    }
}

/// Takes a required field out of `map` and reads it with its helper.
pub fn required<T>(
    map: &mut Object,
    wire: &'static str,
    read: Read<T>,
) -> Result<T, serde_json::Error> {
    match map.remove(wire) {
        Some(value) => read(value),
        None => Err(serde_json::Error::missing_field(wire)),
    }
}

/// Takes an optional field out of `map`: `None` when the key is missing,
/// else what its helper reads (which may be `None` for a blank value).
pub fn optional<T>(
    map: &mut Object,
    wire: &'static str,
    read: Read<Option<T>>,
) -> Result<Option<T>, serde_json::Error> {
    match map.remove(wire) {
        Some(value) => read(value),
        None => Ok(None),
    }
}

/// The keys no field took, as the struct's map of other keys.
pub fn rest(map: Object) -> std::collections::BTreeMap<String, Value> {
    map.into_iter().collect()
}

/// Writes a required field.
pub fn put<T>(
    map: &mut Object,
    wire: &str,
    value: &T,
    write: Write<T>,
) -> Result<(), serde_json::Error> {
    let value = write(value, serde_json::value::Serializer)?;
    map.insert(wire.to_string(), value);
    Ok(())
}

/// Writes an optional field, unless it is `None`.
pub fn put_some<T>(
    map: &mut Object,
    wire: &str,
    value: &Option<T>,
    write: Write<Option<T>>,
) -> Result<(), serde_json::Error> {
    if value.is_some() {
        put(map, wire, value, write)?;
    }
    Ok(())
}

/// Writes the struct's other keys after its fields.
pub fn put_rest(map: &mut Object, rest: &std::collections::BTreeMap<String, Value>) {
    map.extend(rest.iter().map(|(k, v)| (k.clone(), v.clone())));
}

/// Ends reading a struct: the error, if any, in the deserializer's type.
pub fn finish<'de, T, D: Deserializer<'de>>(
    read: Result<T, serde_json::Error>,
) -> Result<T, D::Error> {
    read.map_err(D::Error::custom)
}

/// Ends writing a struct: the object it was written to, serialized.
pub fn emit<S: Serializer>(
    written: Result<Object, serde_json::Error>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    written.map_err(S::Error::custom)?.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    crate::__record! {
        " A closed struct." Closed {
            " Required." "ID" id: i64 = int;
            " Optional." "SORT" sort?: i64 = opt_int;
            " Optional list." "IDS" ids?: ::std::vec::Vec<i64> = opt_vec_int;
        }
    }

    crate::__record! {
        " An open struct." Open {
            " Optional." "TITLE" title?: ::std::string::String = opt_string;
            " Nested." "ITEM" item?: Closed = opt;
            .. extra
        }
    }

    #[test]
    fn fields_are_read_leniently_and_written_in_order_without_none() {
        let closed: Closed =
            serde_json::from_value(json!({"SORT": "", "ID": "7", "X": 1})).unwrap();
        assert_eq!(
            (closed.id, closed.sort, closed.ids.as_ref()),
            (7, None, None)
        );
        let text = serde_json::to_string(&Closed {
            sort: Some(2),
            ..closed
        })
        .unwrap();
        assert_eq!(text, r#"{"ID":7,"SORT":2}"#);
    }

    #[test]
    fn unnamed_keys_are_kept_and_written_after_the_fields() {
        let open: Open =
            serde_json::from_value(json!({"UF_A": [1], "TITLE": "t", "ITEM": []})).unwrap();
        assert_eq!(open.title.as_deref(), Some("t"));
        assert_eq!(open.item, None);
        assert_eq!(open.extra["UF_A"], json!([1]));
        assert_eq!(
            serde_json::to_string(&open).unwrap(),
            r#"{"TITLE":"t","UF_A":[1]}"#
        );
    }

    #[test]
    fn errors_name_the_field_or_what_came() {
        let missing = serde_json::from_value::<Closed>(json!({"SORT": 1})).unwrap_err();
        assert_eq!(missing.to_string(), "missing field `ID`");
        let bad = serde_json::from_value::<Closed>(json!({"ID": "abc"})).unwrap_err();
        assert_eq!(bad.to_string(), "expected an integer, found \"abc\"");
        let nested = serde_json::from_value::<Open>(json!({"ITEM": {"ID": "x"}})).unwrap_err();
        assert_eq!(nested.to_string(), "expected an integer, found \"x\"");
        let scalar = serde_json::from_value::<Closed>(json!(5)).unwrap_err();
        assert_eq!(
            scalar.to_string(),
            "invalid type: integer `5`, expected struct Closed"
        );
    }

    #[test]
    fn arrays_are_read_by_position_unless_the_struct_keeps_other_keys() {
        let closed: Closed = serde_json::from_value(json!([3, "4"])).unwrap();
        assert_eq!((closed.id, closed.sort), (3, Some(4)));
        assert!(serde_json::from_value::<Closed>(json!([1, 2, [3], 4])).is_err());
        assert!(serde_json::from_value::<Open>(json!([])).is_err());
        // From text too, not only from a `Value`.
        let open: Open = serde_json::from_str(r#"{"ITEM": {"ID": 1}}"#).unwrap();
        assert_eq!(open.item.map(|i| i.id), Some(1));
    }
}
