//! Lenient wire formats: what portals really send, read into plain Rust types.
//!
//! Generated structs name a helper here for each field (`= opt_int`), and
//! read and write it through [`record`].
//! Portals send IDs as `"12"` or `12`, flags as `Y`/`N`, `1`/`0` or
//! `true`/`false`, `""` where a number or date is absent, and `[]` where an
//! object is empty. Each scalar kind has four helpers: the plain value,
//! `opt_` for `Option`, `vec_` for `Vec` and `opt_vec_` for `Option<Vec>`.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

mod keyed;
mod one_of;
#[doc(hidden)]
pub mod record;
pub use keyed::{map, opt_map, Map};
pub use one_of::OneOf;

/// A calendar date (`YYYY-MM-DD` on the wire).
pub type Date = chrono::NaiveDate;
/// A date and time with its UTC offset (`YYYY-MM-DDThh:mm:ss±hh:mm` on the wire).
pub type DateTime = chrono::DateTime<chrono::FixedOffset>;
/// A free-form object.
pub type Object = serde_json::Map<String, Value>;

/// How one scalar kind is read from and written to JSON.
pub trait Codec {
    /// The Rust type.
    type Value;
    /// Reads a JSON value.
    fn read(value: Value) -> Result<Self::Value, String>;
    /// Writes the Rust value.
    fn write<S: Serializer>(value: &Self::Value, serializer: S) -> Result<S::Ok, S::Error>;
    /// Whether the kind is a scalar. A scalar sent wrapped in an object of
    /// one key (`{"result": true}`, `{"id": 5}`) is read as that scalar.
    const SCALAR: bool = true;
    /// Whether a scalar found wrapped in one key is one of this kind's own
    /// spellings, and so the value meant (`{"task": true}` for a flag, but
    /// not `{"count": 1}`).
    fn wrapped(inner: &Value) -> bool {
        let _ = inner;
        true
    }
    /// Whether a JSON value means "absent" for an optional field.
    fn blank(value: &Value) -> bool {
        match value {
            Value::Null => true,
            Value::String(s) => s.trim().is_empty(),
            Value::Array(a) => a.is_empty(),
            _ => false,
        }
    }
}

fn describe(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 80 {
        format!(
            "{}…",
            &text[..text.char_indices().nth(77).map_or(text.len(), |(i, _)| i)]
        )
    } else {
        text
    }
}

/// Integers: `12`, `"12"`, `12.0`.
pub struct IntCodec;
impl Codec for IntCodec {
    type Value = i64;
    fn read(value: Value) -> Result<i64, String> {
        match &value {
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e18)
                    .map(|f| f as i64)
            }),
            Value::String(s) => s.trim().parse().ok(),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
        .ok_or_else(|| format!("expected an integer, found {}", describe(&value)))
    }
    fn write<S: Serializer>(value: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(*value)
    }
}

/// Floating point numbers: `1.5`, `"1.5"`, `"1,5"`.
pub struct FloatCodec;
impl Codec for FloatCodec {
    type Value = f64;
    fn read(value: Value) -> Result<f64, String> {
        match &value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().replace(',', ".").parse().ok(),
            _ => None,
        }
        .ok_or_else(|| format!("expected a number, found {}", describe(&value)))
    }
    fn write<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(*value)
    }
}

/// Text; numbers and flags are accepted and kept as their text.
pub struct StringCodec;
impl Codec for StringCodec {
    type Value = String;
    fn read(value: Value) -> Result<String, String> {
        match value {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(if b { "Y" } else { "N" }.to_string()),
            other => Err(format!("expected text, found {}", describe(&other))),
        }
    }
    fn write<S: Serializer>(value: &String, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value)
    }
    fn blank(value: &Value) -> bool {
        value.is_null()
    }
}

fn read_flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" | "1" | "true" | "on" => Some(true),
            "n" | "no" | "0" | "false" | "off" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A flag's own spellings when found wrapped: `true`, `"Y"`, `"N"`.
fn flag_itself(inner: &Value) -> bool {
    matches!(inner, Value::Bool(_)) || matches!(inner.as_str(), Some("Y" | "N"))
}

/// Flags sent as `"Y"` / `"N"`; any flag spelling is read.
pub struct YnCodec;
impl Codec for YnCodec {
    type Value = bool;
    fn wrapped(inner: &Value) -> bool {
        flag_itself(inner)
    }
    fn read(value: Value) -> Result<bool, String> {
        read_flag(&value).ok_or_else(|| format!("expected Y or N, found {}", describe(&value)))
    }
    fn write<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if *value { "Y" } else { "N" })
    }
}

/// Flags sent as JSON `true` / `false`; any flag spelling is read.
pub struct FlagCodec;
impl Codec for FlagCodec {
    type Value = bool;
    fn wrapped(inner: &Value) -> bool {
        flag_itself(inner)
    }
    fn read(value: Value) -> Result<bool, String> {
        read_flag(&value).ok_or_else(|| format!("expected a boolean, found {}", describe(&value)))
    }
    fn write<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(*value)
    }
}

/// No date: what portals send where a date is absent (`false`, `{}`, `""`,
/// `[]`, null, or the zero date of MySQL).
fn no_date(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.trim().is_empty() || s.starts_with("0000-00-00"),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Dates: `2024-05-03`, the date part of a date-time, `03.05.2024`, or the
/// US form `12/05/2024`.
pub struct DateCodec;
impl Codec for DateCodec {
    type Value = Date;
    fn blank(value: &Value) -> bool {
        no_date(value)
    }
    fn read(value: Value) -> Result<Date, String> {
        let text = match &value {
            Value::String(s) => s.trim(),
            _ => return Err(format!("expected a date, found {}", describe(&value))),
        };
        let head = text.get(..10).unwrap_or(text);
        Date::parse_from_str(head, "%Y-%m-%d")
            .or_else(|_| Date::parse_from_str(head, "%d.%m.%Y"))
            .or_else(|_| Date::parse_from_str(head, "%m/%d/%Y"))
            .map_err(|_| format!("expected a date, found {}", describe(&value)))
    }
    fn write<S: Serializer>(value: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.format("%Y-%m-%d"))
    }
}

/// Date-times: RFC 3339, or `YYYY-MM-DD hh:mm:ss`, `DD.MM.YYYY hh:mm:ss`
/// and the US form `MM/DD/YYYY hh:mm:ss am` read as UTC.
pub struct DateTimeCodec;
impl Codec for DateTimeCodec {
    type Value = DateTime;
    fn blank(value: &Value) -> bool {
        no_date(value)
    }
    fn read(value: Value) -> Result<DateTime, String> {
        let fail = || format!("expected a date and time, found {}", describe(&value));
        let text = match &value {
            Value::String(s) => s.trim(),
            Value::Number(n) => {
                let secs = n.as_i64().ok_or_else(fail)?;
                return chrono::DateTime::from_timestamp(secs, 0)
                    .map(|d| d.fixed_offset())
                    .ok_or_else(fail);
            }
            _ => return Err(fail()),
        };
        if let Ok(parsed) = DateTime::parse_from_rfc3339(text) {
            return Ok(parsed);
        }
        for format in [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S",
            "%d.%m.%Y %H:%M:%S",
            "%d.%m.%Y",
            "%m/%d/%Y %I:%M:%S %p",
            "%m/%d/%Y %H:%M:%S",
            "%m/%d/%Y %I:%M %p",
        ] {
            if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(text, format) {
                return Ok(naive.and_utc().fixed_offset());
            }
        }
        if let Ok(date) = DateCodec::read(value.clone()) {
            return Ok(date
                .and_hms_opt(0, 0, 0)
                .ok_or_else(fail)?
                .and_utc()
                .fixed_offset());
        }
        Err(fail())
    }
    fn write<S: Serializer>(value: &DateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.format("%Y-%m-%dT%H:%M:%S%:z"))
    }
}

/// Free-form objects; `[]` (how PHP encodes an empty map) reads as empty.
pub struct ObjectCodec;
impl Codec for ObjectCodec {
    type Value = Object;
    const SCALAR: bool = false;
    fn read(value: Value) -> Result<Object, String> {
        match value {
            Value::Object(map) => Ok(map),
            Value::Array(items) => Ok(items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect()),
            Value::Null => Ok(Object::new()),
            other => Err(format!("expected an object, found {}", describe(&other))),
        }
    }
    fn write<S: Serializer>(value: &Object, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
    fn blank(value: &Value) -> bool {
        matches!(value, Value::Null | Value::Bool(false))
            || matches!(value, Value::String(s) if s.is_empty())
    }
}

/// The elements of a JSON list: an array, the values of an object keyed by
/// index (as PHP sends sparse arrays), or nothing for null, `""` and `false`.
fn elements(value: Value) -> Result<Vec<Value>, String> {
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
fn unwrap_scalar<C: Codec>(value: Value) -> Value {
    match value {
        Value::Object(map) if C::SCALAR && map.len() == 1 => {
            let (key, inner) = map.into_iter().next().expect("one entry");
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

macro_rules! scalar_helpers {
    ($codec:ty, $one:ident, $opt:ident, $vec:ident, $opt_vec:ident) => {
        #[doc = concat!("`", stringify!($one), "`: the plain value.")]
        pub mod $one {
            use super::*;
            type T = <$codec as Codec>::Value;
            /// Writes the value.
            pub fn serialize<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
                <$codec>::write(value, serializer)
            }
            /// Reads the value leniently.
            pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
                <$codec>::read(unwrap_scalar::<$codec>(Value::deserialize(deserializer)?))
                    .map_err(D::Error::custom)
            }
        }

        #[doc = concat!("`", stringify!($opt), "`: an optional value; blanks read as `None`.")]
        pub mod $opt {
            use super::*;
            type T = <$codec as Codec>::Value;
            /// Writes the value (callers skip `None`).
            pub fn serialize<S: Serializer>(
                value: &Option<T>,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                match value {
                    Some(v) => <$codec>::write(v, serializer),
                    None => serializer.serialize_none(),
                }
            }
            /// Reads the value leniently.
            pub fn deserialize<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Option<T>, D::Error> {
                let value = Value::deserialize(deserializer)?;
                if <$codec>::blank(&value) {
                    return Ok(None);
                }
                <$codec>::read(unwrap_scalar::<$codec>(value))
                    .map(Some)
                    .map_err(D::Error::custom)
            }
        }

        #[doc = concat!("`", stringify!($vec), "`: a list of values.")]
        pub mod $vec {
            use super::*;
            type T = <$codec as Codec>::Value;
            struct One<'a>(&'a T);
            impl Serialize for One<'_> {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    <$codec>::write(self.0, serializer)
                }
            }
            /// Writes the list.
            pub fn serialize<S: Serializer>(value: &[T], serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(value.iter().map(One))
            }
            /// Reads the list leniently.
            pub fn deserialize<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Vec<T>, D::Error> {
                read(Value::deserialize(deserializer)?).map_err(D::Error::custom)
            }
            pub(crate) fn read(value: Value) -> Result<Vec<T>, String> {
                elements(value)?.into_iter().map(<$codec>::read).collect()
            }
        }

        #[doc = concat!("`", stringify!($opt_vec), "`: an optional list of values.")]
        pub mod $opt_vec {
            use super::*;
            type T = <$codec as Codec>::Value;
            /// Writes the list (callers skip `None`).
            pub fn serialize<S: Serializer>(
                value: &Option<Vec<T>>,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                match value {
                    Some(v) => super::$vec::serialize(v, serializer),
                    None => serializer.serialize_none(),
                }
            }
            /// Reads the list leniently; null reads as `None`.
            pub fn deserialize<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Option<Vec<T>>, D::Error> {
                let value = Value::deserialize(deserializer)?;
                if value.is_null() {
                    return Ok(None);
                }
                super::$vec::read(value).map(Some).map_err(D::Error::custom)
            }
        }
    };
}

scalar_helpers!(IntCodec, int, opt_int, vec_int, opt_vec_int);
scalar_helpers!(FloatCodec, float, opt_float, vec_float, opt_vec_float);
scalar_helpers!(StringCodec, string, opt_string, vec_string, opt_vec_string);
scalar_helpers!(YnCodec, yn, opt_yn, vec_yn, opt_vec_yn);
scalar_helpers!(FlagCodec, flag, opt_flag, vec_flag, opt_vec_flag);
scalar_helpers!(DateCodec, date, opt_date, vec_date, opt_vec_date);
scalar_helpers!(
    DateTimeCodec,
    datetime,
    opt_datetime,
    vec_datetime,
    opt_vec_datetime
);
scalar_helpers!(ObjectCodec, object, opt_object, vec_object, opt_vec_object);

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
    /// Reads the value leniently.
    pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        let value = Value::deserialize(deserializer)?;
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
        T::deserialize(value).map(Some).map_err(D::Error::custom)
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
        read(Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
    pub(crate) fn read<T: DeserializeOwned>(value: Value) -> Result<Vec<T>, String> {
        elements(value)?
            .into_iter()
            .map(|v| T::deserialize(v).map_err(|e| e.to_string()))
            .collect()
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
        let value = Value::deserialize(deserializer)?;
        if value.is_null() {
            return Ok(None);
        }
        super::list::read(value).map(Some).map_err(D::Error::custom)
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
}

/// The text of an enumeration value sent as a string, number or flag.
pub fn enum_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    StringCodec::read(Value::deserialize(deserializer)?).map_err(D::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        #[serde(with = "int")]
        id: i64,
        #[serde(default, with = "opt_int", skip_serializing_if = "Option::is_none")]
        sort: Option<i64>,
        #[serde(default, with = "opt_yn", skip_serializing_if = "Option::is_none")]
        primary: Option<bool>,
        #[serde(
            default,
            with = "opt_datetime",
            skip_serializing_if = "Option::is_none"
        )]
        at: Option<DateTime>,
        #[serde(default, with = "opt_object", skip_serializing_if = "Option::is_none")]
        extra: Option<Object>,
        #[serde(default, with = "opt_vec_int", skip_serializing_if = "Option::is_none")]
        ids: Option<Vec<i64>>,
    }

    #[test]
    fn portals_spellings_are_read() {
        let s: Sample = serde_json::from_value(json!({
            "id": "12", "sort": "", "primary": "Y", "at": "2024-05-03T17:19:01+03:00",
            "extra": [], "ids": {"0": "1", "1": 2}
        }))
        .unwrap();
        assert_eq!(s.id, 12);
        assert_eq!(s.sort, None);
        assert_eq!(s.primary, Some(true));
        assert_eq!(s.at.unwrap().to_rfc3339(), "2024-05-03T17:19:01+03:00");
        assert_eq!(s.extra, Some(Object::new()));
        assert_eq!(s.ids, Some(vec![1, 2]));
        let back = serde_json::to_value(&s).unwrap();
        assert_eq!(back["primary"], json!("Y"));
        assert_eq!(back["id"], json!(12));
    }

    #[test]
    fn flags_in_every_spelling() {
        for (v, b) in [
            (json!("Y"), true),
            (json!("N"), false),
            (json!(1), true),
            (json!("0"), false),
            (json!(true), true),
        ] {
            assert_eq!(FlagCodec::read(v).unwrap(), b);
        }
        assert!(YnCodec::read(json!("maybe"))
            .unwrap_err()
            .contains("expected Y or N"));
    }

    #[test]
    fn absent_dates_us_dates_and_wrapped_scalars() {
        let s: Sample = serde_json::from_value(json!({"id": {"id": "7"}, "at": false})).unwrap();
        assert_eq!((s.id, s.at), (7, None));
        let s: Sample = serde_json::from_value(json!({"id": 1, "at": {}})).unwrap();
        assert_eq!(s.at, None);
        let at = DateTimeCodec::read(json!("12/05/2024 01:48:41 pm")).unwrap();
        assert_eq!(at.to_rfc3339(), "2024-12-05T13:48:41+00:00");
        assert_eq!(
            DateCodec::read(json!("04/17/2024")).unwrap().to_string(),
            "2024-04-17"
        );
        assert!(FlagCodec::read(unwrap_scalar::<FlagCodec>(json!({"result": true}))).unwrap());
        assert!(FlagCodec::read(unwrap_scalar::<FlagCodec>(json!({"count": 1}))).is_err());
        assert!(ObjectCodec::read(unwrap_scalar::<ObjectCodec>(json!({"a": 1}))).is_ok());
    }

    #[test]
    fn bad_values_are_errors_that_say_what_came() {
        let err = serde_json::from_value::<Sample>(json!({"id": "abc"})).unwrap_err();
        assert!(
            err.to_string()
                .contains("expected an integer, found \"abc\""),
            "{err}"
        );
    }
}
