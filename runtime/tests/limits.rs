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
    let limit = RateLimit::new(10, 10.0);
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
    // 10 at once, 10 when the drain has surely come, 5 a second later.
    assert!(elapsed >= Duration::from_millis(1900), "{elapsed:?}");
    // Replay the arrivals through the portal's bucket, drained by 10 once a
    // second at any phase: it never overflows.
    let mut arrivals: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
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
    let reset_at = unix_now() + 1.0;
    let server = serve(move |req| match req.method() {
        "crm.item.list" if unix_now() < reset_at => {
            if req.body["first"] == json!(true) {
                Reply::Json(
                    200,
                    json!({"result": [], "time": {"operating": 400.0, "operating_reset_at": reset_at}}),
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
            operating_retry: Duration::from_secs(2),
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

/// The acceptance job without faults: `crm.lead.contact.items.set` for 5,000
/// leads through batch against a portal whose bucket holds 50 and drops by 20
/// once per second, as documented (the first drop a whole second after the
/// portal started: the worst phase for a burst). At most 101 requests, no
/// 503, and no more than 1.10x the time the bucket allows (50 at once, then
/// 20 at each whole second).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_import_at_the_portals_rate_gets_no_503() {
    use std::sync::Mutex;
    let limit = RateLimit::new(50, 20.0);
    let epoch = Instant::now();
    let bucket = Mutex::new((0.0f64, 0u64));
    let server = serve(move |req| {
        let mut state = bucket.lock().unwrap();
        let ticks = epoch.elapsed().as_secs();
        state.0 = (state.0 - (ticks - state.1) as f64 * limit.per_second).max(0.0);
        state.1 = ticks;
        if state.0 + 1.0 > f64::from(limit.burst) {
            return Reply::error(503, "QUERY_LIMIT_EXCEEDED");
        }
        state.0 += 1.0;
        Reply::Json(200, common::run_batch(req, |_, _| Ok(json!(true))))
    })
    .await;
    let client = Client::builder(Portal::webhook(&server.webhook()))
        .rate_limit(limit)
        .build()
        .unwrap();
    let mut batch = bitrix24::Batch::new();
    let keys: Vec<_> = (0..5_000)
        .map(|i| {
            let set = common::methods::ItemsSet {
                id: i,
                items: vec![common::methods::Binding { contact_id: i + 1 }],
            };
            batch.add(&format!("l{i}"), set).unwrap()
        })
        .collect();
    let started = Instant::now();
    let results = client.batch(batch).await;
    let elapsed = started.elapsed();
    assert!(keys.iter().all(|k| results.get(k).unwrap().unwrap()));
    let requests = server.requests().len();
    assert!(requests <= 101, "{requests} requests");
    assert_eq!(
        client.requests_sent(),
        requests as u64,
        "no 503 was retried"
    );
    let allowed = Duration::from_secs_f64(
        ((requests as f64 - f64::from(limit.burst)).max(0.0) / limit.per_second).ceil(),
    );
    assert!(
        elapsed.as_secs_f64() <= allowed.as_secs_f64() * 1.10,
        "{elapsed:?} for {requests} requests; the bucket allows {allowed:?}"
    );
    eprintln!("bulk import: {requests} requests in {elapsed:?}; the bucket allows {allowed:?}");
}

#[tokio::test]
async fn clients_for_one_portal_and_credential_share_the_bucket() {
    let server = serve(|_| Reply::ok(json!({}))).await;
    let limit = RateLimit::new(3, 10.0);
    let build = |key: &str| {
        Client::builder(Portal::webhook(&format!(
            "http://{}/rest/1/{key}/",
            server.addr
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
