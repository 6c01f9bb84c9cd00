//! Rustdoc text from the page: module, struct, field and enum docs.

use proc_macro2::Literal;

use crate::model::{Field, Kind, Method, ResultSpec};

/// A string literal for a doc attribute, the same token `Literal::string`
/// makes. Outside a proc macro, `Literal::string` escapes char by char through
/// `char::escape_debug`, a fifth of generating a module; here runs of plain
/// ASCII are copied whole and the literal is read back from its text.
pub fn literal(text: &str) -> Literal {
    if proc_macro::is_available() {
        // The compiler's own constructor: no cheaper route through it.
        return Literal::string(text);
    }
    let mut repr = String::with_capacity(text.len() + 8);
    repr.push('"');
    let mut plain_from = 0;
    for (at, ch) in text.char_indices() {
        if matches!(ch, ' '..='~') && ch != '"' && ch != '\\' {
            continue;
        }
        repr.push_str(&text[plain_from..at]);
        plain_from = at + ch.len_utf8();
        match ch {
            // What proc_macro2 writes, so the token is the same.
            '\0' if text[plain_from..].starts_with(|c: char| c.is_digit(8)) => {
                repr.push_str("\\x00")
            }
            '\0' => repr.push_str("\\0"),
            _ => repr.extend(ch.escape_debug()),
        }
    }
    repr.push_str(&text[plain_from..]);
    repr.push('"');
    repr.parse().unwrap_or_else(|_| Literal::string(text))
}

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
    if let Some(note) = &method.deprecated {
        doc.push_str(&format!("\n\n **Deprecated:** {note}"));
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
    // Written straight into one string: there is one per field of the corpus.
    let mut doc = String::with_capacity(field.description.len() + 64);
    if !field.description.is_empty() {
        indent_into(&field.description, &mut doc);
    } else {
        doc.push_str(" `");
        doc.push_str(&field.name);
        doc.push('`');
    }
    if field.required || field.ty.is_some() {
        doc.push_str("\n\n ");
        if field.required {
            doc.push_str("Required");
        }
        if let Some(ty) = &field.ty {
            if field.required {
                doc.push_str("; ");
            }
            doc.push_str("page type: `");
            doc.extend(ty.split('`'));
            doc.push('`');
        }
        doc.push('.');
    }
    doc
}

/// Prefixes each line with a space, as `///` comments have.
fn indent(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    indent_into(text, &mut out);
    out
}

fn indent_into(text: &str, out: &mut String) {
    for (k, line) in text.lines().enumerate() {
        if k > 0 {
            out.push('\n');
        }
        out.push(' ');
        out.push_str(line);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn doc_literals_are_the_tokens_literal_string_makes() {
        for text in [
            "",
            " plain `code` — dash",
            "quote \" backslash \\ apostrophe ' tab\t\r\nnew line",
            "nul\0 and nul\x007 \u{7f} \u{301}combining \u{200b}",
        ] {
            assert_eq!(
                super::literal(text).to_string(),
                proc_macro2::Literal::string(text).to_string(),
                "{text:?}"
            );
        }
    }
}
