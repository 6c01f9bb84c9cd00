//! Retries that never duplicate a write, over real HTTP on loopback, against
//! the testkit's scripted portal.

mod common;

use std::time::Duration;

use bitrix24::{CallError, CallOptions};
use bitrix24_testkit::mock::{MockPortal, MockResponse, MOCK_WEBHOOK_KEY};
use common::methods::{ItemsSet, LeadAdd, LeadGet, TaskAdd};
use serde_json::{json, Value};

/// A successful answer with `result`.
fn ok(result: Value) -> MockResponse {
    MockResponse::json(200, json!({"result": result, "time": {"operating": 0.01}}))
}

/// A portal error answer.
fn error(status: u16, code: &str) -> MockResponse {
    MockResponse::json(
        status,
        json!({"error": code, "error_description": format!("{code} described")}),
    )
}

/// A portal that answers `method` with `first` `n` times, then with `result`.
async fn flaky(method: &str, n: usize, first: MockResponse, result: Value) -> MockPortal {
    let portal = MockPortal::start().await;
    for _ in 0..n {
        portal.respond_with(method, first.clone());
    }
    portal.respond_with(method, ok(result));
    portal
}

fn client(portal: &MockPortal) -> bitrix24::Client {
    common::client(&portal.webhook_url())
}

fn count(portal: &MockPortal, method: &str) -> usize {
    portal.requests_for(method).len()
}

#[tokio::test]
async fn query_limit_exceeded_is_retried_even_for_writes() {
    let portal = flaky(
        "crm.lead.add",
        2,
        error(503, "QUERY_LIMIT_EXCEEDED"),
        json!(7),
    )
    .await;
    let out = client(&portal).call(LeadAdd::default()).await.unwrap();
    assert_eq!(out, json!(7));
    assert_eq!(count(&portal, "crm.lead.add"), 3);
}

#[tokio::test]
async fn overload_limit_is_not_retried() {
    let portal = MockPortal::start().await;
    portal.respond_with("crm.lead.get", error(503, "OVERLOAD_LIMIT"));
    let err = client(&portal).call(LeadGet { id: 1 }).await.unwrap_err();
    assert_eq!(err.0.api().unwrap().code, "OVERLOAD_LIMIT");
    assert_eq!(count(&portal, "crm.lead.get"), 1);
}

#[tokio::test]
async fn a_500_on_a_write_is_an_unknown_outcome_and_never_repeated() {
    let portal = MockPortal::start().await;
    portal.respond_with("crm.lead.add", error(500, "INTERNAL_SERVER_ERROR"));
    let err = client(&portal).call(LeadAdd::default()).await.unwrap_err();
    let CallError::OutcomeUnknown(t) = err.0 else {
        panic!("{err}")
    };
    assert_eq!(t.status, Some(500));
    assert!(t.body.unwrap().contains("INTERNAL_SERVER_ERROR"));
    assert_eq!(count(&portal, "crm.lead.add"), 1);
}

#[tokio::test]
async fn a_500_on_a_read_or_idempotent_write_is_retried() {
    let portal = flaky(
        "crm.lead.get",
        2,
        error(500, "INTERNAL_SERVER_ERROR"),
        json!({}),
    )
    .await;
    client(&portal).call(LeadGet { id: 1 }).await.unwrap();
    assert_eq!(count(&portal, "crm.lead.get"), 3);

    let set = "crm.lead.contact.items.set";
    let portal = flaky(set, 1, MockResponse::raw(502, "Bad Gateway"), json!(true)).await;
    let items = ItemsSet {
        id: 1,
        items: vec![],
    };
    assert!(client(&portal).call(items).await.unwrap());
    assert_eq!(count(&portal, set), 2);
}

#[tokio::test]
async fn a_dropped_connection_after_sending_is_unknown_for_writes_and_retried_for_reads() {
    let portal = MockPortal::start().await;
    portal.respond_drop("crm.lead.add");
    let err = client(&portal).call(LeadAdd::default()).await.unwrap_err();
    assert!(matches!(err.0, CallError::OutcomeUnknown(_)), "{err:?}");
    assert_eq!(count(&portal, "crm.lead.add"), 1);

    let drop = MockResponse::drop_connection();
    let portal = flaky("crm.lead.get", 2, drop, json!({})).await;
    client(&portal).call(LeadGet { id: 1 }).await.unwrap();
    assert_eq!(count(&portal, "crm.lead.get"), 3);
}

#[tokio::test]
async fn the_caller_can_mark_a_write_idempotent() {
    let portal = flaky("crm.lead.add", 1, MockResponse::drop_connection(), json!(7)).await;
    let out = client(&portal)
        .call_with(LeadAdd::default(), CallOptions::idempotent())
        .await
        .unwrap();
    assert_eq!(out, json!(7));
    assert_eq!(count(&portal, "crm.lead.add"), 2);
}

#[tokio::test]
async fn a_timeout_on_a_write_is_an_unknown_outcome() {
    let portal = MockPortal::start().await;
    portal.respond_with("crm.lead.add", ok(json!(1)).delay(Duration::from_secs(5)));
    let client = client(&portal)
        .with_timeout(Duration::from_millis(200))
        .unwrap();
    let err = client.call(LeadAdd::default()).await.unwrap_err();
    let CallError::OutcomeUnknown(t) = err.0 else {
        panic!("{err}")
    };
    assert!(t.timeout);
    assert_eq!(count(&portal, "crm.lead.add"), 1);
}

#[tokio::test]
async fn a_refused_connection_is_safe_to_retry_for_any_method() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = bitrix24::Client::builder(bitrix24::Portal::webhook(&format!(
        "http://{addr}/rest/1/k/"
    )))
    .retry_policy(common::fast())
    .build()
    .unwrap();
    let err = client.call(LeadAdd::default()).await.unwrap_err();
    // Nothing was sent: a plain transport error, not an unknown outcome.
    assert!(matches!(err.0, CallError::Transport(_)), "{err:?}");
    assert_eq!(client.requests_sent(), 5, "the first attempt and 4 retries");
}

#[tokio::test]
async fn rest_v3_calls_carry_one_idempotency_key_across_retries() {
    let drop = MockResponse::drop_connection();
    let portal = flaky("tasks.task.add", 2, drop, json!(7)).await;
    let task = |fields| TaskAdd { fields };
    let out = client(&portal)
        .call(task(json!({"title": "x"})))
        .await
        .unwrap();
    assert_eq!(out, json!(7));
    let requests = portal.requests();
    assert_eq!(requests.len(), 3);
    let path = format!("/rest/api/1/{MOCK_WEBHOOK_KEY}/tasks.task.add");
    assert!(requests.iter().all(|r| r.path == path));
    let keys: Vec<_> = requests
        .iter()
        .map(|r| r.header("idempotency-key").unwrap())
        .collect();
    assert!(keys.iter().all(|k| k == &keys[0]));
    // A new call gets a new key.
    client(&portal).call(task(json!({}))).await.unwrap();
    assert_ne!(
        portal.requests()[3].header("idempotency-key").unwrap(),
        keys[0]
    );
    // V2 calls carry none.
    let portal = MockPortal::start().await;
    portal.respond_with("crm.lead.add", ok(json!(1)));
    client(&portal).call(LeadAdd::default()).await.unwrap();
    assert!(portal.requests()[0].header("idempotency-key").is_none());
}

#[tokio::test]
async fn errors_keep_the_raw_body_and_secrets_stay_out_of_messages() {
    let portal = MockPortal::start().await;
    portal.respond_with("crm.lead.get", error(400, "NOT_FOUND"));
    let err = client(&portal).call(LeadGet { id: 1 }).await.unwrap_err();
    assert!(err.0.api().unwrap().body.contains("NOT_FOUND described"));
    let portal = MockPortal::start().await;
    portal.respond_drop("crm.lead.add");
    let other = bitrix24::Client::builder(bitrix24::Portal::webhook(&portal.webhook_url()))
        .retry_policy(common::fast())
        .build()
        .unwrap();
    let err = other.call(LeadAdd::default()).await.unwrap_err();
    assert!(!format!("{err} {err:?} {other:?}").contains(MOCK_WEBHOOK_KEY));
}

#[tokio::test]
async fn a_moved_portal_gets_the_post_again_whole_and_later_calls_go_there() {
    // The portal moved below its origin: `/rest/...` now lives at `/b24/rest/...`.
    let portal = MockPortal::start().await;
    let moved = format!("/b24/rest/1/{MOCK_WEBHOOK_KEY}/");
    let redirect = MockResponse::raw(308, "").header("location", &format!("{moved}crm.lead.add"));
    portal.respond_with("crm.lead.add", redirect);
    // The new address answers with the parameters it got.
    portal.respond_fn(&format!("{moved}crm.lead.add"), |request| {
        ok(request.json().cloned().unwrap_or_default())
    });
    portal.respond_with(&format!("{moved}crm.lead.get"), ok(json!({"ID": "1"})));
    let moving = client(&portal);
    let out = moving.call(LeadAdd::titled("x")).await.unwrap();
    assert_eq!(
        out,
        json!({"fields": {"TITLE": "x"}}),
        "the body went along"
    );
    moving.call(LeadGet { id: 1 }).await.unwrap();
    let paths: Vec<String> = portal.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            format!("/rest/1/{MOCK_WEBHOOK_KEY}/crm.lead.add"),
            format!("{moved}crm.lead.add"),
            format!("{moved}crm.lead.get"),
        ],
        "later calls go straight to the new address"
    );

    // Never to plain http off loopback (another origin besides).
    let insecure = MockPortal::start().await;
    let elsewhere = "http://b24.example.com/rest/1/k/crm.lead.add";
    insecure.respond_with(
        "crm.lead.add",
        MockResponse::raw(302, "").header("location", elsewhere),
    );
    let err = client(&insecure)
        .call(LeadAdd::default())
        .await
        .unwrap_err();
    assert!(matches!(err.0, CallError::Transport(_)), "{err:?}");
    assert_eq!(insecure.requests().len(), 1);
}
