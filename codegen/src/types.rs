//! Type notation of the pages (`integer`, `string[]`, `integer | null`,
//! `crm_status`, `catalog_product.id`...) turned into a [`Kind`].

use crate::model::{BoolWire, Kind};

/// Reads a type as written (already free of links and backticks).
/// Unknown names map to [`Kind::Any`]: a build never fails on a type name.
pub fn kind_of(written: &str) -> Kind {
    let text = written.replace("\\|", "|").to_ascii_lowercase();
    let mut nullable = false;
    let mut kinds: Vec<Kind> = Vec::new();
    for alternative in text
        .split(['|', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let alternative = alternative.trim_matches(|c: char| c == '`' || c == '*' || c == '_');
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

/// Several alternatives: keep the widest one that loses nothing.
fn merge(kinds: Vec<Kind>) -> Kind {
    let scalar_number = |k: &Kind| matches!(k, Kind::Integer | Kind::Float);
    if kinds.iter().all(scalar_number) {
        return Kind::Float;
    }
    Kind::Any
}

fn single(name: &str) -> Kind {
    if let Some(inner) = name.strip_suffix("[]") {
        return Kind::Array(Box::new(single(inner.trim())));
    }
    if let Some(inner) = name
        .strip_prefix("array<")
        .or_else(|| name.strip_prefix("array of "))
    {
        return Kind::Array(Box::new(single(inner.trim_end_matches('>').trim())));
    }
    match name {
        "integer" | "int" | "long" | "bigint" | "timestamp" | "unixtime" | "user" | "id" => {
            Kind::Integer
        }
        "double" | "float" | "number" | "decimal" | "numeric" => Kind::Float,
        "string" | "text" | "char" | "str" | "html" | "url" | "email" | "crm_status"
        | "crm_currency" | "crm_entity_type" | "crm_entity" | "uuid" | "guid" => Kind::String,
        "boolean" | "bool" => Kind::Boolean(BoolWire::YesNo),
        "date" => Kind::Date,
        "datetime" | "date_time" | "date-time" | "datetimeiso" => Kind::DateTime,
        "object" | "map" | "json" | "hash" | "dictionary" | "time" | "struct" => Kind::Object,
        "array" | "list" | "collection" => Kind::Array(Box::new(Kind::Any)),
        "enum" | "enumeration" => Kind::Enum,
        _ if name.ends_with(".id") || name.ends_with("_id") => Kind::Integer,
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
        assert_eq!(kind_of("string | object"), Kind::Any);
        assert_eq!(kind_of("crm_multifield_whatever"), Kind::Any);
        assert_eq!(kind_of(""), Kind::Any);
        assert_eq!(
            kind_of("object[][]"),
            Kind::Array(Box::new(Kind::Array(Box::new(Kind::Object))))
        );
    }
}
