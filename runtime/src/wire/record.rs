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
//! - an object is read key by key into a slot per field; a missing
//!   required field is an error (``missing field `ID` ``), a missing
//!   optional one is `None`, a key given twice is an error, unnamed keys go
//!   to the struct's map of other keys or are ignored when it has none;
//! - a struct without such a map is also read from an array, by position
//!   (as serde reads a struct from a sequence); `[]` is then a struct of
//!   missing fields;
//! - a field's lenient reading is its wire helper's, with the helper's
//!   error (`expected an integer, found "abc"`), as the derive gave it;
//! - fields are written in declaration order, then the other keys; `None`
//!   is not written.

use std::collections::BTreeMap;

use serde::de::{Error as _, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::ser::Error as _;
use serde::{Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A JSON object being read into, or written from, a struct.
pub type Object = Map<String, Value>;

/// A wire helper's `deserialize` for a JSON value.
pub type Read<T> = fn(Value) -> Result<T, serde_json::Error>;

/// A wire helper's `serialize` into a JSON value.
pub type Write<T> = fn(&T, serde_json::value::Serializer) -> Result<Value, serde_json::Error>;

/// The fields of a struct being read: the value of each named field in
/// declaration order (taken one after the other by [`required`] and
/// [`optional`], in the order the struct literal names them) and the keys
/// no field names.
#[derive(Debug)]
pub struct Fields {
    names: &'static [&'static str],
    slots: Vec<Option<Value>>,
    next: usize,
    rest: BTreeMap<String, Value>,
}

impl Fields {
    /// The value of the next field, which is `wire`.
    fn take(&mut self, wire: &'static str) -> Option<Value> {
        let at = self.next;
        self.next += 1;
        debug_assert_eq!(self.names.get(at), Some(&wire), "fields taken out of order");
        self.slots.get_mut(at).and_then(Option::take)
    }
}

/// Reads the fields of a struct, as serde's derive asks for them:
/// `deserialize_struct` with the field names (`names`, in order, which
/// callers such as [`read_params`](crate::read_params) probe, and by which
/// an array is read by position), or `deserialize_map` when the struct keeps
/// other keys (`rest` names that map), which reads from an object only.
pub fn object<'de, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    names: &'static [&'static str],
    rest: &[&'static str],
) -> Result<Fields, D::Error> {
    let visitor = FieldsVisitor {
        name,
        names,
        open: !rest.is_empty(),
    };
    if visitor.open {
        deserializer.deserialize_map(visitor)
    } else {
        deserializer.deserialize_struct(name, names, visitor)
    }
}

/// Sorts a struct's object into its fields' slots and the other keys.
struct FieldsVisitor {
    name: &'static str,
    names: &'static [&'static str],
    /// The struct keeps other keys (and so is not read from an array).
    open: bool,
}

impl FieldsVisitor {
    fn fields(&self) -> Fields {
        Fields {
            names: self.names,
            slots: vec![None; self.names.len()],
            next: 0,
            rest: BTreeMap::new(),
        }
    }
}

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "struct {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Fields, A::Error> {
        let mut fields = self.fields();
        // Portals send fields in the order the page lists them, which is the
        // struct's: the field after the last one found is tried first.
        let mut guess = 0;
        while let Some(key) = access.next_key::<String>()? {
            let at = match self.names.get(guess) {
                Some(name) if *name == key => Some(guess),
                _ => self.names.iter().position(|name| *name == key),
            };
            if let Some(at) = at {
                guess = at + 1;
            }
            match at {
                Some(at) if fields.slots[at].is_some() => {
                    return Err(A::Error::duplicate_field(self.names[at]));
                }
                Some(at) => fields.slots[at] = Some(access.next_value()?),
                None if self.open => {
                    let value = access.next_value()?;
                    fields.rest.insert(key, value);
                }
                None => {
                    access.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(fields)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Fields, A::Error> {
        if self.open {
            return Err(A::Error::invalid_type(Unexpected::Seq, &self));
        }
        let mut fields = self.fields();
        for slot in fields.slots.iter_mut() {
            match access.next_element::<Value>()? {
                Some(value) => *slot = Some(value),
                None => break,
            }
        }
        // Elements beyond the fields: the deserializer reports them
        // (serde_json: "invalid length N, expected fewer elements in array").
        Ok(fields)
    }
}

/// Takes the next field, which is required, and reads it with its helper.
pub fn required<T>(
    fields: &mut Fields,
    wire: &'static str,
    read: Read<T>,
) -> Result<T, serde_json::Error> {
    match fields.take(wire) {
        Some(value) => read(value),
        None => Err(serde_json::Error::missing_field(wire)),
    }
}

/// Takes the next field, which is optional: `None` when the key is
/// missing, else what its helper reads (which may be `None` for a blank
/// value).
pub fn optional<T>(
    fields: &mut Fields,
    wire: &'static str,
    read: Read<Option<T>>,
) -> Result<Option<T>, serde_json::Error> {
    match fields.take(wire) {
        Some(value) => read(value),
        None => Ok(None),
    }
}

/// The keys no field took, as the struct's map of other keys.
pub fn rest(fields: Fields) -> BTreeMap<String, Value> {
    fields.rest
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
pub fn put_rest(map: &mut Object, rest: &BTreeMap<String, Value>) {
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
