//! Facts derived from a parsed [`Method`], computed in one place for every
//! consumer (`b24 check`, `b24 inspect`, the examples harness): which parts
//! stay untyped and why, and which required parameters a request leaves out.

use serde::Serialize;

use crate::model::{Field, Kind, Method};

mod list;
mod params;
mod retry;

pub use list::ListShape;
pub use params::{as_i64, param, ParamFault, ParamProblem};
pub use retry::RetryClass;

/// A spot where the bindings fall back to `serde_json::Value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Downgrade {
    /// `params.fields.PHONE` or `result.items`.
    pub path: String,
    /// Page line index where the field is documented (0 for `result`).
    #[serde(skip)]
    pub at: usize,
    /// Why the page did not give a narrower type.
    pub why: String,
}

/// How many parameter nodes (parameters and their members, at any depth)
/// a method has, and how many of them are untyped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NodeCount {
    /// Every node.
    pub nodes: usize,
    /// Nodes typed as a JSON value.
    pub untyped: usize,
}

impl Method {
    /// `Output` is a JSON value: the page showed no structure that was read.
    pub fn untyped_output(&self) -> bool {
        matches!(self.result.kind.non_null(), Kind::Any)
    }

    /// Parameter nodes, all and untyped.
    pub fn param_nodes(&self) -> NodeCount {
        let mut count = NodeCount::default();
        for field in &self.params {
            count_nodes(field, &mut count);
        }
        count
    }

    /// Every untyped spot of parameters and result, with the reason.
    pub fn downgrades(&self) -> Vec<Downgrade> {
        let mut out = Vec::new();
        if self.untyped_output() {
            out.push(Downgrade {
                path: "result".to_string(),
                at: 0,
                why: why_untyped(self.result.ty.as_deref(), !self.result.fields.is_empty()),
            });
        }
        for field in &self.params {
            collect(field, "params", &mut out);
        }
        for field in &self.result.fields {
            collect(field, "result", &mut out);
        }
        out
    }

    /// The first parameter the page marks required (at any depth, by path
    /// such as `fields.TITLE`) that a request's JSON does not send. Names
    /// match without regard to case, as portals read them.
    pub fn unsent_required(&self, request: &serde_json::Value) -> Option<String> {
        unsent(&self.params, request, "")
    }
}

fn unsent(fields: &[Field], sent: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    let objects: Vec<&serde_json::Map<String, Value>> = match sent {
        Value::Object(map) => vec![map],
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        _ => return None,
    };
    for map in objects {
        for field in fields {
            let here = if path.is_empty() {
                field.name.clone()
            } else {
                format!("{path}.{}", field.name)
            };
            match map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&field.name))
            {
                None if field.required => return Some(here),
                Some((_, value)) if !field.fields.is_empty() => {
                    if let Some(found) = unsent(&field.fields, value, &here) {
                        return Some(found);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

fn count_nodes(field: &Field, count: &mut NodeCount) {
    count.nodes += 1;
    if untyped(&field.kind) {
        count.untyped += 1;
    }
    for member in &field.fields {
        count_nodes(member, count);
    }
}

/// A JSON value in Rust: `Any`, or a list of them.
fn untyped(kind: &Kind) -> bool {
    match kind.non_null() {
        Kind::Any => true,
        Kind::Array(inner) => untyped(inner),
        _ => false,
    }
}

fn collect(field: &Field, parent: &str, out: &mut Vec<Downgrade>) {
    let path = format!("{parent}.{}", field.name);
    if untyped(&field.kind) {
        out.push(Downgrade {
            path: path.clone(),
            at: field.at,
            why: why_untyped(field.ty.as_deref(), !field.fields.is_empty()),
        });
    }
    for member in &field.fields {
        collect(member, &path, out);
    }
}

fn why_untyped(written: Option<&str>, has_members: bool) -> String {
    match written {
        _ if has_members => "its members nest lists in lists".to_string(),
        None => "the page writes no type and no example shows one".to_string(),
        Some(t) if crate::types::is_union(t) => {
            format!("the page allows several types (`{t}`)")
        }
        Some(t) => match crate::types::kind_of(t).non_null() {
            Kind::Any => format!("`{t}` is not a known type and no example shows one"),
            _ => format!("`{t}` with no members on the page, in a link or in an example"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untyped_spots_are_counted_and_explained() {
        let mut filter = Field::new("filter", Kind::Any);
        filter.ty = Some("object".into());
        let mut id = Field::new("id", Kind::Integer);
        id.required = true;
        let mut method = Method::named("x.y.list");
        method.params = vec![id, filter];
        assert!(method.untyped_output());
        assert_eq!(
            method.param_nodes(),
            NodeCount {
                nodes: 2,
                untyped: 1
            }
        );
        let downgrades = method.downgrades();
        assert_eq!(downgrades[0].path, "result");
        assert_eq!(downgrades[1].path, "params.filter");
        assert!(downgrades[1].why.contains("`object` with no members"));
        assert_eq!(
            method.unsent_required(&serde_json::json!({"filter": {}})),
            Some("id".to_string())
        );
        assert_eq!(method.unsent_required(&serde_json::json!({"ID": 1})), None);
    }
}
