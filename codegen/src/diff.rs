//! What changed in one method between two revisions of its page, and
//! whether a Rust user of the generated bindings must change code for it.
//!
//! The rules, for code that builds `Params` with `..Default::default()` and
//! reads `Output` fields (all `Option`s):
//! - a new required parameter, a removed parameter, a parameter that
//!   became required or optional, a changed type, a removed result member
//!   and a changed result type break;
//! - a new optional parameter, a new result member, error codes added or
//!   removed and a new deprecation note do not.

use serde::Serialize;

use crate::model::{Field, Method};

/// One change of a method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Where: `params.fields.TITLE`, `result.items`, `errors.NOT_FOUND`, `method`.
    pub path: String,
    /// What happened, in a few words (`added (required)`, `type integer -> string`).
    pub what: String,
    /// Code using the bindings must change.
    pub breaking: bool,
}

/// Every change from `old` to `new`, parameters first, then the result,
/// errors and deprecation.
pub fn changes(old: &Method, new: &Method) -> Vec<Change> {
    let mut out = Vec::new();
    fields(&old.params, &new.params, "params", Side::Params, &mut out);
    if old.result.kind != new.result.kind {
        out.push(Change {
            path: "result".into(),
            what: format!("type {} -> {}", old.result.kind, new.result.kind),
            breaking: true,
        });
    } else {
        fields(
            &old.result.fields,
            &new.result.fields,
            "result",
            Side::Result,
            &mut out,
        );
    }
    for error in &new.errors {
        if !old.errors.iter().any(|e| e.code == error.code) {
            out.push(Change {
                path: format!("errors.{}", error.code),
                what: "added".into(),
                breaking: false,
            });
        }
    }
    for error in &old.errors {
        if !new.errors.iter().any(|e| e.code == error.code) {
            out.push(Change {
                path: format!("errors.{}", error.code),
                what: "removed".into(),
                breaking: false,
            });
        }
    }
    if old.deprecated.is_none() && new.deprecated.is_some() {
        out.push(Change {
            path: "method".into(),
            what: "deprecated".into(),
            breaking: false,
        });
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Params,
    Result,
}

fn same_name(a: &Field, b: &Field) -> bool {
    a.name.eq_ignore_ascii_case(&b.name)
}

fn fields(old: &[Field], new: &[Field], at: &str, side: Side, out: &mut Vec<Change>) {
    for field in new {
        let path = format!("{at}.{}", field.name);
        match old.iter().find(|o| same_name(o, field)) {
            None => out.push(Change {
                what: match (side, field.required) {
                    (Side::Params, true) => "added (required)".into(),
                    (Side::Params, false) => "added (optional)".into(),
                    (Side::Result, _) => "added".into(),
                },
                breaking: side == Side::Params && field.required,
                path,
            }),
            Some(before) => field_change(before, field, &path, side, out),
        }
    }
    for field in old {
        if !new.iter().any(|n| same_name(n, field)) {
            out.push(Change {
                path: format!("{at}.{}", field.name),
                what: "removed".into(),
                breaking: true,
            });
        }
    }
}

fn field_change(old: &Field, new: &Field, path: &str, side: Side, out: &mut Vec<Change>) {
    if side == Side::Params && old.required != new.required {
        out.push(Change {
            path: path.to_string(),
            what: if new.required {
                "now required".into()
            } else {
                "now optional".into()
            },
            breaking: true,
        });
    }
    if old.kind != new.kind {
        out.push(Change {
            path: path.to_string(),
            what: format!("type {} -> {}", old.kind, new.kind),
            breaking: true,
        });
    } else {
        fields(&old.fields, &new.fields, path, side, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ErrorCode, Kind, ResultSpec};

    fn method(params: Vec<Field>, result: Vec<Field>) -> Method {
        Method {
            method: "demo.thing.add".into(),
            title: String::new(),
            scope: Vec::new(),
            who_can_execute: None,
            description: String::new(),
            markdown: None,
            page: None,
            params,
            result: ResultSpec {
                ty: None,
                fields: result,
                kind: Kind::Object,
            },
            errors: Vec::new(),
            rest_v3: false,
            paged: false,
            deprecated: None,
            params_open: false,
        }
    }

    fn field(name: &str, kind: Kind, required: bool) -> Field {
        let mut f = Field::new(name, kind);
        f.required = required;
        f
    }

    #[test]
    fn each_change_is_classified_for_rust_users() {
        let old = method(
            vec![
                field("id", Kind::Integer, true),
                field("title", Kind::String, false),
                field("gone", Kind::String, false),
            ],
            vec![
                field("ID", Kind::Integer, false),
                field("OLD", Kind::String, false),
            ],
        );
        let mut new = method(
            vec![
                field("ID", Kind::Integer, true),
                field("title", Kind::Integer, false),
                field("note", Kind::String, false),
                field("owner", Kind::Integer, true),
            ],
            vec![
                field("ID", Kind::Integer, false),
                field("NEW", Kind::String, false),
            ],
        );
        new.errors.push(ErrorCode {
            code: "NOT_FOUND".into(),
            description: String::new(),
            markdown: None,
            status: None,
        });
        new.deprecated = Some("use demo.thing.create".into());
        let found: Vec<(String, String, bool)> = changes(&old, &new)
            .into_iter()
            .map(|c| (c.path, c.what, c.breaking))
            .collect();
        let expect = |p: &str, w: &str, b: bool| (p.to_string(), w.to_string(), b);
        assert_eq!(
            found,
            [
                expect("params.title", "type string -> integer", true),
                expect("params.note", "added (optional)", false),
                expect("params.owner", "added (required)", true),
                expect("params.gone", "removed", true),
                expect("result.NEW", "added", false),
                expect("result.OLD", "removed", true),
                expect("errors.NOT_FOUND", "added", false),
                expect("method", "deprecated", false),
            ]
        );
    }

    #[test]
    fn an_unchanged_method_has_no_changes() {
        let m = method(vec![field("id", Kind::Integer, true)], Vec::new());
        assert!(changes(&m, &m.clone()).is_empty());
    }
}
