//! Typed batches against the testkit's emulator: references, splitting,
//! halt, per-command errors.

mod common;

use std::time::Duration;

use bitrix24::{Batch, CallError, Retry};
use bitrix24_testkit::emulator::{Config, Emulator, Entity, Faults, OperatingLimit};
use common::methods::{Binding, ItemsSet, LeadAdd, LeadGet};
use serde_json::json;

async fn emulator(config: Config) -> Emulator {
    Emulator::start(config).await.unwrap()
}

#[tokio::test]
async fn linked_commands_split_into_requests_of_fifty_without_breaking_chains() {
    let portal = emulator(Config::unlimited()).await;
    let read = portal.insert_many(Entity::Lead, 30, |i| json!({"TITLE": format!("read {i}")}));
    let contacts = portal.insert_many(Entity::Contact, 60, |i| json!({"NAME": format!("c{i}")}));
    let client = common::client(&portal.webhook_url());
    let mut batch = Batch::new();
    let mut pairs = Vec::new();
    for (i, contact) in contacts.iter().enumerate() {
        let lead = batch
            .add(&format!("lead{i}"), LeadAdd::titled(&format!("lead {i}")))
            .unwrap();
        let bind = batch
            .add_linked(
                &format!("bind{i}"),
                ItemsSet {
                    id: 0,
                    items: vec![Binding {
                        contact_id: *contact,
                    }],
                },
                [("id", lead.result())],
            )
            .unwrap();
        pairs.push((lead, bind, *contact));
    }
    let reads: Vec<_> = read
        .iter()
        .map(|id| batch.add(&format!("get{id}"), LeadGet { id: *id }).unwrap())
        .collect();
    assert_eq!(batch.len(), 150);
    let results = client.batch(batch).await;
    assert_eq!(results.requests(), 3);
    let requests = portal.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        let cmd = request.batch_commands();
        assert!(!cmd.is_empty() && cmd.len() <= 50);
        // Every binding travels with its lead, after it.
        let names: Vec<&str> = cmd.iter().map(|(name, _)| name.as_str()).collect();
        for (at, name) in names
            .iter()
            .enumerate()
            .filter(|(_, n)| n.starts_with("bind"))
        {
            let lead = names
                .iter()
                .position(|n| *n == name.replace("bind", "lead"));
            assert!(lead.is_some_and(|l| l < at), "{name}");
        }
    }
    for (lead, bind, contact) in &pairs {
        let id = results.get(lead).unwrap().unwrap();
        let id = id.as_i64().or_else(|| id.as_str()?.parse().ok()).unwrap();
        assert!(results.get(bind).unwrap().unwrap());
        let bindings = portal.bindings(Entity::Lead, id);
        assert_eq!(bindings.len(), 1, "lead {id}");
        assert_eq!(bindings[0].contact_id, *contact, "lead {id}");
    }
    assert_eq!(portal.count(Entity::Lead), 90);
    let third = results.get(&reads[3]).unwrap().unwrap();
    assert_eq!(third["ID"], json!(read[3].to_string()));
    assert_eq!(third["TITLE"], json!("read 3"));
}

#[tokio::test]
async fn the_wire_format_is_a_named_cmd_of_query_strings() {
    let portal = emulator(Config::unlimited()).await;
    let mut batch = Batch::new();
    let lead = batch.add("lead", LeadAdd::default()).unwrap();
    batch
        .add_linked(
            "bind",
            ItemsSet {
                id: 0,
                items: vec![Binding { contact_id: 5 }],
            },
            [("id", lead.result())],
        )
        .unwrap();
    common::client(&portal.webhook_url()).batch(batch).await;
    let request = &portal.requests()[0];
    assert_eq!(request.json().unwrap()["halt"], json!(0));
    assert_eq!(
        request.batch_commands(),
        [
            ("lead".to_string(), "crm.lead.add?fields=".to_string()),
            (
                "bind".to_string(),
                "crm.lead.contact.items.set?id=%24result%5Blead%5D&items[0][contact_id]=5"
                    .to_string()
            ),
        ]
    );
}

#[tokio::test]
async fn each_command_gets_its_typed_error_and_halt_stops_the_rest() {
    let portal = emulator(Config::unlimited()).await;
    let one = portal.insert(Entity::Lead, json!({"TITLE": "one"}));
    let client = common::client(&portal.webhook_url());
    let mut batch = Batch::new().halt(true);
    let first = batch.add("first", LeadGet { id: one }).unwrap();
    let broken = batch
        .add_raw("broken", "fail.method", Retry::Read, json!({}))
        .unwrap();
    let mut later = Vec::new();
    for i in 0..60 {
        later.push(
            batch
                .add(&format!("later{i}"), LeadGet { id: one })
                .unwrap(),
        );
    }
    let results = client.batch(batch).await;
    assert_eq!(results.requests(), 1, "halted before the second request");
    assert!(results.get(&first).unwrap().is_ok());
    let Some(Err(CallError::Api(api))) = results.raw(&broken) else {
        panic!()
    };
    assert_eq!(api.code, "ERROR_METHOD_NOT_FOUND");
    assert!(results.get(&later[0]).is_none(), "did not run");
    assert!(results.get(&later[59]).is_none());
    assert_eq!(portal.counters().calls_for("crm.lead.get"), 1);

    let mut batch = Batch::new();
    let get = batch.add("get", LeadGet { id: one }).unwrap();
    let bad = batch
        .add_linked(
            "bad",
            ItemsSet {
                id: 0,
                items: vec![],
            },
            [("id", get.result().at("MISSING"))],
        )
        .unwrap();
    let results = client.batch(batch).await;
    let err = results.get(&bad).unwrap().unwrap_err();
    assert_eq!(err.0.api().unwrap().code, "INVALID_ARG_VALUE");
    let got = &results.by_name("get").unwrap().as_ref().unwrap().result;
    assert_eq!(got["ID"], json!(one.to_string()));
}

#[tokio::test]
async fn a_batch_with_a_write_is_never_resent_after_an_unknown_outcome() {
    // The portal runs the batch, then the connection drops: the lead is added.
    let portal = emulator(Config::unlimited().faults(Faults {
        drop_after: 1.0,
        ..Faults::none()
    }))
    .await;
    let client = common::client(&portal.webhook_url());
    let mut batch = Batch::new();
    let add = batch.add("add", LeadAdd::titled("once")).unwrap();
    let get = batch.add("get", LeadGet { id: 1 }).unwrap();
    let results = client.batch(batch).await;
    assert!(matches!(
        results.get(&add).unwrap().unwrap_err().0,
        CallError::OutcomeUnknown(_)
    ));
    assert!(matches!(
        results.get(&get).unwrap().unwrap_err().0,
        CallError::OutcomeUnknown(_)
    ));
    assert_eq!(portal.requests().len(), 1);
    assert_eq!(portal.count(Entity::Lead), 1, "added once, never again");

    // Reads and idempotent writes only: retried.
    portal.set_faults(Faults {
        drop_before: 1.0,
        ..Faults::none()
    });
    let mut batch = Batch::new();
    batch.add("get", LeadGet { id: 1 }).unwrap();
    batch
        .add(
            "set",
            ItemsSet {
                id: 1,
                items: vec![],
            },
        )
        .unwrap();
    client.batch(batch).await;
    assert_eq!(
        portal.requests().len(),
        1 + 5,
        "the first attempt and 4 retries"
    );
}

/// Ten `crm.lead.get` in a batch, each costing 0.1 s of a budget counted
/// over 1 s that lets the first `10 - refused` run: the last `refused` are
/// refused until the oldest basket leaves the window, and must run again
/// once, after the reset the portal announced.
async fn refused_commands_run_again_after_the_reset(refused: usize) {
    let budget = Duration::from_millis(100) * (10 - refused as u32) - Duration::from_millis(50);
    let limit = OperatingLimit::new(budget, Duration::from_secs(1), Duration::from_millis(100));
    let portal = emulator(Config::unlimited().operating(limit)).await;
    let ids = portal.insert_many(Entity::Lead, 10, |i| json!({"TITLE": format!("l{i}")}));
    let client = common::client(&portal.webhook_url());
    let mut batch = Batch::new();
    let gets: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| batch.add(&format!("get{i}"), LeadGet { id: *id }).unwrap())
        .collect();
    let started = std::time::Instant::now();
    let results = client.batch(batch).await;
    for (get, id) in gets.iter().zip(&ids) {
        let lead = results.get(get).unwrap().unwrap();
        assert_eq!(lead["ID"], json!(id.to_string()));
    }
    assert_eq!(results.requests(), 2);
    let counters = portal.counters();
    assert_eq!(
        counters.operation_time_limit, refused as u64,
        "refused once each"
    );
    assert_eq!(counters.calls_for("crm.lead.get"), 10, "each ran once");
    // The second request waited for the announced reset.
    assert!(started.elapsed() >= Duration::from_millis(900));
    let second = portal.requests()[1].batch_commands();
    let expected: Vec<(String, String)> = (10 - refused..10)
        .map(|i| (format!("get{i}"), format!("crm.lead.get?id={}", ids[i])))
        .collect();
    assert_eq!(second, expected);
}

#[tokio::test]
async fn a_command_refused_by_its_time_budget_runs_again_once_it_allows() {
    refused_commands_run_again_after_the_reset(1).await;
}

/// Several commands of one method refused in one batch: every refusal
/// after the first finds the block in force and leaves it where the
/// announced reset put it, so they all run again once, after the reset
/// (the block used to be moved back to `operating_retry` by each later
/// refusal, and the commands were sent every `operating_retry` until then).
#[tokio::test]
async fn several_commands_refused_by_their_time_budget_wait_for_the_same_reset() {
    refused_commands_run_again_after_the_reset(3).await;
}
