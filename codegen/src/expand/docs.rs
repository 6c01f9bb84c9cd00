//! Rustdoc text from the page: module, struct, field and enum docs.

use crate::model::{Field, Kind, Method, ResultSpec};

/// The module doc: title, method, scope, who may call it, introduction.
pub fn module_doc(method: &Method) -> String {
    let mut doc = format!(
        " {}\n\n Binds the REST method `{}`.",
        method.title, method.method
    );
    if !method.scope.is_empty() {
        let scopes: Vec<String> = method.scope.iter().map(|s| format!("`{s}`")).collect();
        doc.push_str(&format!("\n\n Scope: {}.", scopes.join(", ")));
    }
    if let Some(who) = &method.who_can_execute {
        doc.push_str(&format!("\n\n Who can execute the method: {who}."));
    }
    if !method.description.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&indent(&method.description));
    }
    doc
}

/// The doc of `Params`.
pub fn params_doc(method: &Method) -> String {
    format!(" Parameters of `{}`.", method.method)
}

/// The doc of the `Output` struct.
pub fn output_doc(result: &ResultSpec) -> String {
    match &result.ty {
        Some(ty) => format!(" What the method returns in `result` (`{ty}` on the page)."),
        None => " What the method returns in `result`.".to_string(),
    }
}

/// The doc of a nested struct.
pub fn struct_doc(field: &Field) -> String {
    let what = if matches!(field.kind.non_null(), Kind::Array(_)) {
        "An element of"
    } else {
        "Members of"
    };
    format!(" {what} `{}`.", field.name)
}

/// The doc of an open enum.
pub fn enum_doc(field: &Field) -> String {
    format!(" Values of `{}`.", field.name)
}

/// A field's doc: its description, the type as written, whether required.
pub fn field_doc(field: &Field) -> String {
    let mut doc = String::new();
    if !field.description.is_empty() {
        doc.push_str(&indent(&field.description));
    } else {
        doc.push_str(&format!(" `{}`", field.name));
    }
    let mut facts = Vec::new();
    if field.required {
        facts.push("Required".to_string());
    }
    if let Some(ty) = &field.ty {
        facts.push(format!("page type: `{}`", ty.replace('`', "")));
    }
    if !facts.is_empty() {
        doc.push_str(&format!("\n\n {}.", facts.join("; ")));
    }
    doc
}

/// Prefixes each line with a space, as `///` comments have.
fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!(" {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
