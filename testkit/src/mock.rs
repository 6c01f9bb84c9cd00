//! A scripted portal: every answer is one the test queued.
//!
//! ```no_run
//! # async fn demo() {
//! use bitrix24_testkit::MockPortal;
//! use serde_json::json;
//!
//! let portal = MockPortal::start().await;
//! portal.respond("crm.lead.get", 200, json!({"result": {"ID": "1"}}));
//! portal.respond_raw("crm.lead.list", 502, "<html>Bad Gateway</html>");
//! // ... point the client under test at portal.webhook_url() ...
//! let seen = portal.requests();
//! assert_eq!(seen[0].method_path, "crm.lead.get");
//! # }
//! ```
//!
//! Answers are kept per method, in order: each request takes the next queued
//! answer, and the last one stays and is served to every later request. An
//! answer is fixed ([`MockPortal::respond`], [`MockPortal::respond_with`]...)
//! or computed from the request it serves ([`MockPortal::respond_fn`]).
//! A method with nothing queued gets the answers queued for `"*"`, if any,
//! else what a portal sends for an unknown method:
//! `404 {"error":"ERROR_METHOD_NOT_FOUND",...}`.
//!
//! Requests to `/rest/...` are keyed by method name (`crm.lead.add`; a
//! `.json` suffix and the webhook segments are dropped). Any other path is
//! keyed by the path itself, e.g. `"/oauth/token/"`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

pub use crate::recorded::RecordedRequest;
use crate::server::{BoxFuture, Handler, Reply, Request, Response, Server};

/// The key whose answers serve every method that has none of its own.
pub const ANY_METHOD: &str = "*";

/// The webhook key in [`MockPortal::webhook_url`].
pub const MOCK_WEBHOOK_KEY: &str = "mockwebhookkey0123456789";

/// One scripted answer.
#[derive(Debug, Clone, PartialEq)]
pub struct MockResponse {
    reply: Reply,
    delay: Duration,
}

impl MockResponse {
    /// A JSON response.
    pub fn json(status: u16, body: Value) -> MockResponse {
        MockResponse {
            reply: Reply::Respond(Response::json(status, &body)),
            delay: Duration::ZERO,
        }
    }

    /// A response with a text body sent verbatim (an HTML error page, a
    /// truncated JSON document, an empty body...).
    pub fn raw(status: u16, body: impl Into<String>) -> MockResponse {
        MockResponse {
            reply: Reply::Respond(Response::text(status, body)),
            delay: Duration::ZERO,
        }
    }

    /// No response: the connection is closed once the request is read.
    pub fn drop_connection() -> MockResponse {
        MockResponse {
            reply: Reply::Drop,
            delay: Duration::ZERO,
        }
    }

    /// Waits this long before answering (or dropping).
    pub fn delay(mut self, delay: Duration) -> MockResponse {
        self.delay = delay;
        self
    }

    /// Waits the delay, then gives the reply to send.
    pub(crate) async fn send(self) -> Reply {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        self.reply
    }

    /// Adds a response header (ignored for [`MockResponse::drop_connection`]).
    pub fn header(mut self, name: &str, value: &str) -> MockResponse {
        if let Reply::Respond(response) = &mut self.reply {
            response
                .headers
                .push((name.to_ascii_lowercase(), value.to_string()));
        }
        self
    }
}

/// An answer computed from the request, see [`MockPortal::respond_fn`].
type Compute = dyn Fn(&RecordedRequest) -> MockResponse + Send + Sync;

/// One queued answer: fixed, or computed from the request.
#[derive(Clone)]
enum Scripted {
    Fixed(MockResponse),
    Computed(Arc<Compute>),
}

#[derive(Default)]
struct Script {
    answers: HashMap<String, VecDeque<Scripted>>,
    requests: Vec<RecordedRequest>,
}

struct MockHandler {
    script: Arc<Mutex<Script>>,
}

impl Handler for MockHandler {
    fn handle(&self, request: Request) -> BoxFuture<'_, Reply> {
        Box::pin(async move {
            let recorded = RecordedRequest::new(&request);
            let scripted = {
                let mut script = self.script.lock().unwrap_or_else(|e| e.into_inner());
                script.requests.push(recorded.clone());
                let key = if script.answers.contains_key(&recorded.method_path) {
                    recorded.method_path.as_str()
                } else {
                    ANY_METHOD
                };
                match script.answers.get_mut(key) {
                    Some(queue) if queue.len() > 1 => queue.pop_front(),
                    Some(queue) => queue.front().cloned(),
                    None => None,
                }
            };
            let answer = match scripted {
                Some(Scripted::Fixed(answer)) => answer,
                Some(Scripted::Computed(compute)) => compute(&recorded),
                None => not_found(&recorded.method_path),
            };
            answer.send().await
        })
    }
}

fn not_found(method: &str) -> MockResponse {
    MockResponse::json(
        404,
        json!({
            "error": "ERROR_METHOD_NOT_FOUND",
            "error_description": format!("Method not found! ({method})"),
        }),
    )
}

/// A loopback portal that answers with scripted responses and records every
/// request. Stops when dropped.
pub struct MockPortal {
    server: Server,
    script: Arc<Mutex<Script>>,
}

impl MockPortal {
    /// Starts the mock on `127.0.0.1` with a free port.
    ///
    /// # Panics
    /// Outside a tokio runtime, or when no loopback port can be bound.
    pub async fn start() -> MockPortal {
        let script = Arc::new(Mutex::new(Script::default()));
        let handler = Arc::new(MockHandler {
            script: script.clone(),
        });
        let server = Server::start(handler)
            .await
            .expect("bind 127.0.0.1:0 for the mock portal");
        MockPortal { server, script }
    }

    /// `http://127.0.0.1:PORT/rest/1/<key>/`: the base of webhook calls.
    pub fn webhook_url(&self) -> String {
        format!("{}/rest/1/{MOCK_WEBHOOK_KEY}/", self.server.origin())
    }

    /// `http://127.0.0.1:PORT/rest/`: the base of OAuth calls (the
    /// `client_endpoint` a token response carries).
    pub fn oauth_url(&self) -> String {
        format!("{}/rest/", self.server.origin())
    }

    /// `http://127.0.0.1:PORT/oauth/token/`: where token refreshes go; script
    /// it with `respond("/oauth/token/", ...)`.
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token/", self.server.origin())
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn origin(&self) -> String {
        self.server.origin()
    }

    /// Queues a JSON answer for `method` (a REST method name, a path such as
    /// `/oauth/token/`, or [`ANY_METHOD`]). The last queued answer repeats.
    pub fn respond(&self, method: &str, status: u16, body: Value) -> &Self {
        self.respond_with(method, MockResponse::json(status, body))
    }

    /// Queues an answer whose body is `body` verbatim, for garbage bodies.
    pub fn respond_raw(&self, method: &str, status: u16, body: &str) -> &Self {
        self.respond_with(method, MockResponse::raw(status, body))
    }

    /// Queues a dropped connection for `method`.
    pub fn respond_drop(&self, method: &str) -> &Self {
        self.respond_with(method, MockResponse::drop_connection())
    }

    /// Queues any scripted answer.
    pub fn respond_with(&self, method: &str, response: MockResponse) -> &Self {
        self.queue(method, Scripted::Fixed(response))
    }

    /// Queues an answer computed from each request it serves (an echo, an
    /// answer that depends on a parameter or a header...). Like any queued
    /// answer it serves one request, or every later one when it is last.
    pub fn respond_fn(
        &self,
        method: &str,
        answer: impl Fn(&RecordedRequest) -> MockResponse + Send + Sync + 'static,
    ) -> &Self {
        self.queue(method, Scripted::Computed(Arc::new(answer)))
    }

    fn queue(&self, method: &str, answer: Scripted) -> &Self {
        let key = normalize(method);
        let mut script = self.script.lock().unwrap_or_else(|e| e.into_inner());
        script.answers.entry(key).or_default().push_back(answer);
        self
    }

    /// Forgets every queued answer for `method`.
    pub fn clear(&self, method: &str) {
        let mut script = self.script.lock().unwrap_or_else(|e| e.into_inner());
        script.answers.remove(&normalize(method));
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.script
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .requests
            .clone()
    }

    /// The requests received for one method.
    pub fn requests_for(&self, method: &str) -> Vec<RecordedRequest> {
        let key = normalize(method);
        self.requests()
            .into_iter()
            .filter(|r| r.method_path == key)
            .collect()
    }
}

impl std::fmt::Debug for MockPortal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockPortal")
            .field("addr", &self.server.addr())
            .finish()
    }
}

fn normalize(method: &str) -> String {
    if method.starts_with('/') {
        method.to_string()
    } else {
        method.to_ascii_lowercase()
    }
}
