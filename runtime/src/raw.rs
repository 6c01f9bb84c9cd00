//! Raw JSON: the parts of an answer's text taken as they are, as slices of
//! that text, without building [`serde_json::Value`] trees. An answer is
//! read once into slices (its `result`, a batch's per-command results, a
//! page's items), and each item is decoded from its own slice, into the
//! caller's type, when it is handed out.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// Where `part`, a slice of `whole`, lies in `whole`; `None` when it is not
/// a slice of it.
pub(crate) fn span(whole: &str, part: &str) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len() && whole.is_char_boundary(start) && whole.is_char_boundary(end))
        .then_some(start..end)
}

/// An object's members in order, each value as its text. A key sent twice
/// keeps its first place and its last value, as a parsed object would.
pub(crate) type Members<'a> = Vec<(Cow<'a, str>, &'a str)>;

/// What a JSON text holds, its parts as slices of it.
pub(crate) enum Shape<'a> {
    /// An object's members.
    Object(Members<'a>),
    /// An array's elements.
    Array(Vec<&'a str>),
    /// `null`.
    Null,
    /// A string, number or boolean.
    Scalar,
}

/// The shape of `text` (a JSON value) and its parts.
pub(crate) fn shape(text: &str) -> Result<Shape<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let shape = de.deserialize_any(ShapeVisitor)?;
    de.end()?;
    Ok(shape)
}

/// The value of `key` among `members` (the last sent).
pub(crate) fn member<'a>(members: &Members<'a>, key: &str) -> Option<&'a str> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
}

/// The visit methods of a visitor that reads an object and answers `$none`
/// for any other JSON value (an array is read past element by element).
macro_rules! not_an_object {
    ($de:lifetime, $none:expr) => {
        fn visit_seq<A: serde::de::SeqAccess<$de>>(
            self,
            mut access: A,
        ) -> Result<Self::Value, A::Error> {
            while access.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok($none)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($none)
        }

        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($none)
        }

        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($none)
        }

        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($none)
        }

        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($none)
        }

        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($none)
        }
    };
}
pub(crate) use not_an_object;

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<Shape<'de>, A::Error> {
        read_members(access).map(Shape::Object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Shape<'de>, A::Error> {
        let mut items = Vec::with_capacity(access.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = access.next_element::<&'de RawValue>()? {
            items.push(item.get());
        }
        Ok(Shape::Array(items))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Shape<'de>, E> {
        Ok(Shape::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Shape<'de>, E> {
        Ok(Shape::Scalar)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Shape<'de>, E> {
        Ok(Shape::Scalar)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Shape<'de>, E> {
        Ok(Shape::Scalar)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Shape<'de>, E> {
        Ok(Shape::Scalar)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Shape<'de>, E> {
        Ok(Shape::Scalar)
    }
}

/// An object's members, or `None` for any other value (read past).
pub(crate) struct ObjectSeed;

impl<'de> DeserializeSeed<'de> for ObjectSeed {
    type Value = Option<Members<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        match d.deserialize_any(ShapeVisitor)? {
            Shape::Object(members) => Ok(Some(members)),
            _ => Ok(None),
        }
    }
}

/// An object's members, each value captured as its text.
fn read_members<'de, A: MapAccess<'de>>(mut access: A) -> Result<Members<'de>, A::Error> {
    let mut members: Members<'de> = Vec::with_capacity(access.size_hint().unwrap_or(0).min(64));
    // Where each key is, once there are enough to look up.
    let mut places: Option<HashMap<Cow<'de, str>, usize>> = None;
    while let Some(key) = access.next_key_seed(KeySeed)? {
        let value = access.next_value::<&'de RawValue>()?.get();
        if members.len() >= 8 && places.is_none() {
            places = Some(
                members
                    .iter()
                    .enumerate()
                    .map(|(at, (k, _))| (k.clone(), at))
                    .collect(),
            );
        }
        let found = match &mut places {
            Some(places) => places.get(&key).copied(),
            None => members.iter().position(|(k, _)| *k == key),
        };
        match found {
            Some(at) => members[at].1 = value,
            None => {
                if let Some(places) = &mut places {
                    places.insert(key.clone(), members.len());
                }
                members.push((key, value));
            }
        }
    }
    Ok(members)
}

/// A key, borrowed from the text unless it had escapes.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

/// A number or numeric text under `field` in the object `text`, as an ID
/// (what `Value::as_i64`, or the trimmed text parsed, gives). When the
/// object starts with `field` (as portals send items) that first value is
/// read without scanning the rest; otherwise the last one sent counts.
pub(crate) fn id(text: &str, field: &str) -> Option<i64> {
    if let Some(id) = leading_id(text, field) {
        return id;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_any(IdVisitor { field }).ok().flatten()
}

/// The ID when `text` is `{"<field>": <number or simple text>, ...`:
/// `Some(id)` (the ID, or `None` for a value that is no ID), `None` when
/// the text does not start so.
fn leading_id(text: &str, field: &str) -> Option<Option<i64>> {
    let rest = text.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest
        .strip_prefix('"')?
        .strip_prefix(field)?
        .strip_prefix('"')?;
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let (value, after) = match rest.strip_prefix('"') {
        Some(quoted) => {
            let end = quoted.find(['"', '\\'])?;
            if quoted.as_bytes().get(end) != Some(&b'"') {
                return None;
            }
            let id = quoted[..end].trim().parse::<i64>().ok();
            (Some(id), &quoted[end + 1..])
        }
        None => {
            let end = rest.find([',', '}', ' ', '\n', '\r', '\t'])?;
            let number = &rest[..end];
            if !number.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                return None;
            }
            (Some(number.parse::<i64>().ok()), &rest[end..])
        }
    };
    // The value must end there: `,` or `}` next.
    matches!(after.trim_start().as_bytes().first(), Some(b',' | b'}')).then_some(())?;
    value
}

struct IdVisitor<'f> {
    field: &'f str,
}

impl<'de> Visitor<'de> for IdVisitor<'_> {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Option<i64>, A::Error> {
        let mut id = None;
        while let Some(key) = access.next_key_seed(KeySeed)? {
            if key == self.field {
                id = access.next_value_seed(IdValue)?;
            } else {
                access.next_value::<IgnoredAny>()?;
            }
        }
        Ok(id)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Option<i64>, A::Error> {
        while access.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<i64>, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<i64>, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<i64>, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<i64>, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<i64>, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<i64>, E> {
        Ok(None)
    }
}

/// An ID's value: an integer, or text holding one.
struct IdValue;

impl<'de> DeserializeSeed<'de> for IdValue {
    type Value = Option<i64>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_any(IdValue)
    }
}

impl<'de> Visitor<'de> for IdValue {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ID")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<i64>, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<i64>, E> {
        Ok(i64::try_from(v).ok())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<i64>, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<i64>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<i64>, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<i64>, E> {
        Ok(v.trim().parse().ok())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Option<i64>, A::Error> {
        while access.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Option<i64>, A::Error> {
        while access.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_members_are_slices_of_the_text() {
        let text = r#"{"a": [1, {"x": 2}], "b\n": null, "a": "last"}"#;
        let Ok(Shape::Object(members)) = shape(text) else {
            panic!("an object")
        };
        assert_eq!(members.len(), 2);
        assert_eq!(members[0], (Cow::Borrowed("a"), r#""last""#));
        assert_eq!(members[1].0, "b\n");
        assert_eq!(span(text, members[1].1), Some(28..32));
        let Ok(Shape::Array(items)) = shape("[ 1 , {\"k\": [ ]} ]") else {
            panic!("an array")
        };
        assert_eq!(items, vec!["1", "{\"k\": [ ]}"]);
        assert!(matches!(shape("null"), Ok(Shape::Null)));
        assert!(matches!(shape("\"x\""), Ok(Shape::Scalar)));
        assert!(shape("[1,").is_err());
        assert!(span("abc", "abc".to_string().as_str()).is_none());
    }

    #[test]
    fn many_members_with_repeats_keep_first_places_and_last_values() {
        let text = format!(
            "{{{}, \"k3\": \"again\"}}",
            (0..20)
                .map(|i| format!("\"k{i}\": {i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let Ok(Shape::Object(members)) = shape(&text) else {
            panic!("an object")
        };
        assert_eq!(members.len(), 20);
        assert_eq!(members[3], (Cow::Borrowed("k3"), "\"again\""));
        assert_eq!(member(&members, "k19"), Some("19"));
    }

    #[test]
    fn ids_are_read_as_a_parsed_value_would_give_them() {
        assert_eq!(id(r#"{"ID":"17","TITLE":"x"}"#, "ID"), Some(17));
        assert_eq!(id(r#"{ "ID" : 17 , "TITLE":"x"}"#, "ID"), Some(17));
        assert_eq!(id(r#"{"ID":" 17 "}"#, "ID"), Some(17));
        assert_eq!(id(r#"{"TITLE":"x","ID":"18"}"#, "ID"), Some(18));
        assert_eq!(id(r#"{"TITLE":"x","ID":"18","ID":19}"#, "ID"), Some(19));
        assert_eq!(id(r#"{"ID":"1\u0037"}"#, "ID"), Some(17));
        assert_eq!(id(r#"{"ID":1.5}"#, "ID"), None);
        assert_eq!(id(r#"{"ID":18446744073709551615}"#, "ID"), None);
        assert_eq!(id(r#"{"ID":"x"}"#, "ID"), None);
        assert_eq!(id(r#"{"ID":null}"#, "ID"), None);
        assert_eq!(id(r#"{"IDX":1}"#, "ID"), None);
        assert_eq!(id(r#"[1]"#, "ID"), None);
        assert_eq!(id(r#"{"id":[1,{"a":2}],"ID":3}"#, "ID"), Some(3));
    }
}
