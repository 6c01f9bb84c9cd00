//! The methods the emulator knows, read from method pages with
//! `bitrix24_codegen`, and request checks against their parameter model.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bitrix24_codegen::model::Method;
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
pub use bitrix24_codegen::facts::param;

/// An integer from a JSON number or numeric text.
pub use bitrix24_codegen::facts::as_i64;

/// Checks `params` against the page ([`Method::check_params`], the rule
/// `b24` uses too) and answers the first problem as a portal would.
pub fn validate(method: &Method, params: &Map<String, Value>) -> Result<(), Fail> {
    use bitrix24_codegen::facts::ParamFault;
    let Some(first) = method.check_params(params).into_iter().next() else {
        return Ok(());
    };
    let path = &first.path;
    Err(Fail::arg(match first.fault {
        ParamFault::Missing => format!("Required parameter \"{path}\" is missing"),
        ParamFault::Empty => format!("Required parameter \"{path}\" is empty"),
        ParamFault::NotInteger => format!("Parameter \"{path}\" must be an integer"),
        ParamFault::NotNumber => format!("Parameter \"{path}\" must be a number"),
        ParamFault::NotObject => format!("Parameter \"{path}\" must be an object"),
    }))
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
