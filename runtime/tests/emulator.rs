//! The runtime against the project's portal emulator (`bitrix24-testkit`)
//! with a binding generated from its page, and sharing the portal's bucket
//! with another application. (OAuth renewal against the emulator is in
//! `oauth.rs`, time budgets in `limits.rs` and `batch.rs`.)

mod common;

use std::time::Duration;

use bitrix24::{Batch, Client, Portal};
use bitrix24_testkit::{Config, Emulator, Entity};
use common::methods::LeadAdd;
use serde_json::json;

bitrix24::bitrix_method!(
    "../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md"
);

#[tokio::test]
async fn a_typed_batch_adds_leads_and_binds_their_contacts() {
    let portal = Emulator::start(Config::unlimited()).await.unwrap();
    let contacts: Vec<i64> = (0..3)
        .map(|i| portal.insert(Entity::Contact, json!({"NAME": format!("c{i}")})))
        .collect();
    let client = Client::builder(Portal::webhook(&portal.webhook_url()))
        .retry_policy(common::fast())
        .build()
        .unwrap();
    let mut batch = Batch::new();
    let mut keys = Vec::new();
    for i in 0..40 {
        let mut fields = serde_json::Map::new();
        fields.insert("TITLE".into(), json!(format!("lead {i}")));
        let lead = batch.add(&format!("lead{i}"), LeadAdd { fields }).unwrap();
        let items = vec![crm_lead_contact_items_set::Items {
            contact_id: contacts[i % 3],
            sort: Some(10),
            is_primary: Some(true),
        }];
        let bind = batch
            .add_linked(
                &format!("bind{i}"),
                crm_lead_contact_items_set::Params { id: 0, items },
                [("id", lead.result())],
            )
            .unwrap();
        keys.push((lead, bind, contacts[i % 3]));
    }
    let results = client.batch(batch).await;
    assert_eq!(results.requests(), 2);
    for (lead, bind, contact) in keys {
        let id = results.get(&lead).unwrap().unwrap();
        let id = id.as_i64().or_else(|| id.as_str()?.parse().ok()).unwrap();
        assert!(results.get(&bind).unwrap().unwrap());
        let bindings = portal.bindings(Entity::Lead, id);
        assert_eq!(bindings.len(), 1);
        assert_eq!(bindings[0].contact_id, contact);
        assert!(bindings[0].is_primary);
    }
}

/// Another application draws on the same portal's bucket (documented drain,
/// burst 20, 10 once a second) at 4 requests a second: the job's own model
/// cannot see those, meets a few 503s, adapts (fills its model, keeps more
/// headroom) and every call still succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_sharing_the_bucket_with_another_app_adapts_to_its_503s() {
    let portal = Emulator::start(Config::default().rate_limit(20, 10.0))
        .await
        .unwrap();
    let other = {
        let url = format!("{}crm.lead.fields", portal.webhook_url());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            loop {
                let _ = http.post(&url).json(&json!({})).send().await;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };
    let client = Client::builder(Portal::webhook(&portal.webhook_url()))
        .rate_limit(bitrix24::RateLimit::new(20, 10.0))
        .retry_policy(common::fast())
        .build()
        .unwrap();
    let calls: Vec<_> = (0..60)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .call(LeadAdd {
                        fields: json!({"TITLE": format!("lead {i}")})
                            .as_object()
                            .cloned()
                            .unwrap(),
                    })
                    .await
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    other.abort();
    let counters = portal.counters();
    assert_eq!(counters.calls_for("crm.lead.add"), 60, "{counters:?}");
    // The job's own refusals: its requests beyond its calls.
    let refused = counters.requests_by_method["crm.lead.add"] - 60;
    assert!(refused <= 6, "{refused} refusals: {counters:?}");
    eprintln!(
        "sharing the bucket: {refused} x 503 for the job's 60 calls, {} in all",
        counters.query_limit_exceeded
    );
}
