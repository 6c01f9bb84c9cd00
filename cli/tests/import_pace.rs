//! `b24 import` of `crm.lead.contact.items.set` for 5,000 leads against the
//! emulator's leaky bucket of burst 50 drained by 20 once per second (the
//! documented drain), no faults: at most 101 requests, not one refused with
//! 503, and no slower than 1.10x what the bucket allows for the requests made
//! (N requests need ceil(max(0, N - 50) / 20) whole seconds, since the phase
//! of the drain is unknown).
//!
//! In its own test binary so no other test competes for the two cores
//! while it is timed.

use std::path::Path;
use std::time::Instant;

use b24_cli::commands::import::{import, ImportJob};
use b24_cli::commands::remote::{Connection, MethodInfo};
use bitrix24::RateLimit;
use bitrix24_testkit::emulator::{Config, Emulator, Entity};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setting_contacts_on_5000_leads_keeps_to_the_bucket() {
    let (burst, per_second) = (50u32, 20.0f64);
    let portal = Emulator::start(Config::default().rate_limit(burst, per_second).seed(5))
        .await
        .unwrap();
    let leads = portal.insert_many(
        Entity::Lead,
        5_000,
        |i| json!({"TITLE": format!("lead {i}")}),
    );
    let contacts = portal.insert_many(Entity::Contact, 500, |i| json!({"NAME": format!("c{i}")}));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("b24-import-pace");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("links.jsonl");
    let text: String = leads
        .iter()
        .enumerate()
        .map(|(i, lead)| {
            let line = json!({"id": lead, "items": [
                {"CONTACT_ID": contacts[i % 500], "SORT": 10, "IS_PRIMARY": "Y"},
                {"CONTACT_ID": contacts[(i + 1) % 500], "SORT": 20},
            ]});
            format!("{line}\n")
        })
        .collect();
    std::fs::write(&input, text).unwrap();
    let client = Connection {
        webhook: Some(portal.webhook_url()),
        rate_limit: Some(RateLimit::new(burst, per_second)),
        ..Connection::default()
    }
    .client()
    .unwrap();
    let job = ImportJob::new(
        MethodInfo::new("crm.lead.contact.items.set", None),
        &input,
        dir.join("report.jsonl"),
    );

    let started = Instant::now();
    let summary = import(&client, &job, &mut |_| {}).await.unwrap();
    let elapsed = started.elapsed().as_secs_f64();

    let counters = portal.counters();
    let requests = counters.requests;
    let allowed = ((requests.saturating_sub(u64::from(burst))) as f64 / per_second).ceil();
    println!(
        "crm.lead.contact.items.set on 5,000 leads: {requests} requests, {} x 503, {elapsed:.3} s; \
         the bucket allows {allowed:.3} s: ratio {:.3}",
        counters.query_limit_exceeded,
        elapsed / allowed.max(f64::EPSILON)
    );
    assert!(summary.all_ok(), "{summary:?}");
    assert_eq!(counters.calls_for("crm.lead.contact.items.set"), 5_000);
    assert!(requests <= 101, "{counters:?}");
    assert_eq!(counters.query_limit_exceeded, 0, "{counters:?}");
    assert!(
        elapsed <= 1.10 * allowed,
        "{elapsed:.3} s against {allowed:.3} s allowed"
    );
    for (i, lead) in leads.iter().enumerate().step_by(97) {
        let links = portal.bindings(Entity::Lead, *lead);
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].contact_id, contacts[i % 500]);
        assert!(links[0].is_primary);
    }
}
