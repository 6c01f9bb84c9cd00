//! The methods the emulator knows, read from method pages with
//! `bitrix24_codegen`, and request checks against their parameter model.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bitrix24_codegen::model::{Field, Kind, Method};
use serde_json::{Map, Value};

use super::outcome::Fail;

/// The pages shipped with this crate.
pub fn shipped_pages() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("pages")
}

/// Parsed method pages by method name (lower case).
#[derive(Debug, Clone, Default)]
pub struct Specs {
    methods: BTreeMap<String, Method>,
}

impl Specs {
    /// Reads every `*.md` page in `dir`. Fails with every broken page listed.
    pub fn load(dir: &Path) -> Result<Specs, String> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: cannot read the pages: {e}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
            .collect();
        paths.sort();
        let mut specs = Specs::default();
        let mut problems = Vec::new();
        for path in paths {
            match bitrix24_codegen::load(&path, &path.display().to_string()) {
                Ok(loaded) => {
                    specs
                        .methods
                        .insert(loaded.method.method.to_ascii_lowercase(), loaded.method);
                }
                Err(error) => problems.push(error.message),
            }
        }
        if problems.is_empty() {
            Ok(specs)
        } else {
            Err(problems.join("\n"))
        }
    }

    /// The model of a method.
    pub fn get(&self, method: &str) -> Option<&Method> {
        self.methods.get(method)
    }

    /// Every known method name.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.methods.keys().map(String::as_str)
    }
}

/// A parameter by name, case-insensitively (CRM methods read `ID` and `id` alike).
pub fn param<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    params.get(name).or_else(|| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// Checks `params` against the page: required parameters present, and
/// integers, objects and arrays of the right shape (a form-encoded request
/// sends everything as text, so numeric text counts as an integer).
pub fn validate(method: &Method, params: &Map<String, Value>) -> Result<(), Fail> {
    check_fields(&method.params, params, "")
}

fn check_fields(fields: &[Field], values: &Map<String, Value>, prefix: &str) -> Result<(), Fail> {
    for field in fields {
        let shown = format!("{prefix}{}", field.name);
        match param(values, &field.name) {
            None | Some(Value::Null) => {
                if field.required {
                    return Err(Fail::arg(format!(
                        "Required parameter \"{shown}\" is missing"
                    )));
                }
            }
            Some(Value::String(s)) if s.is_empty() && field.required => {
                return Err(Fail::arg(format!(
                    "Required parameter \"{shown}\" is empty"
                )));
            }
            Some(value) => check_kind(field, field.kind.non_null(), value, &shown)?,
        }
    }
    Ok(())
}

fn check_kind(field: &Field, kind: &Kind, value: &Value, shown: &str) -> Result<(), Fail> {
    match kind {
        Kind::Integer if as_i64(value).is_none() => {
            return Err(Fail::arg(format!(
                "Parameter \"{shown}\" must be an integer"
            )));
        }
        Kind::Object => match value {
            Value::Object(map) => {
                if !field.fields.is_empty() {
                    check_fields(&field.fields, map, &format!("{shown}."))?;
                }
            }
            // PHP sends an empty map as `[]`; a list of objects documented
            // as `object` is also common.
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    check_element(field, item, &format!("{shown}[{index}]"))?;
                }
            }
            _ => {
                return Err(Fail::arg(format!(
                    "Parameter \"{shown}\" must be an object"
                )))
            }
        },
        Kind::Array(_) => match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    check_element(field, item, &format!("{shown}[{index}]"))?;
                }
            }
            // Form-encoded arrays arrive as maps with index keys.
            Value::Object(map) => {
                for (key, item) in map {
                    check_element(field, item, &format!("{shown}[{key}]"))?;
                }
            }
            Value::String(_) => {}
            _ => return Err(Fail::arg(format!("Parameter \"{shown}\" must be an array"))),
        },
        _ => {}
    }
    Ok(())
}

fn check_element(field: &Field, item: &Value, shown: &str) -> Result<(), Fail> {
    if field.fields.is_empty() {
        return Ok(());
    }
    match item {
        Value::Object(map) => check_fields(&field.fields, map, &format!("{shown}.")),
        _ => Err(Fail::arg(format!(
            "Parameter \"{shown}\" must be an object"
        ))),
    }
}

/// An integer from a JSON number or numeric text.
pub fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn specs() -> Specs {
        Specs::load(&shipped_pages()).expect("shipped pages parse")
    }

    #[test]
    fn every_shipped_page_parses_into_its_method() {
        let specs = specs();
        let names: Vec<&str> = specs.names().collect();
        assert_eq!(names.len(), 24, "{names:?}");
        for entity in ["lead", "contact", "deal"] {
            for action in ["add", "get", "list", "update", "delete", "fields"] {
                let name = format!("crm.{entity}.{action}");
                assert!(specs.get(&name).is_some(), "{name} missing");
            }
        }
        let set = specs.get("crm.lead.contact.items.set").unwrap();
        let required: Vec<&str> = set
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(required, ["id", "items"]);
        assert!(specs.get("crm.lead.list").unwrap().paged);
    }

    #[test]
    fn requests_are_checked_against_the_model() {
        let specs = specs();
        let get = specs.get("crm.lead.get").unwrap();
        let obj = |v: Value| v.as_object().unwrap().clone();
        assert!(validate(get, &obj(json!({"id": 5}))).is_ok());
        assert!(validate(get, &obj(json!({"ID": "5"}))).is_ok());
        assert_eq!(
            validate(get, &obj(json!({}))).unwrap_err().code,
            "INVALID_ARG_VALUE"
        );
        assert!(validate(get, &obj(json!({"id": "five"}))).is_err());
        let set = specs.get("crm.deal.contact.items.set").unwrap();
        assert!(validate(set, &obj(json!({"id": 1, "items": [{"CONTACT_ID": 2}]}))).is_ok());
        let missing = validate(set, &obj(json!({"id": 1, "items": [{"SORT": 2}]}))).unwrap_err();
        assert!(missing.description.contains("CONTACT_ID"), "{missing:?}");
        let add = specs.get("crm.lead.add").unwrap();
        assert!(validate(add, &obj(json!({"fields": "x"}))).is_err());
    }
}
