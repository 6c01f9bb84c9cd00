//! Exports over several ID ranges at once: each item exactly once and in ID
//! order on sparse and growing ID spaces, resumed exactly from a checkpoint
//! taken mid-export, and under the fault mix of the runtime's tests (10%
//! 500s, 5% connections dropped before and 5% after the portal ran the
//! request).

mod common;

use std::sync::{Arc, Mutex};

use bitrix24::{Checkpoint, Client, ExportOptions, ListSpec, Portal, RateLimit};
use bitrix24_testkit::emulator::{Config, Emulator, Entity, Faults};
use common::{run_batch, serve, Reply, Server};
use futures_util::StreamExt;
use serde_json::{json, Value};

/// A page of a list over `ids` (sorted): `filter[>ID]`, `filter[<=ID]`,
/// `order[ID]` ASC or DESC, `start=-1`. An unresolved `>ID` is ignored.
fn page(ids: &[i64], params: &Value) -> Value {
    let number = |v: &Value| match v {
        Value::String(s) => s.parse::<i64>().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    };
    let after = number(&params["filter"][">ID"]).unwrap_or(i64::MIN);
    let until = number(&params["filter"]["<=ID"]).unwrap_or(i64::MAX);
    let matching = ids.iter().filter(|id| **id > after && **id <= until);
    let items: Vec<Value> = if params["order"]["ID"] == json!("DESC") {
        matching
            .rev()
            .take(50)
            .map(|id| json!({"ID": id.to_string()}))
            .collect()
    } else {
        matching
            .take(50)
            .map(|id| json!({"ID": id.to_string()}))
            .collect()
    };
    Value::Array(items)
}

/// A portal over a list of IDs that `grow` may change before each request.
async fn portal(
    ids: Vec<i64>,
    grow: impl Fn(&mut Vec<i64>) + Send + Sync + 'static,
) -> (Server, Arc<Mutex<Vec<i64>>>) {
    let ids = Arc::new(Mutex::new(ids));
    let held = ids.clone();
    let server = serve(move |req| {
        let mut ids = held.lock().unwrap();
        grow(&mut ids);
        ids.sort_unstable();
        ids.dedup();
        let out = run_batch(req, |_, params| Ok(page(&ids, params)));
        Reply::Json(200, out)
    })
    .await;
    (server, ids)
}

fn id_of(item: &Value) -> i64 {
    item["ID"]
        .as_i64()
        .or_else(|| item["ID"].as_str()?.parse().ok())
        .unwrap()
}

async fn export_ids(client: &Client, options: ExportOptions) -> Vec<i64> {
    let items: Vec<Value> = client
        .export_raw("crm.lead.list", json!({}), ListSpec::new("ID"), options)
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
        let (server, _) = portal(ids.clone(), |_| {}).await;
        let client = common::client(&server);
        let options = ExportOptions {
            ranges,
            ..ExportOptions::default()
        };
        assert_eq!(export_ids(&client, options).await, ids, "{ranges} ranges");
        // The first `ranges` ranges are cut before any answer; after them,
        // each empty range widens the next fourfold: a bounded number of
        // requests, whatever the gaps.
        let requests = server.requests().len();
        assert!(
            requests <= ranges + 50,
            "{ranges} ranges: {requests} requests"
        );
    }
    // Only lone IDs: every range but a few is empty.
    let lone: Vec<i64> = (0..400).map(|i| 1 + i * 1_000_003).collect();
    let (server, _) = portal(lone.clone(), |_| {}).await;
    let client = common::client(&server);
    assert_eq!(export_ids(&client, ExportOptions::default()).await, lone);
    let requests = server.requests().len();
    assert!(requests <= 40, "400 lone IDs: {requests} requests");
}

#[tokio::test]
async fn a_checkpoint_taken_mid_export_resumes_exactly() {
    let ids: Vec<i64> = (1..=12_000).map(|i| i * 7 + (i % 5)).collect();
    let (server, _) = portal(ids.clone(), |_| {}).await;
    let client = common::client(&server);
    for (taken, ranges) in [(1, 8), (49, 8), (50, 4), (4_321, 8), (11_999, 3)] {
        let mut stream = client.export_raw::<Value>(
            "crm.lead.list",
            json!({}),
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
    let next = Arc::new(Mutex::new(0i64));
    let (server, _) = portal(start.clone(), move |ids| {
        let mut n = next.lock().unwrap();
        let top = *ids.last().unwrap();
        ids.extend((1..=30).map(|i| top + i));
        *n += 1;
        ids.push(*n * 97 % 18_000 * 2 + 1);
    })
    .await;
    let client = common::client(&server);
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
    let server = serve(move |req| {
        let probe = common::ordered_cmd(&req.raw)
            .iter()
            .any(|(name, _)| name == "top");
        if !probe {
            return Reply::error(400, "ACCESS_DENIED");
        }
        Reply::Json(200, run_batch(req, |_, params| Ok(page(&ids, params))))
    })
    .await;
    let client = common::client(&server);
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
