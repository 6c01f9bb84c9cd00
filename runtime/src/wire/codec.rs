//! [`Codec`]: how each scalar kind is read from what portals send and
//! written back, from a JSON value or, without building one, from text.

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::{Date, DateTime, Object};

/// How one scalar kind is read from and written to JSON.
///
/// `read` and `blank` define the reading; the `_str` methods are the same
/// reading of a JSON string, which the helpers use so that text never has
/// to become a [`Value`] first. Their defaults go through `read` and
/// `blank`; a codec overrides them only to be faster, never to differ.
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
    /// [`Codec::read`] of a JSON string.
    fn read_str(text: &str) -> Result<Self::Value, String> {
        Self::read(Value::String(text.to_owned()))
    }
    /// [`Codec::read`] of a JSON string already owned.
    fn read_string(text: String) -> Result<Self::Value, String> {
        Self::read(Value::String(text))
    }
    /// [`Codec::blank`] of a JSON string.
    fn blank_str(text: &str) -> bool {
        Self::blank(&Value::String(text.to_owned()))
    }
}

/// A value for a message: its JSON, cut to about 80 characters.
pub(super) fn describe(value: &Value) -> String {
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

/// [`describe`] of a JSON string.
fn describe_str(text: &str) -> String {
    describe(&Value::String(text.to_owned()))
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
    fn read_str(text: &str) -> Result<i64, String> {
        text.trim()
            .parse()
            .map_err(|_| format!("expected an integer, found {}", describe_str(text)))
    }
    fn read_string(text: String) -> Result<i64, String> {
        Self::read_str(&text)
    }
    fn blank_str(text: &str) -> bool {
        text.trim().is_empty()
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
    fn read_str(text: &str) -> Result<f64, String> {
        let trimmed = text.trim();
        let parsed = if trimmed.contains(',') {
            trimmed.replace(',', ".").parse()
        } else {
            trimmed.parse()
        };
        parsed.map_err(|_| format!("expected a number, found {}", describe_str(text)))
    }
    fn read_string(text: String) -> Result<f64, String> {
        Self::read_str(&text)
    }
    fn blank_str(text: &str) -> bool {
        text.trim().is_empty()
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
    fn read_str(text: &str) -> Result<String, String> {
        Ok(text.to_owned())
    }
    fn read_string(text: String) -> Result<String, String> {
        Ok(text)
    }
    fn blank_str(_: &str) -> bool {
        false
    }
}

/// A flag's text: `Y`/`N`, `yes`/`no`, `1`/`0`, `true`/`false`, `on`/`off`
/// in any case, `""` as no.
fn flag_text(text: &str) -> Option<bool> {
    let text = text.trim();
    let any = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(text));
    if any(&["y", "yes", "1", "true", "on"]) {
        Some(true)
    } else if any(&["n", "no", "0", "false", "off", ""]) {
        Some(false)
    } else {
        None
    }
}

pub(super) fn read_flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        Value::String(s) => flag_text(s),
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
    fn read_str(text: &str) -> Result<bool, String> {
        flag_text(text).ok_or_else(|| format!("expected Y or N, found {}", describe_str(text)))
    }
    fn read_string(text: String) -> Result<bool, String> {
        Self::read_str(&text)
    }
    fn blank_str(text: &str) -> bool {
        text.trim().is_empty()
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
    fn read_str(text: &str) -> Result<bool, String> {
        flag_text(text).ok_or_else(|| format!("expected a boolean, found {}", describe_str(text)))
    }
    fn read_string(text: String) -> Result<bool, String> {
        Self::read_str(&text)
    }
    fn blank_str(text: &str) -> bool {
        text.trim().is_empty()
    }
}

/// No date: what portals send where a date is absent (`false`, `{}`, `""`,
/// `[]`, null, or the zero date of MySQL).
fn no_date(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => no_date_text(s),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn no_date_text(text: &str) -> bool {
    text.trim().is_empty() || text.starts_with("0000-00-00")
}

/// A date's text: `2024-05-03` (or a date-time's first ten characters),
/// `03.05.2024`, `05/03/2024`.
fn date_text(text: &str) -> Option<Date> {
    let text = text.trim();
    let head = text.get(..10).unwrap_or(text);
    Date::parse_from_str(head, "%Y-%m-%d")
        .or_else(|_| Date::parse_from_str(head, "%d.%m.%Y"))
        .or_else(|_| Date::parse_from_str(head, "%m/%d/%Y"))
        .ok()
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
        match &value {
            Value::String(s) => Self::read_str(s),
            _ => Err(format!("expected a date, found {}", describe(&value))),
        }
    }
    fn write<S: Serializer>(value: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.format("%Y-%m-%d"))
    }
    fn read_str(text: &str) -> Result<Date, String> {
        date_text(text).ok_or_else(|| format!("expected a date, found {}", describe_str(text)))
    }
    fn read_string(text: String) -> Result<Date, String> {
        Self::read_str(&text)
    }
    fn blank_str(text: &str) -> bool {
        no_date_text(text)
    }
}

/// A date and time's text: RFC 3339, the forms portals use (read as UTC),
/// or a date alone (its midnight, UTC).
fn datetime_text(text: &str) -> Option<DateTime> {
    let text = text.trim();
    if let Ok(parsed) = DateTime::parse_from_rfc3339(text) {
        return Some(parsed);
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
            return Some(naive.and_utc().fixed_offset());
        }
    }
    Some(
        date_text(text)?
            .and_hms_opt(0, 0, 0)?
            .and_utc()
            .fixed_offset(),
    )
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
        match &value {
            Value::String(s) => Self::read_str(s),
            Value::Number(n) => {
                let secs = n.as_i64().ok_or_else(fail)?;
                chrono::DateTime::from_timestamp(secs, 0)
                    .map(|d| d.fixed_offset())
                    .ok_or_else(fail)
            }
            _ => Err(fail()),
        }
    }
    fn write<S: Serializer>(value: &DateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.format("%Y-%m-%dT%H:%M:%S%:z"))
    }
    fn read_str(text: &str) -> Result<DateTime, String> {
        datetime_text(text)
            .ok_or_else(|| format!("expected a date and time, found {}", describe_str(text)))
    }
    fn read_string(text: String) -> Result<DateTime, String> {
        Self::read_str(&text)
    }
    fn blank_str(text: &str) -> bool {
        no_date_text(text)
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
    fn blank_str(text: &str) -> bool {
        text.is_empty()
    }
}
