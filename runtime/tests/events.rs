//! Events end to end: the emulator delivers a lead's events, form-encoded,
//! to a handler on loopback; only verified ones reach user code.

use std::sync::Arc;
use std::time::Duration;

use bitrix24::events::{
    exchange_code, AppCredentials, ApplicationTokens, EventError, EventHandler,
    MemoryApplicationTokens, OfflineEvents, Payload, VerifyError,
};
use bitrix24::{ApiVersion, Client, MemoryTokenStore, TokenStore};
use bitrix24_testkit::server::{Reply, Request, Response, Server};
use bitrix24_testkit::{Config, Emulator, MockPortal};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::mpsc;

#[derive(Debug, Deserialize)]
struct LeadData {
    #[serde(rename = "FIELDS")]
    fields: LeadId,
}

#[derive(Debug, Deserialize)]
struct LeadId {
    #[serde(rename = "ID")]
    id: String,
}

/// The application's event endpoint: verified events go to the channel
/// (user code); anything else is answered with its status and dropped.
async fn app_server(handler: EventHandler) -> (Server, mpsc::UnboundedReceiver<Payload<LeadData>>) {
    let (sender, events) = mpsc::unbounded_channel();
    let server = Server::start(Arc::new(move |request: Request| {
        let handler = handler.clone();
        let sender = sender.clone();
        Box::pin(async move {
            let kind = request.header("content-type").map(str::to_string);
            match handler
                .receive_typed::<LeadData>(kind.as_deref(), &request.body)
                .await
            {
                Ok(event) => {
                    let _ = sender.send(event);
                    Reply::from(Response::text(200, "ok"))
                }
                Err(error) => Reply::from(Response::text(error.status(), error.to_string())),
            }
        }) as bitrix24_testkit::server::BoxFuture<'static, Reply>
    }))
    .await
    .expect("bind");
    (server, events)
}

async fn next_event(events: &mut mpsc::UnboundedReceiver<Payload<LeadData>>) -> Payload<LeadData> {
    tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("an event within 10 s")
        .expect("channel open")
}

async fn portal_and_client() -> (Emulator, Client) {
    let portal = Emulator::start(Config::default()).await.expect("emulator");
    let client = Client::webhook(&portal.webhook_url()).expect("client");
    (portal, client)
}

async fn call(client: &Client, method: &str, params: Value) -> Value {
    client
        .call_raw(method, ApiVersion::V2, params)
        .await
        .unwrap_or_else(|e| panic!("{method}: {e}"))
        .result
}

#[tokio::test]
async fn a_bound_handler_receives_each_lead_event_verified() {
    let (portal, client) = portal_and_client().await;
    let tokens = MemoryApplicationTokens::new();
    tokens
        .save(
            &portal.member_id(),
            &bitrix24::Secret::new(portal.application_token()),
        )
        .await
        .unwrap();
    let (server, mut events) = app_server(EventHandler::new(Arc::new(tokens))).await;
    let url = format!("{}/bitrix/events", server.origin());
    for event in ["ONCRMLEADADD", "onCrmLeadUpdate", "ONCRMLEADDELETE"] {
        assert_eq!(
            call(
                &client,
                "event.bind",
                json!({"event": event, "handler": url})
            )
            .await,
            json!(true)
        );
    }
    assert_eq!(portal.event_handlers().len(), 3);

    let id = call(
        &client,
        "crm.lead.add",
        json!({"fields": {"TITLE": "From an event"}}),
    )
    .await;
    let id = id.as_i64().expect("an ID").to_string();
    let added = next_event(&mut events).await;
    assert_eq!(added.event, "ONCRMLEADADD");
    assert_eq!(added.data.fields.id, id);
    assert_eq!(
        added.auth.member_id.as_deref(),
        Some(portal.member_id().as_str())
    );
    assert!(added.event_handler_id.is_some() && added.ts.is_some());

    // The event's tokens work against the portal.
    let tokens = added.auth.tokens().expect("tokens");
    let back = Client::oauth(
        &added.auth.client_endpoint.clone().unwrap(),
        tokens.access_token.expose(),
    )
    .unwrap();
    let lead = call(&back, "crm.lead.get", json!({"id": id})).await;
    assert_eq!(lead["TITLE"], "From an event");

    call(
        &client,
        "crm.lead.update",
        json!({"id": id, "fields": {"TITLE": "Renamed"}}),
    )
    .await;
    let updated = next_event(&mut events).await;
    assert!(updated.is("ONCRMLEADUPDATE"));
    assert_eq!(updated.data.fields.id, id);

    call(&client, "crm.lead.delete", json!({"id": id})).await;
    let deleted = next_event(&mut events).await;
    assert!(deleted.is("ONCRMLEADDELETE"));
    assert_eq!(deleted.data.fields.id, id);

    // Every delivery was form-encoded with bracketed keys and answered 200.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let deliveries = portal.deliveries();
    assert_eq!(deliveries.len(), 3);
    for delivery in &deliveries {
        assert_eq!(delivery.status, Some(200), "{delivery:?}");
        assert!(delivery.body.contains("data%5BFIELDS%5D%5BID%5D="));
    }
}

#[tokio::test]
async fn forged_posts_are_rejected_and_never_reach_user_code() {
    let (portal, client) = portal_and_client().await;
    let handler = EventHandler::new(Arc::new(MemoryApplicationTokens::single(
        portal.application_token(),
    )));
    let (server, mut events) = app_server(handler.clone()).await;
    let url = format!("{}/events", server.origin());
    call(
        &client,
        "event.bind",
        json!({"event": "ONCRMLEADADD", "handler": url}),
    )
    .await;
    call(
        &client,
        "crm.lead.add",
        json!({"fields": {"TITLE": "Genuine"}}),
    )
    .await;
    let genuine = next_event(&mut events).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let body = portal.deliveries()[0].body.clone();
    let token = portal.application_token();

    let http = reqwest::Client::new();
    let forged = [
        body.replace(&token, "forged-token"),
        body.replace(&token, &token[..token.len() - 1]),
        body.replace(&format!("auth%5Bapplication_token%5D={token}"), ""),
        // The genuine token sent as JSON under another key is still missing.
        json!({"event": "ONCRMLEADADD", "data": {"FIELDS": {"ID": "1"}}, "auth": {"application_tokens": token}})
            .to_string(),
    ];
    for (i, body) in forged.iter().enumerate() {
        let kind = if i == 3 {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        let status = http
            .post(&url)
            .header("content-type", kind)
            .body(body.clone())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(status, 401, "forged body {i} answered {status}");
    }
    // An oversized body is refused before it is read as an event.
    let huge = format!("event=X&pad={}", "a".repeat(2 * 1024 * 1024));
    let status = http.post(&url).body(huge).send().await.unwrap().status();
    assert_eq!(status.as_u16(), 413);

    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        events.try_recv().is_err(),
        "a forged event reached user code"
    );
    assert_eq!(genuine.data.fields.id, "1");

    // The same checks, without HTTP, give typed errors.
    let wrong = body.replace(&token, "forged-token");
    assert!(matches!(
        handler.receive(None, wrong.as_bytes()).await,
        Err(EventError::Verify(VerifyError::WrongToken))
    ));
    let missing = body.replace(&format!("auth%5Bapplication_token%5D={token}"), "");
    assert!(matches!(
        handler.receive(None, missing.as_bytes()).await,
        Err(EventError::Verify(VerifyError::MissingToken))
    ));
}

#[tokio::test]
async fn bind_refuses_a_handler_off_loopback() {
    let (_portal, client) = portal_and_client().await;
    let error = client
        .call_raw(
            "event.bind",
            ApiVersion::V2,
            json!({"event": "ONCRMLEADADD", "handler": "https://example.com/hook"}),
        )
        .await
        .unwrap_err();
    assert!(error.to_string().contains("loopback"), "{error}");
}

/// A handler that keeps every body it is sent and answers 200.
async fn capture() -> (Server, mpsc::UnboundedReceiver<Vec<u8>>) {
    let (sender, bodies) = mpsc::unbounded_channel();
    let server = Server::start(Arc::new(move |request: Request| {
        let _ = sender.send(request.body);
        Box::pin(async { Reply::from(Response::text(200, "ok")) })
            as bitrix24_testkit::server::BoxFuture<'static, Reply>
    }))
    .await
    .expect("bind");
    (server, bodies)
}

#[tokio::test]
async fn install_gives_a_renewing_client_and_uninstall_is_guarded_by_the_token_alone() {
    let portal = Emulator::start(Config::default()).await.expect("emulator");
    let (server, mut bodies) = capture().await;
    let url = format!("{}/install", server.origin());
    assert_eq!(portal.install_app(&url).await, Some(200));
    let install_body = bodies.recv().await.unwrap();
    let app_tokens = Arc::new(MemoryApplicationTokens::new());
    let handler = EventHandler::new(app_tokens.clone());
    // The first install of a portal is taken on trust.
    let install = handler.receive_install(None, &install_body).await.unwrap();
    assert_eq!(install.language.as_deref(), Some("en"));
    assert_eq!(install.member_id, portal.member_id());
    assert!(!format!("{install:?}").contains(&portal.application_token()));

    let oauth = &portal.config().oauth;
    let app = AppCredentials::new(oauth.client_id.clone(), oauth.client_secret.clone())
        .token_endpoint(portal.token_url());
    let store = Arc::new(MemoryTokenStore::new(None));
    let first = install.tokens.clone();
    let client = install
        .activate(&app, store.clone(), app_tokens.as_ref())
        .await
        .unwrap();
    assert_eq!(store.load().await.unwrap().unwrap(), first);
    assert_eq!(
        app_tokens.get(&portal.member_id()).unwrap().expose(),
        portal.application_token()
    );

    // The access token expires; the client renews it and saves the new pair.
    portal.expire_access_tokens();
    call(&client, "crm.lead.list", json!({})).await;
    assert_eq!(client.token_renewals(), 1);
    assert_ne!(store.get().unwrap().refresh_token, first.refresh_token);

    // Once installed, an install with another token is a forgery (it would
    // replace the token and let its sender forge the uninstall).
    let install_text = String::from_utf8(install_body.clone()).unwrap();
    let reinstall = install_text.replace(&portal.application_token(), "attacker");
    assert!(matches!(
        handler.receive_install(None, reinstall.as_bytes()).await,
        Err(EventError::Verify(VerifyError::WrongToken))
    ));
    let not_install = install_text.replace("ONAPPINSTALL", "ONCRMLEADADD");
    assert_eq!(
        handler
            .receive_install(None, not_install.as_bytes())
            .await
            .unwrap_err()
            .status(),
        400
    );

    // ONAPPUNINSTALL carries no OAuth tokens: the application token is all
    // that tells it from a forgery.
    assert_eq!(portal.uninstall_app(&url, true).await, Some(200));
    let body = bodies.recv().await.unwrap();
    let uninstall = handler.receive(None, &body).await.unwrap();
    assert!(uninstall.is("ONAPPUNINSTALL"));
    assert!(uninstall.auth.tokens().is_none());
    assert_eq!(uninstall.data["CLEAN"], "1");
    let text = String::from_utf8(body).unwrap();
    let forged = text.replace(&portal.application_token(), "guessed");
    assert!(matches!(
        handler.receive(None, forged.as_bytes()).await,
        Err(EventError::Verify(VerifyError::WrongToken))
    ));
    let other_portal = text.replace(&portal.member_id(), "another-portal");
    assert!(matches!(
        handler.receive(None, other_portal.as_bytes()).await,
        Err(EventError::Verify(VerifyError::UnknownPortal))
    ));

    // After the verified uninstall the portal is forgotten; installing
    // again is a first install.
    app_tokens.remove(&portal.member_id()).await.unwrap();
    assert!(handler
        .receive_install(None, reinstall.as_bytes())
        .await
        .is_ok());
}

#[tokio::test]
async fn an_authorization_code_is_exchanged_for_tokens() {
    let server = MockPortal::start().await;
    server.respond(
        "/oauth/token/",
        200,
        json!({"access_token": "acc-1", "refresh_token": "ref-1", "expires": "1780000000", "expires_in": 3600}),
    );
    let app = AppCredentials::new("app.id", "app-secret").token_endpoint(server.token_url());
    let tokens = exchange_code(&app, "the-code").await.unwrap();
    assert_eq!(tokens.access_token.expose(), "acc-1");
    assert_eq!(tokens.expires, Some(1_780_000_000));
    let sent = server.requests();
    let query = sent[0].query.clone().unwrap_or_default();
    for part in [
        "grant_type=authorization_code",
        "client_id=app.id",
        "code=the-code",
    ] {
        assert!(query.contains(part), "{query}");
    }

    server.clear("/oauth/token/");
    server.respond(
        "/oauth/token/",
        400,
        json!({"error": "invalid_grant", "error_description": "Invalid authorization code"}),
    );
    let error = exchange_code(&app, "used").await.unwrap_err();
    assert!(
        error.to_string().contains("Invalid authorization code"),
        "{error}"
    );
    assert!(!error.to_string().contains("app-secret"));
}

#[tokio::test]
async fn offline_events_queue_until_fetched() {
    let (_portal, client) = portal_and_client().await;
    let bind = json!({"event": "ONCRMLEADADD", "event_type": "offline"});
    assert_eq!(call(&client, "event.bind", bind).await, json!(true));
    let mut ids = Vec::new();
    for title in ["One", "Two"] {
        let id = call(&client, "crm.lead.add", json!({"fields": {"TITLE": title}})).await;
        ids.push(id.as_i64().unwrap().to_string());
    }
    let first = OfflineEvents::fetch(&client, json!({"limit": 1}))
        .await
        .unwrap();
    assert_eq!(first.events.len(), 1);
    assert_eq!(first.events[0].event, "ONCRMLEADADD");
    assert_eq!(first.events[0].data["FIELDS"]["ID"], ids[0].as_str());
    let peek = OfflineEvents::fetch(&client, json!({"clear": 0}))
        .await
        .unwrap();
    assert_eq!(peek.events.len(), 1);
    let rest = OfflineEvents::fetch(&client, json!({})).await.unwrap();
    assert_eq!(rest.events[0].data["FIELDS"]["ID"], ids[1].as_str());
    assert!(OfflineEvents::fetch(&client, json!({}))
        .await
        .unwrap()
        .events
        .is_empty());
}
