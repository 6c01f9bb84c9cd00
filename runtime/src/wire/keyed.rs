//! Objects keyed by data (ids, codes, field names) rather than by member
//! names, read into a map of typed values.

use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::record::Helper;

/// An object keyed by data: `{"17": {...}, "23": {...}}`, `{"TITLE": {...}}`.
pub type Map<T> = BTreeMap<String, T>;

/// The entries of a keyed object. PHP sends an empty one as `[]`, and a
/// list where keys were positions; null, `""` and `false` mean none.
fn entries<T: DeserializeOwned>(value: Value) -> Result<Map<T>, String> {
    let pairs: Vec<(String, Value)> = match value {
        Value::Object(map) => map.into_iter().collect(),
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        Value::Null | Value::Bool(false) => Vec::new(),
        Value::String(s) if s.is_empty() => Vec::new(),
        other => {
            return Err(format!(
                "expected an object keyed by name or id, found {other}"
            ))
        }
    };
    pairs
        .into_iter()
        .map(|(key, value)| {
            T::deserialize(value)
                .map(|v| (key.clone(), v))
                .map_err(|e| format!("{key}: {e}"))
        })
        .collect()
}

/// `map`: a keyed object of values read by their own `Deserialize`.
pub mod map {
    use super::*;
    /// Writes the map.
    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Map<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
    /// Reads the map leniently.
    pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        deserializer: D,
    ) -> Result<Map<T>, D::Error> {
        entries(Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
    /// This helper, for a struct's table of fields.
    #[doc(hidden)]
    pub enum Reader {}
    impl<T: DeserializeOwned + Serialize> Helper<Map<T>> for Reader {
        #[inline]
        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Map<T>, D::Error> {
            deserialize(deserializer)
        }
        #[inline]
        fn write(value: &Map<T>) -> Result<serde_json::Value, serde_json::Error> {
            serialize(value, serde_json::value::Serializer)
        }
    }
}

/// `opt_map`: an optional keyed object; null reads as `None`.
pub mod opt_map {
    use super::*;
    /// Writes the map (callers skip `None`).
    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Option<Map<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
    /// Reads the map leniently.
    pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        deserializer: D,
    ) -> Result<Option<Map<T>>, D::Error> {
        let value = Value::deserialize(deserializer)?;
        if value.is_null() {
            return Ok(None);
        }
        entries(value).map(Some).map_err(D::Error::custom)
    }
    /// This helper, for a struct's table of fields.
    #[doc(hidden)]
    pub enum Reader {}
    impl<T: DeserializeOwned + Serialize> Helper<Option<Map<T>>> for Reader {
        #[inline]
        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Map<T>>, D::Error> {
            deserialize(deserializer)
        }
        #[inline]
        fn write(value: &Option<Map<T>>) -> Result<serde_json::Value, serde_json::Error> {
            serialize(value, serde_json::value::Serializer)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keyed_objects_and_php_spellings() {
        let m: Map<i64> = entries(json!({"17": 1, "23": 2})).unwrap();
        assert_eq!(m["23"], 2);
        assert!(entries::<i64>(json!([])).unwrap().is_empty());
        let err = entries::<i64>(json!({"a": "x"})).unwrap_err();
        assert!(err.starts_with("a: "), "{err}");
    }
}
