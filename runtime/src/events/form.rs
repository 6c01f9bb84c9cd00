//! The bodies events arrive in: `application/x-www-form-urlencoded` with
//! PHP-style nested keys (`data[FIELDS][ID]=1`, `auth[application_token]=…`,
//! lists as `[0]`, `[1]` or `[]`), or JSON (`event.offline.get`, proxies).
//! Both decode into one [`serde_json::Value`], within [`Limits`].

use std::fmt;

use serde_json::{Map, Value};

/// The largest body decoded by default: 1 MiB.
pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;
/// The deepest nesting decoded by default.
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// Bounds on what the decoder accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest body, in bytes.
    pub max_bytes: usize,
    /// The deepest nesting of objects and lists.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: DEFAULT_MAX_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// Why a body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// The body is longer than [`Limits::max_bytes`].
    TooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The nesting is deeper than [`Limits::max_depth`].
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// A key or value is not UTF-8 once percent-decoded.
    NotUtf8,
    /// A key is malformed (`a[b`, `[x]`, `a]`).
    BadKey(String),
    /// A JSON body is not valid JSON.
    Json(String),
    /// The body is neither an object nor a form.
    NotAnObject,
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormError::TooLarge { len, max } => {
                write!(f, "event body of {len} bytes is over the limit of {max}")
            }
            FormError::TooDeep { max } => write!(f, "event body nests deeper than {max}"),
            FormError::NotUtf8 => f.write_str("event body is not UTF-8"),
            FormError::BadKey(key) => write!(f, "malformed form key {key:?}"),
            FormError::Json(error) => write!(f, "event body is not valid JSON: {error}"),
            FormError::NotAnObject => f.write_str("event body is not an object"),
        }
    }
}

impl std::error::Error for FormError {}

/// Decodes a body by its `Content-Type`: JSON when the type says so (or,
/// with no type, when the body starts with `{`), a form otherwise.
pub fn decode(content_type: Option<&str>, body: &[u8], limits: Limits) -> Result<Value, FormError> {
    let json = match content_type {
        Some(kind) => kind.to_ascii_lowercase().contains("json"),
        None => body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'),
    };
    if json {
        decode_json(body, limits)
    } else {
        decode_form(body, limits)
    }
}

/// Decodes a JSON body, checking size and depth before parsing.
pub fn decode_json(body: &[u8], limits: Limits) -> Result<Value, FormError> {
    check_len(body, limits)?;
    if json_depth(body) > limits.max_depth {
        return Err(FormError::TooDeep {
            max: limits.max_depth,
        });
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| FormError::Json(e.to_string()))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(FormError::NotAnObject)
    }
}

/// Decodes a form body with PHP-style nested keys. Objects whose keys are
/// exactly `0`, `1`, … in order become lists; a later pair for the same key
/// replaces an earlier one, as PHP does.
pub fn decode_form(body: &[u8], limits: Limits) -> Result<Value, FormError> {
    check_len(body, limits)?;
    let mut root = Map::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (key, value) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &b""[..]),
        };
        let key = percent_decode(key)?;
        let value = percent_decode(value)?;
        let path = split_key(&key)?;
        if path.len() > limits.max_depth {
            return Err(FormError::TooDeep {
                max: limits.max_depth,
            });
        }
        insert(&mut root, &path, value);
    }
    for child in root.values_mut() {
        listify(child);
    }
    Ok(Value::Object(root))
}

fn check_len(body: &[u8], limits: Limits) -> Result<(), FormError> {
    if body.len() > limits.max_bytes {
        return Err(FormError::TooLarge {
            len: body.len(),
            max: limits.max_bytes,
        });
    }
    Ok(())
}

/// The deepest bracket nesting outside strings (an upper bound on the
/// parsed depth; malformed input is left to the parser).
fn json_depth(body: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// `+` is a space, `%XX` a byte; a `%` not followed by two hex digits stays.
fn percent_decode(raw: &[u8]) -> Result<String, FormError> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() && hex(raw[i + 1]).is_some() && hex(raw[i + 2]).is_some() => {
                out.push(hex(raw[i + 1]).unwrap_or(0) * 16 + hex(raw[i + 2]).unwrap_or(0));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| FormError::NotUtf8)
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// `data[FIELDS][ID]` → `["data", "FIELDS", "ID"]`; `a[]` → `["a", ""]`.
fn split_key(key: &str) -> Result<Vec<&str>, FormError> {
    let bad = || FormError::BadKey(key.chars().take(80).collect());
    let (base, mut rest) = match key.find('[') {
        Some(at) => (&key[..at], &key[at..]),
        None => (key, ""),
    };
    if base.is_empty() || base.contains(']') {
        return Err(bad());
    }
    let mut path = vec![base];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[').ok_or_else(bad)?;
        let close = inner.find(']').ok_or_else(bad)?;
        let segment = &inner[..close];
        if segment.contains('[') {
            return Err(bad());
        }
        path.push(segment);
        rest = &inner[close + 1..];
    }
    Ok(path)
}

fn insert(map: &mut Map<String, Value>, path: &[&str], value: String) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let key = if first.is_empty() {
        map.len().to_string()
    } else {
        (*first).to_string()
    };
    if rest.is_empty() {
        map.insert(key, Value::String(value));
        return;
    }
    let slot = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    if let Value::Object(inner) = slot {
        insert(inner, rest, value);
    }
}

/// Turns objects keyed `0..n` in order into lists, bottom up.
fn listify(value: &mut Value) {
    let Value::Object(map) = value else {
        return;
    };
    for child in map.values_mut() {
        listify(child);
    }
    let indexed = !map.is_empty()
        && map
            .keys()
            .enumerate()
            .all(|(i, key)| key.parse::<usize>() == Ok(i) && *key == i.to_string());
    if indexed {
        let items = std::mem::take(map).into_iter().map(|(_, v)| v).collect();
        *value = Value::Array(items);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_keys_and_lists() {
        let body = b"event=ONCRMLEADADD&data%5BFIELDS%5D%5BID%5D=7&data[PHONE][0][VALUE]=%2B1+2&data[PHONE][1][VALUE]=3&tags[]=a&tags[]=b&auth[application_token]=x";
        let value = decode_form(body, Limits::default()).unwrap();
        assert_eq!(
            value,
            json!({
                "event": "ONCRMLEADADD",
                "data": {"FIELDS": {"ID": "7"}, "PHONE": [{"VALUE": "+1 2"}, {"VALUE": "3"}]},
                "tags": ["a", "b"],
                "auth": {"application_token": "x"}
            })
        );
    }

    #[test]
    fn keys_out_of_order_stay_an_object() {
        let value = decode_form(b"a[1]=x&a[0]=y", Limits::default()).unwrap();
        assert_eq!(value, json!({"a": {"1": "x", "0": "y"}}));
    }

    #[test]
    fn bounds_are_typed_errors() {
        let tight = Limits {
            max_bytes: 8,
            max_depth: 2,
        };
        assert!(matches!(
            decode_form(b"event=ONCRMLEADADD", tight),
            Err(FormError::TooLarge { len: 18, max: 8 })
        ));
        assert!(matches!(
            decode_form(
                b"a[b][c]=1",
                Limits {
                    max_bytes: 64,
                    ..tight
                }
            ),
            Err(FormError::TooDeep { max: 2 })
        ));
        assert!(matches!(
            decode_json(
                b"{\"a\":{\"b\":1}}",
                Limits {
                    max_depth: 1,
                    ..Limits::default()
                }
            ),
            Err(FormError::TooDeep { max: 1 })
        ));
        assert_eq!(
            decode_form(b"0=x", Limits::default()).unwrap(),
            json!({"0": "x"})
        );
        assert!(matches!(
            decode_form(b"a[b=1", Limits::default()),
            Err(FormError::BadKey(_))
        ));
        assert!(matches!(
            decode_form(b"a=%FF", Limits::default()),
            Err(FormError::NotUtf8)
        ));
        assert!(matches!(
            decode_json(b"[1]", Limits::default()),
            Err(FormError::NotAnObject)
        ));
    }

    #[test]
    fn content_type_chooses() {
        let json = decode(
            Some("application/json"),
            br#"{"event":"X"}"#,
            Limits::default(),
        );
        assert_eq!(json.unwrap(), json!({"event": "X"}));
        let form = decode(
            Some("application/x-www-form-urlencoded"),
            b"event=X",
            Limits::default(),
        );
        assert_eq!(form.unwrap(), json!({"event": "X"}));
        assert_eq!(
            decode(None, b"  {\"a\":1}", Limits::default()).unwrap(),
            json!({"a": 1})
        );
    }

    /// Random nested objects and lists, form-encoded as PHP's
    /// `http_build_query` does, decode back to themselves.
    #[test]
    fn random_trees_round_trip() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        fn tree(next: &mut dyn FnMut() -> u64, depth: usize) -> Value {
            let width = 1 + (next() % 3) as usize;
            let leaf =
                |n: u64| Value::String(["1", "a b", "ü&=[]%", "", "Y"][(n % 5) as usize].into());
            let child = |next: &mut dyn FnMut() -> u64| {
                if depth == 0 || next() % 2 == 0 {
                    leaf(next())
                } else {
                    tree(next, depth - 1)
                }
            };
            if next() % 3 == 0 {
                Value::Array((0..width).map(|_| child(next)).collect())
            } else {
                Value::Object(
                    (0..width)
                        .map(|i| (format!("K{i}_{}", next() % 4), child(next)))
                        .collect(),
                )
            }
        }
        fn pairs(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
            match value {
                Value::Object(map) => map
                    .iter()
                    .for_each(|(k, v)| pairs(&format!("{prefix}[{k}]"), v, out)),
                Value::Array(list) => list
                    .iter()
                    .enumerate()
                    .for_each(|(i, v)| pairs(&format!("{prefix}[{i}]"), v, out)),
                Value::String(s) => out.push((prefix.to_string(), s.clone())),
                _ => unreachable!(),
            }
        }
        let encode = |text: &str| {
            text.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' => (b as char).to_string(),
                    b' ' => "+".into(),
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        };
        for _ in 0..2_000 {
            let data = tree(&mut next, 4);
            let mut out = Vec::new();
            pairs("data", &data, &mut out);
            let body = out
                .iter()
                .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                .collect::<Vec<_>>()
                .join("&");
            let decoded = decode_form(body.as_bytes(), Limits::default()).unwrap();
            assert_eq!(decoded, json!({ "data": data }), "{body}");
        }
    }

    /// A small xorshift generator: random bodies never panic the decoder.
    #[test]
    fn random_bodies_never_panic() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"ab0[]=&%+{}\":,\\2F5B5D\xff\x00";
        let limits = Limits {
            max_bytes: 512,
            max_depth: 6,
        };
        for _ in 0..20_000 {
            let len = (next() % 80) as usize;
            let body: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if r % 5 == 0 {
                        r as u8
                    } else {
                        alphabet[(r % alphabet.len() as u64) as usize]
                    }
                })
                .collect();
            for kind in [None, Some("application/json"), Some("text/plain")] {
                if let Ok(value) = decode(kind, &body, limits) {
                    assert!(value.is_object());
                }
            }
        }
    }
}
