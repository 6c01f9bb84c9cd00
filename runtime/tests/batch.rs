//! Typed batches over loopback: references, splitting, halt, per-command errors.

mod common;

use std::sync::{Arc, Mutex};

use bitrix24::{Batch, CallError, Retry};
use common::methods::{Binding, ItemsSet, LeadAdd, LeadGet};
use common::{run_batch, serve, Reply, Server};
use serde_json::{json, Value};

/// A portal that adds leads, binds contacts and fails `fail.method`.
async fn portal(bindings: Arc<Mutex<Vec<(String, Value)>>>) -> Server {
    let next_id = Arc::new(Mutex::new(100));
    serve(move |req| {
        assert_eq!(req.method(), "batch");
        let result = run_batch(req, |method, params| match method {
            "crm.lead.add" => {
                let mut id = next_id.lock().unwrap();
                *id += 1;
                Ok(json!(*id))
            }
            "crm.lead.contact.items.set" => {
                let id = params["id"].as_str().unwrap_or("").to_string();
                if id.is_empty() {
                    return Err("INVALID_ARG".into());
                }
                bindings.lock().unwrap().push((id, params["items"].clone()));
                Ok(json!(true))
            }
            "crm.lead.get" => Ok(json!({"ID": params["id"]})),
            _ => Err("ERROR_METHOD_NOT_FOUND".into()),
        });
        Reply::Json(200, result)
    })
    .await
}

#[tokio::test]
async fn linked_commands_split_into_requests_of_fifty_without_breaking_chains() {
    let bindings = Arc::default();
    let server = portal(Arc::clone(&bindings)).await;
    let client = common::client(&server);
    let mut batch = Batch::new();
    let mut pairs = Vec::new();
    for i in 0..60 {
        let mut fields = serde_json::Map::new();
        fields.insert("TITLE".into(), json!(format!("lead {i}")));
        let lead = batch.add(&format!("lead{i}"), LeadAdd { fields }).unwrap();
        let bind = batch
            .add_linked(
                &format!("bind{i}"),
                ItemsSet {
                    id: 0,
                    items: vec![Binding { contact_id: i }],
                },
                [("id", lead.result())],
            )
            .unwrap();
        pairs.push((lead, bind));
    }
    let reads: Vec<_> = (0..30)
        .map(|i| batch.add(&format!("get{i}"), LeadGet { id: i }).unwrap())
        .collect();
    assert_eq!(batch.len(), 150);
    let results = client.batch(batch).await;
    assert_eq!(results.requests(), 3);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        let cmd = request.body["cmd"].as_object().unwrap();
        assert!(cmd.len() <= 50);
        // Every binding travels with its lead.
        for name in cmd.keys().filter(|n| n.starts_with("bind")) {
            assert!(cmd.contains_key(&name.replace("bind", "lead")), "{name}");
        }
    }
    let bindings = bindings.lock().unwrap().clone();
    assert_eq!(bindings.len(), 60);
    for (i, (lead, bind)) in pairs.iter().enumerate() {
        let id = results.get(lead).unwrap().unwrap();
        assert!(results.get(bind).unwrap().unwrap());
        let key = id.to_string();
        let (_, items) = bindings.iter().find(|(b, _)| *b == key).unwrap();
        assert_eq!(
            items,
            &json!({"0": {"contact_id": i.to_string()}}),
            "PHP arrays"
        );
    }
    assert_eq!(results.get(&reads[3]).unwrap().unwrap(), json!({"ID": "3"}));
}

#[tokio::test]
async fn the_wire_format_is_a_named_cmd_of_query_strings() {
    let server = portal(Arc::default()).await;
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
    common::client(&server).batch(batch).await;
    let body = &server.requests()[0].body;
    assert_eq!(body["halt"], json!(0));
    assert_eq!(body["cmd"]["lead"], json!("crm.lead.add?fields="));
    assert_eq!(
        body["cmd"]["bind"],
        json!("crm.lead.contact.items.set?id=%24result%5Blead%5D&items[0][contact_id]=5")
    );
}

#[tokio::test]
async fn each_command_gets_its_typed_error_and_halt_stops_the_rest() {
    let server = portal(Arc::default()).await;
    let client = common::client(&server);
    let mut batch = Batch::new().halt(true);
    let first = batch.add("first", LeadGet { id: 1 }).unwrap();
    let broken = batch
        .add_raw("broken", "fail.method", Retry::Read, json!({}))
        .unwrap();
    let mut later = Vec::new();
    for i in 0..60 {
        later.push(batch.add(&format!("later{i}"), LeadGet { id: i }).unwrap());
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

    let mut batch = Batch::new();
    let get = batch.add("get", LeadGet { id: 1 }).unwrap();
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
    assert_eq!(err.0.api().unwrap().code, "INVALID_ARG");
    assert_eq!(
        results.by_name("get").unwrap().as_ref().unwrap().result,
        json!({"ID": "1"})
    );
}

#[tokio::test]
async fn a_batch_with_a_write_is_never_resent_after_an_unknown_outcome() {
    let server = serve(|_| Reply::Drop).await;
    let client = common::client(&server);
    let mut batch = Batch::new();
    let add = batch.add("add", LeadAdd::default()).unwrap();
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
    assert_eq!(server.requests().len(), 1);

    // Reads and idempotent writes only: retried.
    let server = serve(|_| Reply::Drop).await;
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
    common::client(&server).batch(batch).await;
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn commands_refused_by_their_time_budget_run_again_once_it_allows() {
    let refused = Arc::new(Mutex::new(0));
    let seen = refused.clone();
    let server = serve(move |req| {
        let reset_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            + 0.2;
        let mut out = run_batch(req, |method, params| {
            // The first time round, id 7 finds the method's budget spent.
            if method == "crm.lead.get" && params["id"] == json!("7") {
                let mut refused = seen.lock().unwrap();
                *refused += 1;
                if *refused == 1 {
                    return Err("OPERATION_TIME_LIMIT".into());
                }
            }
            Ok(json!({"ID": params["id"]}))
        });
        let names: Vec<String> = out["result"]["result"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        out["result"]["result_time"] = json!({});
        for name in names {
            out["result"]["result_time"][&name] =
                json!({"operating": 400.0, "operating_reset_at": reset_at});
        }
        Reply::Json(200, out)
    })
    .await;
    let client = common::client(&server);
    let mut batch = Batch::new();
    let gets: Vec<_> = (0..10)
        .map(|i| batch.add(&format!("get{i}"), LeadGet { id: i }).unwrap())
        .collect();
    let started = std::time::Instant::now();
    let results = client.batch(batch).await;
    for get in &gets {
        assert!(results.get(get).unwrap().is_ok());
    }
    assert_eq!(results.requests(), 2);
    assert_eq!(*refused.lock().unwrap(), 2);
    // The second request waited for the announced reset.
    assert!(started.elapsed() >= std::time::Duration::from_millis(150));
    let second = common::ordered_cmd(&server.requests()[1].raw);
    assert_eq!(
        second,
        vec![("get7".to_string(), "crm.lead.get?id=7".to_string())]
    );
}
