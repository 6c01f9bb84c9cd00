//! `filter` of `crm.*.list`: conditions (`>ID`, `%TITLE`, `@STAGE_ID`...)
//! and how values compare, numbers by value (integers exactly), the rest as
//! text.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::outcome::Fail;
use super::spec::{as_i64, param};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Like,
    In,
    NotIn,
}

/// One condition of a `filter`.
#[derive(Debug)]
pub struct Condition {
    pub field: String,
    op: Op,
    value: Value,
}

impl Condition {
    fn parse(key: &str, value: &Value) -> Condition {
        const PREFIXES: [(&str, Op); 10] = [
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("!=", Op::Ne),
            ("!@", Op::NotIn),
            ("=", Op::Eq),
            ("!", Op::Ne),
            (">", Op::Gt),
            ("<", Op::Lt),
            ("%", Op::Like),
            ("@", Op::In),
        ];
        for (prefix, op) in PREFIXES {
            if let Some(field) = key.strip_prefix(prefix) {
                return Condition {
                    field: field.to_ascii_uppercase(),
                    op,
                    value: value.clone(),
                };
            }
        }
        Condition {
            field: key.to_ascii_uppercase(),
            op: Op::Eq,
            value: value.clone(),
        }
    }

    /// The smallest ID this condition lets through, for `ID` filters.
    pub fn lower_bound(&self) -> Option<i64> {
        let value = as_i64(&self.value)?;
        match self.op {
            Op::Gt => value.checked_add(1),
            Op::Ge | Op::Eq => Some(value),
            _ => None,
        }
    }

    /// The largest ID this condition lets through, for `ID` filters.
    pub fn upper_bound(&self) -> Option<i64> {
        let value = as_i64(&self.value)?;
        match self.op {
            Op::Lt => value.checked_sub(1),
            Op::Le | Op::Eq => Some(value),
            _ => None,
        }
    }

    pub fn matches(&self, row: &Map<String, Value>) -> bool {
        let actual = row.get(&self.field).unwrap_or(&Value::Null);
        let listed = |list: &Value| match list {
            Value::Array(items) => items.iter().any(|v| loose_eq(actual, v)),
            Value::Object(map) => map.values().any(|v| loose_eq(actual, v)),
            one => loose_eq(actual, one),
        };
        match self.op {
            Op::Eq => listed(&self.value),
            Op::In => listed(&self.value),
            Op::Ne | Op::NotIn => !listed(&self.value),
            Op::Like => {
                let needle = text(&self.value).to_lowercase();
                text(actual).to_lowercase().contains(&needle)
            }
            Op::Gt | Op::Ge | Op::Lt | Op::Le => {
                if actual.is_null() {
                    return false;
                }
                let ordering = compare(Some(actual), Some(&self.value));
                match self.op {
                    Op::Gt => ordering == Ordering::Greater,
                    Op::Ge => ordering != Ordering::Less,
                    Op::Lt => ordering == Ordering::Less,
                    _ => ordering != Ordering::Greater,
                }
            }
        }
    }
}

pub fn filter_param(params: &Map<String, Value>) -> Result<Vec<Condition>, Fail> {
    match param(params, "filter") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => Ok(map.iter().map(|(k, v)| Condition::parse(k, v)).collect()),
        Some(Value::Array(items)) if items.is_empty() => Ok(Vec::new()),
        Some(_) => Err(Fail::arg("The parameter \"filter\" must be an object")),
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An integer from a number or integer text, exactly (IDs beyond 2^53 lose
/// nothing, as they would as `f64`).
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn loose_eq(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (integer(a), integer(b)) {
        return x == y;
    }
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => text(a) == text(b),
    }
}

/// Numbers by value, everything else as text; missing and null first.
pub fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    let a = a.unwrap_or(&Value::Null);
    let b = b.unwrap_or(&Value::Null);
    match (a.is_null(), b.is_null()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        _ => {}
    }
    if let (Some(x), Some(y)) = (integer(a), integer(b)) {
        return x.cmp(&y);
    }
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => text(a).cmp(&text(b)),
    }
}
