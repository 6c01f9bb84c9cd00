//! The client-side leaky bucket and per-method time budgets, over loopback
//! against the testkit's portals.

mod common;

use std::time::{Duration, Instant};

use bitrix24::{ApiVersion, CallOptions, Client, Portal, RateLimit, Retry};
use bitrix24_testkit::emulator::{Config, Emulator, OperatingLimit};
use bitrix24_testkit::mock::{MockPortal, ANY_METHOD};
use common::methods::LeadGet;
use serde_json::json;

/// A scripted portal that answers every method with an empty success.
async fn agreeable() -> MockPortal {
    let portal = MockPortal::start().await;
    portal.respond(ANY_METHOD, 200, json!({"result": {}}));
    portal
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_clone_and_task_shares_one_bucket() {
    let portal = agreeable().await;
    let limit = RateLimit::new(10, 10.0);
    let client = Client::builder(Portal::webhook(&portal.webhook_url()))
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
    // 10 at once, 10 when the drain has surely come, 5 a second later.
    assert!(elapsed >= Duration::from_millis(1900), "{elapsed:?}");
    // Replay the arrivals through the portal's bucket, drained by 10 once a
    // second at any phase: it never overflows.
    let mut arrivals: Vec<_> = portal.requests().iter().map(|r| r.at).collect();
    arrivals.sort();
    for p in 0..100u32 {
        let phase = Duration::from_millis(u64::from(p) * 10);
        let (mut level, mut ticks) = (0.0f64, 0u64);
        for &arrival in &arrivals {
            let since = arrival.duration_since(arrivals[0]);
            let now = if since < phase {
                0
            } else {
                (since - phase).as_secs() + 1
            };
            level = (level - (now - ticks) as f64 * limit.per_second).max(0.0) + 1.0;
            ticks = now;
            assert!(
                level <= f64::from(limit.burst),
                "bucket at {level} (phase {phase:?})"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_method_over_its_time_budget_waits_for_its_reset_and_others_go_on() {
    // Each call costs 0.6 s of a 1 s budget counted over 2 s: after two
    // calls the method is over budget until the first basket leaves.
    let limit = OperatingLimit::new(
        Duration::from_secs(1),
        Duration::from_secs(2),
        Duration::from_millis(600),
    );
    let portal = Emulator::start(Config::unlimited().operating(limit))
        .await
        .unwrap();
    let client = common::client(&portal.webhook_url());
    let list = |method: &'static str| {
        let client = client.clone();
        async move {
            client
                .call_raw_with(
                    method,
                    ApiVersion::V2,
                    Retry::Read,
                    json!({"select": ["ID"]}),
                    CallOptions::default(),
                )
                .await
        }
    };
    let sent = || portal.requests_for("crm.lead.list").len();
    list("crm.lead.list").await.unwrap();
    list("crm.lead.list").await.unwrap();
    let started = Instant::now();
    let blocked = tokio::spawn(list("crm.lead.list"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let queued = tokio::spawn(list("crm.lead.list"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Another method is not held back.
    list("crm.contact.list").await.unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(800),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sent(), 3, "the queued call waits without sending");
    blocked.await.unwrap().unwrap();
    queued.await.unwrap().unwrap();
    // The reset the portal announced is two seconds after the first call.
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sent(), 5);
    assert_eq!(
        portal.counters().operation_time_limit,
        1,
        "refused once, then waited for the reset"
    );
}

#[tokio::test]
async fn waiting_longer_than_the_policy_allows_returns_the_error() {
    let portal = MockPortal::start().await;
    portal.respond(
        "crm.lead.get",
        429,
        json!({"error": "OPERATION_TIME_LIMIT"}),
    );
    let client = Client::builder(Portal::webhook(&portal.webhook_url()))
        .retry_policy(bitrix24::RetryPolicy {
            max_operating_wait: Duration::from_secs(1),
            operating_retry: Duration::from_secs(2),
            ..common::fast()
        })
        .build()
        .unwrap();
    let err = client.call(LeadGet { id: 1 }).await.unwrap_err();
    assert_eq!(err.0.api().unwrap().code, "OPERATION_TIME_LIMIT");
    assert_eq!(portal.requests_for("crm.lead.get").len(), 1);
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

#[tokio::test]
async fn clients_for_one_portal_and_credential_share_the_bucket() {
    let portal = agreeable().await;
    let limit = RateLimit::new(3, 10.0);
    let build = |key: &str| {
        Client::builder(Portal::webhook(&format!(
            "{}/rest/1/{key}/",
            portal.origin()
        )))
        .rate_limit(limit)
        .build()
        .unwrap()
    };
    let (a, b) = (build("same"), build("same"));
    let started = Instant::now();
    for i in 0..3 {
        a.call(LeadGet { id: i }).await.unwrap();
        b.call(LeadGet { id: i }).await.unwrap();
    }
    // Six calls through one bucket of 3, drained by 10 once a second.
    assert!(
        started.elapsed() >= Duration::from_millis(280),
        "{:?}",
        started.elapsed()
    );
    let (c, d) = (build("one"), build("other"));
    let started = Instant::now();
    for i in 0..3 {
        c.call(LeadGet { id: i }).await.unwrap();
        d.call(LeadGet { id: i }).await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
}
