//! The helpers' readers: visitors that take a field straight from the
//! deserializer. Text, numbers and flags are read where they are found;
//! only a shape that needs looking at as a whole (an object wrapping a
//! scalar, a list keyed by index, a value for an error message) is first
//! gathered into a [`Value`], and the codec then reads that value exactly
//! as before.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeOwned, DeserializeSeed, Error, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::codec::Codec;

/// The elements of a JSON list: an array, the values of an object keyed by
/// index (as PHP sends sparse arrays), or nothing for null, `""` and `false`.
pub(super) fn elements(value: Value) -> Result<Vec<Value>, String> {
    match value {
        Value::Array(items) => Ok(items),
        Value::Object(map) => Ok(map.into_iter().map(|(_, v)| v).collect()),
        Value::Null | Value::Bool(false) => Ok(Vec::new()),
        Value::String(s) if s.is_empty() => Ok(Vec::new()),
        // One value where a list is expected: a list of one.
        other => Ok(vec![other]),
    }
}

/// The scalar inside an object of one key (`{"task": true}` → `true`), for
/// scalar kinds; anything else as it is.
pub(super) fn unwrap_scalar<C: Codec>(value: Value) -> Value {
    match value {
        Value::Object(map) if C::SCALAR && map.len() == 1 => {
            let Some((key, inner)) = map.into_iter().next() else {
                return Value::Null;
            };
            match inner {
                Value::Object(_) | Value::Array(_) | Value::Null => {
                    Value::Object(std::iter::once((key, inner)).collect())
                }
                scalar if C::wrapped(&scalar) => scalar,
                other => Value::Object(std::iter::once((key, other)).collect()),
            }
        }
        other => other,
    }
}

/// How a scalar helper reads what it finds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// The plain helper: a wrapped scalar is unwrapped, then read.
    One,
    /// The `opt_` helper: a blank is `None`, anything else as [`Mode::One`].
    Opt,
    /// An element of a `vec_` list: read as it is.
    Element,
}

/// Reads one scalar of codec `C`: `None` only for a blank in [`Mode::Opt`].
pub(super) struct Scalar<C>(pub(super) Mode, pub(super) PhantomData<fn() -> C>);

impl<C: Codec> Scalar<C> {
    pub(super) fn new(mode: Mode) -> Scalar<C> {
        Scalar(mode, PhantomData)
    }

    /// The reading of a whole value, as the helpers always did it.
    fn value<E: Error>(&self, value: Value) -> Result<Option<C::Value>, E> {
        let value = match self.0 {
            Mode::Opt if C::blank(&value) => return Ok(None),
            Mode::One | Mode::Opt => unwrap_scalar::<C>(value),
            Mode::Element => value,
        };
        C::read(value).map(Some).map_err(E::custom)
    }

    fn text<E: Error>(&self, text: &str) -> Result<Option<C::Value>, E> {
        if self.0 == Mode::Opt && C::blank_str(text) {
            return Ok(None);
        }
        C::read_str(text).map(Some).map_err(E::custom)
    }
}

/// `visit_bool`, `visit_i64`, `visit_u64` and `visit_f64` of a visitor whose
/// `value` method reads any JSON value leniently: a flag or number is
/// handed to it as the `Value` it is.
macro_rules! flags_and_numbers_through_value {
    () => {
        fn visit_bool<E: Error>(self, v: bool) -> Result<Self::Value, E> {
            self.value(Value::Bool(v))
        }

        fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
            self.value(Value::from(v))
        }

        fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
            self.value(Value::from(v))
        }

        fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
            self.value(Value::from(v))
        }
    };
}

impl<'de, C: Codec> Visitor<'de> for Scalar<C> {
    type Value = Option<C::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    flags_and_numbers_through_value!();

    fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
        self.text(v)
    }

    fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
        if self.0 == Mode::Opt && C::blank_str(&v) {
            return Ok(None);
        }
        C::read_string(v).map(Some).map_err(E::custom)
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        self.value(Value::Null)
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        self.value(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let value = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        self.value(value)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let value = Value::deserialize(MapAccessDeserializer::new(map))?;
        self.value(value)
    }
}

/// One element of a `vec_` list, as a seed.
struct Element<C>(PhantomData<fn() -> C>);

impl<'de, C: Codec> DeserializeSeed<'de> for Element<C> {
    type Value = C::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<C::Value, D::Error> {
        d.deserialize_any(Scalar::<C>::new(Mode::Element))?
            .ok_or_else(|| D::Error::custom("a list element read as blank"))
    }
}

/// Reads one scalar of `C` in `mode`.
pub(super) fn scalar<'de, C: Codec, D: Deserializer<'de>>(
    d: D,
    mode: Mode,
) -> Result<Option<C::Value>, D::Error> {
    d.deserialize_any(Scalar::<C>::new(mode))
}

/// Reads a `vec_` list of `C` (`optional`: null is `None`).
pub(super) fn scalars<'de, C: Codec, D: Deserializer<'de>>(
    d: D,
    optional: bool,
) -> Result<Option<Vec<C::Value>>, D::Error> {
    d.deserialize_any(List {
        optional,
        element: ScalarElements::<C>(PhantomData),
    })
}

/// Reads a `list` of `T` by its own `Deserialize` (`optional`: null is `None`).
pub(super) fn values<'de, T: DeserializeOwned, D: Deserializer<'de>>(
    d: D,
    optional: bool,
) -> Result<Option<Vec<T>>, D::Error> {
    d.deserialize_any(List {
        optional,
        element: Plain::<T>(PhantomData),
    })
}

/// How a list's elements are read: from the deserializer, or from a value
/// when the list had to be gathered first.
trait Elements: Copy {
    type Item;
    fn next<'de, A: SeqAccess<'de>>(self, seq: &mut A) -> Result<Option<Self::Item>, A::Error>;
    fn read_value(self, value: Value) -> Result<Self::Item, String>;
}

struct ScalarElements<C>(PhantomData<fn() -> C>);

impl<C> Clone for ScalarElements<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for ScalarElements<C> {}

impl<C: Codec> Elements for ScalarElements<C> {
    type Item = C::Value;
    fn next<'de, A: SeqAccess<'de>>(self, seq: &mut A) -> Result<Option<C::Value>, A::Error> {
        seq.next_element_seed(Element::<C>(PhantomData))
    }
    fn read_value(self, value: Value) -> Result<C::Value, String> {
        C::read(value)
    }
}

struct Plain<T>(PhantomData<fn() -> T>);

impl<T> Clone for Plain<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Plain<T> {}

impl<T: DeserializeOwned> Elements for Plain<T> {
    type Item = T;
    fn next<'de, A: SeqAccess<'de>>(self, seq: &mut A) -> Result<Option<T>, A::Error> {
        seq.next_element()
    }
    fn read_value(self, value: Value) -> Result<T, String> {
        T::deserialize(value).map_err(|e| e.to_string())
    }
}

/// A lenient list: an array read element by element; anything else
/// through [`elements`], as before.
struct List<L> {
    optional: bool,
    element: L,
}

impl<L: Elements> List<L> {
    fn value<E: Error>(self, value: Value) -> Result<Option<Vec<L::Item>>, E> {
        if self.optional && value.is_null() {
            return Ok(None);
        }
        elements(value)
            .and_then(|items| {
                items
                    .into_iter()
                    .map(|v| self.element.read_value(v))
                    .collect()
            })
            .map(Some)
            .map_err(E::custom)
    }
}

impl<'de, L: Elements> Visitor<'de> for List<L> {
    type Value = Option<Vec<L::Item>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    flags_and_numbers_through_value!();

    fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
        self.value(Value::String(v.to_owned()))
    }

    fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
        self.value(Value::String(v))
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        self.value(Value::Null)
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        self.value(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = self.element.next(&mut seq)? {
            items.push(item);
        }
        Ok(Some(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let value = Value::deserialize(MapAccessDeserializer::new(map))?;
        self.value(value)
    }
}

/// Reads an `opt` value: null, `false`, `""` and `[]` are `None`; an
/// object is read by `T` from the deserializer; anything else through a
/// [`Value`], as before.
pub(super) fn optional<'de, T: DeserializeOwned, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    d.deserialize_any(Optional::<T>(PhantomData))
}

struct Optional<T>(PhantomData<fn() -> T>);

impl<T: DeserializeOwned> Optional<T> {
    fn value<E: Error>(self, value: Value) -> Result<Option<T>, E> {
        // PHP sends `false` where an object is absent.
        let blank = match &value {
            Value::Null | Value::Bool(false) => true,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            _ => false,
        };
        if blank {
            return Ok(None);
        }
        T::deserialize(value).map(Some).map_err(E::custom)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Optional<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    flags_and_numbers_through_value!();

    fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
        self.value(Value::String(v.to_owned()))
    }

    fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
        self.value(Value::String(v))
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let value = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        self.value(value)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }
}
