//! Rust names for wire names: snake_case fields, UpperCamelCase types and
//! variants, keywords and non-identifiers made legal, duplicates numbered.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::HashSet;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Replaces everything that cannot stand in an identifier by `_`, keeping
/// word boundaries, so `filter[>ID]` and `IBLOCK_CODE/IBLOCK_ID` stay readable.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let mapped = match c {
            c if c.is_ascii_alphanumeric() => c,
            '>' => 'g',
            '<' => 'l',
            '!' => 'n',
            '=' => 'e',
            '%' => 'p',
            _ => '_',
        };
        if mapped != c && c != '_' && !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        out.push(mapped);
        if mapped != c && c != '_' {
            out.push('_');
        }
    }
    out
}

/// Whether `words` (ASCII, from [`words`]) has no case change inside a word,
/// so that heck would only split it at `_`: `CONTACT_ID`, `entity_type`, `ID2`.
fn one_case(words: &str) -> bool {
    !(words.bytes().any(|b| b.is_ascii_uppercase())
        && words.bytes().any(|b| b.is_ascii_lowercase()))
}

/// What heck gives for a [`one_case`] text, without its general word
/// splitting (a noticeable part of generating a module): the `_`-separated
/// parts, each passed through `part`, joined by `sep`.
fn join_parts(words: &str, sep: &str, mut part: impl FnMut(&str, &mut String)) -> String {
    let mut out = String::with_capacity(words.len());
    for piece in words.split('_').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push_str(sep);
        }
        part(piece, &mut out);
    }
    out
}

/// A snake_case field or module name that is a legal identifier.
pub fn snake(raw: &str) -> String {
    let words = words(raw);
    let mut name = if one_case(&words) {
        join_parts(&words, "_", |piece, out| {
            out.extend(piece.chars().map(|c| c.to_ascii_lowercase()))
        })
    } else {
        words.to_snake_case()
    };
    if name.is_empty() {
        name = "field".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// An UpperCamelCase type or variant name that is a legal identifier.
pub fn camel(raw: &str) -> String {
    let words = words(raw);
    let mut name = if one_case(&words) {
        join_parts(&words, "", |piece, out| {
            let mut chars = piece.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            }
        })
    } else {
        words.to_upper_camel_case()
    };
    if name.is_empty() {
        name = "Value".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Hands out names that are unique within one scope.
#[derive(Debug, Default)]
pub struct Names {
    used: HashSet<String>,
    /// For each name asked for again, the next number to try: the numbers
    /// below it are taken, so n copies of one name cost n, not n².
    next: std::collections::HashMap<String, usize>,
}

impl Names {
    /// A scope where `reserved` are already taken.
    pub fn with(reserved: &[&str]) -> Names {
        Names {
            used: reserved.iter().map(|s| s.to_string()).collect(),
            next: Default::default(),
        }
    }

    /// `wanted`, or `wanted2`, `wanted3`... whichever is free first.
    /// Snake names get `_2` so they stay snake case.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.used.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let sep = if wanted.contains(|c: char| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        let base = wanted.trim_end_matches('_');
        let key = format!("{base}{sep}");
        let mut n = self.next.get(&key).copied().unwrap_or(2);
        loop {
            let candidate = format!("{key}{n}");
            n += 1;
            if self.used.insert(candidate.clone()) {
                self.next.insert(key, n);
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_case_names_read_as_heck_reads_them() {
        for raw in [
            "CONTACT_ID",
            "entity_type",
            "ID2",
            "2FA",
            "__UF__CRM_1_",
            "a",
            "_",
            "",
            "X",
            "v2_beta",
            "IS_PRIMARY",
            "id",
            "ufCrm",
            "filter[>ID]",
            "IBLOCK_CODE/IBLOCK_ID",
            "ABC1DEF",
            "abc1def",
        ] {
            let w = words(raw);
            if one_case(&w) {
                assert_eq!(
                    join_parts(&w, "_", |p, o| o.push_str(&p.to_ascii_lowercase())),
                    w.to_snake_case(),
                    "{raw:?}"
                );
                let camel = join_parts(&w, "", |p, o| {
                    o.push_str(&p[..1].to_ascii_uppercase());
                    o.push_str(&p[1..].to_ascii_lowercase());
                });
                assert_eq!(camel, w.to_upper_camel_case(), "{raw:?}");
            }
        }
    }

    #[test]
    fn names_that_are_not_identifiers_become_legal_and_readable() {
        assert_eq!(snake("CONTACT_ID"), "contact_id");
        assert_eq!(snake("IS_PRIMARY"), "is_primary");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("IBLOCK_CODE/IBLOCK_ID"), "iblock_code_iblock_id");
        assert_eq!(snake("filter[>ID]"), "filter_g_id");
        assert_eq!(snake("1C_CODE"), "_1c_code");
        assert_eq!(snake("entityTypeId"), "entity_type_id");
        assert_eq!(snake("-"), "field");
        assert_eq!(camel("ACCESS_DENIED"), "AccessDenied");
        assert_eq!(camel("400"), "V400");
        assert_eq!(camel("self"), "Self_");
    }

    #[test]
    fn duplicates_get_numbered() {
        let mut names = Names::with(&["params"]);
        assert_eq!(names.claim("id"), "id");
        assert_eq!(names.claim("id"), "id_2");
        assert_eq!(names.claim("params"), "params_2");
        let mut types = Names::with(&["Error"]);
        assert_eq!(types.claim("Error"), "Error2");
    }
}
