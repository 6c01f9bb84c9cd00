//! A small loopback HTTP server for the runtime's integration tests: each
//! test scripts the answers, the server records every request.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Map, Value};
use tokio::net::TcpListener;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Req {
    pub path: String,
    pub query: String,
    pub headers: hyper::HeaderMap,
    pub body: Value,
    /// The body as sent, for what JSON maps lose (the order of `cmd`).
    pub raw: Vec<u8>,
    pub at: Instant,
}

impl Req {
    /// The method name: the last path segment.
    pub fn method(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }
}

/// What the server does with a request.
pub enum Reply {
    Json(u16, Value),
    Text(u16, String),
    /// Close the connection without answering (after reading the request).
    Drop,
    /// Wait, then reply.
    Delay(Duration, Box<Reply>),
    /// A redirect to the location.
    Redirect(u16, String),
}

impl Reply {
    pub fn ok(result: Value) -> Reply {
        Reply::Json(200, json!({"result": result, "time": {"operating": 0.01}}))
    }

    pub fn error(status: u16, code: &str) -> Reply {
        Reply::Json(
            status,
            json!({"error": code, "error_description": format!("{code} described")}),
        )
    }
}

type Handler = dyn Fn(&Req) -> Reply + Send + Sync;

pub struct Server {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<Req>>>,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn webhook(&self) -> String {
        format!("http://{}/rest/1/secretkey/", self.addr)
    }

    pub fn requests(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self, method: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method() == method)
            .count()
    }
}

pub async fn serve(handler: impl Fn(&Req) -> Reply + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests: Arc<Mutex<Vec<Req>>> = Arc::default();
    let handler: Arc<Handler> = Arc::new(handler);
    let seen = requests.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let handler = handler.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let handler = handler.clone();
                    let seen = seen.clone();
                    async move {
                        let (parts, body) = request.into_parts();
                        let bytes = body
                            .collect()
                            .await
                            .map(|b| b.to_bytes())
                            .unwrap_or_default();
                        let req = Req {
                            path: parts.uri.path().to_string(),
                            query: parts.uri.query().unwrap_or("").to_string(),
                            headers: parts.headers,
                            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                            raw: bytes.to_vec(),
                            at: Instant::now(),
                        };
                        seen.lock().unwrap().push(req.clone());
                        let mut reply = handler(&req);
                        loop {
                            match reply {
                                Reply::Delay(wait, next) => {
                                    tokio::time::sleep(wait).await;
                                    reply = *next;
                                }
                                Reply::Drop => {
                                    return Err::<hyper::Response<Full<Bytes>>, _>(Dropped)
                                }
                                Reply::Json(status, value) => {
                                    return Ok(response(status, value.to_string()));
                                }
                                Reply::Text(status, text) => return Ok(response(status, text)),
                                Reply::Redirect(status, location) => {
                                    let mut r = response(status, String::new());
                                    r.headers_mut()
                                        .insert("location", location.parse().unwrap());
                                    return Ok(r);
                                }
                            }
                        }
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Server { addr, requests }
}

#[derive(Debug)]
struct Dropped;
impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("dropped")
    }
}
impl std::error::Error for Dropped {}

fn response(status: u16, body: String) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

/// Parses a PHP-style query string (`a[b][0]=x`) into JSON, as the portal does.
pub fn parse_query(query: &str) -> Value {
    let mut root = Value::Object(Map::new());
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key);
        let value = decode(value);
        let (head, rest) = key
            .split_once('[')
            .map_or((key.as_str(), ""), |(h, r)| (h, r));
        let mut path = vec![head.to_string()];
        for part in rest.split('[').filter(|p| !p.is_empty()) {
            path.push(part.trim_end_matches(']').to_string());
        }
        let mut slot = &mut root;
        for segment in path {
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            slot = slot
                .as_object_mut()
                .unwrap()
                .entry(segment)
                .or_insert(Value::Null);
        }
        *slot = Value::String(value);
    }
    root
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// Resolves `$result[name][a][b]` against earlier results, as the portal does.
pub fn resolve(value: &mut Value, results: &Map<String, Value>) {
    match value {
        Value::String(text) if text.starts_with("$result[") => {
            let mut parts = text["$result".len()..]
                .split('[')
                .filter(|p| !p.is_empty())
                .map(|p| p.trim_end_matches(']').to_string());
            let name = parts.next().unwrap();
            let mut found = results.get(&name).cloned().unwrap_or(Value::Null);
            for part in parts {
                found = match found {
                    Value::Array(items) => part
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| items.get(i).cloned()),
                    Value::Object(map) => map.get(&part).cloned(),
                    _ => None,
                }
                .unwrap_or(Value::Null);
            }
            *value = match found {
                Value::Null => Value::String(String::new()),
                Value::String(s) => Value::String(s),
                other => Value::String(other.to_string()),
            };
        }
        Value::Array(items) => items.iter_mut().for_each(|v| resolve(v, results)),
        Value::Object(map) => map.values_mut().for_each(|v| resolve(v, results)),
        _ => {}
    }
}

/// The commands of a `batch` body in the order they were sent.
pub fn ordered_cmd(raw: &[u8]) -> Vec<(String, String)> {
    use serde::de::{Deserializer, MapAccess, Visitor};
    struct Cmd(Vec<(String, String)>);
    impl<'de> serde::Deserialize<'de> for Cmd {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cmd, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Cmd;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("cmd")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cmd, A::Error> {
                    let mut out = Vec::new();
                    while let Some((k, v)) = map.next_entry::<String, String>()? {
                        out.push((k, v));
                    }
                    Ok(Cmd(out))
                }
            }
            d.deserialize_map(V)
        }
    }
    #[derive(serde::Deserialize)]
    struct Body {
        cmd: Cmd,
    }
    serde_json::from_slice::<Body>(raw).unwrap().cmd.0
}

/// Runs a `batch` request with `run(method, params) -> Ok(result) | Err(code)`.
pub fn run_batch(req: &Req, mut run: impl FnMut(&str, &Value) -> Result<Value, String>) -> Value {
    let body = &req.body;
    let halt = matches!(body.get("halt"), Some(Value::Number(n)) if n.as_u64() == Some(1));
    let mut results = Map::new();
    let mut errors = Map::new();
    for (name, line) in ordered_cmd(&req.raw) {
        let (method, query) = line.split_once('?').unwrap_or((&line, ""));
        let mut params = parse_query(query);
        resolve(&mut params, &results);
        match run(method, &params) {
            Ok(result) => {
                results.insert(name, result);
            }
            Err(code) => {
                errors.insert(name, json!({"error": code, "error_description": "failed"}));
                if halt {
                    break;
                }
            }
        }
    }
    json!({"result": {"result": results, "result_error": errors, "result_total": [], "result_next": [], "result_time": []}})
}

/// Hand-written stand-ins for generated method modules.
pub mod methods {
    use bitrix24::{ApiVersion, Call, CallError, Retry};
    use serde::Serialize;
    use serde_json::Value;

    #[derive(Debug)]
    pub struct TestError(pub CallError);

    impl std::fmt::Display for TestError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.fmt(f)
        }
    }
    impl std::error::Error for TestError {}
    impl From<CallError> for TestError {
        fn from(e: CallError) -> Self {
            TestError(e)
        }
    }

    macro_rules! method {
        ($ty:ident, $name:literal, $retry:expr, $api:expr, $out:ty) => {
            impl Call for $ty {
                const METHOD: &'static str = $name;
                const RETRY: Retry = $retry;
                const API: ApiVersion = $api;
                type Output = $out;
                type Error = TestError;
                fn decode(result: Value) -> Result<$out, serde_json::Error> {
                    serde_json::from_value(result)
                }
            }
        };
    }

    #[derive(Debug, Clone, Serialize, Default)]
    pub struct LeadAdd {
        pub fields: serde_json::Map<String, Value>,
    }
    method!(
        LeadAdd,
        "crm.lead.add",
        Retry::Unsafe,
        ApiVersion::V2,
        Value
    );

    #[derive(Debug, Clone, Serialize)]
    pub struct LeadGet {
        pub id: i64,
    }
    method!(LeadGet, "crm.lead.get", Retry::Read, ApiVersion::V2, Value);

    #[derive(Debug, Clone, Serialize)]
    pub struct LeadList {
        pub select: Vec<String>,
    }
    method!(
        LeadList,
        "crm.lead.list",
        Retry::Read,
        ApiVersion::V2,
        Value
    );

    #[derive(Debug, Clone, serde::Deserialize, PartialEq)]
    pub struct Lead {
        #[serde(rename = "ID", with = "bitrix24::wire::int")]
        pub id: i64,
        #[serde(rename = "TITLE")]
        pub title: String,
    }

    impl bitrix24::ListMethod for LeadList {
        type Item = Lead;
    }

    #[derive(Debug, Clone, Serialize)]
    pub struct ItemsSet {
        pub id: i64,
        pub items: Vec<Binding>,
    }
    #[derive(Debug, Clone, Serialize)]
    pub struct Binding {
        pub contact_id: i64,
    }
    method!(
        ItemsSet,
        "crm.lead.contact.items.set",
        Retry::Idempotent,
        ApiVersion::V2,
        bool
    );

    #[derive(Debug, Clone, Serialize)]
    pub struct TaskAdd {
        pub fields: Value,
    }
    method!(
        TaskAdd,
        "tasks.task.add",
        Retry::Unsafe,
        ApiVersion::V3,
        Value
    );
}

/// Fast retries and no client-side rate limit, for tests about other things.
pub fn fast() -> bitrix24::RetryPolicy {
    bitrix24::RetryPolicy {
        max_retries: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_operating_wait: Duration::from_secs(5),
        operating_retry: Duration::from_millis(300),
    }
}

pub fn client(server: &Server) -> bitrix24::Client {
    bitrix24::Client::builder(bitrix24::Portal::webhook(&server.webhook()))
        .retry_policy(fast())
        .rate_limit(bitrix24::RateLimit::UNLIMITED)
        .build()
        .unwrap()
}
