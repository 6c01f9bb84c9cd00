//! JSON as the pages write it in examples: mostly JSON, with what people
//! type into documentation around it. Comments (`//`, `/* */`), elisions
//! (`...`, `…`), trailing commas, a missing comma at a line break, keys
//! without quotes, single-quoted strings, raw tabs and line breaks inside
//! strings and PHP class names with lone backslashes (`"Bitrix\Main"`) are
//! read as the JSON they stand for. Anything else (say an object with no
//! key, `{ { ... } }`) is not JSON and gives `None`.
//!
//! One pass over the text, so the cost is linear in its length.

use serde_json::Value;

/// How deeply examples may nest; deeper text is not read (serde_json stops
/// at 128 too, this only keeps the rewrite from doing work for nothing).
const MAX_DEPTH: usize = 128;

/// Reads an example's text as JSON, forgiving what people type.
pub fn lenient(text: &str) -> Option<Value> {
    if let Ok(value) = serde_json::from_str(text) {
        return Some(value);
    }
    serde_json::from_str(&rewrite(text)?).ok()
}

/// The text as strict JSON, or `None` when it nests too deeply.
fn rewrite(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 16);
    let chars: Vec<char> = text.chars().collect();
    // Whether the last thing written ends a value (so another value right
    // after it needs a comma), and the last significant character written.
    let mut value_ended = false;
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' | '\'' => {
                if value_ended {
                    push_comma(&mut out);
                }
                i = string(&chars, i, &mut out);
                value_ended = true;
                continue;
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
                continue;
            }
            // An elision, and the words after it on its line (`... other items`).
            '.' | '…' if c == '…' || chars.get(i + 1) == Some(&'.') => {
                while i < chars.len() && matches!(chars[i], '.' | '…') {
                    i += 1;
                }
                while i < chars.len()
                    && !matches!(chars[i], '\n' | '{' | '}' | '[' | ']' | '"' | ',')
                {
                    i += 1;
                }
                continue;
            }
            '{' | '[' => {
                if value_ended {
                    push_comma(&mut out);
                }
                depth += 1;
                if depth > MAX_DEPTH {
                    return None;
                }
                out.push(c);
                value_ended = false;
            }
            '}' | ']' => {
                drop_trailing_comma(&mut out);
                depth = depth.saturating_sub(1);
                out.push(c);
                value_ended = true;
            }
            ',' => {
                // Doubled or leading commas are what an elision leaves.
                if matches!(last_significant(&out), Some(',' | '[' | '{') | None) {
                    i += 1;
                    continue;
                }
                out.push(c);
                value_ended = false;
            }
            ':' => {
                out.push(c);
                value_ended = false;
            }
            c if c.is_whitespace() => out.push(c),
            // A line of prose (`48 more leads with similar structure`)
            // stands for elided values, like `...`.
            c if (c.is_alphanumeric() || c == '-') && prose_at(&chars, i) => {
                while i < chars.len() && !matches!(chars[i], '\n' | '{' | '}' | '[' | ']') {
                    i += 1;
                }
                continue;
            }
            c if c.is_ascii_digit() || c == '-' => {
                if value_ended {
                    push_comma(&mut out);
                }
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | '-' | '+'))
                {
                    out.push(chars[i]);
                    i += 1;
                }
                value_ended = true;
                continue;
            }
            c if c.is_alphabetic() || c == '_' || c == '$' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '$'))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let is_key = chars[i..]
                    .iter()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(|&c| c == ':');
                if value_ended {
                    push_comma(&mut out);
                }
                match word.as_str() {
                    _ if is_key => {
                        out.push('"');
                        out.push_str(&word);
                        out.push('"');
                    }
                    "true" | "false" | "null" => out.push_str(&word),
                    // `undefined`, `NaN`, a bare word standing for a value.
                    _ => out.push_str("null"),
                }
                value_ended = true;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    Some(out)
}

/// Copies the string starting at `chars[start]` (either quote) as a JSON
/// string; returns the index after its closing quote.
fn string(chars: &[char], start: usize, out: &mut String) -> usize {
    let quote = chars[start];
    out.push('"');
    let mut i = start + 1;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => match chars.get(i + 1) {
                Some(&next @ ('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' | 'u')) => {
                    out.push('\\');
                    out.push(next);
                    i += 2;
                    continue;
                }
                Some('\'') => {
                    out.push('\'');
                    i += 2;
                    continue;
                }
                // A lone backslash (`Bitrix\Main`) is itself.
                _ => out.push_str("\\\\"),
            },
            c if c == quote => {
                out.push('"');
                return i + 1;
            }
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
        i += 1;
    }
    out.push('"');
    i
}

/// Whether a word or number starting at `start` is followed on its line by
/// another word (not a key, not a value separator): text, not JSON.
fn prose_at(chars: &[char], start: usize) -> bool {
    let mut i = start;
    while i < chars.len()
        && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '$' | '.' | '-' | '+'))
    {
        i += 1;
    }
    while i < chars.len() && matches!(chars[i], ' ' | '\t') {
        i += 1;
    }
    let Some(&next) = chars.get(i) else {
        return false;
    };
    if !next.is_alphabetic() {
        return false;
    }
    // `null b: 2` is a value and a key with the comma missing.
    let mut j = i;
    while j < chars.len() && (chars[j].is_alphanumeric() || matches!(chars[j], '_' | '$')) {
        j += 1;
    }
    while j < chars.len() && matches!(chars[j], ' ' | '\t') {
        j += 1;
    }
    chars.get(j) != Some(&':')
}

fn last_significant(out: &str) -> Option<char> {
    out.chars().rev().find(|c| !c.is_whitespace())
}

/// A comma before a value that follows another value with none between.
fn push_comma(out: &mut String) {
    if !matches!(last_significant(out), Some(',' | '[' | '{' | ':') | None) {
        let end = out.trim_end().len();
        out.insert(end, ',');
    }
}

fn drop_trailing_comma(out: &mut String) {
    let end = out.trim_end().len();
    if out[..end].ends_with(',') {
        out.remove(end - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn what_people_type_reads_as_the_json_it_stands_for() {
        let text = r#"{
            // the answer
            "result": {
                "items": [
                    {"id": 1, "name": 'a'},
                    ... other items
                    {"id": 2,},
                ],
                "class": "Bitrix\Main\Type"
                "note": "two
lines", /* more */
                total: 2,
            },
        }"#;
        assert_eq!(
            lenient(text),
            Some(json!({"result": {
                "items": [{"id": 1, "name": "a"}, {"id": 2}],
                "class": "Bitrix\\Main\\Type",
                "note": "two\nlines",
                "total": 2
            }}))
        );
    }

    #[test]
    fn a_line_of_prose_stands_for_elided_values() {
        let text = "{\"result\": [\n {\"ID\": \"5\"},\n\n  48 more leads with similar structure\n\n], \"total\": 50, a: null b: 2}";
        assert_eq!(
            lenient(text),
            Some(serde_json::json!({"result": [{"ID": "5"}], "total": 50, "a": null, "b": 2}))
        );
    }

    #[test]
    fn an_object_without_keys_is_not_json() {
        assert_eq!(lenient("{\"result\": { {\"a\": 1} } }"), None);
        assert_eq!(lenient("[".repeat(200).as_str()), None);
    }

    #[test]
    fn strict_json_is_read_as_is() {
        assert_eq!(
            lenient(r#"{"a": "x//y", "b": "..."}"#),
            Some(json!({"a": "x//y", "b": "..."}))
        );
    }
}
