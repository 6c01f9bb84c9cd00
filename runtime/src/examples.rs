//! Examples as a test: a response or request JSON (a documentation page's own
//! example, or a fixture of yours) goes through the generated types the way
//! the client takes it, is written back, and is compared with what came in.
//!
//! Re-typed scalars are fine (`"12"` read as `12`, `"Y"` as `true`, `10` as
//! `10.0`), keys compare without regard to case, and a list written as an
//! object keyed `0`, `1`, ... (as PHP sends it) is the same list. What counts
//! is a key that carried a value and is gone, or a container that changed
//! its shape (an object keyed by data turned into a list).
//!
//! ```
//! bitrix24::bitrix_method!("../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md");
//! use crm_lead_contact_items_set::Params;
//!
//! let answer = serde_json::json!({"result": true, "time": {"start": 1}});
//! assert!(bitrix24::examples::response::<Params>(&answer).is_clean());
//!
//! let request = serde_json::json!({"id": 1, "items": [{"CONTACT_ID": 5, "IS_PRIMARY": "Y", "NOTE": "x"}]});
//! let check = bitrix24::examples::request::<Params>(&request);
//! assert_eq!(check.lost, ["items[0].NOTE"]);
//! ```

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::Call;

/// What became of one example.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The example could not be read into the type: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Paths (`result.items[0].ID`) of keys that carried a value and did not
    /// come back.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<String>,
    /// Paths of containers that came back in another shape.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reshaped: Vec<String>,
}

impl Check {
    /// Read, and written back with nothing lost or reshaped.
    pub fn is_clean(&self) -> bool {
        self.error.is_none() && self.lost.is_empty() && self.reshaped.is_empty()
    }
}

/// A whole response (`{"result": ..., "time": ...}`) of method `P`, decoded
/// with [`decode_response`](crate::decode_response) and its `result`
/// compared with the typed `Output` written back.
pub fn response<P: Call>(example: &Value) -> Check
where
    P::Output: Serialize,
{
    let body = example.to_string();
    let output = match crate::decode_response::<P>(200, &body) {
        Ok(output) => output,
        Err(error) => {
            return Check {
                error: Some(error.to_string()),
                ..Check::default()
            }
        }
    };
    let written = match serde_json::to_value(&output) {
        Ok(value) => value,
        Err(error) => {
            return Check {
                error: Some(format!("the output cannot be written back: {error}")),
                ..Check::default()
            }
        }
    };
    let mut check = Check::default();
    let original = example.get("result").unwrap_or(&Value::Null);
    compare(original, &written, "result", &mut check);
    check
}

/// An event payload as the page shows it (`{"event": ..., "data": ...}`)
/// read into [`events::Payload<D>`](crate::events::Payload) (`D` is a
/// generated `Data`), and its `data` compared with `D` written back. `auth`
/// is not compared: it is the runtime's, and its tokens are secrets.
pub fn event<D: DeserializeOwned + Serialize>(example: &Value) -> Check {
    let payload = match serde_json::from_value::<crate::events::Payload<D>>(example.clone()) {
        Ok(payload) => payload,
        Err(error) => {
            return Check {
                error: Some(format!("cannot read the payload: {error}")),
                ..Check::default()
            }
        }
    };
    let mut check = Check::default();
    match serde_json::to_value(&payload.data) {
        Ok(written) => compare(
            example.get("data").unwrap_or(&Value::Null),
            &written,
            "data",
            &mut check,
        ),
        Err(error) => check.error = Some(format!("the data cannot be written back: {error}")),
    }
    check
}

/// A request's JSON read into `P` with [`read_params`](crate::read_params)
/// and compared with `P` written back.
pub fn request<P: DeserializeOwned + Serialize>(example: &Value) -> Check {
    let params = match crate::read_params::<P>(example.clone()) {
        Ok(params) => params,
        Err(error) => {
            return Check {
                error: Some(error.message),
                ..Check::default()
            }
        }
    };
    let mut check = Check::default();
    match serde_json::to_value(&params) {
        Ok(written) => compare(example, &written, "", &mut check),
        Err(error) => check.error = Some(format!("the parameters cannot be written back: {error}")),
    }
    check
}

/// Whether a value says something: not null, `""`, `[]`, `{}` or an
/// object or list of only such values.
fn carries(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => items.iter().any(carries),
        Value::Object(map) => map.values().any(carries),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

/// `{"0": a, "1": b}`: the keys are the positions 0, 1, ... (how PHP
/// writes a list). Other numeric keys (`{"17": ...}`) are ids: data.
fn index_keyed(map: &Map<String, Value>) -> bool {
    let mut positions: Vec<usize> = Vec::with_capacity(map.len());
    for key in map.keys() {
        match key.parse() {
            Ok(position) => positions.push(position),
            Err(_) => return false,
        }
    }
    positions.sort_unstable();
    positions.iter().enumerate().all(|(i, p)| i == *p)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Compares the example `a` with what the types wrote back, `b`.
fn compare(a: &Value, b: &Value, path: &str, check: &mut Check) {
    if !carries(a) {
        return;
    }
    match (a, b) {
        (Value::Object(a_map), Value::Object(b_map)) => {
            for (key, value) in a_map {
                if !carries(value) {
                    continue;
                }
                let found = b_map.get(key).or_else(|| {
                    b_map
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(key))
                        .map(|(_, v)| v)
                });
                match found {
                    Some(back) => compare(value, back, &join(path, key), check),
                    // `false` where a date or object is absent, read as none.
                    None if *value == Value::Bool(false) => {}
                    None => check.lost.push(join(path, key)),
                }
            }
        }
        (Value::Object(a_map), Value::Array(items)) => {
            if index_keyed(a_map) {
                for (key, value) in a_map {
                    match key.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        Some(back) => compare(value, back, &join(path, key), check),
                        None if carries(value) => check.lost.push(join(path, key)),
                        None => {}
                    }
                }
            } else {
                // The keys were data (ids, codes): a list keeps only the values.
                check.reshaped.push(path.to_string());
            }
        }
        (Value::Array(a_items), Value::Array(b_items)) => {
            for (i, value) in a_items.iter().enumerate() {
                let here = format!("{path}[{i}]");
                match b_items.get(i) {
                    Some(back) => compare(value, back, &here, check),
                    None if carries(value) => check.lost.push(here),
                    None => {}
                }
            }
        }
        (Value::Array(a_items), Value::Object(b_map)) if index_keyed(b_map) => {
            for (i, value) in a_items.iter().enumerate() {
                let here = format!("{path}[{i}]");
                match b_map.get(&i.to_string()) {
                    Some(back) => compare(value, back, &here, check),
                    None if carries(value) => check.lost.push(here),
                    None => {}
                }
            }
        }
        // A scalar sent wrapped in an object of one key (`{"task": true}`),
        // read as that scalar: its value is kept.
        (Value::Object(a_map), Value::Bool(_) | Value::Number(_) | Value::String(_))
            if a_map.len() == 1
                && a_map
                    .values()
                    .all(|v| !matches!(v, Value::Object(_) | Value::Array(_))) => {}
        (Value::Array(_) | Value::Object(_), Value::Null) => check.lost.push(path.to_string()),
        (Value::Array(_), _) | (Value::Object(_), _) => check.reshaped.push(path.to_string()),
        // A scalar that said something and came back as nothing. `false`
        // stands for "none" where portals have no value (a date), so it may.
        (Value::String(_) | Value::Number(_) | Value::Bool(true), Value::Null) => {
            check.lost.push(path.to_string())
        }
        // Scalars re-typed on the way (`"12"` → 12, a one-element list) are fine.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn diff(a: Value, b: Value) -> Check {
        let mut check = Check::default();
        compare(&a, &b, "", &mut check);
        check
    }

    #[test]
    fn retyped_scalars_and_case_are_fine() {
        let check = diff(
            json!({"ID": "12", "Flag": "Y", "price": 10, "list": {"0": 1, "1": 2}, "ok": {"task": true}}),
            json!({"id": 12, "FLAG": true, "price": 10.0, "list": [1, 2], "ok": true}),
        );
        assert!(check.is_clean(), "{check:?}");
    }

    #[test]
    fn lost_keys_and_reshaped_maps_are_named() {
        let check = diff(
            json!({"a": {"b": 1, "c": null, "d": ""}, "ids": {"17": "x"}, "e": [{"f": 2}]}),
            json!({"a": {}, "ids": ["x"], "e": [{}]}),
        );
        assert_eq!(check.lost, ["a.b", "e[0].f"]);
        assert_eq!(check.reshaped, ["ids"]);
    }

    #[test]
    fn a_value_that_became_nothing_is_lost_but_false_may() {
        let check = diff(
            json!({"date": false, "when": "12/05/2024", "obj": {"x": 1}}),
            json!({"date": null, "when": null, "obj": null}),
        );
        assert_eq!(check.lost, ["when", "obj"]);
    }
}
