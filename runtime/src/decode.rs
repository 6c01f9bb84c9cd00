//! The one way a generated method's JSON becomes its Rust types: responses
//! into `Output` (what [`Client::call`](crate::Client::call) does with every
//! answer), and request JSON into `Params`. Both are public so a user can run
//! their own fixtures through exactly the path the client takes.

use serde::de::{self, DeserializeOwned, Visitor};
use serde_json::{Map, Value};

use crate::envelope::{self, Answer};
use crate::error::{CallError, DecodeError};
use crate::Call;

/// Reads a whole response body of method `P` (the envelope with `result`, or
/// an error) into its typed `Output`, as [`Client::call`](crate::Client::call)
/// does. An answer that cannot be read is [`CallError::Decode`] with the raw
/// body; an error answer is the method's typed error.
///
/// ```
/// bitrix24::bitrix_method!("../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md");
/// let ok = bitrix24::decode_response::<crm_lead_contact_items_set::Params>(
///     200,
///     r#"{"result": true, "time": {"start": 1}}"#,
/// )
/// .unwrap();
/// assert!(ok);
/// ```
pub fn decode_response<P: Call>(status: u16, body: &str) -> Result<P::Output, P::Error> {
    envelope::read_answer(status, body.to_string(), None)
        .and_then(|answer| decode_answer::<P>(&answer))
        .map_err(P::Error::from)
}

/// The typed `result` of an answer already read, decoded from its text.
pub(crate) fn decode_answer<P: Call>(answer: &Answer) -> Result<P::Output, CallError> {
    P::decode_text(answer.result()).map_err(|e| answer.decode_error(message(&e)))
}

/// What went wrong in a decode, without serde_json's position: the
/// position is within the decoded slice (an item, a `result`), not within
/// the body an error shows, and messages read the same whether a value was
/// decoded from text or from a parsed [`Value`].
pub(crate) fn message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    if error.line() == 0 {
        return text;
    }
    let position = format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&position) {
        Some(message) => message.to_string(),
        None => text,
    }
}

/// Reads request JSON (say, a page's example or a saved job) into a method's
/// `Params`. Top-level names are matched without regard to case, as portals
/// match them (`ID` and `id` are one parameter); the documented spelling is
/// what is then sent. The error carries the JSON that could not be read.
///
/// ```
/// bitrix24::bitrix_method!("../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md");
/// let params: crm_lead_contact_items_set::Params =
///     bitrix24::read_params(serde_json::json!({"ID": 7, "items": []})).unwrap();
/// assert_eq!(params.id, 7);
/// ```
pub fn read_params<P: DeserializeOwned>(value: Value) -> Result<P, DecodeError> {
    let value = match (value, field_names::<P>()) {
        (Value::Object(map), Some(names)) => Value::Object(documented_case(map, names)),
        (other, _) => other,
    };
    serde_json::from_value(value.clone()).map_err(|e| DecodeError {
        message: e.to_string(),
        status: 0,
        body: value.to_string(),
    })
}

/// Renames keys that differ from a documented name only in case to that
/// name, unless the documented spelling is present too (then both stay, and
/// the type decides).
fn documented_case(map: Map<String, Value>, names: &[&str]) -> Map<String, Value> {
    let present: Vec<String> = map.keys().cloned().collect();
    map.into_iter()
        .map(|(key, value)| {
            if names.contains(&key.as_str()) {
                return (key, value);
            }
            match names.iter().find(|n| n.eq_ignore_ascii_case(&key)) {
                Some(name) if !present.iter().any(|k| k == name) => (name.to_string(), value),
                _ => (key, value),
            }
        })
        .collect()
}

/// The wire names of a struct's fields, as its `Deserialize` announces them
/// (`deserialize_struct`'s field list). `None` for types that do not
/// announce them (maps, and structs with a flattened catch-all).
fn field_names<P: DeserializeOwned>() -> Option<&'static [&'static str]> {
    let mut probe = Probe(None);
    let _ = P::deserialize(&mut probe);
    probe.0
}

/// A deserializer that only records the field names it is asked for.
struct Probe(Option<&'static [&'static str]>);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field names probed")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> de::Deserializer<'de> for &mut Probe {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.0 = Some(fields);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Params {
        id: i64,
        #[serde(rename = "FILTER", default)]
        filter: Option<Value>,
    }

    #[test]
    fn top_level_names_match_in_any_case() {
        let p: Params = read_params(json!({"ID": 3, "filter": {"a": 1}})).unwrap();
        assert_eq!(p.id, 3);
        assert_eq!(p.filter, Some(json!({"a": 1})));
    }

    #[test]
    fn a_documented_spelling_is_never_overwritten() {
        let err = read_params::<Params>(json!({"id": "x", "Id": 4})).unwrap_err();
        assert!(err.message.contains("invalid type"), "{}", err.message);
        assert!(err.body.contains("\"Id\":4"), "{}", err.body);
    }
}
