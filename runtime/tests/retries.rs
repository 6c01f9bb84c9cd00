//! Retries that never duplicate a write, over real HTTP on loopback.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bitrix24::{CallError, CallOptions};
use common::methods::{ItemsSet, LeadAdd, LeadGet, TaskAdd};
use common::{client, serve, Reply};
use serde_json::json;

/// Answers with `first` for the first `n` requests, then succeeds.
fn flaky(n: usize, first: fn() -> Reply) -> impl Fn(&common::Req) -> Reply {
    flaky_then(n, first, json!(7))
}

fn flaky_then(
    n: usize,
    first: fn() -> Reply,
    result: serde_json::Value,
) -> impl Fn(&common::Req) -> Reply {
    let seen = AtomicUsize::new(0);
    move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) < n {
            first()
        } else {
            Reply::ok(result.clone())
        }
    }
}

#[tokio::test]
async fn query_limit_exceeded_is_retried_even_for_writes() {
    let server = serve(flaky(2, || Reply::error(503, "QUERY_LIMIT_EXCEEDED"))).await;
    let out = client(&server).call(LeadAdd::default()).await.unwrap();
    assert_eq!(out, json!(7));
    assert_eq!(server.count("crm.lead.add"), 3);
}

#[tokio::test]
async fn overload_limit_is_not_retried() {
    let server = serve(|_| Reply::error(503, "OVERLOAD_LIMIT")).await;
    let err = client(&server).call(LeadGet { id: 1 }).await.unwrap_err();
    assert_eq!(err.0.api().unwrap().code, "OVERLOAD_LIMIT");
    assert_eq!(server.count("crm.lead.get"), 1);
}

#[tokio::test]
async fn a_500_on_a_write_is_an_unknown_outcome_and_never_repeated() {
    let server = serve(|_| Reply::error(500, "INTERNAL_SERVER_ERROR")).await;
    let err = client(&server).call(LeadAdd::default()).await.unwrap_err();
    let CallError::OutcomeUnknown(t) = err.0 else {
        panic!("{err}")
    };
    assert_eq!(t.status, Some(500));
    assert!(t.body.unwrap().contains("INTERNAL_SERVER_ERROR"));
    assert_eq!(server.count("crm.lead.add"), 1);
}

#[tokio::test]
async fn a_500_on_a_read_or_idempotent_write_is_retried() {
    let server = serve(flaky(2, || Reply::error(500, "INTERNAL_SERVER_ERROR"))).await;
    client(&server).call(LeadGet { id: 1 }).await.unwrap();
    assert_eq!(server.count("crm.lead.get"), 3);

    let server = serve(flaky_then(
        1,
        || Reply::Text(502, "Bad Gateway".into()),
        json!(true),
    ))
    .await;
    let set = ItemsSet {
        id: 1,
        items: vec![],
    };
    assert!(client(&server).call(set).await.unwrap());
    assert_eq!(server.count("crm.lead.contact.items.set"), 2);
}

#[tokio::test]
async fn a_dropped_connection_after_sending_is_unknown_for_writes_and_retried_for_reads() {
    let server = serve(|_| Reply::Drop).await;
    let err = client(&server).call(LeadAdd::default()).await.unwrap_err();
    assert!(matches!(err.0, CallError::OutcomeUnknown(_)), "{err:?}");
    assert_eq!(server.count("crm.lead.add"), 1);

    let server = serve(flaky(2, || Reply::Drop)).await;
    client(&server).call(LeadGet { id: 1 }).await.unwrap();
    assert_eq!(server.count("crm.lead.get"), 3);
}

#[tokio::test]
async fn the_caller_can_mark_a_write_idempotent() {
    let server = serve(flaky(1, || Reply::Drop)).await;
    let out = client(&server)
        .call_with(LeadAdd::default(), CallOptions::idempotent())
        .await
        .unwrap();
    assert_eq!(out, json!(7));
    assert_eq!(server.count("crm.lead.add"), 2);
}

#[tokio::test]
async fn a_timeout_on_a_write_is_an_unknown_outcome() {
    let server =
        serve(|_| Reply::Delay(Duration::from_secs(5), Box::new(Reply::ok(json!(1))))).await;
    let client = client(&server)
        .with_timeout(Duration::from_millis(200))
        .unwrap();
    let err = client.call(LeadAdd::default()).await.unwrap_err();
    let CallError::OutcomeUnknown(t) = err.0 else {
        panic!("{err}")
    };
    assert!(t.timeout);
    assert_eq!(server.count("crm.lead.add"), 1);
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
    let server = serve(flaky(2, || Reply::Drop)).await;
    let out = client(&server)
        .call(TaskAdd {
            fields: json!({"title": "x"}),
        })
        .await
        .unwrap();
    assert_eq!(out, json!(7));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests
        .iter()
        .all(|r| r.path == "/rest/api/1/secretkey/tasks.task.add"));
    let keys: Vec<_> = requests
        .iter()
        .map(|r| r.header("idempotency-key").unwrap())
        .collect();
    assert!(keys.iter().all(|k| k == &keys[0]));
    // A new call gets a new key.
    client(&server)
        .call(TaskAdd { fields: json!({}) })
        .await
        .unwrap();
    assert_ne!(
        server.requests()[3].header("idempotency-key").unwrap(),
        keys[0]
    );
    // V2 calls carry none.
    let server = serve(|_| Reply::ok(json!(1))).await;
    client(&server).call(LeadAdd::default()).await.unwrap();
    assert!(server.requests()[0].header("idempotency-key").is_none());
}

#[tokio::test]
async fn errors_keep_the_raw_body_and_secrets_stay_out_of_messages() {
    let server = serve(|_| Reply::error(400, "NOT_FOUND")).await;
    let client = client(&server);
    let err = client.call(LeadGet { id: 1 }).await.unwrap_err();
    assert!(err.0.api().unwrap().body.contains("NOT_FOUND described"));
    let server = serve(|_| Reply::Drop).await;
    let other = bitrix24::Client::builder(bitrix24::Portal::webhook(&server.webhook()))
        .retry_policy(common::fast())
        .build()
        .unwrap();
    let err = other.call(LeadAdd::default()).await.unwrap_err();
    assert!(!format!("{err} {err:?} {other:?}").contains("secretkey"));
}

#[tokio::test]
async fn a_moved_portal_gets_the_post_again_whole_and_later_calls_go_there() {
    // The portal moved below its origin: `/rest/...` now lives at `/b24/rest/...`.
    let server = serve(|req| {
        if req.path.starts_with("/b24/") {
            Reply::ok(req.body.clone())
        } else {
            Reply::Redirect(308, format!("/b24{}", req.path))
        }
    })
    .await;
    let client = client(&server);
    let mut fields = serde_json::Map::new();
    fields.insert("TITLE".into(), json!("x"));
    let out = client
        .call(LeadAdd {
            fields: fields.clone(),
        })
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({"fields": {"TITLE": "x"}}),
        "the body went along"
    );
    client.call(LeadGet { id: 1 }).await.unwrap();
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/rest/1/secretkey/crm.lead.add",
            "/b24/rest/1/secretkey/crm.lead.add",
            "/b24/rest/1/secretkey/crm.lead.get"
        ],
        "later calls go straight to the new address"
    );

    // Never to plain http off loopback (another origin besides).
    let insecure =
        serve(|_| Reply::Redirect(302, "http://b24.example.com/rest/1/k/crm.lead.add".into()))
            .await;
    let err = common::client(&insecure)
        .call(LeadAdd::default())
        .await
        .unwrap_err();
    assert!(matches!(err.0, CallError::Transport(_)), "{err:?}");
    assert_eq!(insecure.requests().len(), 1);
}
