//! OAuth renewal against the testkit's emulator: single-flight across
//! concurrent calls, persisted, never looped.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bitrix24::{CallError, Client, MemoryTokenStore, OAuth, Tokens};
use bitrix24_testkit::emulator::{Config, Done, Emulator, Entity, Intercept};
use common::methods::LeadGet;
use serde_json::json;

/// An emulator whose token endpoint answers 100 ms late (so concurrent calls
/// pile up behind one renewal), and the access and refresh tokens it issued,
/// the access token already expired.
async fn expired(config: Config) -> (Emulator, String, String) {
    let portal = Emulator::start(config).await.unwrap();
    let issued = portal.issue_tokens();
    portal.expire_access_tokens();
    portal.on_request(|request, _| {
        if request.path.starts_with("/oauth/token") {
            Intercept::Delay(Duration::from_millis(100))
        } else {
            Intercept::Pass
        }
    });
    (portal, issued.access_token, issued.refresh_token)
}

fn app_client(
    portal: &Emulator,
    tokens: Tokens,
    store: Arc<MemoryTokenStore>,
    renewals: Arc<Mutex<Vec<Tokens>>>,
) -> Client {
    let app = &portal.config().oauth;
    let oauth = OAuth::new(app.client_id.clone(), app.client_secret.clone(), tokens)
        .token_endpoint(portal.token_url())
        .store(store)
        .on_renewal(move |tokens| renewals.lock().unwrap().push(tokens.clone()));
    Client::oauth_app(&portal.origin(), oauth)
        .retry_policy(common::fast())
        .rate_limit(bitrix24::RateLimit::UNLIMITED)
        .build()
        .unwrap()
}

fn unix_now() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    now.unwrap().as_secs() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_calls_on_an_expired_token_renew_it_once() {
    let (portal, access, refresh) = expired(Config::unlimited()).await;
    let lead = portal.insert(Entity::Lead, json!({"TITLE": "one"}));
    let store = Arc::new(MemoryTokenStore::default());
    let renewals = Arc::new(Mutex::new(Vec::new()));
    let tokens = Tokens::new(access.clone(), refresh.clone());
    let client = app_client(&portal, tokens, store.clone(), renewals.clone());
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.call(LeadGet { id: lead }).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let counters = portal.counters();
    assert_eq!(
        counters.token_requests, 1,
        "exactly one request to the token endpoint"
    );
    assert_eq!(counters.refreshes, 1);
    assert!(counters.expired_token >= 1);
    assert_eq!(client.token_renewals(), 1);
    let renewal = &portal.requests_for("/oauth/token/")[0];
    let query = renewal.query.clone().unwrap_or_default();
    let app = &portal.config().oauth;
    for part in [
        "grant_type=refresh_token".to_string(),
        format!("client_id={}", app.client_id),
        format!("client_secret={}", app.client_secret),
        format!("refresh_token={refresh}"),
    ] {
        assert!(query.contains(&part), "{query}");
    }
    // The new pair is persisted and reported once.
    let renewed = renewals.lock().unwrap().clone();
    assert_eq!(renewed.len(), 1);
    let stored = store.get().unwrap();
    assert_eq!(
        stored.access_token.expose(),
        renewed[0].access_token.expose()
    );
    assert_eq!(
        stored.refresh_token.expose(),
        renewed[0].refresh_token.expose()
    );
    assert_ne!(stored.access_token.expose(), access);
    assert_ne!(stored.refresh_token.expose(), refresh);
    let expires = stored.expires.unwrap() - unix_now();
    assert!((3_500..=3_700).contains(&expires), "expires in {expires} s");
    // Later calls use the new token straight away.
    let before = portal.requests().len();
    client.call(LeadGet { id: lead }).await.unwrap();
    assert_eq!(portal.requests().len(), before + 1);
    let last = portal.requests().pop().unwrap();
    assert_eq!(last.params()["auth"], json!(stored.access_token.expose()));
    assert!(!format!("{client:?}").contains(stored.access_token.expose()));
    // The client renews with the new refresh token: the old one is used up.
    portal.expire_access_tokens();
    client.call(LeadGet { id: lead }).await.unwrap();
    assert_eq!(portal.counters().refreshes, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_renewal_is_reported_to_every_waiting_call_and_not_looped() {
    let (portal, access, _) = expired(Config::unlimited()).await;
    let store = Arc::new(MemoryTokenStore::default());
    // A refresh token the portal never issued.
    let tokens = Tokens::new(access, "refresh-never-issued");
    let client = app_client(&portal, tokens, store.clone(), Arc::default());
    let calls: Vec<_> = (0..20)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.call(LeadGet { id: i + 1 }).await })
        })
        .collect();
    for call in calls {
        let err = call.await.unwrap().unwrap_err();
        let CallError::Api(api) = err.0 else { panic!() };
        assert_eq!(api.code, "invalid_grant");
        assert!(api.description.contains("token renewal failed"));
    }
    assert_eq!(portal.counters().token_requests, 1);
    assert!(store.get().is_none());
    // A later call tries once more, and reports again.
    assert!(client.call(LeadGet { id: 1 }).await.is_err());
    assert_eq!(portal.counters().token_requests, 2);
    assert_eq!(portal.counters().refresh_failures, 2);
    assert_eq!(client.token_renewals(), 0);
}

#[tokio::test]
async fn a_token_that_expires_again_after_renewal_is_reported() {
    // Every token the portal issues is expired from the start.
    let config = Config::unlimited().access_token_ttl(Duration::ZERO);
    let (portal, access, refresh) = expired(config).await;
    let client = app_client(
        &portal,
        Tokens::new(access, refresh),
        Arc::default(),
        Arc::default(),
    );
    let err = client.call(LeadGet { id: 1 }).await.unwrap_err();
    assert_eq!(err.0.api().unwrap().code, "expired_token");
    let counters = portal.counters();
    assert_eq!((counters.token_requests, counters.refreshes), (1, 1));
    assert_eq!(portal.requests_for("crm.lead.get").len(), 2);
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
    let (portal, access, refresh) = expired(Config::unlimited()).await;
    portal.define("tasks.task.add", |_| {
        Ok(Done::of(json!({"task": {"id": 9}})))
    });
    let tokens = Tokens::new(access.clone(), refresh);
    let client = app_client(&portal, tokens, Arc::default(), Arc::default());
    let out = client
        .call(common::methods::TaskAdd {
            fields: json!({"title": "t"}),
        })
        .await
        .unwrap();
    assert_eq!(out, json!({"task": {"id": 9}}));
    let calls = portal.requests_for("tasks.task.add");
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|r| r.path == "/rest/api/tasks.task.add"));
    assert_eq!(calls[0].params()["auth"], json!(access));
    assert_ne!(calls[1].params()["auth"], json!(access));
    assert_ne!(
        calls[0].header("idempotency-key"),
        calls[1].header("idempotency-key")
    );
}
