//! Requests as a portal received them, kept for tests to assert on. Both
//! [`MockPortal`](crate::MockPortal) and [`Emulator`](crate::Emulator)
//! record every request they receive.

use serde_json::Value;
use tokio::time::Instant;

use crate::server::Request;
use crate::wire::{self, Body};

/// A request a portal received.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// The key answers are looked up by: the REST method name
    /// (`crm.lead.add`), or the path for non-REST requests (`/oauth/token/`).
    pub method_path: String,
    /// The HTTP method (`POST`, `GET`).
    pub http_method: String,
    /// The full path as sent, without the query.
    pub path: String,
    /// The query string without `?`, if any.
    pub query: Option<String>,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body: JSON (forms are turned into a JSON object), or raw text.
    pub body: Body,
    /// When it arrived (its body read in full), on tokio's clock.
    pub at: Instant,
}

impl RecordedRequest {
    /// Records `request` as arrived now.
    pub(crate) fn new(request: &Request) -> RecordedRequest {
        let method_path = match wire::route(&request.path) {
            Some(route) => route.method,
            None => request.path.clone(),
        };
        RecordedRequest {
            method_path,
            http_method: request.method.clone(),
            path: request.path.clone(),
            query: request.query.clone(),
            headers: request.headers.clone(),
            body: wire::body(request),
            at: Instant::now(),
        }
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON, if it was JSON or a form.
    pub fn json(&self) -> Option<&Value> {
        self.body.json()
    }

    /// The body as text: JSON as compact JSON, anything else as it came
    /// (lossy UTF-8).
    pub fn body_text(&self) -> String {
        match &self.body {
            Body::Json(value) => value.to_string(),
            Body::Text(text) => text.clone(),
        }
    }

    /// The call's parameters as a portal reads them: the query string's
    /// fields, then the body's (JSON or form) on top. Empty when the body is
    /// neither.
    pub fn params(&self) -> serde_json::Map<String, Value> {
        let mut params = match self.query.as_deref().map(wire::parse_form) {
            Some(Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        if let Body::Json(Value::Object(map)) = &self.body {
            params.extend(map.clone());
        }
        params
    }

    /// The commands of a `batch` request as `(name, "method?query")`, in the
    /// order the request sent them; empty when it holds none (not a batch,
    /// or a `cmd` that is not an object of strings). JSON objects keep their
    /// order here (`serde_json`'s `preserve_order` is on).
    pub fn batch_commands(&self) -> Vec<(String, String)> {
        let cmd = self
            .params()
            .into_iter()
            .find(|(key, _)| key.eq_ignore_ascii_case("cmd"))
            .map(|(_, value)| value);
        match cmd {
            Some(Value::Object(commands)) => commands
                .into_iter()
                .filter_map(|(name, command)| match command {
                    Value::String(text) => Some((name, text)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}
