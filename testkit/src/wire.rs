//! How a portal reads a request: the route in the path and the parameters in
//! the query string and body (JSON, or PHP-style form fields such as
//! `filter[>ID]=5&select[]=ID`).

use serde_json::{Map, Value};

use crate::server::Request;

/// Where a REST request went, read from its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `/rest/api/...`: REST 3.0.
    pub v3: bool,
    /// The webhook user and key, for `/rest/USER/KEY/method`.
    pub webhook: Option<(String, String)>,
    /// The method name, lower case, without a `.json` suffix.
    pub method: String,
}

/// Reads `/rest/[api/][USER/KEY/]method[.json][/]`; `None` for other paths.
pub fn route(path: &str) -> Option<Route> {
    let rest = path.strip_prefix("/rest/")?;
    let (v3, rest) = match rest.strip_prefix("api/") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let (webhook, method) = match segments.as_slice() {
        [method] => (None, *method),
        [user, key, method] if user.chars().all(|c| c.is_ascii_digit()) => {
            (Some((user.to_string(), key.to_string())), *method)
        }
        _ => return None,
    };
    let method = method.strip_suffix(".json").unwrap_or(method);
    Some(Route {
        v3,
        webhook,
        method: percent_decode(method).to_ascii_lowercase(),
    })
}

/// A request body as recorded: JSON when it parses, otherwise text.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// The body parsed as JSON, or form fields turned into a JSON object.
    Json(Value),
    /// A body that is neither JSON nor a form, as (lossy UTF-8) text.
    Text(String),
}

impl Body {
    /// The JSON value, if the body was JSON or a form.
    pub fn json(&self) -> Option<&Value> {
        match self {
            Body::Json(value) => Some(value),
            Body::Text(_) => None,
        }
    }
}

/// Reads the body: JSON, a form, empty (an empty object) or text.
pub fn body(request: &Request) -> Body {
    let text = String::from_utf8_lossy(&request.body);
    if text.trim().is_empty() {
        return Body::Json(Value::Object(Map::new()));
    }
    if let Ok(value) = serde_json::from_str::<Value>(&text) {
        return Body::Json(value);
    }
    let form = request
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if form {
        return Body::Json(parse_form(&text));
    }
    Body::Text(text.into_owned())
}

/// The call's parameters: query fields, then body fields on top.
/// `Err` carries a description when the body is not an object or form.
pub fn params(request: &Request) -> Result<Map<String, Value>, String> {
    let mut params = match &request.query {
        Some(query) => match parse_form(query) {
            Value::Object(map) => map,
            _ => Map::new(),
        },
        None => Map::new(),
    };
    match body(request) {
        Body::Json(Value::Object(map)) => params.extend(map),
        Body::Json(Value::Array(items)) if items.is_empty() => {}
        Body::Json(_) => return Err("the request body must be a JSON object".into()),
        Body::Text(_) => return Err("the request body is not valid JSON".into()),
    }
    Ok(params)
}

/// Parses `a=1&b[]=2&c[x][y]=3` into a JSON object, PHP style. Values stay
/// strings; `key[]` appends; numeric-looking keys stay object keys except
/// under `[]`.
pub fn parse_form(text: &str) -> Value {
    let mut root = Value::Object(Map::new());
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(&key.replace('+', " "));
        let value = percent_decode(&value.replace('+', " "));
        let (head, path) = split_key(&key);
        if head.is_empty() {
            continue;
        }
        let mut slot = &mut root;
        let mut keys = vec![head];
        keys.extend(path);
        let last = keys.len() - 1;
        for (index, key) in keys.into_iter().enumerate() {
            slot = child(slot, &key);
            if index == last {
                *slot = Value::String(value.clone());
            }
        }
    }
    root
}

/// The entry for `key` under `slot`, created as needed; `""` appends.
fn child<'a>(slot: &'a mut Value, key: &str) -> &'a mut Value {
    if key.is_empty() {
        if !slot.is_array() {
            *slot = Value::Array(Vec::new());
        }
        let items = slot.as_array_mut().expect("just made an array");
        items.push(Value::Null);
        return items.last_mut().expect("just pushed");
    }
    if !slot.is_object() {
        // An array being addressed by key turns into an object with index keys.
        let previous = std::mem::replace(slot, Value::Object(Map::new()));
        if let Value::Array(items) = previous {
            let map = slot.as_object_mut().expect("just made an object");
            for (index, item) in items.into_iter().enumerate() {
                map.insert(index.to_string(), item);
            }
        }
    }
    slot.as_object_mut()
        .expect("just made an object")
        .entry(key.to_string())
        .or_insert(Value::Null)
}

/// `a[b][c]` → (`a`, [`b`, `c`]).
fn split_key(key: &str) -> (String, Vec<String>) {
    match key.find('[') {
        None => (key.to_string(), Vec::new()),
        Some(open) => {
            let head = key[..open].to_string();
            let mut path = Vec::new();
            let mut rest = &key[open..];
            while let Some(inner) = rest.strip_prefix('[') {
                match inner.find(']') {
                    Some(close) => {
                        path.push(inner[..close].to_string());
                        rest = &inner[close + 1..];
                    }
                    None => break,
                }
            }
            (head, path)
        }
    }
}

/// Decodes `%XX` escapes; invalid escapes are kept as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
            let valid = hex.len() == 2 && hex.bytes().all(|b| b.is_ascii_hexdigit());
            if let (true, Ok(byte)) = (valid, u8::from_str_radix(hex, 16)) {
                out.push(byte);
                index += 3;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn routes() {
        let webhook = route("/rest/1/abc/crm.lead.add.json").unwrap();
        assert_eq!(webhook.webhook, Some(("1".into(), "abc".into())));
        assert_eq!(webhook.method, "crm.lead.add");
        assert!(!webhook.v3);
        let oauth = route("/rest/batch/").unwrap();
        assert_eq!((oauth.webhook, oauth.method.as_str()), (None, "batch"));
        assert!(route("/rest/api/1/k/tasks.task.get").unwrap().v3);
        assert_eq!(route("/oauth/token/"), None);
    }

    #[test]
    fn forms() {
        let parsed =
            parse_form("id=5&filter%5B%3EID%5D=7&select[]=ID&select[]=TITLE&fields[NAME]=A+B");
        assert_eq!(
            parsed,
            json!({"id": "5", "filter": {">ID": "7"}, "select": ["ID", "TITLE"], "fields": {"NAME": "A B"}})
        );
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%41%zz"), "A%zz");
    }
}
