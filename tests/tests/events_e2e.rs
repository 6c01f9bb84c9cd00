//! Events end to end through generated bindings: `bitrix_api!` over a
//! fixture folder of event pages gives `events::Event`; an application binds
//! its codes on the emulator, a lead is added, updated and deleted, and the
//! handler gets each as its typed variant, verified. Forged POSTs are
//! answered 401 and never reach user code.

use std::sync::Arc;
use std::time::Duration;

use bitrix24::events::{
    EventError, EventHandler, EventSet, MemoryApplicationTokens, OfflineEvents, VerifyError,
};
use bitrix24::{ApiVersion, Client};
use bitrix24_testkit::server::{BoxFuture, Reply, Request, Response, Server};
use bitrix24_testkit::{Config, Emulator};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

bitrix24::bitrix_api!("fixtures/lead-events");

use events::Event;

/// The application's endpoint: verified events go to the channel (user
/// code); anything else is answered with its status and dropped.
async fn app_server(handler: EventHandler) -> (Server, mpsc::UnboundedReceiver<Event>) {
    let (sender, received) = mpsc::unbounded_channel();
    let server = Server::start(Arc::new(move |request: Request| {
        let handler = handler.clone();
        let sender = sender.clone();
        Box::pin(async move {
            let kind = request.header("content-type").map(str::to_string);
            match handler
                .receive_event::<Event>(kind.as_deref(), &request.body)
                .await
            {
                Ok(event) => {
                    let _ = sender.send(event);
                    Reply::from(Response::text(200, "ok"))
                }
                Err(error) => Reply::from(Response::text(error.status(), error.to_string())),
            }
        }) as BoxFuture<'static, Reply>
    }))
    .await
    .expect("bind a loopback port");
    (server, received)
}

async fn next(received: &mut mpsc::UnboundedReceiver<Event>) -> Event {
    tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("an event within 10 s")
        .expect("channel open")
}

async fn call(client: &Client, method: &str, params: Value) -> Value {
    client
        .call_raw(method, ApiVersion::V2, params)
        .await
        .unwrap_or_else(|e| panic!("{method}: {e}"))
        .result
}

/// POSTs `body` to `url` (`http://127.0.0.1:port/path`) over a bare socket
/// and returns the status the application answered.
async fn post(url: &str, content_type: &str, body: &str) -> u16 {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_once('/').expect("a path");
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    let request = format!(
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"))
}

#[tokio::test]
async fn a_bound_lead_event_arrives_as_its_typed_variant_and_forgeries_do_not() {
    assert_eq!(Event::CODES, ["ONCRMLEADADD", "ONCRMLEADUPDATE"]);
    let portal = Emulator::start(Config::default()).await.expect("emulator");
    let client = Client::webhook(&portal.webhook_url()).expect("client");
    let handler = EventHandler::new(Arc::new(MemoryApplicationTokens::single(
        portal.application_token(),
    )));
    let (server, mut received) = app_server(handler.clone()).await;
    let url = format!("{}/bitrix/events", server.origin());
    // Every event the tree binds, and one it does not.
    for code in Event::CODES.iter().chain(&["ONCRMLEADDELETE"]) {
        let bound = call(
            &client,
            "event.bind",
            json!({"event": code, "handler": url}),
        )
        .await;
        assert_eq!(bound, json!(true), "{code}");
    }

    let id = call(
        &client,
        "crm.lead.add",
        json!({"fields": {"TITLE": "Typed event"}}),
    )
    .await
    .as_i64()
    .expect("the new lead's ID");
    let added = match next(&mut received).await {
        Event::CrmLeadAdd(added) => added,
        other => panic!("expected CrmLeadAdd, got {other:?}"),
    };
    assert_eq!(added.event, events::on_crm_lead_add::EVENT);
    let fields = added.data.fields.as_ref().expect("data.FIELDS");
    assert_eq!(fields.id, Some(id));
    assert_eq!(
        added.auth.member_id.as_deref(),
        Some(portal.member_id().as_str())
    );
    assert_eq!(
        added.auth.application_token.as_ref().map(|t| t.expose()),
        Some(portal.application_token().as_str())
    );

    call(
        &client,
        "crm.lead.update",
        json!({"id": id, "fields": {"TITLE": "Renamed"}}),
    )
    .await;
    match next(&mut received).await {
        Event::CrmLeadUpdate(updated) => {
            assert_eq!(updated.data.fields.and_then(|f| f.id), Some(id))
        }
        other => panic!("expected CrmLeadUpdate, got {other:?}"),
    }

    // A code the tree has no page for keeps its raw payload.
    call(&client, "crm.lead.delete", json!({"id": id})).await;
    match next(&mut received).await {
        Event::Other(deleted) => {
            assert!(deleted.is("onCrmLeadDelete"));
            assert_eq!(deleted.data["FIELDS"]["ID"], id.to_string());
        }
        other => panic!("expected Other, got {other:?}"),
    }

    // Forgeries of the genuine delivery: another token, one character
    // short, none at all, and the token under another key as JSON.
    // The emulator records a delivery once the endpoint has answered it.
    let mut deliveries = portal.deliveries();
    for _ in 0..250 {
        if deliveries.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        deliveries = portal.deliveries();
    }
    assert_eq!(deliveries.len(), 3, "{deliveries:?}");
    assert!(deliveries.iter().all(|d| d.status == Some(200)));
    let genuine = deliveries
        .iter()
        .find(|d| d.event == "ONCRMLEADADD")
        .expect("the add's delivery")
        .body
        .clone();
    let token = portal.application_token();
    let field = format!("auth%5Bapplication_token%5D={token}");
    assert!(genuine.contains(&field), "{genuine}");
    let form = "application/x-www-form-urlencoded";
    let forged = [
        (form, genuine.replace(&token, "forged-token")),
        (form, genuine.replace(&token, &token[..token.len() - 1])),
        (form, genuine.replace(&field, "")),
        (
            "application/json",
            json!({"event": "ONCRMLEADADD", "data": {"FIELDS": {"ID": "1"}},
                   "auth": {"member_id": portal.member_id(), "application_tokens": token}})
            .to_string(),
        ),
    ];
    for (i, (kind, body)) in forged.iter().enumerate() {
        assert_eq!(post(&url, kind, body).await, 401, "forged body {i}");
    }
    // The genuine body, sent again the same way, is accepted: the 401s
    // come from the token check, not from the route.
    assert_eq!(post(&url, form, &genuine).await, 200);
    assert!(matches!(next(&mut received).await, Event::CrmLeadAdd(_)));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        received.try_recv().is_err(),
        "a forged event reached user code"
    );

    // Without HTTP, the same checks are typed errors.
    let wrong = genuine.replace(&token, "forged-token");
    assert!(matches!(
        handler.receive_event::<Event>(None, wrong.as_bytes()).await,
        Err(EventError::Verify(VerifyError::WrongToken))
    ));
    let missing = genuine.replace(&field, "");
    assert!(matches!(
        handler
            .receive_event::<Event>(None, missing.as_bytes())
            .await,
        Err(EventError::Verify(VerifyError::MissingToken))
    ));
}

#[test]
fn codes_match_without_regard_to_case_and_other_keeps_the_payload() {
    let payload = |code: &str| {
        serde_json::from_value::<bitrix24::events::Payload>(json!({
            "event": code, "data": {"FIELDS": {"ID": "12"}}, "ts": "1"
        }))
        .unwrap()
    };
    for code in ["ONCRMLEADADD", "onCrmLeadAdd", "OnCrmLeadAdd"] {
        match Event::from_payload(payload(code)).unwrap() {
            Event::CrmLeadAdd(p) => assert_eq!(p.data.fields.unwrap().id, Some(12)),
            other => panic!("{code}: {other:?}"),
        }
    }
    assert!(Event::binds("onCrmLeadUpdate"));
    assert!(!Event::binds("onCrmLeadDelete"));
    match Event::from_payload(payload("ONCRMDEALADD")).unwrap() {
        Event::Other(p) => assert_eq!(p.data["FIELDS"]["ID"], "12"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn offline_events_read_into_the_same_enum() {
    let portal = Emulator::start(Config::default()).await.expect("emulator");
    let client = Client::webhook(&portal.webhook_url()).expect("client");
    let bind = json!({"event": "onCrmLeadAdd", "event_type": "offline"});
    assert_eq!(call(&client, "event.bind", bind).await, json!(true));
    let id = call(
        &client,
        "crm.lead.add",
        json!({"fields": {"TITLE": "Queued"}}),
    )
    .await
    .as_i64()
    .expect("the new lead's ID");
    let queued = OfflineEvents::fetch(&client, json!({}))
        .await
        .expect("event.offline.get");
    assert_eq!(queued.events.len(), 1, "{queued:?}");
    let event = queued.events.into_iter().next().unwrap();
    match Event::from_offline(event).expect("typed") {
        Event::CrmLeadAdd(added) => {
            assert_eq!(added.data.fields.and_then(|f| f.id), Some(id));
            // Offline events come through the application's own call: no auth.
            assert!(added.auth.application_token.is_none());
        }
        other => panic!("expected CrmLeadAdd, got {other:?}"),
    }
}
