//! A bulk import paced by the client-side bucket against the emulator's.
//! A file of its own: the emulator's work on 5,000 commands would take the
//! CPU from the timing-sensitive tests in `limits.rs` if they ran together.

mod common;

use bitrix24::{Client, Portal, RateLimit};
use bitrix24_testkit::emulator::{Config, Emulator, Entity};
use serde_json::json;
use std::time::Duration;

/// The acceptance job without faults: `crm.lead.contact.items.set` for 5,000
/// leads through batch against a portal whose bucket holds 50 and drops by 20
/// once per second, as documented (the first drop a whole second after the
/// portal started: the worst phase for a burst). At most 101 requests, no
/// 503, and the last wait over within 1.10x the time the bucket allows (50
/// at once, then 20 at each whole second).
///
/// Four workers: the emulator runs each batch holding its state's lock, and
/// the client's timers should not wait behind it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bulk_import_at_the_portals_rate_gets_no_503() {
    let limit = RateLimit::new(50, 20.0);
    let portal = Emulator::start(Config::default().rate_limit(50, 20.0))
        .await
        .unwrap();
    let leads = portal.insert_many(Entity::Lead, 5_000, |i| json!({"TITLE": format!("l{i}")}));
    let contacts = portal.insert_many(Entity::Contact, 5_000, |i| json!({"NAME": format!("c{i}")}));
    let client = Client::builder(Portal::webhook(&portal.webhook_url()))
        .rate_limit(limit)
        .build()
        .unwrap();
    let mut batch = bitrix24::Batch::new();
    let keys: Vec<_> = leads
        .iter()
        .zip(&contacts)
        .map(|(lead, contact)| {
            let set = common::methods::ItemsSet {
                id: *lead,
                items: vec![common::methods::Binding {
                    contact_id: *contact,
                }],
            };
            batch.add(&format!("l{lead}"), set).unwrap()
        })
        .collect();
    let started = tokio::time::Instant::now();
    let results = client.batch(batch).await;
    let elapsed = started.elapsed();
    assert!(keys.iter().all(|k| results.get(k).unwrap().unwrap()));
    let sent = portal.requests();
    let requests = sent.len();
    assert!(requests <= 101, "{requests} requests");
    assert_eq!(portal.counters().query_limit_exceeded, 0);
    assert_eq!(
        portal.bindings(Entity::Lead, leads[4_999])[0].contact_id,
        contacts[4_999]
    );
    assert_eq!(
        client.requests_sent(),
        requests as u64,
        "no 503 was retried"
    );
    let ticks = ((requests as f64 - f64::from(limit.burst)).max(0.0) / limit.per_second).ceil();
    let allowed = Duration::from_secs_f64(ticks);
    // The client's pace: when the request that waited for the last tick the
    // bucket requires reached the portal. (The requests after it go one at a
    // time, each as fast as the emulator answers, which is not the client's
    // pace: up to 25 ms each on a loaded machine.)
    let last_tick = if ticks > 0.0 {
        limit.burst as usize + limit.per_second as usize * (ticks as usize - 1)
    } else {
        0
    };
    let paced = sent[last_tick].at - started;
    assert!(
        paced.as_secs_f64() <= allowed.as_secs_f64() * 1.10,
        "{paced:?} for {requests} requests; the bucket allows {allowed:?}"
    );
    eprintln!(
        "bulk import: {requests} requests, the last tick's first sent at {paced:?}, \
         all answered in {elapsed:?}; the bucket allows {allowed:?}"
    );
}
