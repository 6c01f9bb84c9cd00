//! One generic (de)serializer for every generated struct.
//!
//! A derived `Deserialize`/`Serialize` is a visitor and a field enum per
//! struct, with a `with` adapter per field: thousands of lines of Rust per
//! scope, each type-checked, borrow-checked and compiled. `__record!`
//! instead implements [`Record`] for each struct (a table of wire names,
//! which fields are required, and a `fill` that reads field `i` into its
//! slot with its wire helper, and a `write` that puts each field into a
//! [`Writer`] with its helper) and two one-line serde impls; the
//! visitor, the key matching and the checks are written once, here,
//! generic over the struct and the deserializer only.
//!
//! Each field is read straight from the deserializer into its typed slot,
//! as the derive's `with` adapter did: no field is gathered into a
//! [`Value`] first (only the map of other keys holds values as they are).
//!
//! The behaviour is that of the derive they replace (`#[serde(with = ...)]`
//! per field, `default` and `skip_serializing_if = "Option::is_none"` for
//! optional fields, `flatten` for the map of unnamed keys):
//! - an object is read key by key, each named field with its helper as its
//!   key comes; a missing required field is an error (``missing field `ID` ``),
//!   a missing optional one is `None`, a key given twice is an error,
//!   unnamed keys go to the struct's map of other keys or are ignored when
//!   it has none;
//! - a struct without such a map is also read from an array, by position
//!   (as serde reads a struct from a sequence): a missing optional field is
//!   `None`, a missing required one an error (`invalid length 0, expected
//!   struct X with 2 elements`);
//! - a field's lenient reading is its wire helper's, with the helper's
//!   error (`expected an integer, found "abc"`), as the derive gave it;
//! - fields are written in declaration order, then the other keys; `None`
//!   is not written.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    DeserializeSeed, Error as _, Expected, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor,
};
use serde::ser::Error as _;
use serde::{Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A JSON object being written from a struct.
pub type Object = Map<String, Value>;

/// A wire helper as a type: what its `deserialize` reads a field of type
/// `T` with and its `serialize` writes it with. Each helper module has one
/// (`wire::opt_int::Reader`). Being a type, it is named as a generic
/// argument: a struct writes each field with one call, not with a closure
/// per field (each closure is a body of its own to check and compile).
pub trait Helper<T> {
    /// Reads the field's value from `deserializer`.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;
    /// Writes the field's value as a JSON value.
    fn write(value: &T) -> Result<Value, serde_json::Error>;
}

/// A struct declared with `__record!`: its table of fields and how each is
/// read. Every field's type has a default, which stands until its key comes.
pub trait Record: Default {
    /// The struct's name, for messages (`expected struct Lead`).
    const NAME: &'static str;
    /// The fields' wire names, in declaration order.
    const FIELDS: &'static [&'static str];
    /// Whether each field (in the same order) is required.
    const REQUIRED: &'static [bool];
    /// Whether the struct keeps the keys no field names (`.. rest`); such a
    /// struct is read from an object only.
    const OPEN: bool;
    /// A filter of the fields' names, made at compile time: a key whose bit
    /// is clear names no field, so most unnamed keys (`UF_...`) are told
    /// apart without comparing them with every name.
    const FILTER: u128 = name_filter(Self::FIELDS);
    /// Reads field `at` from `source` into its slot with the field's
    /// helper; `false` when `at` is no field or the source has no more values.
    fn fill<'de, S: Source<'de>>(&mut self, at: usize, source: S) -> Result<bool, S::Error>;
    /// The map of other keys, when the struct keeps them.
    fn rest(&mut self) -> Option<&mut BTreeMap<String, Value>>;
    /// Writes the fields in declaration order, then the other keys.
    fn write(&self, out: &mut Writer);
}

/// Where [`Record::fill`] reads a field's value from: the value of an
/// object's key, or the next element of an array.
pub trait Source<'de> {
    /// The deserializer's error.
    type Error: serde::de::Error;
    /// Reads the next value with helper `H` into `slot`; `false` when there
    /// is none (an array's end).
    fn read<T, H: Helper<T>>(self, slot: &mut T) -> Result<bool, Self::Error>;
}

/// The value of the key just read.
pub struct MapValue<'a, A>(&'a mut A);

impl<'de, A: MapAccess<'de>> Source<'de> for MapValue<'_, A> {
    type Error = A::Error;
    #[inline]
    fn read<T, H: Helper<T>>(self, slot: &mut T) -> Result<bool, A::Error> {
        *slot = self.0.next_value_seed(Slot::<T, H>(PhantomData))?;
        Ok(true)
    }
}

/// The next element of an array.
pub struct SeqElement<'a, A>(&'a mut A);

impl<'de, A: SeqAccess<'de>> Source<'de> for SeqElement<'_, A> {
    type Error = A::Error;
    #[inline]
    fn read<T, H: Helper<T>>(self, slot: &mut T) -> Result<bool, A::Error> {
        match self.0.next_element_seed(Slot::<T, H>(PhantomData))? {
            Some(value) => {
                *slot = value;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

/// A field's value read by its helper, as a seed.
struct Slot<T, H>(PhantomData<fn() -> (T, H)>);

impl<'de, T, H: Helper<T>> DeserializeSeed<'de> for Slot<T, H> {
    type Value = T;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        H::read(deserializer)
    }
}

/// Reads a struct as serde's derive asks for it: `deserialize_struct` with
/// the field names (which callers such as [`read_params`](crate::read_params)
/// probe, and by which an array is read by position), or `deserialize_map`
/// when the struct keeps other keys, which reads from an object only.
pub fn read<'de, R: Record, D: Deserializer<'de>>(deserializer: D) -> Result<R, D::Error> {
    let visitor = RecordVisitor::<R>(PhantomData);
    if R::OPEN {
        deserializer.deserialize_map(visitor)
    } else {
        deserializer.deserialize_struct(R::NAME, R::FIELDS, visitor)
    }
}

struct RecordVisitor<R>(PhantomData<fn() -> R>);

impl<'de, R: Record> Visitor<'de> for RecordVisitor<R> {
    type Value = R;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", R::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<R, A::Error> {
        let mut record = R::default();
        let mut seen = Seen::new(R::FIELDS.len());
        // Portals send fields in the order the page lists them, which is the
        // struct's: the field after the last one found is tried first.
        let mut key = Key {
            names: R::FIELDS,
            filter: R::FILTER,
            guess: 0,
            keep: R::OPEN,
        };
        while let Some(found) = access.next_key_seed(key)? {
            match found {
                Found::Field(at) => {
                    key.guess = at + 1;
                    if !seen.insert(at) {
                        return Err(A::Error::duplicate_field(R::FIELDS[at]));
                    }
                    record.fill(at, MapValue(&mut access))?;
                }
                Found::Other(name) => {
                    let value: Value = access.next_value()?;
                    if let Some(rest) = record.rest() {
                        rest.insert(name, value);
                    }
                }
                Found::Ignored => {
                    access.next_value::<IgnoredAny>()?;
                }
            }
        }
        let missing = R::REQUIRED
            .iter()
            .zip(R::FIELDS)
            .enumerate()
            .find(|(at, (required, _))| **required && !seen.contains(*at));
        match missing {
            Some((_, (_, name))) => Err(A::Error::missing_field(name)),
            None => Ok(record),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<R, A::Error> {
        if R::OPEN {
            return Err(A::Error::invalid_type(Unexpected::Seq, &self));
        }
        let mut record = R::default();
        let mut ended = false;
        for (at, required) in R::REQUIRED.iter().enumerate() {
            ended = ended || !record.fill(at, SeqElement(&mut access))?;
            if ended && *required {
                return Err(A::Error::invalid_length(at, &Length::<R>(PhantomData)));
            }
        }
        // Elements beyond the fields: the deserializer reports them
        // (serde_json: "invalid length N, expected fewer elements in array").
        Ok(record)
    }
}

/// What an array read as struct `R` should have held: `struct R with N elements`.
struct Length<R>(PhantomData<fn() -> R>);

impl<R: Record> Expected for Length<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = R::FIELDS.len();
        let plural = if n == 1 { "" } else { "s" };
        write!(f, "struct {} with {n} element{plural}", R::NAME)
    }
}

/// The fields read so far.
enum Seen {
    /// Up to 128 fields: a bit each.
    Few(u128),
    /// More.
    Many(Vec<bool>),
}

impl Seen {
    fn new(fields: usize) -> Seen {
        if fields <= 128 {
            Seen::Few(0)
        } else {
            Seen::Many(vec![false; fields])
        }
    }

    /// Marks field `at`; `false` when it was already read.
    fn insert(&mut self, at: usize) -> bool {
        match self {
            Seen::Few(bits) => {
                let bit = 1u128 << (at % 128);
                let fresh = *bits & bit == 0;
                *bits |= bit;
                fresh
            }
            Seen::Many(flags) => match flags.get_mut(at) {
                Some(flag) => !std::mem::replace(flag, true),
                None => true,
            },
        }
    }

    fn contains(&self, at: usize) -> bool {
        match self {
            Seen::Few(bits) => at < 128 && *bits & (1u128 << at) != 0,
            Seen::Many(flags) => flags.get(at).copied().unwrap_or(false),
        }
    }
}

/// A key of the object being read: a field's index, another key to keep,
/// or one to skip. Matched without copying the key unless it is kept.
#[derive(Clone, Copy)]
struct Key {
    names: &'static [&'static str],
    /// [`Record::FILTER`].
    filter: u128,
    /// The field tried first.
    guess: usize,
    /// Keys that name no field are kept (the struct has a map of them).
    keep: bool,
}

enum Found {
    Field(usize),
    Other(String),
    Ignored,
}

impl Key {
    #[inline(always)]
    fn find(&self, key: &str) -> Option<usize> {
        let key = key.as_bytes();
        if let Some(name) = self.names.get(self.guess) {
            if same(name.as_bytes(), key) {
                return Some(self.guess);
            }
        }
        if self.filter & (1 << name_bit(key)) == 0 {
            return None;
        }
        // Length and first byte first: most names differ in one of them.
        let first = key.first();
        self.names.iter().position(|name| {
            let name = name.as_bytes();
            name.len() == key.len() && name.first() == first && same(name, key)
        })
    }
}

/// The filter of `names` ([`Record::FILTER`]): the bit of each name set.
pub const fn name_filter(names: &[&str]) -> u128 {
    let mut filter = 0u128;
    let mut at = 0;
    while at < names.len() {
        filter |= 1 << name_bit(names[at].as_bytes());
        at += 1;
    }
    filter
}

/// A name's bit in a filter: a mix of its length and its first and last bytes.
#[inline(always)]
const fn name_bit(name: &[u8]) -> u32 {
    let (first, last) = match (name.first(), name.last()) {
        (Some(first), Some(last)) => (*first as u32, *last as u32),
        _ => (0, 0),
    };
    let mixed = (name.len() as u32)
        .wrapping_mul(0x9E37_79B1)
        .wrapping_add(first.wrapping_mul(0x85EB_CA6B))
        .wrapping_add(last.wrapping_mul(0xC2B2_AE35));
    mixed >> 25
}

/// Whether two names are the same. Names are short: up to 16 bytes they
/// are compared as two overlapping words each, without a call to compare
/// memory.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let word = |bytes: &[u8], at: usize| -> u64 {
        let mut word = [0u8; 8];
        if let Some(part) = bytes.get(at..at + 8) {
            word.copy_from_slice(part);
        }
        u64::from_le_bytes(word)
    };
    let half = |bytes: &[u8], at: usize| -> u32 {
        let mut word = [0u8; 4];
        if let Some(part) = bytes.get(at..at + 4) {
            word.copy_from_slice(part);
        }
        u32::from_le_bytes(word)
    };
    let n = a.len();
    if (8..=16).contains(&n) {
        word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8)
    } else if (4..8).contains(&n) {
        half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4)
    } else {
        a == b
    }
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Found;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Found, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Found;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Found, E> {
        Ok(match self.find(key) {
            Some(at) => Found::Field(at),
            None if self.keep => Found::Other(key.to_owned()),
            None => Found::Ignored,
        })
    }

    fn visit_string<E: serde::de::Error>(self, key: String) -> Result<Found, E> {
        Ok(match self.find(&key) {
            Some(at) => Found::Field(at),
            None if self.keep => Found::Other(key),
            None => Found::Ignored,
        })
    }

    fn visit_bytes<E: serde::de::Error>(self, key: &[u8]) -> Result<Found, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) if self.keep => Ok(Found::Other(String::from_utf8_lossy(key).into_owned())),
            Err(_) => Ok(Found::Ignored),
        }
    }
}

/// A JSON object being written from a struct, field by field. The first
/// field that fails to write is the error; later fields are skipped, so a
/// struct's `write` is one plain call per field with no `?` to expand.
#[derive(Default)]
pub struct Writer {
    map: Object,
    error: Option<serde_json::Error>,
}

impl Writer {
    /// Writes a required field with helper `H`.
    pub fn put<T, H: Helper<T>>(&mut self, wire: &str, value: &T) {
        if self.error.is_some() {
            return;
        }
        match H::write(value) {
            Ok(value) => {
                self.map.insert(wire.to_string(), value);
            }
            Err(error) => self.error = Some(error),
        }
    }

    /// Writes an optional field with helper `H`, unless it is `None`.
    pub fn put_some<T, H: Helper<Option<T>>>(&mut self, wire: &str, value: &Option<T>) {
        if value.is_some() {
            self.put::<Option<T>, H>(wire, value);
        }
    }

    /// Writes the struct's other keys after its fields.
    pub fn put_rest(&mut self, rest: &BTreeMap<String, Value>) {
        self.map
            .extend(rest.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
}

/// Serializes a struct: its fields written into a JSON object (once, not
/// once per serializer), then that object.
pub fn write<R: Record, S: Serializer>(record: &R, serializer: S) -> Result<S::Ok, S::Error> {
    let mut out = Writer::default();
    record.write(&mut out);
    match out.error {
        Some(error) => Err(S::Error::custom(error)),
        None => out.map.serialize(serializer),
    }
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

    crate::__record! {
        " A field JSON cannot hold." Unwritable {
            " Keys that are not text." "BY_PAIR" by_pair: ::std::collections::BTreeMap<(i64, i64), i64> = plain;
            " After it." "ID" id: i64 = int;
        }
    }

    #[test]
    fn a_field_that_cannot_be_written_is_the_error() {
        let value = Unwritable {
            by_pair: [((1, 2), 3)].into_iter().collect(),
            id: 1,
        };
        let err = serde_json::to_string(&value).unwrap_err();
        assert_eq!(err.to_string(), "key must be a string");
        assert!(serde_json::to_string(&Unwritable::default()).is_ok());
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
    fn every_name_is_found_and_unnamed_keys_are_not() {
        let names: &'static [&'static str] = &[
            "ID",
            "TITLE",
            "a",
            "",
            "UF_CRM_1",
            "PHONE",
            "x_\u{e9}t\u{e9}",
            "DATE_CREATE_LONG_NAME",
        ];
        let key = |guess| super::Key {
            names,
            filter: super::name_filter(names),
            guess,
            keep: true,
        };
        for guess in 0..=names.len() {
            for (at, name) in names.iter().enumerate() {
                assert_eq!(key(guess).find(name), Some(at), "{name}");
            }
            for other in ["id", "UF_CRM_2", "TITL", "TITLES", "b", "x_et\u{e9}"] {
                assert_eq!(key(guess).find(other), None, "{other}");
            }
        }
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
