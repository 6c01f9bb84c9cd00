//! Every call leaves a `bitrix24.call` span with its method, retries,
//! status and duration; no span or event holds a secret, even when the
//! portal echoes the request back in its errors.

mod common;

use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bitrix24::{Client, OAuth, Tokens};
use bitrix24_testkit::mock::{MockPortal, MockResponse};
use bitrix24_testkit::RecordedRequest;
use common::methods::{LeadAdd, LeadGet};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A span's name and its fields as text.
type Span = (String, Vec<(String, String)>);

/// Records every span's name and fields, and every event, as text.
#[derive(Default, Clone)]
struct Recorder {
    spans: Arc<Mutex<Vec<Span>>>,
    events: Arc<Mutex<Vec<String>>>,
    next: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut Vec<(String, String)>);
impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_string(), value.to_string()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0
            .push((field.name().to_string(), format!("{value:?}")));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut fields = Vec::new();
        attrs.record(&mut Fields(&mut fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push((attrs.metadata().name().to_string(), fields));
        self.next.fetch_add(1, Ordering::SeqCst);
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, id: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        let span = &mut spans[id.into_u64() as usize - 1];
        values.record(&mut Fields(&mut span.1));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(format!("{fields:?}"));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn calls_are_traced_without_secrets() {
    let recorder = Recorder::default();
    tracing::subscriber::with_default(recorder.clone(), || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let portal = MockPortal::start().await;
            // Echoes what it was sent, secrets and all.
            let echo = |request: &RecordedRequest| {
                let query = request.query.clone().unwrap_or_default();
                format!("{} {query} {}", request.path, request.body_text())
            };
            portal.respond_fn("/oauth/bad/", move |request| {
                let body = json!({"error": "invalid_grant", "error_description": echo(request)});
                MockResponse::json(400, body)
            });
            portal.respond_fn("echo.me", move |request| {
                let body = json!({"error": "ECHO", "error_description": echo(request)});
                MockResponse::json(400, body)
            });
            portal.respond(
                "/oauth/token/",
                200,
                json!({"access_token": "fresh-access", "refresh_token": "fresh-refresh"}),
            );
            portal.respond_drop("crm.lead.add");
            portal.respond_fn("crm.lead.get", |request| {
                if request.params().get("auth") == Some(&json!("stale-access")) {
                    return MockResponse::json(401, json!({"error": "expired_token"}));
                }
                let body = json!({"result": {"ID": "1"}, "time": {"operating": 1.5}});
                MockResponse::json(200, body)
            });
            let url = format!("{}/", portal.origin());
            let webhook = Client::builder(bitrix24::Portal::webhook(&format!(
                "{url}rest/1/webhook-secret/"
            )))
            .retry_policy(common::fast())
            .build()
            .unwrap();
            webhook.call(LeadGet { id: 1 }).await.unwrap();
            assert!(webhook.call(LeadAdd::default()).await.is_err());
            let oauth = OAuth::new(
                "app",
                "client-secret",
                Tokens::new("stale-access", "stale-refresh"),
            )
            .token_endpoint(format!("{url}oauth/token/"));
            let app = Client::oauth_app(&url, oauth)
                .retry_policy(common::fast())
                .build()
                .unwrap();
            app.call(LeadGet { id: 2 }).await.unwrap();
            for client in [&webhook, &app] {
                let echoed = client
                    .call_raw("echo.me", bitrix24::ApiVersion::V2, json!({}))
                    .await
                    .unwrap_err();
                assert!(format!("{echoed}").contains("***"), "{echoed}");
            }
            let failing = OAuth::new(
                "app",
                "client-secret",
                Tokens::new("stale-access", "other-refresh"),
            )
            .token_endpoint(format!("{url}oauth/bad/"));
            let failing = Client::oauth_app(&url, failing)
                .retry_policy(common::fast())
                .build()
                .unwrap();
            assert!(failing.call(LeadGet { id: 3 }).await.is_err());
        });
    });
    let spans = recorder.spans.lock().unwrap().clone();
    let calls: Vec<_> = spans
        .iter()
        .filter(|(name, _)| name == "bitrix24.call")
        .collect();
    assert_eq!(calls.len(), 6);
    let field = |span: &Span, key: &str| {
        span.1
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(field(calls[0], "method").as_deref(), Some("crm.lead.get"));
    assert_eq!(field(calls[0], "status").as_deref(), Some("200"));
    assert_eq!(field(calls[0], "operating").as_deref(), Some("1.5"));
    assert!(field(calls[0], "duration_ms").is_some());
    assert_eq!(field(calls[1], "retries").as_deref(), Some("0"));
    assert!(spans
        .iter()
        .any(|(name, _)| name == "bitrix24.oauth.refresh"));
    let everything = format!("{spans:?} {:?}", recorder.events.lock().unwrap());
    for secret in [
        "webhook-secret",
        "client-secret",
        "stale-access",
        "stale-refresh",
        "fresh-access",
        "fresh-refresh",
        "other-refresh",
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked: {everything}"
        );
    }
}
