//! Type notation of the pages (`integer`, `string[]`, `integer | null`,
//! `crm_status`, `catalog_product.id`...) turned into a [`Kind`].

use crate::model::{BoolWire, Kind};
use crate::ws::Trim;

/// Reads a type as written (already free of links and backticks).
/// Unknown names map to [`Kind::Any`]: a build never fails on a type name.
pub fn kind_of(written: &str) -> Kind {
    // Most types are one plain word (`integer`, `string[]`, `crm_status.id`):
    // the general reading below would allocate four strings to learn that.
    if let Some(upper) = plain_word(written) {
        let lower;
        let word = if upper {
            lower = written.to_ascii_lowercase();
            lower.as_str()
        } else {
            written
        };
        // Few words start or end with `_`: only those are trimmed.
        let word = if word.starts_with('_') || word.ends_with('_') {
            word.trim_matches('_')
        } else {
            word
        };
        return if matches!(word, "null" | "nil" | "none" | "undefined") {
            Kind::Any
        } else {
            single(word)
        };
    }
    let text = written
        .replace("\\|", "|")
        .replace('`', " ")
        .to_ascii_lowercase()
        .replace(" or ", "|");
    let mut nullable = false;
    let mut kinds: Vec<Kind> = Vec::new();
    let mut alternatives: Vec<&str> = Vec::new();
    for alternative in text
        .split(['|', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        // Two types side by side (`object` `string`) are alternatives too,
        // when every word is a type; prose stays one (unknown) alternative.
        let words: Vec<&str> = alternative.split_whitespace().collect();
        let all_types = words.len() > 1
            && words.iter().all(|w| {
                let w = w.trim_matches(|c: char| c == '*' || c == '_');
                matches!(w, "null" | "undefined") || single(w) != Kind::Any
            });
        if all_types {
            alternatives.extend(words);
        } else {
            alternatives.push(alternative);
        }
    }
    for alternative in alternatives {
        let alternative = alternative.trim_matches(|c: char| c == '`' || c == '*' || c == '_');
        // `[object]`: a link with no target keeps its brackets.
        let alternative = match alternative.strip_prefix('[') {
            Some(inner) if !alternative.ends_with("[]") => inner.trim_end_matches(']'),
            _ => alternative,
        };
        if matches!(alternative, "null" | "nil" | "none" | "undefined") {
            nullable = true;
            continue;
        }
        let kind = single(alternative);
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let kind = match kinds.len() {
        0 => Kind::Any,
        1 => kinds.remove(0),
        _ => merge(kinds),
    };
    if nullable && kind != Kind::Any {
        Kind::Nullable(Box::new(kind))
    } else {
        kind
    }
}

/// For a type written as one plain word (ASCII letters, digits, `_`, `.`,
/// `[` and `]`, not starting with `[`): whether it has an uppercase letter.
/// `None` for anything else. One look at each byte answers both.
fn plain_word(written: &str) -> Option<bool> {
    if written.is_empty() || written.starts_with('[') {
        return None;
    }
    let mut upper = false;
    for b in written.bytes() {
        if b.is_ascii_uppercase() {
            upper = true;
        } else if !(b.is_ascii_lowercase()
            || b.is_ascii_digit()
            || matches!(b, b'_' | b'.' | b'[' | b']'))
        {
            return None;
        }
    }
    Some(upper)
}

/// Whether a written type names several alternatives other than `null`.
pub fn is_union(written: &str) -> bool {
    // Without a `|` or an ` or ` the whole text is one alternative; most
    // types are written so, and are told without a copy.
    if memchr::memchr(b'|', written.as_bytes()).is_none()
        && !crate::inline::contains_ignoring_case(written, " or ")
    {
        return false;
    }
    let text = written
        .replace("\\|", "|")
        .to_ascii_lowercase()
        .replace(" or ", "|");
    text.split('|')
        .map(|a| a.trim_ws().trim_matches('`').trim_ws())
        .filter(|a| !a.is_empty() && !matches!(*a, "null" | "undefined"))
        .count()
        > 1
}

/// Several alternatives: the widest scalar that loses nothing (numbers
/// read as `f64`; numbers and text as text, which keeps a number's digits;
/// a date and a date-time as a date-time), or either of kinds that JSON
/// tells apart. Anything else stays a JSON value.
fn merge(kinds: Vec<Kind>) -> Kind {
    let all = |test: fn(&Kind) -> bool| kinds.iter().all(test);
    if all(|k| matches!(k, Kind::Integer | Kind::Float)) {
        return Kind::Float;
    }
    if all(|k| matches!(k, Kind::Integer | Kind::Float | Kind::String | Kind::Enum)) {
        return Kind::String;
    }
    if all(|k| matches!(k, Kind::Date | Kind::DateTime)) {
        return Kind::DateTime;
    }
    // In a union, `boolean` is JSON's (CRM flags are written `char`).
    let kinds: Vec<Kind> = kinds
        .into_iter()
        .map(|k| match k {
            Kind::Boolean(_) => Kind::Boolean(BoolWire::Json),
            other => other,
        })
        .collect();
    let mut shapes = Vec::with_capacity(kinds.len());
    for kind in &kinds {
        match kind.json_shape() {
            Some(shape) if !shapes.contains(&shape) => shapes.push(shape),
            _ => return Kind::Any,
        }
    }
    kinds
        .into_iter()
        .rev()
        .reduce(|rest, first| Kind::OneOf(Box::new(first), Box::new(rest)))
        .unwrap_or(Kind::Any)
}

fn single(name: &str) -> Kind {
    if let Some(inner) = name.strip_suffix("[]") {
        // A list type such as `crm_multifield` stays one list when written `[]`.
        return match single(inner.trim_ws()) {
            list @ Kind::Array(_) if !inner.ends_with("[]") => list,
            element => Kind::Array(Box::new(element)),
        };
    }
    if let Some(inner) = name
        .strip_prefix("array<")
        .or_else(|| name.strip_prefix("array of "))
    {
        return Kind::Array(Box::new(single(inner.trim_end_matches('>').trim_ws())));
    }
    // `entity.field` references: ids are numbers, codes and currencies text.
    // The last `.` found by a byte search: `rsplit_once` prepares a char
    // searcher for it, and every type name is asked.
    if let Some(dot) = memchr::memrchr(b'.', name.as_bytes()) {
        let field = &name[dot + 1..];
        return match field {
            "id" => Kind::Integer,
            "code" | "currency" | "lid" | "symbol" | "xml_id" | "name" => Kind::String,
            _ => Kind::Any,
        };
    }
    match name {
        "integer" | "int" | "long" | "bigint" | "timestamp" | "unixtime" | "user" | "id" => {
            Kind::Integer
        }
        // CRM references are integer ids of the element (crm/data-types.md).
        "crm_company" | "crm_contact" | "crm_lead" | "crm_deal" | "crm_quote" | "crm_category"
        | "crm_entity" | "location" => Kind::Integer,
        "crm_multifield" => Kind::Array(Box::new(Kind::Object)),
        "lang_map" | "uf_enum_element" => Kind::Object,
        "userfieldentityid" | "crm" => Kind::String,
        "double" | "float" | "number" | "decimal" | "numeric" => Kind::Float,
        "string" | "text" | "char" | "str" | "html" | "url" | "email" | "crm_status"
        | "crm_currency" | "crm_entity_type" | "uuid" | "guid" => Kind::String,
        "boolean" | "bool" => Kind::Boolean(BoolWire::YesNo),
        "date" => Kind::Date,
        "datetime" | "date_time" | "date-time" | "datetimeiso" => Kind::DateTime,
        "object" | "map" | "json" | "hash" | "dictionary" | "time" | "struct" => Kind::Object,
        "array" | "list" | "collection" => Kind::Array(Box::new(Kind::Any)),
        "enum" | "enumeration" => Kind::Enum,
        _ if name.ends_with("_id") => Kind::Integer,
        // CRM enumerations (`crm_enum_activitytype`...) are numeric ids.
        _ if name.starts_with("crm_enum_") => Kind::Integer,
        _ => Kind::Any,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_and_compound_types() {
        assert_eq!(kind_of("integer"), Kind::Integer);
        assert_eq!(kind_of("string[]"), Kind::Array(Box::new(Kind::String)));
        assert_eq!(
            kind_of("integer \\| null"),
            Kind::Nullable(Box::new(Kind::Integer))
        );
        assert_eq!(kind_of("catalog_product.id"), Kind::Integer);
        assert_eq!(kind_of("Boolean"), Kind::Boolean(BoolWire::YesNo));
        assert_eq!(kind_of("integer | double"), Kind::Float);
        let text_or_object = Kind::OneOf(Box::new(Kind::String), Box::new(Kind::Object));
        assert_eq!(kind_of("string | object"), text_or_object);
        assert_eq!(kind_of("crm_multifield_whatever"), Kind::Any);
        assert_eq!(kind_of(""), Kind::Any);
        assert_eq!(
            kind_of("`object` `string`"),
            Kind::OneOf(Box::new(Kind::Object), Box::new(Kind::String))
        );
        // Alternatives JSON cannot tell apart, or a JSON value, stay open.
        assert_eq!(kind_of("object | map"), Kind::Object);
        assert_eq!(kind_of("string | date"), Kind::Any);
        assert_eq!(kind_of("string | any"), Kind::Any);
        // Scalars merge into the widest that loses nothing.
        assert_eq!(kind_of("integer | string"), Kind::String);
        assert_eq!(kind_of("date | datetime"), Kind::DateTime);
        assert_eq!(
            kind_of("integer | integer[] | boolean"),
            Kind::OneOf(
                Box::new(Kind::Integer),
                Box::new(Kind::OneOf(
                    Box::new(Kind::Array(Box::new(Kind::Integer))),
                    Box::new(Kind::Boolean(BoolWire::Json))
                ))
            )
        );
        assert_eq!(
            kind_of("`string` `null`"),
            Kind::Nullable(Box::new(Kind::String))
        );
        assert_eq!(
            kind_of("```integer|null```"),
            Kind::Nullable(Box::new(Kind::Integer))
        );
        assert_eq!(
            kind_of("object or null"),
            Kind::Nullable(Box::new(Kind::Object))
        );
        assert_eq!(kind_of("crm_currency.CURRENCY"), Kind::String);
        assert_eq!(kind_of("sale_paysystem.ID"), Kind::Integer);
        assert_eq!(
            kind_of("catalog_document.id[]"),
            Kind::Array(Box::new(Kind::Integer))
        );
        assert_eq!(kind_of("string with value Y/N"), Kind::Any);
        assert_eq!(kind_of("crm_enum_activitytype"), Kind::Integer);
        assert_eq!(
            kind_of("object[][]"),
            Kind::Array(Box::new(Kind::Array(Box::new(Kind::Object))))
        );
    }
}
