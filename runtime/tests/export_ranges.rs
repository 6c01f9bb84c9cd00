//! Exports over several ID ranges at once: each item exactly once and in ID
//! order on sparse and growing ID spaces, resumed exactly from a checkpoint
//! taken mid-export, and under the fault mix of the runtime's tests (10%
//! 500s, 5% connections dropped before and 5% after the portal ran the
//! request).

mod common;

use std::sync::{Arc, Mutex};

use bitrix24::{Checkpoint, Client, ExportOptions, ListSpec, Portal, RateLimit};
use bitrix24_testkit::emulator::{Config, Emulator, Entity, Faults, Intercept};
use bitrix24_testkit::MockResponse;
use futures_util::StreamExt;
use serde_json::{json, Value};

/// An emulator holding leads at `ids`.
async fn holding(ids: &[i64]) -> Emulator {
    let portal = Emulator::start(Config::unlimited()).await.unwrap();
    for id in ids {
        assert!(portal.insert_with_id(Entity::Lead, *id, json!({})), "{id}");
    }
    portal
}

fn id_of(item: &Value) -> i64 {
    item["ID"]
        .as_i64()
        .or_else(|| item["ID"].as_str()?.parse().ok())
        .unwrap()
}

/// Only the ID of each lead: answers stay small and quick.
fn ids_only() -> Value {
    json!({"select": ["ID"]})
}

async fn export_ids(client: &Client, options: ExportOptions) -> Vec<i64> {
    export_selected(client, options, ids_only()).await
}

/// The IDs of an export that asks for `params` (its `select`).
async fn export_selected(client: &Client, options: ExportOptions, params: Value) -> Vec<i64> {
    let items: Vec<Value> = client
        .export_raw("crm.lead.list", params, ListSpec::new("ID"), options)
        .all()
        .await
        .unwrap();
    items.iter().map(id_of).collect()
}

#[tokio::test]
async fn sparse_ids_come_once_each_in_order() {
    // A dense block, a gap of millions, another block, lone IDs far apart.
    let mut ids: Vec<i64> = (1..=3_000).collect();
    ids.extend(2_000_000..2_004_000);
    ids.extend([9_000_000_000, 9_000_000_007, i64::MAX - 1]);
    for ranges in [2, 8, 64] {
        let portal = holding(&ids).await;
        let client = common::client(&portal.webhook_url());
        let options = ExportOptions {
            ranges,
            ..ExportOptions::default()
        };
        // With 8 ranges, whole records: slower answers, so the dense block is
        // still being walked when the empty ranges have made the export's
        // density small. It is sized by its own (it was fetched a page or
        // two a request, up to 68 requests in all).
        let params = if ranges == 8 {
            json!({"select": ["*"]})
        } else {
            ids_only()
        };
        assert_eq!(
            export_selected(&client, options, params).await,
            ids,
            "{ranges} ranges"
        );
        // The first `ranges` ranges are cut before any answer; after them,
        // each empty range widens the next fourfold: a bounded number of
        // requests, whatever the gaps.
        let requests = portal.requests().len();
        assert!(
            requests <= ranges + 50,
            "{ranges} ranges: {requests} requests"
        );
    }
    // Only lone IDs: every range but a few is empty.
    let lone: Vec<i64> = (0..400).map(|i| 1 + i * 1_000_003).collect();
    let portal = holding(&lone).await;
    let client = common::client(&portal.webhook_url());
    assert_eq!(export_ids(&client, ExportOptions::default()).await, lone);
    let requests = portal.requests().len();
    assert!(requests <= 40, "400 lone IDs: {requests} requests");
}

#[tokio::test]
async fn a_checkpoint_taken_mid_export_resumes_exactly() {
    let ids: Vec<i64> = (1..=12_000).map(|i| i * 7 + (i % 5)).collect();
    let portal = holding(&ids).await;
    let client = common::client(&portal.webhook_url());
    for (taken, ranges) in [(1, 8), (49, 8), (50, 4), (4_321, 8), (11_999, 3)] {
        let mut stream = client.export_raw::<Value>(
            "crm.lead.list",
            ids_only(),
            ListSpec::new("ID"),
            ExportOptions::default(),
        );
        let mut first = Vec::new();
        while first.len() < taken {
            first.push(id_of(&stream.next().await.unwrap().unwrap()));
        }
        let checkpoint = stream.checkpoint().unwrap();
        assert_eq!(checkpoint.last_id, *first.last().unwrap());
        assert_eq!(stream.progress().items, taken as u64);
        // The serde form is one ID, as before ranges.
        let saved = serde_json::to_string(&checkpoint).unwrap();
        assert_eq!(saved, format!("{{\"last_id\":{}}}", checkpoint.last_id));
        drop(stream);
        let options = ExportOptions {
            after: Some(serde_json::from_str::<Checkpoint>(&saved).unwrap()),
            ranges,
            ..ExportOptions::default()
        };
        let rest = export_ids(&client, options).await;
        let all: Vec<i64> = first.into_iter().chain(rest).collect();
        assert_eq!(all, ids, "taken {taken}, resumed over {ranges} ranges");
    }
}

#[tokio::test]
async fn items_added_during_the_export_are_never_written_twice() {
    // Before each request, 30 IDs above the highest and one inside the
    // span (which may land behind the export): nothing written twice, in
    // order, and every ID there at the start is written.
    let start: Vec<i64> = (1..=9_000).map(|i| i * 2).collect();
    let portal = holding(&start).await;
    let next = Arc::new(Mutex::new(0i64));
    portal.on_request(move |_, records| {
        let mut n = next.lock().unwrap();
        for _ in 0..30 {
            records.insert(Entity::Lead, json!({}));
        }
        *n += 1;
        records.insert_with_id(Entity::Lead, *n * 97 % 18_000 * 2 + 1, json!({}));
        Intercept::Pass
    });
    let client = common::client(&portal.webhook_url());
    let got = export_ids(&client, ExportOptions::default()).await;
    assert!(
        got.windows(2).all(|w| w[0] < w[1]),
        "in ID order, once each"
    );
    let written: std::collections::HashSet<i64> = got.iter().copied().collect();
    assert!(start.iter().all(|id| written.contains(id)), "none missed");
}

#[tokio::test]
async fn a_range_whose_requests_fail_ends_the_export_with_the_error() {
    // The probe answers; every range request is refused.
    let ids: Vec<i64> = (1..=5_000).collect();
    let portal = holding(&ids).await;
    portal.on_request(|request, _| {
        let probe = request
            .batch_commands()
            .iter()
            .any(|(name, _)| name == "top");
        if probe {
            return Intercept::Pass;
        }
        let refusal = json!({"error": "ACCESS_DENIED", "error_description": "Access denied"});
        MockResponse::json(400, refusal).into()
    });
    let client = common::client(&portal.webhook_url());
    let mut stream = client.export_raw::<Value>(
        "crm.lead.list",
        json!({}),
        ListSpec::new("ID"),
        ExportOptions::default(),
    );
    let mut got = Vec::new();
    let error = loop {
        match stream.next().await.unwrap() {
            Ok(item) => got.push(id_of(&item)),
            Err(error) => break error,
        }
    };
    assert_eq!(error.api().unwrap().code, "ACCESS_DENIED");
    assert!(stream.next().await.is_none());
    // The probe's page came; the checkpoint is its last item.
    assert_eq!(got, (1..=50).collect::<Vec<i64>>());
    assert_eq!(stream.checkpoint(), Some(Checkpoint { last_id: 50 }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_faults_an_export_resumed_from_its_checkpoint_writes_each_lead_once() {
    let faults = Faults {
        error_500: 0.10,
        drop_before: 0.05,
        drop_after: 0.05,
        ..Faults::none()
    };
    for seed in [3, 17] {
        let portal = Emulator::start(
            Config::default()
                .rate_limit(50, 20.0)
                .faults(faults.clone())
                .seed(seed),
        )
        .await
        .unwrap();
        let ids = portal.insert_many(Entity::Lead, 12_000, |i| json!({"TITLE": format!("l{i}")}));
        let client = Client::builder(Portal::webhook(&portal.webhook_url()))
            .rate_limit(RateLimit::new(50, 20.0))
            .retry_policy(common::fast())
            .build()
            .unwrap();
        let (mut got, mut after, mut restarts) = (Vec::new(), None, 0);
        loop {
            // 250 items a request: about 50 requests, so faults do happen.
            let options = ExportOptions {
                after,
                pages_per_request: 5,
                ..ExportOptions::default()
            };
            let mut stream = client.export_raw::<Value>(
                "crm.lead.list",
                json!({"select": ["ID", "TITLE"]}),
                ListSpec::new("ID"),
                options,
            );
            let mut failed = false;
            while let Some(item) = stream.next().await {
                match item {
                    Ok(item) => got.push(id_of(&item)),
                    Err(_) => failed = true,
                }
            }
            if !failed {
                break;
            }
            restarts += 1;
            assert!(restarts < 20, "seed {seed}: too many restarts");
            after = stream.checkpoint();
        }
        assert_eq!(got, ids, "seed {seed}: every lead once, in ID order");
        let counters = portal.counters();
        assert!(
            counters.injected_500 + counters.dropped_before + counters.dropped_after > 0,
            "seed {seed}: faults were injected"
        );
        assert_eq!(counters.query_limit_exceeded, 0, "seed {seed}");
    }
}
