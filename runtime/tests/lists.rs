//! List streams against the testkit's emulator: paging by `start`, and the
//! traversal by ID through batch with a resumable checkpoint.

mod common;

use std::sync::{Arc, Mutex};

use bitrix24::{Checkpoint, ExportOptions, ListSpec, Progress};
use bitrix24_testkit::emulator::{Config, Done, Emulator, Entity};
use bitrix24_testkit::MockPortal;
use common::methods::{ItemList, LeadList, TaskList};
use futures_util::StreamExt;
use serde_json::{json, Map, Value};

/// The IDs the portal holds: every third number, so IDs and positions differ.
fn ids(n: i64) -> Vec<i64> {
    (1..=n).map(|i| i * 3).collect()
}

/// An emulator holding leads at [`ids`]`(n)`, titled `lead {id}`.
async fn holding(n: i64) -> Emulator {
    let portal = Emulator::start(Config::unlimited()).await.unwrap();
    for id in ids(n) {
        portal.insert_with_id(Entity::Lead, id, json!({"TITLE": format!("lead {id}")}));
    }
    portal
}

/// The lead list the traversals ask for: IDs and titles, as small answers
/// as the tests need (a list without `select` answers every field).
fn ids_and_titles() -> LeadList {
    LeadList {
        select: vec!["ID".into(), "TITLE".into()],
    }
}

/// The first page of the traversal by ID, in `order`.
const FIRST_PAGE: &str = "crm.lead.list?select[0]=ID&select[1]=TITLE&filter[%3EID]=0";

/// A number sent as a number or as text; `None` when absent or not a number.
fn number(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

/// A list method whose items come in `{"items": [...]}` with a lower-case
/// `id` (as `crm.item.list` and REST 3.0 lists answer), over `ids`: paging
/// by `start` with `total`/`next`, or with `start=-1`, no count;
/// `filter[>id]`, `filter[<=id]` and `order[id]`.
fn item_list(
    ids: Vec<i64>,
) -> impl Fn(&Map<String, Value>) -> Result<Done, bitrix24_testkit::emulator::Fail> {
    move |params| {
        let filter = params.get("filter");
        let after = number(filter.and_then(|f| f.get(">id"))).unwrap_or(0);
        let until = number(filter.and_then(|f| f.get("<=id"))).unwrap_or(i64::MAX);
        let start = number(params.get("start")).unwrap_or(0);
        let mut matching: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| *id > after && *id <= until)
            .collect();
        if params.get("order").and_then(|o| o.get("id")) == Some(&json!("DESC")) {
            matching.reverse();
        }
        let skip = start.max(0) as usize;
        let items: Vec<Value> = matching
            .iter()
            .skip(skip)
            .take(50)
            .map(|id| json!({"id": id.to_string(), "title": format!("item {id}")}))
            .collect();
        let counted = start >= 0;
        Ok(Done {
            result: json!({ "items": items }),
            total: counted.then_some(matching.len() as u64),
            next: (counted && skip + 50 < matching.len()).then_some(skip as u64 + 50),
        })
    }
}

/// The IDs of exported items, in the order they came.
fn item_ids(items: &[Value], id_field: &str) -> Vec<i64> {
    items
        .iter()
        .map(|i| i[id_field].as_str().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn paging_by_start_yields_every_item_with_the_total() {
    let portal = holding(120).await;
    let client = common::client(&portal.webhook_url());
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
    assert_eq!(item_ids(&items, "ID"), ids(120));
    let requests = portal.requests();
    assert_eq!(requests.len(), 3);
    let starts: Vec<Value> = requests
        .iter()
        .map(|r| r.json().unwrap()["start"].clone())
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
        let portal = holding(n).await;
        let client = common::client(&portal.webhook_url());
        let options = ExportOptions {
            ranges: 1,
            ..ExportOptions::default()
        };
        let items: Vec<Value> = client
            .export(ids_and_titles(), ListSpec::new("ID"), options)
            .all()
            .await
            .unwrap();
        assert_eq!(item_ids(&items, "ID"), ids(n), "n = {n}");
        let sent = portal.requests();
        assert_eq!(sent.len(), requests, "n = {n}");
        let cmd = sent[0].batch_commands();
        assert_eq!(cmd.len(), 50);
        assert_eq!(cmd[0].1, format!("{FIRST_PAGE}&order[ID]=ASC&start=-1"));
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
        let portal = holding(n).await;
        let client = common::client(&portal.webhook_url());
        let stream = client.export::<_, Value>(
            ids_and_titles(),
            ListSpec::new("ID"),
            ExportOptions::default(),
        );
        let items = stream.all().await.unwrap();
        assert_eq!(item_ids(&items, "ID"), ids(n), "n = {n}");
        let sent = portal.requests();
        assert_eq!(sent.len(), requests, "n = {n}");
        let command = |name: &str, order: &str| {
            let line = format!("{FIRST_PAGE}&order[ID]={order}&start=-1");
            (name.to_string(), line)
        };
        let probe = sent[0].batch_commands();
        assert_eq!(probe, vec![command("p0", "ASC"), command("top", "DESC")]);
        // Every range but the last is bounded above; none holds more than a request.
        for request in &sent[1..] {
            assert!(request.batch_commands().len() <= 50, "n = {n}");
        }
        let bounded = sent[1..]
            .iter()
            .filter(|r| r.batch_commands()[0].1.contains("%3C%3DID"))
            .count();
        assert_eq!(bounded, sent.len().saturating_sub(2), "n = {n}");
    }
}

#[tokio::test]
async fn an_export_of_wrapped_items_resumes_from_its_checkpoint() {
    let portal = Emulator::start(Config::unlimited()).await.unwrap();
    portal.define("crm.item.list", item_list(ids(5_120)));
    let client = common::client(&portal.webhook_url());
    let spec = ListSpec::new("id").items_in("items");
    let export = |options| client.export::<_, Value>(ItemList {}, spec.clone(), options);
    let mut stream = export(ExportOptions::default());
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
    let rest: Vec<Value> = export(options).all().await.unwrap();
    let all: Vec<Value> = first.into_iter().chain(rest).collect();
    assert_eq!(item_ids(&all, "id"), ids(5_120));
}

#[tokio::test]
async fn a_failing_list_ends_the_stream_with_the_error() {
    let portal = MockPortal::start().await;
    portal.respond(
        bitrix24_testkit::mock::ANY_METHOD,
        400,
        json!({"error": "ACCESS_DENIED", "error_description": "Access denied"}),
    );
    let client = common::client(&portal.webhook_url());
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
    let portal = Emulator::start(Config::unlimited()).await.unwrap();
    // Whatever the filter, the same first page.
    portal.define("crm.lead.list", |_| {
        let page: Vec<Value> = (1..=50).map(|id| json!({"ID": id})).collect();
        Ok(Done::of(Value::Array(page)))
    });
    let client = common::client(&portal.webhook_url());
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
    assert_eq!(portal.requests().len(), 1);
}

#[tokio::test]
async fn a_list_method_streams_typed_items() {
    let portal = holding(130).await;
    let client = common::client(&portal.webhook_url());
    let paged = client.items(ids_and_titles()).all().await.unwrap();
    let exported = client
        .export_items(ids_and_titles(), ExportOptions::default())
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

#[tokio::test]
async fn rest_v3_lists_page_at_the_v3_address_without_batch() {
    let portal = Emulator::start(Config::unlimited()).await.unwrap();
    portal.define("tasks.task.list", item_list(ids(120)));
    let client = common::client(&portal.webhook_url());
    let spec = ListSpec::new("id").items_in("items");
    let paged: Vec<Value> = client.list(TaskList {}, spec.clone()).all().await.unwrap();
    assert_eq!(item_ids(&paged, "id"), ids(120));
    let before = portal.requests().len();
    let exported: Vec<Value> = client
        .export(TaskList {}, spec, ExportOptions::default())
        .all()
        .await
        .unwrap();
    assert_eq!(exported, paged);
    let sent = portal.requests();
    assert!(
        sent.iter().all(|r| r.path.starts_with("/rest/api/")),
        "{sent:?}"
    );
    assert_eq!(sent.len() - before, 3, "one page a request");
}
