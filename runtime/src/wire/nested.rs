//! The helpers of values read by their own `Deserialize` (structs, enums,
//! JSON values): `opt`, `list`, `opt_list` and `plain`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient;
use super::record::Helper;

/// `opt`: an optional struct, enum or JSON value; null, `""` and `[]` read as `None`.
pub mod opt {
    use super::*;
    /// Writes the value (callers skip `None`).
    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
    /// Reads the value leniently (`false` too reads as `None`).
    pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        lenient::optional(deserializer)
    }
    /// This helper, for a struct's table of fields.
    #[doc(hidden)]
    pub enum Reader {}
    impl<T: DeserializeOwned + Serialize> Helper<Option<T>> for Reader {
        #[inline]
        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
            deserialize(deserializer)
        }
        #[inline]
        fn write(value: &Option<T>) -> Result<serde_json::Value, serde_json::Error> {
            serialize(value, serde_json::value::Serializer)
        }
    }
}

/// `list`: a list of structs, enums or JSON values, read leniently.
pub mod list {
    use super::*;
    /// Writes the list.
    pub fn serialize<S: Serializer, T: Serialize>(
        value: &[T],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(value)
    }
    /// Reads the list: an array, an index-keyed object, or a single element.
    pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        deserializer: D,
    ) -> Result<Vec<T>, D::Error> {
        Ok(lenient::values(deserializer, false)?.unwrap_or_default())
    }
    /// This helper, for a struct's table of fields.
    #[doc(hidden)]
    pub enum Reader {}
    impl<T: DeserializeOwned + Serialize> Helper<Vec<T>> for Reader {
        #[inline]
        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
            deserialize(deserializer)
        }
        #[inline]
        fn write(value: &Vec<T>) -> Result<serde_json::Value, serde_json::Error> {
            serialize(value, serde_json::value::Serializer)
        }
    }
}

/// `opt_list`: an optional list of structs, enums or JSON values.
pub mod opt_list {
    use super::*;
    /// Writes the list (callers skip `None`).
    pub fn serialize<S: Serializer, T: Serialize>(
        value: &Option<Vec<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
    /// Reads the list leniently; null reads as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        deserializer: D,
    ) -> Result<Option<Vec<T>>, D::Error> {
        lenient::values(deserializer, true)
    }
    /// This helper, for a struct's table of fields.
    #[doc(hidden)]
    pub enum Reader {}
    impl<T: DeserializeOwned + Serialize> Helper<Option<Vec<T>>> for Reader {
        #[inline]
        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<T>>, D::Error> {
            deserialize(deserializer)
        }
        #[inline]
        fn write(value: &Option<Vec<T>>) -> Result<serde_json::Value, serde_json::Error> {
            serialize(value, serde_json::value::Serializer)
        }
    }
}

/// `plain`: a value in its own serde format, with no lenient reading
/// (`serde_json::from_value` as a helper), so that generated code names every
/// decoder of `result` the same way: `wire::<helper>::deserialize`.
pub mod plain {
    use super::*;
    /// Writes the value.
    pub fn serialize<S: Serializer, T: Serialize>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
    /// Reads the value with its own `Deserialize`.
    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
    /// This helper, for a struct's table of fields.
    #[doc(hidden)]
    pub enum Reader {}
    impl<T: DeserializeOwned + Serialize> Helper<T> for Reader {
        #[inline]
        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
            T::deserialize(deserializer)
        }
        #[inline]
        fn write(value: &T) -> Result<serde_json::Value, serde_json::Error> {
            serialize(value, serde_json::value::Serializer)
        }
    }
}
