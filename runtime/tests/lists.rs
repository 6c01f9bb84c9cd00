//! List streams over loopback: paging by `start`, and the traversal by ID
//! through batch with a resumable checkpoint.

mod common;

use std::sync::{Arc, Mutex};

use bitrix24::{Checkpoint, ExportOptions, ListSpec, Progress};
use common::methods::LeadList;
use common::{run_batch, serve, Reply, Server};
use futures_util::StreamExt;
use serde_json::{json, Value};

/// The IDs the portal holds: every third number, so IDs and positions differ.
fn ids(n: i64) -> Vec<i64> {
    (1..=n).map(|i| i * 3).collect()
}

/// A number sent as a number or as text; `None` when absent or not a number.
fn number(value: &Value) -> Option<i64> {
    match value {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

/// A list method over `ids`: paging by `start` with `total`/`next`, or with
/// `start=-1`, no count; `filter[>ID]`, `filter[<=ID]` and `order[ID]`
/// (`ASC` or `DESC`). Like a careless portal, an empty `>ID` (a reference
/// that did not resolve) is ignored.
fn list(ids: &[i64], params: &Value, id_field: &str) -> (Vec<Value>, Option<u64>, Option<u64>) {
    let filter = &params["filter"];
    let after = number(&filter[format!(">{id_field}")]).unwrap_or(0);
    let until = number(&filter[format!("<={id_field}")]).unwrap_or(i64::MAX);
    let start = number(&params["start"]).unwrap_or(0);
    let mut matching: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| *id > after && *id <= until)
        .collect();
    if params["order"][id_field] == json!("DESC") {
        matching.reverse();
    }
    let skip = start.max(0) as usize;
    let page: Vec<Value> = matching
        .iter()
        .skip(skip)
        .take(50)
        .map(|id| json!({id_field: id.to_string(), "TITLE": format!("lead {id}")}))
        .collect();
    if start < 0 {
        return (page, None, None);
    }
    let next = (skip + 50 < matching.len()).then_some(skip as u64 + 50);
    (page, Some(matching.len() as u64), next)
}

/// The IDs of exported items, in the order they came.
fn lead_ids(items: &[Value], id_field: &str) -> Vec<i64> {
    items
        .iter()
        .map(|i| i[id_field].as_str().unwrap().parse().unwrap())
        .collect()
}

async fn portal(n: i64, wrap: Option<&'static str>, id_field: &'static str) -> Server {
    let ids = ids(n);
    serve(move |req| {
        let wrapped = |items: Vec<Value>| match wrap {
            Some(key) => json!({ key: items }),
            None => Value::Array(items),
        };
        if req.method() == "batch" {
            let out = run_batch(req, |_, params| Ok(wrapped(list(&ids, params, id_field).0)));
            return Reply::Json(200, out);
        }
        let (items, total, next) = list(&ids, &req.body, id_field);
        let mut body = json!({"result": wrapped(items), "total": total});
        if let Some(next) = next {
            body["next"] = json!(next);
        }
        Reply::Json(200, body)
    })
    .await
}

#[tokio::test]
async fn paging_by_start_yields_every_item_with_the_total() {
    let server = portal(120, None, "ID").await;
    let client = common::client(&server);
    let reports = Arc::new(Mutex::new(Vec::<Progress>::new()));
    let seen = reports.clone();
    let items: Vec<Value> = client
        .list(
            LeadList {
                select: vec!["ID".into()],
            },
            ListSpec::new("ID"),
        )
        .on_progress(move |p| seen.lock().unwrap().push(*p))
        .all()
        .await
        .unwrap();
    assert_eq!(items.len(), 120);
    let got: Vec<i64> = items
        .iter()
        .map(|i| i["ID"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(got, ids(120));
    assert_eq!(server.requests().len(), 3);
    let starts: Vec<Value> = server
        .requests()
        .iter()
        .map(|r| r.body["start"].clone())
        .collect();
    assert_eq!(starts, vec![json!(0), json!(50), json!(100)]);
    let reports = reports.lock().unwrap();
    assert_eq!(reports[0].total, Some(120));
    assert!(reports.last().unwrap().done);
    assert_eq!(reports.last().unwrap().items, 120);
}

#[tokio::test]
async fn the_traversal_by_id_returns_each_item_once_in_few_requests() {
    // One range: one request after another, 2,500 items each.
    for (n, requests) in [(20_000, 9), (5_120, 3), (49, 1), (0, 1)] {
        let server = portal(n, None, "ID").await;
        let client = common::client(&server);
        let options = ExportOptions {
            ranges: 1,
            ..ExportOptions::default()
        };
        let items: Vec<Value> = client
            .export(LeadList { select: vec![] }, ListSpec::new("ID"), options)
            .all()
            .await
            .unwrap();
        assert_eq!(lead_ids(&items, "ID"), ids(n), "n = {n}");
        assert_eq!(server.requests().len(), requests, "n = {n}");
        let first = &server.requests()[0];
        let cmd = common::ordered_cmd(&first.raw);
        assert_eq!(cmd.len(), 50);
        assert_eq!(
            cmd[0].1,
            "crm.lead.list?select=&filter[%3EID]=0&order[ID]=ASC&start=-1"
        );
        assert_eq!(cmd[1].0, "p1");
        assert!(
            cmd[1]
                .1
                .contains("filter[%3EID]=%24result%5Bp0%5D%5B49%5D%5BID%5D"),
            "{}",
            cmd[1].1
        );
    }
}

#[tokio::test]
async fn ranges_probe_the_highest_id_then_fetch_at_most_a_request_each() {
    // The probe (first page and highest IDs), then 8 ranges: 20,000 items
    // still take 9 requests, and a small list one.
    for (n, requests) in [(20_000, 9), (5_120, 9), (120, 2), (49, 1), (0, 1)] {
        let server = portal(n, None, "ID").await;
        let client = common::client(&server);
        let stream = client.export::<_, Value>(
            LeadList { select: vec![] },
            ListSpec::new("ID"),
            ExportOptions::default(),
        );
        let items = stream.all().await.unwrap();
        assert_eq!(lead_ids(&items, "ID"), ids(n), "n = {n}");
        let sent = server.requests();
        assert_eq!(sent.len(), requests, "n = {n}");
        let probe = common::ordered_cmd(&sent[0].raw);
        assert_eq!(
            probe,
            vec![
                (
                    "p0".to_string(),
                    "crm.lead.list?select=&filter[%3EID]=0&order[ID]=ASC&start=-1".to_string()
                ),
                (
                    "top".to_string(),
                    "crm.lead.list?select=&filter[%3EID]=0&order[ID]=DESC&start=-1".to_string()
                ),
            ]
        );
        // Every range but the last is bounded above; none holds more than a request.
        for request in &sent[1..] {
            let cmd = common::ordered_cmd(&request.raw);
            assert!(cmd.len() <= 50, "n = {n}");
        }
        let bounded = sent[1..]
            .iter()
            .filter(|r| common::ordered_cmd(&r.raw)[0].1.contains("%3C%3DID"))
            .count();
        assert_eq!(bounded, sent.len().saturating_sub(2), "n = {n}");
    }
}

#[tokio::test]
async fn an_export_resumes_from_its_checkpoint() {
    let server = portal(5_120, Some("items"), "id").await;
    let client = common::client(&server);
    let spec = ListSpec::new("id").items_in("items");
    let mut stream = client.export::<_, Value>(
        LeadList { select: vec![] },
        spec.clone(),
        ExportOptions::default(),
    );
    let mut first = Vec::new();
    while first.len() < 3_000 {
        first.push(stream.next().await.unwrap().unwrap());
    }
    let checkpoint = stream.checkpoint().unwrap();
    assert_eq!(checkpoint, Checkpoint { last_id: 9_000 });
    assert_eq!(stream.progress().items, 3_000);
    drop(stream);
    let options = ExportOptions {
        after: Some(checkpoint),
        pages_per_request: 10,
        ..ExportOptions::default()
    };
    let rest: Vec<Value> = client
        .export(LeadList { select: vec![] }, spec, options)
        .all()
        .await
        .unwrap();
    let all: Vec<i64> = first
        .iter()
        .chain(&rest)
        .map(|i| i["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(all, ids(5_120));
}

#[tokio::test]
async fn a_failing_list_ends_the_stream_with_the_error() {
    let server = serve(|_| Reply::error(400, "ACCESS_DENIED")).await;
    let client = common::client(&server);
    let mut stream = client.export_raw::<Value>(
        "crm.lead.list",
        json!({}),
        ListSpec::new("ID"),
        ExportOptions::default(),
    );
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.api().unwrap().code, "ACCESS_DENIED");
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn a_portal_that_ignores_the_id_filter_is_reported_not_looped() {
    let server = serve(|req| {
        let page: Vec<Value> = (1..=50).map(|id| json!({"ID": id})).collect();
        let out = run_batch(req, |_, _| Ok(Value::Array(page.clone())));
        Reply::Json(200, out)
    })
    .await;
    let client = common::client(&server);
    let options = ExportOptions {
        after: Some(Checkpoint { last_id: 50 }),
        pages_per_request: 2,
        ranges: 1,
    };
    let err = client
        .export_raw::<Value>("crm.lead.list", json!({}), ListSpec::new("ID"), options)
        .all()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("ignored the `>ID` filter"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_list_method_streams_typed_items() {
    let server = portal(130, None, "ID").await;
    let client = common::client(&server);
    let paged = client
        .items(LeadList { select: vec![] })
        .all()
        .await
        .unwrap();
    let exported = client
        .export_items(LeadList { select: vec![] }, ExportOptions::default())
        .all()
        .await
        .unwrap();
    assert_eq!(paged, exported);
    assert_eq!(paged.len(), 130);
    assert_eq!(
        paged[0],
        common::methods::Lead {
            id: 3,
            title: "lead 3".into()
        }
    );
}

#[derive(Debug, Clone, serde::Serialize)]
struct TaskList {}

impl bitrix24::Call for TaskList {
    const METHOD: &'static str = "tasks.task.list";
    const RETRY: bitrix24::Retry = bitrix24::Retry::Read;
    const API: bitrix24::ApiVersion = bitrix24::ApiVersion::V3;
    type Output = Value;
    type Error = common::methods::TestError;
    fn decode(result: Value) -> Result<Value, serde_json::Error> {
        Ok(result)
    }
}

#[tokio::test]
async fn rest_v3_lists_page_at_the_v3_address_without_batch() {
    let ids = ids(120);
    let server = serve(move |req| {
        assert!(req.path.starts_with("/rest/api/"), "{}", req.path);
        let (items, _, next) = list(&ids, &req.body, "id");
        let mut body = json!({"result": {"items": items}});
        if let Some(next) = next {
            body["next"] = json!(next);
        }
        Reply::Json(200, body)
    })
    .await;
    let client = common::client(&server);
    let spec = ListSpec::new("id").items_in("items");
    let paged: Vec<Value> = client.list(TaskList {}, spec.clone()).all().await.unwrap();
    assert_eq!(paged.len(), 120);
    let before = server.requests().len();
    let exported: Vec<Value> = client
        .export(TaskList {}, spec, ExportOptions::default())
        .all()
        .await
        .unwrap();
    assert_eq!(exported, paged);
    assert_eq!(server.requests().len() - before, 3, "one page a request");
}
