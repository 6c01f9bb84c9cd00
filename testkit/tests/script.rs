//! What a test adds to the emulator: the record of requests, a hook that sees
//! each request first, methods of its own, records at chosen IDs.

use std::time::{Duration, Instant};

use bitrix24_testkit::emulator::{Config, Done, Emulator, Entity, Fail, Intercept};
use bitrix24_testkit::MockResponse;
use serde_json::{json, Value};

async fn post(http: &reqwest::Client, url: String, params: Value) -> (u16, Value) {
    let response = http.post(url).json(&params).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_request_is_recorded_with_its_batch_commands_in_order() {
    let portal = Emulator::start(Config::unlimited()).await.unwrap();
    let http = reqwest::Client::new();
    let base = portal.webhook_url();
    let cmd = json!({"z": "crm.lead.fields", "a": "crm.lead.list?filter[%3EID]=0&start=-1"});
    post(
        &http,
        format!("{base}batch"),
        json!({"halt": 0, "cmd": cmd}),
    )
    .await;
    let form = http
        .post(format!("{base}batch"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("cmd%5Bq%5D=crm.deal.fields&cmd[b]=crm.lead.fields")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    post(&http, format!("{base}crm.lead.fields"), json!({})).await;
    let seen = portal.requests();
    assert_eq!(seen.len(), 3);
    assert!(seen.windows(2).all(|w| w[0].at <= w[1].at));
    let names = |i: usize| -> Vec<String> {
        seen[i]
            .batch_commands()
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    };
    assert_eq!(names(0), ["z", "a"]);
    assert_eq!(
        seen[0].batch_commands()[1].1,
        "crm.lead.list?filter[%3EID]=0&start=-1"
    );
    assert_eq!(names(1), ["q", "b"]);
    assert!(seen[2].batch_commands().is_empty());
    assert_eq!(portal.requests_for("batch").len(), 2);
    assert_eq!(portal.requests_for("CRM.LEAD.FIELDS").len(), 1);

    let quiet = Emulator::start(Config::unlimited().record_requests(false))
        .await
        .unwrap();
    post(
        &http,
        format!("{}crm.lead.fields", quiet.webhook_url()),
        json!({}),
    )
    .await;
    assert!(quiet.requests().is_empty());
}

#[tokio::test]
async fn a_hook_answers_delays_or_passes_and_may_change_the_records() {
    let portal = Emulator::start(Config::unlimited()).await.unwrap();
    portal.on_request(|request, records| {
        if request.method_path == "crm.lead.add" {
            return MockResponse::drop_connection().into();
        }
        if request.params().get("slow").is_some() {
            return Intercept::Delay(Duration::from_millis(200));
        }
        // Another user adds a lead before every other request.
        records.insert(Entity::Lead, json!({"TITLE": "theirs"}));
        Intercept::Pass
    });
    let http = reqwest::Client::new();
    let base = portal.webhook_url();
    let dropped = http
        .post(format!("{base}crm.lead.add"))
        .json(&json!({"fields": {"TITLE": "mine"}}))
        .send()
        .await;
    assert!(dropped.is_err(), "{dropped:?}");
    assert_eq!(portal.count(Entity::Lead), 0, "the portal never saw it");
    assert_eq!(portal.counters().requests, 0);

    let (status, body) = post(&http, format!("{base}crm.lead.get"), json!({"id": 1})).await;
    assert_eq!((status, &body["result"]["TITLE"]), (200, &json!("theirs")));
    let started = Instant::now();
    let (status, _) = post(
        &http,
        format!("{base}crm.lead.get"),
        json!({"id": 1, "slow": 1}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(portal.counters().requests, 2);
    assert_eq!(portal.requests().len(), 3, "answered ones are recorded too");
}

#[tokio::test]
async fn defined_methods_get_batch_references_and_the_rest_3_address() {
    let portal = Emulator::start(Config::unlimited()).await.unwrap();
    portal.define("crm.item.list", |params| {
        let after = params
            .get("filter")
            .and_then(|f| f.get(">id"))
            .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
            .unwrap_or(0);
        let items: Vec<Value> = (after + 1..after + 3).map(|id| json!({"id": id})).collect();
        Ok(Done {
            result: json!({ "items": items }),
            total: Some(10),
            next: None,
        })
    });
    portal.define("tasks.task.add", |params| match params.get("fields") {
        Some(_) => Ok(Done::of(json!({"task": {"id": 9}}))),
        None => Err(Fail::arg("fields are missing")),
    });
    // A defined method replaces the emulator's own.
    portal.define("crm.lead.get", |_| {
        Err(Fail::new(403, "ACCESS_DENIED", "No"))
    });
    let http = reqwest::Client::new();
    let base = portal.webhook_url();
    let cmd = json!({
        "a": "crm.item.list?filter[>id]=5",
        "b": "crm.item.list?filter[>id]=$result[a][items][1][id]",
    });
    let (status, body) = post(&http, format!("{base}batch"), json!({"cmd": cmd})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["result"]["b"]["items"][0]["id"], 8);
    assert_eq!(body["result"]["result_total"]["a"], 10);

    let v3 = base.replace("/rest/", "/rest/api/");
    let (status, body) = post(&http, format!("{v3}tasks.task.add"), json!({"fields": {}})).await;
    assert_eq!((status, &body["result"]["task"]["id"]), (200, &json!(9)));
    let (status, body) = post(&http, format!("{v3}tasks.task.add"), json!({})).await;
    assert_eq!((status, &body["error"]), (400, &json!("INVALID_ARG_VALUE")));
    let (status, _) = post(&http, format!("{v3}crm.deal.list"), json!({})).await;
    assert_eq!(status, 404, "only defined methods answer at REST 3.0");
    let (status, body) = post(&http, format!("{base}crm.lead.get"), json!({"id": 1})).await;
    assert_eq!((status, &body["error"]), (403, &json!("ACCESS_DENIED")));
    assert_eq!(portal.counters().calls_for("crm.item.list"), 2);
}

#[tokio::test]
async fn records_go_at_chosen_ids_and_lists_read_ids_past_2_pow_53_exactly() {
    let portal = Emulator::start(Config::unlimited()).await.unwrap();
    let huge = i64::MAX - 1;
    for id in [5, 9_007_199_254_740_993, huge] {
        assert!(portal.insert_with_id(Entity::Lead, id, json!({"TITLE": id.to_string()})));
    }
    assert!(!portal.insert_with_id(Entity::Lead, 5, json!({})), "taken");
    assert!(!portal.insert_with_id(Entity::Lead, 0, json!({})));
    let http = reqwest::Client::new();
    let list = |filter: Value| {
        let url = format!("{}crm.lead.list", portal.webhook_url());
        let http = http.clone();
        async move {
            let params = json!({"filter": filter, "select": ["ID"], "start": -1});
            let (_, body) = post(&http, url, params).await;
            body["result"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["ID"].as_str().unwrap().parse::<i64>().unwrap())
                .collect::<Vec<i64>>()
        }
    };
    let above = list(json!({">ID": 9_007_199_254_740_992i64})).await;
    assert_eq!(above, [9_007_199_254_740_993, huge]);
    let until = list(json!({"<=ID": (huge - 1).to_string()})).await;
    assert_eq!(until, [5, 9_007_199_254_740_993]);
    let between = list(json!({">ID": 5, "<ID": 9_007_199_254_740_993i64})).await;
    assert!(between.is_empty());
    // New records go above the highest ID ever given, until none is left.
    assert!(portal.remove(Entity::Lead, huge));
    assert!(!portal.remove(Entity::Lead, huge));
    assert_eq!(portal.count(Entity::Lead), 2);
    let add = || {
        let url = format!("{}crm.lead.add", portal.webhook_url());
        post(&http, url, json!({"fields": {"TITLE": "next"}}))
    };
    let (_, added) = add().await;
    assert_eq!(added["result"], json!(i64::MAX));
    let (status, refused) = add().await;
    assert_eq!((status, &refused["error"]), (400, &json!("ERROR_CORE")));
}
