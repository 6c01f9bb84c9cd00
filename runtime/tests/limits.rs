//! The client-side leaky bucket and per-method time budgets, over loopback.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bitrix24::{ApiVersion, CallOptions, Client, Portal, RateLimit, Retry};
use common::methods::LeadGet;
use common::{serve, Reply};
use serde_json::json;

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_clone_and_task_shares_one_bucket() {
    let server = serve(|_| Reply::ok(json!({}))).await;
    let limit = RateLimit::new(5, 20.0);
    let client = Client::builder(Portal::webhook(&server.webhook()))
        .rate_limit(limit)
        .retry_policy(common::fast())
        .build()
        .unwrap();
    let started = Instant::now();
    let tasks: Vec<_> = (0..25)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.call(LeadGet { id: i }).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let elapsed = started.elapsed();
    // 5 at once, then 20 more at 20 per second.
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    // Replay the arrivals through the portal's bucket: it never overflows
    // (one request of slack for scheduling jitter).
    let mut arrivals: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    arrivals.sort();
    let (mut level, mut at) = (0.0f64, arrivals[0]);
    for arrival in arrivals {
        level =
            (level - arrival.duration_since(at).as_secs_f64() * limit.per_second).max(0.0) + 1.0;
        at = arrival;
        assert!(level <= f64::from(limit.burst) + 1.0, "bucket at {level}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_method_over_its_time_budget_waits_for_its_reset_and_others_go_on() {
    let reset_at = unix_now() + 1.0;
    let server = serve(move |req| match req.method() {
        "crm.item.list" if unix_now() < reset_at => {
            if req.body["first"] == json!(true) {
                Reply::Json(
                    200,
                    json!({"result": [], "time": {"operating": 480.0, "operating_reset_at": reset_at}}),
                )
            } else {
                Reply::Json(429, json!({"error": "OPERATION_TIME_LIMIT", "error_description": "Method is blocked"}))
            }
        }
        _ => Reply::ok(json!([])),
    })
    .await;
    let client = common::client(&server);
    let list = |first: bool| {
        let client = client.clone();
        async move {
            client
                .call_raw_with(
                    "crm.item.list",
                    ApiVersion::V2,
                    Retry::Read,
                    json!({"first": first}),
                    CallOptions::default(),
                )
                .await
        }
    };
    list(true).await.unwrap();
    let started = Instant::now();
    let blocked = tokio::spawn(list(false));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let queued = tokio::spawn(list(false));
    // Another method is not held back.
    client.call(LeadGet { id: 1 }).await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(
        server.count("crm.item.list"),
        2,
        "the queued call waits without sending"
    );
    blocked.await.unwrap().unwrap();
    queued.await.unwrap().unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(800),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count("crm.item.list"), 4);
}

#[tokio::test]
async fn waiting_longer_than_the_policy_allows_returns_the_error() {
    let server = serve(|_| Reply::Json(429, json!({"error": "OPERATION_TIME_LIMIT"}))).await;
    let client = Client::builder(Portal::webhook(&server.webhook()))
        .retry_policy(bitrix24::RetryPolicy {
            max_operating_wait: Duration::from_secs(1),
            ..common::fast()
        })
        .build()
        .unwrap();
    let err = client.call(LeadGet { id: 1 }).await.unwrap_err();
    assert_eq!(err.0.api().unwrap().code, "OPERATION_TIME_LIMIT");
    assert_eq!(server.count("crm.lead.get"), 1);
}

#[test]
fn presets_mirror_the_portal() {
    assert_eq!(
        (RateLimit::STANDARD.burst, RateLimit::STANDARD.per_second),
        (50, 2.0)
    );
    assert_eq!(
        (
            RateLimit::ENTERPRISE.burst,
            RateLimit::ENTERPRISE.per_second
        ),
        (250, 5.0)
    );
    assert_eq!(RateLimit::default(), RateLimit::STANDARD);
}
