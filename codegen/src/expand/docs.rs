//! Rustdoc text from the page: module, struct, field and enum docs, and
//! their literals written straight from the pieces ([`super::literal`]).

use proc_macro2::Literal;

use super::links::DocLinks;
use super::literal::{DocOut, Escaped};
use super::markdown::doc_text;
use crate::model::{Field, Kind, Method, ResultSpec};

/// The module doc: title, method, scope, who may call it, introduction,
/// its links resolved from the page alone ([`module_doc_in`] for a tree).
pub fn module_doc(method: &Method) -> String {
    module_doc_in(method, &DocLinks::page(method.page.as_deref()))
}

/// [`module_doc`] with the links resolved as `links` says (in the scope
/// of the module's parent, where rustdoc reads a module's outer doc).
pub fn module_doc_in(method: &Method, links: &DocLinks<'_>) -> String {
    // Written straight into one string, which the introduction dominates.
    let mut doc = String::with_capacity(method.description.len() * 9 / 8 + 256);
    write_module_doc(method, links, &mut doc);
    doc
}

/// [`literal`] of [`module_doc`]: outside a proc macro the doc is escaped
/// as it is written, as [`field_literal`] does.
pub fn module_literal(method: &Method) -> Literal {
    let links = DocLinks::page(method.page.as_deref());
    if proc_macro::is_available() {
        return Literal::string(&module_doc_in(method, &links));
    }
    let mut repr = Escaped::with_capacity(method.description.len() * 9 / 8 + 256);
    write_module_doc(method, &links, &mut repr);
    repr.literal()
        .unwrap_or_else(|| Literal::string(&module_doc_in(method, &links)))
}

fn write_module_doc(method: &Method, links: &DocLinks<'_>, doc: &mut impl DocOut) {
    doc.push_fixed(" ", " ");
    doc.push(&method.title);
    doc.push_fixed(
        "\n\n Binds the REST method `",
        "\\n\\n Binds the REST method `",
    );
    doc.push(&method.method);
    doc.push_fixed("`.", "`.");
    for (k, scope) in method.scope.iter().enumerate() {
        if k == 0 {
            doc.push_fixed("\n\n Scope: `", "\\n\\n Scope: `");
        } else {
            doc.push_fixed(", `", ", `");
        }
        doc.push(scope);
        doc.push_fixed("`", "`");
    }
    if !method.scope.is_empty() {
        doc.push_fixed(".", ".");
    }
    if let Some(who) = &method.who_can_execute {
        doc.push_fixed(
            "\n\n Who can execute the method: ",
            "\\n\\n Who can execute the method: ",
        );
        doc.push(who);
        doc.push_fixed(".", ".");
    }
    if let Some(note) = &method.deprecated {
        doc.push_fixed("\n\n **Deprecated:** ", "\\n\\n **Deprecated:** ");
        doc.push(note);
    }
    if !method.description.is_empty() {
        doc.push_fixed("\n\n", "\\n\\n");
        let text = doc_text(&method.description, method.markdown.as_deref(), links);
        doc.push_indented(&text);
    }
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
pub fn field_doc(field: &Field, links: &DocLinks<'_>) -> String {
    // Written straight into one string: there is one per field of the corpus.
    let mut doc = String::with_capacity(field.description.len() + 64);
    write_field_doc(field, links, &mut doc);
    doc
}

/// [`literal`] of [`field_doc`]: outside a proc macro the doc is escaped as
/// it is written, with no copy of it made to be escaped (one per field).
pub fn field_literal(field: &Field, links: &DocLinks<'_>) -> Literal {
    if proc_macro::is_available() {
        return Literal::string(&field_doc(field, links));
    }
    // Room for the escapes of a few lines and the type.
    let mut repr = Escaped::with_capacity(field.description.len() * 9 / 8 + 80);
    write_field_doc(field, links, &mut repr);
    repr.literal()
        .unwrap_or_else(|| Literal::string(&field_doc(field, links)))
}

fn write_field_doc(field: &Field, links: &DocLinks<'_>, doc: &mut impl DocOut) {
    if !field.description.is_empty() {
        let text = doc_text(&field.description, field.markdown.as_deref(), links);
        doc.push_indented(&text);
    } else {
        doc.push_fixed(" `", " `");
        doc.push(&field.name);
        doc.push_fixed("`", "`");
    }
    if field.required || field.ty.is_some() {
        doc.push_fixed("\n\n ", "\\n\\n ");
        if field.required {
            doc.push_fixed("Required", "Required");
        }
        if let Some(ty) = &field.ty {
            if field.required {
                doc.push_fixed("; ", "; ");
            }
            doc.push_fixed("page type: `", "page type: `");
            for piece in ty.split('`') {
                doc.push(piece);
            }
            doc.push_fixed("`", "`");
        }
        doc.push_fixed(".", ".");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn field_literals_are_the_literals_of_field_docs() {
        use crate::model::{Field, Kind};
        let links = super::DocLinks::page(None);
        let texts = [
            "",
            "plain",
            "one\ntwo\r\nthree\n",
            "\n\n",
            "\r\n",
            "a\rb\n\r\n",
            "quote \" backslash \\ tab\t — dash",
            "nul at the end\0",
            "nul before a line\0\n",
            "nul before a digit\x007 and \0",
            "7 starts with a digit\0\r\n",
        ];
        for description in texts {
            for name in ["ID", "nul\0", "7"] {
                for ty in [None, Some("string"), Some("`a\0`7`"), Some("\0"), Some("")] {
                    for required in [false, true] {
                        let mut field = Field::new(name, Kind::String);
                        field.description = description.to_string();
                        field.ty = ty.map(str::to_string);
                        field.required = required;
                        assert_eq!(
                            super::field_literal(&field, &links).to_string(),
                            proc_macro2::Literal::string(&super::field_doc(&field, &links))
                                .to_string(),
                            "{description:?} {name:?} {ty:?} {required}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn module_literals_are_the_literals_of_module_docs() {
        let texts = [
            "",
            "plain",
            "line\nnext\r\n",
            "nul\0",
            "7 \"quoted\" \\ — dash\n",
        ];
        for text in texts {
            for scopes in [0, 1, 2] {
                for optional in [false, true] {
                    let mut method = crate::model::Method::named(format!("crm.{text}"));
                    method.title = text.to_string();
                    method.description = text.to_string();
                    method.scope = (0..scopes).map(|k| format!("{text}{k}")).collect();
                    method.who_can_execute = optional.then(|| text.to_string());
                    method.deprecated = optional.then(|| text.to_string());
                    assert_eq!(
                        super::module_literal(&method).to_string(),
                        proc_macro2::Literal::string(&super::module_doc(&method)).to_string(),
                        "{text:?} {scopes} {optional}"
                    );
                }
            }
        }
    }
}
