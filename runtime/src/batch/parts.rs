//! A `batch` answer's `result` read in one pass: each command's result,
//! error, total, next and time as a slice of the answer's text, for
//! [`Client::batch`](crate::Client::batch) and the traversals by ID.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::error::ApiError;
use crate::raw::{member, KeySeed, Members, ObjectSeed};

/// The parts of a `batch` result, each an object keyed by command name
/// (a part sent as anything else, such as PHP's `[]` for an empty one,
/// holds nothing).
#[derive(Default)]
pub(crate) struct Parts<'a> {
    results: Members<'a>,
    errors: Members<'a>,
    totals: Members<'a>,
    nexts: Members<'a>,
    times: Members<'a>,
}

impl<'a> Parts<'a> {
    /// The text of a command's `result`.
    pub(crate) fn result(&self, name: &str) -> Option<&'a str> {
        member(&self.results, name)
    }

    /// A command's entry in `result_error`.
    pub(crate) fn error(&self, name: &str) -> Option<Value> {
        parsed(member(&self.errors, name)?)
    }

    /// A command's `result_total`.
    pub(crate) fn total(&self, name: &str) -> Option<u64> {
        number(member(&self.totals, name)?)
    }

    /// A command's `result_next`.
    pub(crate) fn next(&self, name: &str) -> Option<u64> {
        number(member(&self.nexts, name)?)
    }

    /// A command's `result_time`.
    pub(crate) fn time(&self, name: &str) -> Option<Value> {
        parsed(member(&self.times, name)?)
    }
}

/// The parts of a `batch` result's text; `None` when it is not an object
/// or has neither commands' results nor their errors.
pub(crate) fn read(result: &str) -> Option<Parts<'_>> {
    let mut de = serde_json::Deserializer::from_str(result);
    let parts = de.deserialize_any(PartsVisitor).ok()?;
    de.end().ok()?;
    parts
}

struct PartsVisitor;

impl<'de> Visitor<'de> for PartsVisitor {
    type Value = Option<Parts<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a batch result")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut parts = Parts::default();
        let mut commands = false;
        while let Some(key) = access.next_key_seed(KeySeed)? {
            let slot = match key.as_ref() {
                "result" => &mut parts.results,
                "result_error" => &mut parts.errors,
                "result_total" => &mut parts.totals,
                "result_next" => &mut parts.nexts,
                "result_time" => &mut parts.times,
                _ => {
                    access.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            commands |= matches!(key.as_ref(), "result" | "result_error");
            *slot = access.next_value_seed(ObjectSeed)?.unwrap_or_default();
        }
        Ok(commands.then_some(parts))
    }

    crate::raw::not_an_object!('de, None);
}

fn parsed(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok()
}

/// A count or offset: a number, or numeric text.
fn number(text: &str) -> Option<u64> {
    let value = parsed(text)?;
    value.as_u64().or_else(|| value.as_str()?.parse().ok())
}

/// A command's entry in `result_error`. Its `status` is 0: the portal sends
/// no status for commands inside a batch.
pub(crate) fn command_error(error: &Value) -> ApiError {
    let text = |key: &str| match error.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let (code, description) = match error {
        Value::String(code) => (code.clone(), String::new()),
        _ => (text("error"), text("error_description")),
    };
    ApiError {
        code,
        description,
        status: 0,
        body: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn command_errors_keep_code_description_and_body() {
        let api = command_error(&json!({"error": "NOT_FOUND", "error_description": "Not found"}));
        assert_eq!(
            (api.code.as_str(), api.description.as_str(), api.status),
            ("NOT_FOUND", "Not found", 0)
        );
        assert!(api.body.contains("NOT_FOUND"));
    }

    #[test]
    fn parts_are_read_by_command_and_empty_parts_may_be_arrays() {
        let text = r#"{"result": {"a": [1, 2], "b": true}, "result_error": [],
            "result_total": {"a": "51"}, "result_next": {"a": 50},
            "result_time": {"a": {"operating": 0.5}}, "other": [1]}"#;
        let parts = read(text).unwrap();
        assert_eq!(parts.result("a"), Some("[1, 2]"));
        assert_eq!(parts.result("b"), Some("true"));
        assert_eq!(parts.result("c"), None);
        assert_eq!(parts.error("a"), None);
        assert_eq!((parts.total("a"), parts.next("a")), (Some(51), Some(50)));
        assert_eq!(parts.time("a"), Some(json!({"operating": 0.5})));
        let errors = read(r#"{"result_error": {"a": {"error": "X"}}}"#).unwrap();
        assert_eq!(errors.error("a"), Some(json!({"error": "X"})));
        for not_a_batch in ["{}", "5", "\"x\"", "[]", r#"{"time": 1}"#] {
            assert!(read(not_a_batch).is_none(), "{not_a_batch}");
        }
    }
}
