//! PHP-style query strings, the form `batch` commands take:
//! `fields[TITLE]=A%26B&fields[PHONE][0][VALUE]=1`.
//!
//! Keys keep their brackets; every key part and value is percent-encoded
//! except the RFC 3986 unreserved characters. `true`/`false` become `1`/`0`
//! (as PHP's `http_build_query` writes them), `null` is left out, and an
//! empty array or object is written as an empty value (`key=`), since a
//! query string cannot hold an empty array.

use std::fmt::Write;

use serde_json::Value;

/// Encodes parameters (a JSON object) as a query string.
pub fn encode(params: &Value) -> String {
    let mut out = String::new();
    match params {
        Value::Object(map) => {
            for (key, value) in map {
                let mut name = String::new();
                escape(key, &mut name);
                walk(&name, value, &mut out);
            }
        }
        Value::Null => {}
        other => walk("", other, &mut out),
    }
    out
}

fn walk(name: &str, value: &Value, out: &mut String) {
    let mut pair = |text: &str| {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        escape(text, out);
    };
    match value {
        Value::Null => {}
        Value::Bool(b) => pair(if *b { "1" } else { "0" }),
        Value::Number(n) => pair(&n.to_string()),
        Value::String(s) => pair(s),
        Value::Array(items) if items.is_empty() => pair(""),
        Value::Object(map) if map.is_empty() => pair(""),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(&format!("{name}[{index}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let mut inner = format!("{name}[");
                escape(key, &mut inner);
                inner.push(']');
                walk(&inner, item, out);
            }
        }
    }
}

fn escape(text: &str, out: &mut String) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_arrays_and_objects_use_php_brackets() {
        let q = encode(&json!({
            "fields": {"TITLE": "John&Martin", "PHONE": [{"VALUE": "1 2", "VALUE_TYPE": "WORK"}]},
            "params": {"REGISTER_SONET_EVENT": true, "X": false},
            "id": 5,
            "skip": null,
            "items": []
        }));
        // Keys keep the order they were given in (`order` parameters rely on it).
        assert_eq!(
            q,
            "fields[TITLE]=John%26Martin&fields[PHONE][0][VALUE]=1%202&fields[PHONE][0][VALUE_TYPE]=WORK\
             &params[REGISTER_SONET_EVENT]=1&params[X]=0&id=5&items="
        );
    }

    #[test]
    fn references_and_unicode_are_escaped_as_values() {
        assert_eq!(
            encode(&json!({"id": "$result[lead]"})),
            "id=%24result%5Blead%5D"
        );
        assert_eq!(encode(&json!({"filter": {">ID": 7}})), "filter[%3EID]=7");
        assert_eq!(encode(&json!({"n": "Ä"})), "n=%C3%84");
        assert_eq!(encode(&json!({})), "");
    }
}
