//! `batch`: reading the commands, resolving `$result[...]` references, and
//! shaping the answer.

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{json, Map, Value};

use super::outcome::{Done, Fail};
use super::spec::{as_i64, param};
use crate::server::Request;
use crate::wire;

/// One command of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// The key it was given in `cmd`.
    pub name: String,
    /// The method, lower case.
    pub method: String,
    /// Its parameters, before references are resolved.
    pub params: Map<String, Value>,
}

/// The names in `cmd` in the order the request sent them (a JSON object
/// read into a map loses it; commands must run in the order given).
pub fn command_order(request: &Request) -> Vec<String> {
    let mut names = Vec::new();
    if let Ok(top) = serde_json::from_slice::<CmdKeys>(&request.body) {
        names = top.0;
    }
    let body = String::from_utf8_lossy(&request.body);
    let forms = [request.query.as_deref().unwrap_or(""), body.as_ref()];
    for form in forms {
        for pair in form.split('&') {
            let key = wire::percent_decode(
                pair.split('=')
                    .next()
                    .unwrap_or("")
                    .replace('+', " ")
                    .as_str(),
            );
            let name = key
                .strip_prefix("cmd[")
                .and_then(|rest| rest.split(']').next())
                .map(str::to_string);
            if let Some(name) = name {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// The keys of the top-level `cmd` object, in order.
struct CmdKeys(Vec<String>);

impl<'de> Deserialize<'de> for CmdKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CmdKeys, D::Error> {
        struct Top;
        impl<'de> Visitor<'de> for Top {
            type Value = CmdKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CmdKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key.eq_ignore_ascii_case("cmd") {
                        keys = map.next_value::<Keys>()?.0;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(CmdKeys(keys))
            }
        }
        struct Keys(Vec<String>);
        impl<'de> Deserialize<'de> for Keys {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Keys, D::Error> {
                struct Inner;
                impl<'de> Visitor<'de> for Inner {
                    type Value = Keys;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("commands")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                        let mut keys = Vec::new();
                        while let Some(key) = map.next_key::<String>()? {
                            map.next_value::<IgnoredAny>()?;
                            keys.push(key);
                        }
                        Ok(Keys(keys))
                    }
                    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Keys, A::Error> {
                        while seq.next_element::<IgnoredAny>()?.is_some() {}
                        Ok(Keys(Vec::new()))
                    }
                }
                deserializer.deserialize_any(Inner)
            }
        }
        deserializer.deserialize_map(Top)
    }
}

/// Reads `cmd` and `halt`; commands named in `order` run in that order.
pub fn commands(
    params: &Map<String, Value>,
    order: &[String],
    limit: usize,
) -> Result<(Vec<Command>, bool), Fail> {
    let halt = param(params, "halt").is_some_and(|h| match h {
        Value::Bool(b) => *b,
        other => as_i64(other).is_some_and(|n| n != 0),
    });
    let entries: Vec<(String, &Value)> = match param(params, "cmd") {
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return Err(Fail::arg("Required parameter \"cmd\" is missing")),
    };
    let mut entries = entries;
    entries.sort_by_key(|(name, _)| order.iter().position(|o| o == name).unwrap_or(usize::MAX));
    if entries.len() > limit {
        return Err(Fail::new(
            400,
            "ERROR_BATCH_LENGTH_EXCEEDED",
            "Max batch length exceeded",
        ));
    }
    let mut out = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        let Some(text) = value.as_str() else {
            return Err(Fail::arg(format!("Command \"{name}\" must be a string")));
        };
        let (method, query) = text.split_once('?').unwrap_or((text, ""));
        let params = match wire::parse_form(query) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        out.push(Command {
            name,
            method: wire::percent_decode(method.trim()).to_ascii_lowercase(),
            params,
        });
    }
    Ok((out, halt))
}

/// What earlier commands produced, for references.
#[derive(Debug, Default)]
pub struct Results {
    result: Map<String, Value>,
    error: Map<String, Value>,
    total: Map<String, Value>,
    next: Map<String, Value>,
    time: Map<String, Value>,
}

impl Results {
    /// Records a command's success.
    pub fn ok(&mut self, name: &str, done: Done, time: Value) {
        self.result.insert(name.to_string(), done.result);
        if let Some(total) = done.total {
            self.total.insert(name.to_string(), json!(total));
        }
        if let Some(next) = done.next {
            self.next.insert(name.to_string(), json!(next));
        }
        self.time.insert(name.to_string(), time);
    }

    /// Records a command's failure.
    pub fn failed(&mut self, name: &str, fail: &Fail) {
        self.error.insert(name.to_string(), fail.body());
    }

    /// Replaces references in every string of `params`.
    pub fn resolve(&self, params: &mut Map<String, Value>) {
        for value in params.values_mut() {
            self.resolve_value(value);
        }
    }

    fn resolve_value(&self, value: &mut Value) {
        match value {
            Value::String(text) if text.contains("$result") => {
                if let Some(resolved) = self.substitute(text) {
                    *value = resolved;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.resolve_value(v)),
            Value::Object(map) => map.values_mut().for_each(|v| self.resolve_value(v)),
            _ => {}
        }
    }

    /// A string that is one whole reference becomes the referenced value;
    /// references inside other text are replaced by their text.
    fn substitute(&self, text: &str) -> Option<Value> {
        if let Some((value, used)) = self.reference(text) {
            if used == text.len() {
                return Some(value);
            }
        }
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find("$result") {
            out.push_str(&rest[..at]);
            match self.reference(&rest[at..]) {
                Some((value, used)) => {
                    out.push_str(&scalar_text(&value));
                    rest = &rest[at + used..];
                }
                None => {
                    out.push_str("$result");
                    rest = &rest[at + "$result".len()..];
                }
            }
        }
        out.push_str(rest);
        Some(Value::String(out))
    }

    /// Reads one reference at the start of `text`: the value (null when the
    /// path leads nowhere) and how many bytes it spans.
    fn reference(&self, text: &str) -> Option<(Value, usize)> {
        let rest = text.strip_prefix("$result")?;
        let (source, rest) = [
            ("_error", &self.error),
            ("_total", &self.total),
            ("_next", &self.next),
            ("_time", &self.time),
        ]
        .into_iter()
        .find_map(|(suffix, map)| rest.strip_prefix(suffix).map(|r| (map, r)))
        .unwrap_or((&self.result, rest));
        let mut keys = Vec::new();
        let mut tail = rest;
        while let Some(inner) = tail.strip_prefix('[') {
            let close = inner.find(']')?;
            keys.push(&inner[..close]);
            tail = &inner[close + 1..];
        }
        let (first, path) = keys.split_first()?;
        let mut current = source.get(*first).cloned().unwrap_or(Value::Null);
        for key in path {
            current = match &current {
                Value::Object(map) => map.get(*key).cloned().unwrap_or(Value::Null),
                Value::Array(items) => key
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i).cloned())
                    .unwrap_or(Value::Null),
                _ => Value::Null,
            };
        }
        Some((current, text.len() - tail.len()))
    }

    /// The `result` of the batch: five maps, an empty one written as `[]`.
    pub fn into_result(self) -> Value {
        let shaped = |map: Map<String, Value>| {
            if map.is_empty() {
                Value::Array(Vec::new())
            } else {
                Value::Object(map)
            }
        };
        json!({
            "result": shaped(self.result),
            "result_error": shaped(self.error),
            "result_total": shaped(self.total),
            "result_next": shaped(self.next),
            "result_time": shaped(self.time),
        })
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_references() {
        let params = json!({"halt": "1", "cmd": {"a": "crm.lead.add?fields[TITLE]=x", "b": "crm.lead.get?id=$result[a]"}});
        let (commands, halt) = commands(params.as_object().unwrap(), &[], 50).unwrap();
        assert!(halt);
        assert_eq!(commands[0].method, "crm.lead.add");
        assert_eq!(
            commands[0].params,
            *json!({"fields": {"TITLE": "x"}}).as_object().unwrap()
        );
        let mut results = Results::default();
        results.ok("a", Done::of(json!(17)), json!({}));
        results.ok(
            "l",
            Done {
                result: json!([{"ID": "3"}, {"ID": "4"}]),
                total: Some(2),
                next: None,
            },
            json!({}),
        );
        let mut params = commands[1].params.clone();
        results.resolve(&mut params);
        assert_eq!(params["id"], json!(17));
        let mut params = json!({"filter": {">ID": "$result[l][1][ID]"}, "t": "n=$result_total[l];x=$result[zz]"})
            .as_object()
            .unwrap()
            .clone();
        results.resolve(&mut params);
        assert_eq!(params["filter"][">ID"], "4");
        assert_eq!(params["t"], "n=2;x=");
    }

    #[test]
    fn command_order_is_the_request_order() {
        let request = |body: &str, query: Option<&str>| Request {
            method: "POST".into(),
            path: "/rest/batch".into(),
            query: query.map(str::to_string),
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        };
        let json = request(
            r#"{"halt": 0, "cmd": {"z": "a.b", "a": "a.b?x=1", "m": "a.b"}}"#,
            None,
        );
        assert_eq!(command_order(&json), ["z", "a", "m"]);
        let form = request(
            "halt=0&cmd%5Bz%5D=a.b&cmd[a]=a.b%3Fx%3D1",
            Some("cmd[q]=a.b"),
        );
        assert_eq!(command_order(&form), ["q", "z", "a"]);
        let params = json!({"cmd": {"z": "crm.lead.fields", "a": "crm.deal.fields"}});
        let (parsed, _) = commands(params.as_object().unwrap(), &command_order(&json), 50).unwrap();
        assert_eq!(
            parsed.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["z", "a"]
        );
    }

    #[test]
    fn too_many_commands() {
        let cmd: Map<String, Value> = (0..51)
            .map(|i| (format!("c{i}"), json!("crm.lead.fields")))
            .collect();
        let err = commands(json!({"cmd": cmd}).as_object().unwrap(), &[], 50).unwrap_err();
        assert_eq!(err.code, "ERROR_BATCH_LENGTH_EXCEEDED");
    }
}
