//! Event delivery: `event.bind` / `event.unbind` / `event.get` record
//! handlers, and adding, updating or deleting a lead, deal or contact POSTs
//! the event (`ONCRMLEADADD`, `ONCRMDEALUPDATE`...) to each
//! handler bound to it, form-encoded as a portal sends it (PHP nested keys,
//! brackets percent-encoded), with `auth` carrying fresh OAuth tokens, the
//! portal's `member_id` and the application token.
//!
//! Handlers must be on loopback (`http://127.0.0.1:…`, `http://localhost:…`).
//! Each delivery runs on its own task and is sent again, after a wait that
//! doubles, while the handler cannot be reached or answers 5xx, up to the
//! configured attempts ([`crate::emulator::EventDelivery`]); every attempt is
//! recorded with the status the handler answered ([`Emulator::deliveries`]).
//! Offline bindings queue events for `event.offline.get` instead.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::limits::{unix_now, Standing};
use super::outcome::{Done, Fail};
use super::portal::{Portal, State};
use super::rng::Rng;
use super::Emulator;

/// One POST of an event to a handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The event's code (`ONCRMLEADADD`).
    pub event: String,
    /// The handler's URL.
    pub handler: String,
    /// The form-encoded body sent.
    pub body: String,
    /// The handler's HTTP status; `None` when it could not be reached.
    pub status: Option<u16>,
}

#[derive(Debug, Clone)]
struct Bound {
    id: i64,
    event: String,
    handler: String,
}

/// Bound handlers and the deliveries made.
#[derive(Debug)]
pub(crate) struct Events {
    bound: Vec<Bound>,
    last_id: i64,
    application_token: String,
    member_id: String,
    deliveries: Arc<Mutex<Vec<Delivery>>>,
    /// Offline events waiting for `event.offline.get`.
    offline: Vec<Value>,
    last_offline: i64,
}

impl Events {
    /// No handlers; the application token and `member_id` drawn from `seed`.
    pub fn new(seed: u64) -> Events {
        let mut rng = Rng::new(seed ^ 0x0e7e_47e7);
        Events {
            bound: Vec::new(),
            last_id: 0,
            application_token: rng.token(32),
            member_id: rng.token(32),
            deliveries: Arc::default(),
            offline: Vec::new(),
            last_offline: 0,
        }
    }

    /// Runs `event.*`; `None` for any other method.
    pub fn call(
        &mut self,
        method: &str,
        params: &Map<String, Value>,
    ) -> Option<Result<(Done, Standing), Fail>> {
        let text = |key: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .and_then(|(_, v)| v.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let done = match method {
            "event.bind" if text("event_type").is_some_and(|t| t.eq_ignore_ascii_case("offline")) => {
                self.bind(text("event"), Some(String::new()))
            }
            "event.bind" => self.bind(text("event"), text("handler")),
            "event.offline.get" => Ok(self.offline_get(params)),
            "event.unbind" => {
                let (event, handler) = (text("event"), text("handler"));
                let before = self.bound.len();
                self.bound.retain(|b| {
                    event.as_deref().is_some_and(|e| !b.event.eq_ignore_ascii_case(e))
                        || handler.as_deref().is_some_and(|h| b.handler != h)
                });
                Ok(Done::of(json!({"count": before - self.bound.len()})))
            }
            "event.get" => Ok(Done::of(Value::Array(
                self.bound
                    .iter()
                    .map(|b| json!({"event": b.event, "handler": b.handler, "auth_type": "0", "offline": u8::from(b.handler.is_empty())}))
                    .collect(),
            ))),
            _ => return None,
        };
        let standing = Standing {
            operating: 0.0,
            reset_at: 0,
            blocked: false,
        };
        Some(done.map(|done| (done, standing)))
    }

    fn bind(&mut self, event: Option<String>, handler: Option<String>) -> Result<Done, Fail> {
        let event = event.ok_or_else(|| Fail::arg("Event name is not defined"))?;
        let handler = handler.ok_or_else(|| Fail::arg("Handler is not defined"))?;
        if !handler.is_empty() && !loopback(&handler) {
            return Err(Fail::new(
                400,
                "ERROR_HANDLER_URL_MISMATCH",
                "Handler must be on loopback (http://127.0.0.1 or http://localhost)",
            ));
        }
        let event = event.to_ascii_uppercase();
        if self
            .bound
            .iter()
            .any(|b| b.event == event && b.handler == handler)
        {
            return Err(Fail::new(400, "ERROR_EVENT_BIND", "Handler already binded"));
        }
        self.last_id += 1;
        self.bound.push(Bound {
            id: self.last_id,
            event,
            handler,
        });
        Ok(Done::of(json!(true)))
    }

    /// `event.offline.get`: the oldest `limit` (default 50) queued events,
    /// removed from the queue unless `clear` is `0`.
    fn offline_get(&mut self, params: &Map<String, Value>) -> Done {
        let number = |key: &str, default: i64| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .and_then(|(_, v)| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()))
                .unwrap_or(default)
        };
        let limit = number("limit", 50).clamp(1, 1000) as usize;
        let taken: Vec<Value> = self.offline.iter().take(limit).cloned().collect();
        if number("clear", 1) != 0 {
            self.offline.drain(..taken.len());
        }
        Done::of(json!({"process_id": null, "events": taken}))
    }

    /// Queues an event for `event.offline.get`, as the portal does when an
    /// offline handler is bound.
    fn queue_offline(&mut self, event: &str, id: &str) {
        self.last_offline += 1;
        self.offline.push(json!({
            "ID": self.last_offline.to_string(),
            "TIMESTAMP_X": super::clock::now(),
            "EVENT_NAME": event,
            "EVENT_DATA": {"FIELDS": {"ID": id}},
            "EVENT_ADDITIONAL": {"user_id": "1"},
            "MESSAGE_ID": format!("{:x}", self.last_offline),
        }));
    }
}

/// `http://127.0.0.1:PORT/...` or `http://localhost:PORT/...`.
fn loopback(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    matches!(name, "127.0.0.1" | "localhost")
}

/// The event a successful CRM call raises, with the record's ID.
fn raised(method: &str, params: &Map<String, Value>, done: &Done) -> Option<(String, String)> {
    let mut parts = method.split('.');
    let (Some("crm"), Some(entity), Some(action), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if !matches!(entity, "lead" | "deal" | "contact") {
        return None;
    }
    let id = match action {
        "add" => done.result.clone(),
        "update" | "delete" => params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("id"))
            .map(|(_, v)| v.clone())?,
        _ => return None,
    };
    let id = match id {
        Value::String(s) => s,
        other => other.to_string(),
    };
    Some((
        format!(
            "ONCRM{}{}",
            entity.to_ascii_uppercase(),
            action.to_ascii_uppercase()
        ),
        id,
    ))
}

impl Portal {
    /// Delivers the event a successful call raised to every handler bound to it.
    pub(crate) fn raise_events(
        &self,
        state: &mut State,
        method: &str,
        params: &Map<String, Value>,
        done: &Done,
    ) {
        let Some((event, id)) = raised(method, params, done) else {
            return;
        };
        let handlers: Vec<Bound> = state
            .events
            .bound
            .iter()
            .filter(|b| b.event == event)
            .cloned()
            .collect();
        for bound in handlers {
            if bound.handler.is_empty() {
                state.events.queue_offline(&event, &id);
                continue;
            }
            let data = [("data[FIELDS][ID]", id.clone())];
            let body = self.event_body(state, &event, Some(bound.id), &data, true);
            let deliveries = state.events.deliveries.clone();
            let policy = self.config.events;
            tokio::spawn(async move {
                let mut wait = policy.retry_after;
                for attempt in 1..=policy.attempts.max(1) {
                    let status = post(&bound.handler, &body).await;
                    record(
                        &deliveries,
                        bound.event.clone(),
                        bound.handler.clone(),
                        body.clone(),
                        status,
                    );
                    // Unreachable or 5xx: the portal tries again; any other
                    // answer is the handler's last word.
                    if status.is_some_and(|s| s < 500) || attempt == policy.attempts {
                        break;
                    }
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2);
                }
            });
        }
    }

    /// A form-encoded event as a portal sends it. Without `tokens`, `auth`
    /// holds only the portal and the application token (`ONAPPUNINSTALL`).
    fn event_body(
        &self,
        state: &mut State,
        event: &str,
        handler_id: Option<i64>,
        data: &[(&str, String)],
        tokens: bool,
    ) -> String {
        let origin = self
            .origin
            .get()
            .cloned()
            .unwrap_or_else(|| "http://127.0.0.1".into());
        let mut fields: Vec<(&str, String)> = vec![("event", event.to_string())];
        if let Some(id) = handler_id {
            fields.push(("event_handler_id", id.to_string()));
        }
        fields.extend(data.iter().cloned());
        fields.push(("ts", (unix_now() as u64).to_string()));
        if tokens {
            let issued = state.auth.issue(self.config.oauth.access_token_ttl);
            fields.extend([
                ("auth[access_token]", issued.access_token),
                ("auth[expires]", issued.expires.to_string()),
                ("auth[expires_in]", issued.expires_in.to_string()),
                ("auth[scope]", "crm".into()),
                ("auth[server_endpoint]", format!("{origin}/rest/")),
                ("auth[status]", "L".into()),
                ("auth[client_endpoint]", format!("{origin}/rest/")),
                ("auth[refresh_token]", issued.refresh_token),
            ]);
        }
        fields.extend([
            (
                "auth[domain]",
                origin.trim_start_matches("http://").to_string(),
            ),
            ("auth[member_id]", state.events.member_id.clone()),
            (
                "auth[application_token]",
                state.events.application_token.clone(),
            ),
        ]);
        fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn record(
    deliveries: &Mutex<Vec<Delivery>>,
    event: String,
    handler: String,
    body: String,
    status: Option<u16>,
) {
    deliveries
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Delivery {
            event,
            handler,
            body,
            status,
        });
}

/// Percent-encodes all but unreserved characters, as PHP's `http_build_query` does.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One HTTP/1.1 POST on loopback; the status line's code, or `None`.
async fn post(url: &str, body: &str) -> Option<u16> {
    let rest = url.strip_prefix("http://")?;
    let (host, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(host).await.ok()?;
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: Bitrix24 Webhook Engine\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut head = Vec::new();
        let mut buf = [0u8; 512];
        while !head.windows(2).any(|w| w == b"\r\n") {
            let n = stream.read(&mut buf).await.ok()?;
            if n == 0 || head.len() > 8192 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        let line = String::from_utf8_lossy(&head);
        line.split_whitespace().nth(1)?.parse().ok()
    };
    tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .ok()?
}

impl Emulator {
    /// The application token every event carries (`auth[application_token]`),
    /// as an application would have saved it at install.
    pub fn application_token(&self) -> String {
        self.portal.lock().events.application_token.clone()
    }

    /// The portal's `member_id`, as events carry it.
    pub fn member_id(&self) -> String {
        self.portal.lock().events.member_id.clone()
    }

    /// POSTs `ONAPPINSTALL` to `handler` (any loopback URL, no binding
    /// needed), as a portal does when the application is installed: fresh
    /// OAuth tokens, `member_id` and the application token. Returns the
    /// handler's status (`None` when unreachable); the delivery is recorded.
    pub async fn install_app(&self, handler: &str) -> Option<u16> {
        let data = [
            ("data[VERSION]", "1".to_string()),
            ("data[ACTIVE]", "Y".to_string()),
            ("data[INSTALLED]", "Y".to_string()),
            ("data[LANGUAGE_ID]", "en".to_string()),
        ];
        self.send_app_event(handler, "ONAPPINSTALL", &data, true)
            .await
    }

    /// POSTs `ONAPPUNINSTALL` to `handler`: no OAuth tokens, only the
    /// portal and the application token, with `data[CLEAN]` (`1` when the
    /// user asked to delete the application's data).
    pub async fn uninstall_app(&self, handler: &str, clean: bool) -> Option<u16> {
        let data = [("data[CLEAN]", u8::from(clean).to_string())];
        self.send_app_event(handler, "ONAPPUNINSTALL", &data, false)
            .await
    }

    async fn send_app_event(
        &self,
        handler: &str,
        event: &str,
        data: &[(&str, String)],
        tokens: bool,
    ) -> Option<u16> {
        if !loopback(handler) {
            return None;
        }
        let (body, deliveries) = {
            let mut state = self.portal.lock();
            let body = self
                .portal
                .event_body(&mut state, event, None, data, tokens);
            (body, state.events.deliveries.clone())
        };
        let status = post(handler, &body).await;
        record(&deliveries, event.into(), handler.into(), body, status);
        status
    }

    /// The bound handlers, as `(EVENT, handler URL)`.
    pub fn event_handlers(&self) -> Vec<(String, String)> {
        let state = self.portal.lock();
        state
            .events
            .bound
            .iter()
            .map(|b| (b.event.clone(), b.handler.clone()))
            .collect()
    }

    /// The deliveries finished so far, in the order they finished.
    pub fn deliveries(&self) -> Vec<Delivery> {
        let deliveries = self.portal.lock().events.deliveries.clone();
        let list = deliveries.lock().unwrap_or_else(|e| e.into_inner()).clone();
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_only() {
        assert!(loopback("http://127.0.0.1:8080/events"));
        assert!(loopback("http://localhost:1/"));
        assert!(!loopback("https://127.0.0.1/"));
        assert!(!loopback("http://example.com/"));
        assert!(!loopback("http://127.0.0.1.example.com/"));
    }

    #[test]
    fn raised_by_lead_writes_only() {
        let params: Map<String, Value> = serde_json::from_value(json!({"id": 5})).unwrap();
        let done = Done::of(json!(7));
        assert_eq!(
            raised("crm.lead.add", &params, &done),
            Some(("ONCRMLEADADD".into(), "7".into()))
        );
        assert_eq!(
            raised("crm.lead.update", &params, &done),
            Some(("ONCRMLEADUPDATE".into(), "5".into()))
        );
        assert_eq!(
            raised("crm.lead.delete", &params, &done),
            Some(("ONCRMLEADDELETE".into(), "5".into()))
        );
        assert_eq!(raised("crm.lead.get", &params, &done), None);
        assert_eq!(
            raised("crm.deal.add", &params, &done),
            Some(("ONCRMDEALADD".into(), "7".into()))
        );
        assert_eq!(
            raised("crm.contact.delete", &params, &done),
            Some(("ONCRMCONTACTDELETE".into(), "5".into()))
        );
        assert_eq!(raised("crm.lead.contact.items.set", &params, &done), None);
        assert_eq!(encode("data[FIELDS][ID]"), "data%5BFIELDS%5D%5BID%5D");
    }
}
