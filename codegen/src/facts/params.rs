//! Whether a request's parameters fit the page: required parameters present
//! and not empty, integers, numbers, objects and lists of the documented
//! shape, at any depth. One rule for `b24 call`/`import` (which refuse a
//! request before sending it) and the testkit's emulator (which answers as
//! a portal would). Names are matched without regard to case (CRM methods
//! read `ID` and `id` alike); text that reads as a number counts as one (a
//! form-encoded request sends everything as text); a single value where a
//! list is documented is taken, as portals take it.

use serde_json::{Map, Value};

use crate::model::{Field, Kind, Method};

/// What is wrong with one parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamFault {
    /// A required parameter is absent or `null`.
    Missing,
    /// A required parameter is an empty string.
    Empty,
    /// Not an integer (nor text that reads as one).
    NotInteger,
    /// Not a number (nor text that reads as one).
    NotNumber,
    /// Not an object, where members are documented.
    NotObject,
}

/// One problem of a request against its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamProblem {
    /// Where: `id`, `items[0].CONTACT_ID`, `fields.TITLE`.
    pub path: String,
    /// What is wrong.
    pub fault: ParamFault,
    /// The value found, as JSON text (for the wrong-shape faults).
    pub found: Option<String>,
}

impl std::fmt::Display for ParamProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = &self.path;
        let found = self.found.as_deref().unwrap_or("nothing");
        match self.fault {
            ParamFault::Missing => write!(f, "required parameter `{path}` is missing"),
            ParamFault::Empty => write!(f, "required parameter `{path}` is empty"),
            ParamFault::NotInteger => write!(f, "`{path}` must be an integer, found {found}"),
            ParamFault::NotNumber => write!(f, "`{path}` must be a number, found {found}"),
            ParamFault::NotObject => write!(f, "`{path}` must be an object, found {found}"),
        }
    }
}

impl Method {
    /// Every problem of `params` against the page's parameter table, in
    /// table order.
    pub fn check_params(&self, params: &Map<String, Value>) -> Vec<ParamProblem> {
        let mut problems = Vec::new();
        check_fields(&self.params, params, "", &mut problems);
        problems
    }
}

/// A parameter by name, case-insensitively.
pub fn param<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    params.get(name).or_else(|| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// An integer from a JSON number (a whole float too) or numeric text.
pub fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn problem(path: &str, fault: ParamFault, found: Option<&Value>) -> ParamProblem {
    ParamProblem {
        path: path.to_string(),
        fault,
        found: found.map(Value::to_string),
    }
}

fn check_fields(
    fields: &[Field],
    values: &Map<String, Value>,
    prefix: &str,
    problems: &mut Vec<ParamProblem>,
) {
    for field in fields {
        let shown = format!("{prefix}{}", field.name);
        match param(values, &field.name) {
            None | Some(Value::Null) if field.required => {
                problems.push(problem(&shown, ParamFault::Missing, None))
            }
            None | Some(Value::Null) => {}
            Some(Value::String(text)) if field.required && text.is_empty() => {
                problems.push(problem(&shown, ParamFault::Empty, None))
            }
            Some(value) => check_value(field, field.kind.non_null(), value, &shown, problems),
        }
    }
}

fn check_value(
    field: &Field,
    kind: &Kind,
    value: &Value,
    shown: &str,
    problems: &mut Vec<ParamProblem>,
) {
    match kind {
        Kind::Integer if as_i64(value).is_none() => {
            problems.push(problem(shown, ParamFault::NotInteger, Some(value)))
        }
        Kind::Float => {
            let number = match value {
                Value::Number(_) => true,
                Value::String(s) => s.trim().parse::<f64>().is_ok(),
                _ => false,
            };
            if !number {
                problems.push(problem(shown, ParamFault::NotNumber, Some(value)));
            }
        }
        Kind::Object => match value {
            Value::Object(map) => check_fields(&field.fields, map, &format!("{shown}."), problems),
            // An empty map travels as `[]`; lists of objects are often
            // documented as `object`.
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    check_item(field, item, &format!("{shown}[{index}]"), problems);
                }
            }
            _ => problems.push(problem(shown, ParamFault::NotObject, Some(value))),
        },
        Kind::Array(_) => match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    check_item(field, item, &format!("{shown}[{index}]"), problems);
                }
            }
            // Form-encoded lists arrive as maps with index keys.
            Value::Object(map) => {
                for (key, item) in map {
                    check_item(field, item, &format!("{shown}[{key}]"), problems);
                }
            }
            // One value where a list is documented: portals take it.
            _ => {}
        },
        _ => {}
    }
}

fn check_item(field: &Field, item: &Value, shown: &str, problems: &mut Vec<ParamProblem>) {
    if field.fields.is_empty() {
        return;
    }
    match item {
        Value::Object(map) => check_fields(&field.fields, map, &format!("{shown}."), problems),
        _ => problems.push(problem(shown, ParamFault::NotObject, Some(item))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn method() -> Method {
        let mut method = Method::named("demo.contacts.set");
        let mut id = Field::new("id", Kind::Integer);
        id.required = true;
        let mut items = Field::new("items", Kind::Array(Box::new(Kind::Object)));
        items.required = true;
        let mut contact = Field::new("CONTACT_ID", Kind::Integer);
        contact.required = true;
        items.fields.push(contact);
        let weight = Field::new("weight", Kind::Float);
        method.params = vec![id, items, weight];
        method
    }

    fn check(params: Value) -> Vec<String> {
        let Value::Object(map) = params else { panic!() };
        method()
            .check_params(&map)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    }

    #[test]
    fn requests_are_checked_at_every_depth() {
        assert!(
            check(json!({"ID": "5", "items": [{"contact_id": 2}], "weight": "1.5"})).is_empty()
        );
        assert_eq!(
            check(json!({"items": [{"SORT": 1}], "weight": "heavy"})),
            [
                "required parameter `id` is missing",
                "required parameter `items[0].CONTACT_ID` is missing",
                "`weight` must be a number, found \"heavy\"",
            ]
        );
        assert_eq!(
            check(json!({"id": "", "items": {"0": 7}})),
            [
                "required parameter `id` is empty",
                "`items[0]` must be an object, found 7",
            ]
        );
        assert_eq!(
            check(json!({"id": 5.5, "items": 3})),
            ["`id` must be an integer, found 5.5"]
        );
    }
}
