//! OAuth renewal: single-flight across concurrent calls, persisted, never looped.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bitrix24::{CallError, Client, MemoryTokenStore, OAuth, Tokens};
use common::methods::LeadGet;
use common::{serve, Reply, Server};
use serde_json::json;

/// A portal where `old` has expired and `new` works, with its token endpoint.
async fn portal(renewal: fn() -> Reply) -> Server {
    serve(move |req| {
        if req.path.starts_with("/oauth/token/") {
            return Reply::Delay(Duration::from_millis(100), Box::new(renewal()));
        }
        match req.body["auth"].as_str() {
            Some("new") => Reply::ok(json!({"ID": "1"})),
            _ => Reply::Json(
                401,
                json!({"error": "expired_token", "error_description": "The access token provided has expired."}),
            ),
        }
    })
    .await
}

fn renewed() -> Reply {
    Reply::Json(
        200,
        json!({"access_token": "new", "refresh_token": "refresh2", "expires": 1780319382, "expires_in": 3600}),
    )
}

fn app_client(
    server: &Server,
    store: Arc<MemoryTokenStore>,
    renewals: Arc<Mutex<Vec<Tokens>>>,
) -> Client {
    let oauth = OAuth::new("app.id", "app-secret", Tokens::new("old", "refresh1"))
        .token_endpoint(format!("{}oauth/token/", server.url()))
        .store(store)
        .on_renewal(move |tokens| renewals.lock().unwrap().push(tokens.clone()));
    Client::oauth_app(&server.url(), oauth)
        .retry_policy(common::fast())
        .rate_limit(bitrix24::RateLimit::UNLIMITED)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_calls_on_an_expired_token_renew_it_once() {
    let server = portal(renewed).await;
    let store = Arc::new(MemoryTokenStore::default());
    let renewals = Arc::new(Mutex::new(Vec::new()));
    let client = app_client(&server, store.clone(), renewals.clone());
    let calls: Vec<_> = (0..50)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.call(LeadGet { id: i }).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(
        server.count(""),
        1,
        "exactly one request to the token endpoint"
    );
    assert_eq!(client.token_renewals(), 1);
    let renewal = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/oauth/token/")
        .unwrap();
    for part in [
        "grant_type=refresh_token",
        "client_id=app.id",
        "client_secret=app-secret",
        "refresh_token=refresh1",
    ] {
        assert!(renewal.query.contains(part), "{}", renewal.query);
    }
    assert_eq!(store.get().unwrap().refresh_token.expose(), "refresh2");
    assert_eq!(store.get().unwrap().expires, Some(1780319382));
    assert_eq!(renewals.lock().unwrap().len(), 1);
    // Later calls use the new token straight away.
    let before = server.requests().len();
    client.call(LeadGet { id: 1 }).await.unwrap();
    assert_eq!(server.requests().len(), before + 1);
    assert!(!format!("{client:?}").contains("new"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_renewal_is_reported_to_every_waiting_call_and_not_looped() {
    let server = portal(|| {
        Reply::Json(
            400,
            json!({"error": "invalid_grant", "error_description": "Invalid grant"}),
        )
    })
    .await;
    let store = Arc::new(MemoryTokenStore::default());
    let client = app_client(&server, store.clone(), Arc::default());
    let calls: Vec<_> = (0..20)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.call(LeadGet { id: i }).await })
        })
        .collect();
    for call in calls {
        let err = call.await.unwrap().unwrap_err();
        let CallError::Api(api) = err.0 else { panic!() };
        assert_eq!(api.code, "invalid_grant");
        assert!(api.description.contains("token renewal failed"));
    }
    assert_eq!(server.count(""), 1);
    assert!(store.get().is_none());
    // A later call tries once more, and reports again.
    assert!(client.call(LeadGet { id: 1 }).await.is_err());
    assert_eq!(server.count(""), 2);
    assert_eq!(client.token_renewals(), 0);
}

#[tokio::test]
async fn a_token_that_expires_again_after_renewal_is_reported() {
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = hits.clone();
    let server = serve(move |req| {
        if req.path.starts_with("/oauth/token/") {
            seen.fetch_add(1, Ordering::SeqCst);
            return renewed();
        }
        Reply::Json(401, json!({"error": "expired_token"}))
    })
    .await;
    let client = app_client(&server, Arc::default(), Arc::default());
    let err = client.call(LeadGet { id: 1 }).await.unwrap_err();
    assert_eq!(err.0.api().unwrap().code, "expired_token");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    assert_eq!(server.count("crm.lead.get"), 2);
}

#[tokio::test]
async fn tokens_load_from_a_store_and_secrets_stay_hidden() {
    let store = Arc::new(MemoryTokenStore::new(Some(Tokens::new(
        "acc-secret",
        "ref-secret",
    ))));
    let oauth = OAuth::from_store("id", "cl-secret", store).await.unwrap();
    let shown = format!("{oauth:?}");
    for secret in ["acc-secret", "ref-secret", "cl-secret"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    let client = Client::oauth_app("https://b24.example.com", oauth)
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("secret"));
    let insecure = OAuth::new("id", "s", Tokens::new("a", "r"))
        .token_endpoint("http://oauth.example.com/oauth/token/");
    assert!(Client::oauth_app("https://b24.example.com", insecure)
        .build()
        .is_err());
}

#[tokio::test]
async fn a_rest_v3_call_refused_for_an_expired_token_gets_a_new_idempotency_key() {
    let server = serve(|req| {
        if req.path.starts_with("/oauth/token/") {
            return renewed();
        }
        match req.body["auth"].as_str() {
            Some("new") => Reply::ok(json!({"id": 9})),
            _ => Reply::Json(401, json!({"error": "expired_token"})),
        }
    })
    .await;
    let client = app_client(&server, Arc::default(), Arc::default());
    client
        .call(common::methods::TaskAdd {
            fields: json!({"title": "t"}),
        })
        .await
        .unwrap();
    let calls: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method() == "tasks.task.add")
        .collect();
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|r| r.path == "/rest/api/tasks.task.add"));
    assert_ne!(
        calls[0].header("idempotency-key"),
        calls[1].header("idempotency-key")
    );
}
