//! The emulator over real HTTP on loopback.

use std::time::{Duration, Instant};

use bitrix24_testkit::emulator::{
    Config, Drain, Emulator, Entity, Faults, OperatingLimit, RateLimit, StartError,
};
use serde_json::{json, Value};

struct Call {
    status: u16,
    body: Value,
}

async fn post(http: &reqwest::Client, base: &str, method: &str, params: Value) -> Call {
    let response = http
        .post(format!("{base}{method}"))
        .json(&params)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap();
    Call { status, body }
}

async fn unlimited() -> (Emulator, reqwest::Client) {
    (
        Emulator::start(Config::unlimited()).await.unwrap(),
        reqwest::Client::new(),
    )
}

#[tokio::test]
async fn records_are_created_read_changed_listed_and_deleted() {
    let (portal, http) = unlimited().await;
    let base = portal.webhook_url();
    let added = post(
        &http,
        &base,
        "crm.lead.add",
        json!({"fields": {"TITLE": "First", "OPPORTUNITY": 250.5}}),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let id = added.body["result"].as_i64().unwrap();
    assert!(added.body["time"]["operating"].is_number());
    assert!(added.body["time"]["operating_reset_at"].is_u64());

    let got = post(&http, &base, "crm.lead.get", json!({"id": id})).await;
    assert_eq!(got.body["result"]["TITLE"], "First");
    assert_eq!(got.body["result"]["OPPORTUNITY"], "250.5");
    assert_eq!(got.body["result"]["ID"], id.to_string());

    let updated = post(
        &http,
        &base,
        "crm.lead.update.json",
        json!({"id": id, "fields": {"TITLE": "Renamed"}}),
    )
    .await;
    assert_eq!(updated.body["result"], true);
    assert_eq!(portal.record(Entity::Lead, id).unwrap()["TITLE"], "Renamed");

    let listed = post(
        &http,
        &base,
        "crm.lead.list",
        json!({"select": ["ID", "TITLE"]}),
    )
    .await;
    assert_eq!(
        listed.body["result"],
        json!([{"ID": id.to_string(), "TITLE": "Renamed"}])
    );
    assert_eq!(listed.body["total"], 1);
    assert!(listed.body.get("next").is_none());

    let fields = post(&http, &base, "crm.deal.fields", json!({})).await;
    assert_eq!(fields.body["result"]["ID"]["isReadOnly"], true);
    assert_eq!(fields.body["result"]["STAGE_ID"]["type"], "crm_status");

    let deleted = post(&http, &base, "crm.lead.delete", json!({"id": id})).await;
    assert_eq!(deleted.body["result"], true);
    let gone = post(&http, &base, "crm.lead.get", json!({"id": id})).await;
    assert_eq!(
        (gone.status, gone.body["error"].as_str()),
        (400, Some("NOT_FOUND"))
    );
    assert_eq!(portal.counters().requests, 7);
    assert_eq!(portal.counters().calls_for("crm.lead.get"), 2);
}

#[tokio::test]
async fn requests_are_checked_against_the_pages() {
    let (portal, http) = unlimited().await;
    let base = portal.webhook_url();
    let missing = post(&http, &base, "crm.contact.get", json!({})).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.body["error"], "INVALID_ARG_VALUE");
    assert!(missing.body["error_description"]
        .as_str()
        .unwrap()
        .contains("id"));
    let bad_items = post(
        &http,
        &base,
        "crm.lead.contact.items.set",
        json!({"id": 1, "items": [{"SORT": 1}]}),
    )
    .await;
    assert_eq!(bad_items.body["error"], "INVALID_ARG_VALUE");
    let unknown = post(&http, &base, "crm.company.add", json!({"fields": {}})).await;
    assert_eq!(
        (unknown.status, unknown.body["error"].as_str()),
        (404, Some("ERROR_METHOD_NOT_FOUND"))
    );
    let v3 = post(
        &http,
        &portal.webhook_url().replace("/rest/", "/rest/api/"),
        "crm.lead.get",
        json!({"id": 1}),
    )
    .await;
    assert_eq!(v3.status, 404);
    let garbage = http
        .post(format!("{base}crm.lead.get"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
    assert!(portal
        .methods()
        .contains(&"crm.deal.contact.items.set".to_string()));
}

#[tokio::test]
async fn forms_and_query_strings_are_read_like_json() {
    let (portal, http) = unlimited().await;
    let base = portal.webhook_url();
    let added: Value = http
        .post(format!("{base}crm.contact.add"))
        .form(&[("fields[NAME]", "Olga"), ("fields[LAST_NAME]", "Ivanova")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = added["result"].as_i64().unwrap();
    let got: Value = http
        .get(format!("{base}crm.contact.get?id={id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["result"]["LAST_NAME"], "Ivanova");
    let listed: Value = http
        .get(format!(
            "{base}crm.contact.list?filter[%25NAME]=olg&select[]=ID&select[]=NAME"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["result"],
        json!([{"ID": id.to_string(), "NAME": "Olga"}])
    );
}

#[tokio::test]
async fn authentication_webhook_and_oauth() {
    let portal = Emulator::start(Config::unlimited().access_token_ttl(Duration::from_secs(60)))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let wrong = post(
        &http,
        &portal.webhook_url().replace("emulatorwebhookkey42", "nope"),
        "crm.lead.fields",
        json!({}),
    )
    .await;
    assert_eq!(
        (wrong.status, wrong.body["error"].as_str()),
        (401, Some("NO_AUTH_FOUND"))
    );
    let anonymous = post(&http, &portal.oauth_url(), "crm.lead.fields", json!({})).await;
    assert_eq!(anonymous.status, 401);

    let tokens = portal.issue_tokens();
    let ok = post(
        &http,
        &portal.oauth_url(),
        "crm.lead.fields",
        json!({"auth": tokens.access_token}),
    )
    .await;
    assert_eq!(ok.status, 200);
    let invalid = post(
        &http,
        &portal.oauth_url(),
        "crm.lead.fields",
        json!({"auth": "forged"}),
    )
    .await;
    assert_eq!(
        (invalid.status, invalid.body["error"].as_str()),
        (401, Some("invalid_token"))
    );

    portal.expire_access_tokens();
    let expired = post(
        &http,
        &portal.oauth_url(),
        "crm.lead.fields",
        json!({"auth": tokens.access_token}),
    )
    .await;
    assert_eq!(
        (expired.status, expired.body["error"].as_str()),
        (401, Some("expired_token"))
    );

    let oauth = &portal.config().oauth;
    let refresh_url = |refresh: &str, secret: &str| {
        format!(
            "{}?grant_type=refresh_token&client_id={}&client_secret={secret}&refresh_token={refresh}",
            portal.token_url(),
            oauth.client_id
        )
    };
    let bad_secret = http
        .get(refresh_url(&tokens.refresh_token, "wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_secret.status(), 401);
    let renewed = http
        .get(refresh_url(&tokens.refresh_token, &oauth.client_secret))
        .send()
        .await
        .unwrap();
    assert_eq!(renewed.status(), 200);
    let renewed: Value = renewed.json().await.unwrap();
    assert_eq!(renewed["expires_in"], 60);
    assert_eq!(renewed["client_endpoint"], portal.oauth_url());
    let access = renewed["access_token"].as_str().unwrap();
    assert_ne!(access, tokens.access_token);
    let again = post(
        &http,
        &portal.oauth_url(),
        "crm.lead.fields",
        json!({"auth": access}),
    )
    .await;
    assert_eq!(again.status, 200);

    // A refresh token works once.
    let reused = http
        .get(refresh_url(&tokens.refresh_token, &oauth.client_secret))
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status(), 400);
    let reused: Value = reused.json().await.unwrap();
    assert_eq!(reused["error"], "invalid_grant");

    // A POSTed form works too.
    let form = http
        .post(portal.token_url())
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", oauth.client_id.as_str()),
            ("client_secret", oauth.client_secret.as_str()),
            ("refresh_token", renewed["refresh_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);

    let counters = portal.counters();
    assert_eq!(counters.refreshes, 2);
    assert_eq!(counters.refresh_failures, 2);
    assert_eq!(counters.token_requests, 4);
    assert_eq!(counters.expired_token, 1);
}

#[tokio::test]
async fn pages_by_start_and_next_return_each_item_once() {
    let (portal, http) = unlimited().await;
    let ids = portal.insert_many(Entity::Lead, 237, |i| json!({"TITLE": format!("lead {i}")}));
    let base = portal.webhook_url();
    let mut seen = Vec::new();
    let mut start = Some(0u64);
    while let Some(at) = start {
        let page = post(
            &http,
            &base,
            "crm.lead.list",
            json!({"start": at, "select": ["ID"]}),
        )
        .await;
        assert_eq!(page.body["total"], 237);
        assert!(page.body["result"].as_array().unwrap().len() <= 50);
        seen.extend(
            page.body["result"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["ID"].as_str().unwrap().parse::<i64>().unwrap()),
        );
        start = page.body["next"].as_u64();
    }
    assert_eq!(seen, ids);
}

#[tokio::test]
async fn the_by_id_walk_has_no_total_and_returns_each_item_once() {
    let (portal, http) = unlimited().await;
    let ids = portal.insert_many(
        Entity::Deal,
        160,
        |i| json!({"TITLE": format!("deal {i}"), "OPPORTUNITY": i % 3}),
    );
    let base = portal.webhook_url();
    let mut last = 0;
    let mut seen = Vec::new();
    loop {
        let page = post(
            &http,
            &base,
            "crm.deal.list",
            json!({"start": -1, "order": {"ID": "ASC"}, "filter": {">ID": last, "!OPPORTUNITY": 0}, "select": ["ID"]}),
        )
        .await;
        assert!(
            page.body.get("total").is_none() && page.body.get("next").is_none(),
            "{}",
            page.body
        );
        let items = page.body["result"].as_array().unwrap().clone();
        for item in &items {
            last = item["ID"].as_str().unwrap().parse().unwrap();
            seen.push(last);
        }
        if items.len() < 50 {
            break;
        }
    }
    let expected: Vec<i64> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 0)
        .map(|(_, id)| *id)
        .collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn contact_links_of_leads_and_deals() {
    let (portal, http) = unlimited().await;
    let base = portal.webhook_url();
    let lead = portal.insert(Entity::Lead, json!({"TITLE": "L"}));
    let deal = portal.insert(Entity::Deal, json!({"TITLE": "D"}));
    let contacts = portal.insert_many(Entity::Contact, 3, |i| json!({"NAME": format!("c{i}")}));
    let items = json!([
        {"CONTACT_ID": contacts[2], "SORT": 30},
        {"CONTACT_ID": contacts[0], "SORT": 10, "IS_PRIMARY": "N"},
        {"CONTACT_ID": contacts[1], "SORT": 20, "IS_PRIMARY": "Y"},
    ]);
    for _ in 0..2 {
        let set = post(
            &http,
            &base,
            "crm.lead.contact.items.set",
            json!({"id": lead, "items": items}),
        )
        .await;
        assert_eq!(set.body["result"], true, "{}", set.body);
    }
    let got = post(
        &http,
        &base,
        "crm.lead.contact.items.get",
        json!({"id": lead}),
    )
    .await;
    let linked: Vec<(i64, &str)> = got.body["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["CONTACT_ID"].as_i64().unwrap(),
                b["IS_PRIMARY"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        linked,
        [(contacts[0], "N"), (contacts[1], "Y"), (contacts[2], "N")]
    );

    post(
        &http,
        &base,
        "crm.deal.contact.items.set",
        json!({"id": deal, "items": [{"CONTACT_ID": contacts[0]}]}),
    )
    .await;
    assert_eq!(portal.bindings(Entity::Deal, deal).len(), 1);
    assert!(portal.bindings(Entity::Deal, deal)[0].is_primary);
    post(
        &http,
        &base,
        "crm.contact.delete",
        json!({"id": contacts[0]}),
    )
    .await;
    assert!(portal.bindings(Entity::Deal, deal).is_empty());
    assert_eq!(portal.bindings(Entity::Lead, lead).len(), 2);
    let cleared = post(
        &http,
        &base,
        "crm.lead.contact.items.delete",
        json!({"id": lead}),
    )
    .await;
    assert_eq!(cleared.body["result"], true);
    assert!(portal.bindings(Entity::Lead, lead).is_empty());
    let missing = post(
        &http,
        &base,
        "crm.deal.contact.items.get",
        json!({"id": 999}),
    )
    .await;
    assert_eq!(missing.body["error"], "NOT_FOUND");
}

#[tokio::test]
async fn batch_runs_commands_in_order_with_references() {
    let (portal, http) = unlimited().await;
    portal.insert_many(Entity::Lead, 60, |_| json!({}));
    let base = portal.webhook_url();
    // Written as text: a `json!` object would send its keys sorted, and
    // commands run in the order the request lists them.
    let body = r#"{
        "halt": 0,
        "cmd": {
            "contact": "crm.contact.add?fields[NAME]=Ann",
            "lead": "crm.lead.add?fields[TITLE]=New",
            "link": "crm.lead.contact.items.set?id=$result[lead]&items[0][CONTACT_ID]=$result[contact]",
            "links": "crm.lead.contact.items.get?id=$result[lead]",
            "page": "crm.lead.list?select[]=ID&order[ID]=DESC",
            "first": "crm.lead.get?id=$result[page][0][ID]",
            "broken": "crm.lead.get?id=0",
            "nested": "batch?cmd[x]=crm.lead.fields",
            "after": "crm.deal.fields"
        }
    }"#;
    let response = http
        .post(format!("{base}batch"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let call = Call {
        status: response.status().as_u16(),
        body: response.json().await.unwrap(),
    };
    assert_eq!(call.status, 200);
    let result = &call.body["result"];
    let lead = result["result"]["lead"].as_i64().unwrap();
    let contact = result["result"]["contact"].as_i64().unwrap();
    assert_eq!(result["result"]["link"], true);
    assert_eq!(result["result"]["links"][0]["CONTACT_ID"], contact);
    assert_eq!(result["result"]["first"]["ID"], lead.to_string());
    assert_eq!(result["result_total"]["page"], 61);
    assert_eq!(result["result_next"]["page"], 50);
    assert_eq!(
        result["result_error"]["broken"]["error"],
        "INVALID_ARG_VALUE"
    );
    assert_eq!(
        result["result_error"]["nested"]["error"],
        "ERROR_BATCH_METHOD_NOT_ALLOWED"
    );
    assert!(
        result["result"]["after"].is_object(),
        "halt=0 runs everything"
    );
    assert!(result["result_time"]["lead"]["operating"].is_number());
    assert!(
        call.body["time"].get("operating").is_none(),
        "the outer call is not counted"
    );
    assert_eq!(portal.bindings(Entity::Lead, lead)[0].contact_id, contact);
    let counters = portal.counters();
    assert_eq!(counters.requests_for("batch"), 1);
    assert_eq!(counters.calls_for("crm.lead.add"), 1);

    let halted = post(
        &http,
        &base,
        "batch",
        json!({"halt": 1, "cmd": {"a": "crm.lead.get?id=9999", "b": "crm.lead.add?fields[TITLE]=never"}}),
    )
    .await;
    assert_eq!(
        halted.body["result"]["result"],
        json!([]),
        "empty maps are sent as []"
    );
    assert_eq!(
        halted.body["result"]["result_error"]["a"]["error"],
        "NOT_FOUND"
    );
    assert_eq!(portal.count(Entity::Lead), 61);

    let cmd: serde_json::Map<String, Value> = (0..51)
        .map(|i| (format!("c{i}"), json!("crm.lead.fields")))
        .collect();
    let too_long = post(&http, &base, "batch", json!({"cmd": cmd})).await;
    assert_eq!(
        (too_long.status, too_long.body["error"].as_str()),
        (400, Some("ERROR_BATCH_LENGTH_EXCEEDED"))
    );
}

#[tokio::test]
async fn the_leaky_bucket_refuses_with_503_and_drains() {
    let portal = Emulator::start(
        Config::default()
            .rate_limit(5, 10.0)
            .drain(Drain::Continuous),
    )
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let base = portal.webhook_url();
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(
            post(&http, &base, "crm.lead.fields", json!({}))
                .await
                .status,
        );
    }
    assert_eq!(&statuses[..5], [200; 5]);
    assert!(statuses[5..].contains(&503), "{statuses:?}");
    let refused = post(&http, &base, "crm.lead.fields", json!({})).await;
    if refused.status == 503 {
        assert_eq!(refused.body["error"], "QUERY_LIMIT_EXCEEDED");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        post(&http, &base, "crm.lead.fields", json!({}))
            .await
            .status,
        200
    );
    let counters = portal.counters();
    assert!(counters.query_limit_exceeded >= 2, "{counters:?}");
    assert_eq!(counters.requests, 10);

    // Paced at the drain rate, nothing is refused.
    portal.set_rate_limit(Some(RateLimit {
        burst: 2,
        per_second: 20.0,
    }));
    portal.reset_counters();
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..10 {
        assert_eq!(
            post(&http, &base, "crm.lead.fields", json!({}))
                .await
                .status,
            200
        );
        tokio::time::sleep(Duration::from_millis(55)).await;
    }
    assert_eq!(portal.counters().query_limit_exceeded, 0);
}

#[tokio::test]
async fn operating_time_blocks_one_method_until_its_basket_resets() {
    let limit = OperatingLimit::new(
        Duration::from_secs(1),
        Duration::from_secs(2),
        Duration::ZERO,
    )
    .cost("crm.lead.get", Duration::from_millis(600));
    let portal = Emulator::start(Config::unlimited().operating(limit))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let base = portal.webhook_url();
    let id = portal.insert(Entity::Lead, json!({}));
    let first = post(&http, &base, "crm.lead.get", json!({"id": id})).await;
    assert_eq!(first.body["time"]["operating"], 0.6);
    let reset_at = first.body["time"]["operating_reset_at"].as_u64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        reset_at >= now && reset_at <= now + 3,
        "{reset_at} vs {now}"
    );
    let second = post(&http, &base, "crm.lead.get", json!({"id": id})).await;
    assert_eq!(second.status, 200);
    let blocked = post(&http, &base, "crm.lead.get", json!({"id": id})).await;
    assert_eq!(
        (blocked.status, blocked.body["error"].as_str()),
        (429, Some("OPERATION_TIME_LIMIT"))
    );
    let other = post(&http, &base, "crm.lead.list", json!({})).await;
    assert_eq!(other.status, 200, "other methods go on");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        post(&http, &base, "crm.lead.get", json!({"id": id}))
            .await
            .status,
        200
    );
    assert_eq!(portal.counters().operation_time_limit, 1);
}

#[tokio::test]
async fn dropped_connections_before_and_after_the_write() {
    let (portal, http) = unlimited().await;
    let base = portal.webhook_url();
    portal.set_faults(Faults {
        drop_before: 1.0,
        ..Faults::none()
    });
    let sent = http
        .post(format!("{base}crm.lead.add"))
        .json(&json!({"fields": {}}))
        .send()
        .await;
    assert!(sent.is_err());
    assert_eq!(
        portal.count(Entity::Lead),
        0,
        "dropped before: nothing written"
    );
    portal.set_faults(Faults {
        drop_after: 1.0,
        ..Faults::none()
    });
    let sent = http
        .post(format!("{base}crm.lead.add"))
        .json(&json!({"fields": {}}))
        .send()
        .await;
    assert!(sent.is_err());
    assert_eq!(
        portal.count(Entity::Lead),
        1,
        "dropped after: the write happened"
    );
    portal.set_faults(Faults {
        error_500: 1.0,
        ..Faults::none()
    });
    let failed = post(&http, &base, "crm.lead.add", json!({"fields": {}})).await;
    assert_eq!(
        (failed.status, failed.body["error"].as_str()),
        (500, Some("INTERNAL_SERVER_ERROR"))
    );
    assert_eq!(portal.count(Entity::Lead), 1, "a 500 writes nothing");
    let counters = portal.counters();
    assert_eq!(
        (
            counters.dropped_before,
            counters.dropped_after,
            counters.injected_500
        ),
        (1, 1, 1)
    );
}

async fn fault_run(seed: u64) -> Vec<String> {
    let faults = Faults {
        error_500: 0.2,
        drop_before: 0.1,
        drop_after: 0.1,
        ..Faults::none()
    };
    let portal = Emulator::start(Config::unlimited().faults(faults).seed(seed))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let mut outcomes = Vec::new();
    for _ in 0..40 {
        let sent = http
            .post(format!("{}crm.lead.fields", portal.webhook_url()))
            .json(&json!({}))
            .send()
            .await;
        outcomes.push(match sent {
            Ok(response) => response.status().as_str().to_string(),
            Err(_) => "dropped".to_string(),
        });
    }
    outcomes
}

#[tokio::test]
async fn faults_repeat_for_the_same_seed() {
    let first = fault_run(11).await;
    assert_eq!(first, fault_run(11).await);
    assert_ne!(first, fault_run(12).await);
    assert!(
        first.iter().any(|o| o == "500")
            && first.iter().any(|o| o == "dropped")
            && first.iter().any(|o| o == "200")
    );
}

#[tokio::test]
async fn latency_is_added() {
    let portal = Emulator::start(Config::unlimited().faults(Faults {
        latency: Duration::from_millis(150),
        ..Faults::none()
    }))
    .await
    .unwrap();
    let started = Instant::now();
    let call = post(
        &reqwest::Client::new(),
        &portal.webhook_url(),
        "crm.lead.fields",
        json!({}),
    )
    .await;
    assert_eq!(call.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn pages_can_come_from_another_directory() {
    let dir = std::env::temp_dir().join(format!("testkit-pages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = bitrix24_testkit::emulator::shipped_pages().join("crm-lead-get.md");
    std::fs::copy(&page, dir.join("crm-lead-get.md")).unwrap();
    let portal = Emulator::start(Config::unlimited().pages_dir(&dir))
        .await
        .unwrap();
    assert_eq!(portal.methods(), ["crm.lead.get"]);
    let http = reqwest::Client::new();
    let add = post(
        &http,
        &portal.webhook_url(),
        "crm.lead.add",
        json!({"fields": {}}),
    )
    .await;
    assert_eq!(add.status, 404, "no page, no method");
    std::fs::write(dir.join("broken.md"), "Just text, no title.\n").unwrap();
    let broken = Emulator::start(Config::unlimited().pages_dir(&dir)).await;
    assert!(
        matches!(broken, Err(StartError::Pages(ref p)) if p.contains("broken.md")),
        "{broken:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Sends until an answer arrives, as a client may for reads: 500s, 503s and
/// dropped connections are tried again.
async fn read_with_retries(http: &reqwest::Client, url: &str, body: &Value) -> Value {
    for _ in 0..200 {
        match http.post(url).json(body).send().await {
            Ok(response) if response.status() == 200 => return response.json().await.unwrap(),
            Ok(response) if response.status() == 503 => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Ok(response) if response.status() == 500 => {}
            Ok(response) => panic!(
                "unexpected {}: {}",
                response.status(),
                response.text().await.unwrap()
            ),
            Err(_) => {}
        }
    }
    panic!("no answer after 200 tries");
}

#[tokio::test]
async fn a_by_id_batch_export_of_20000_leads_under_faults_returns_each_once() {
    let faults = Faults {
        error_500: 0.10,
        drop_before: 0.025,
        drop_after: 0.025,
        ..Faults::none()
    };
    let portal = Emulator::start(
        Config::default()
            .rate_limit(50, 20.0)
            .faults(faults)
            .seed(2),
    )
    .await
    .unwrap();
    portal.insert_many(
        Entity::Lead,
        20_000,
        |i| json!({"TITLE": format!("lead {i}")}),
    );
    let http = reqwest::Client::new();
    let base = portal.webhook_url();

    let first = read_with_retries(
        &http,
        &format!("{base}crm.lead.list"),
        &json!({"select": ["ID"], "start": 0}),
    )
    .await;
    let total = first["total"].as_u64().unwrap() as usize;
    let mut seen: Vec<i64> = Vec::with_capacity(total);
    let mut last = 0i64;
    while seen.len() < total {
        let pages = (total - seen.len()).div_ceil(50).min(50);
        // Names that sort in command order, so a sorted map keeps it.
        let cmd: serde_json::Map<String, Value> = (0..pages)
            .map(|i| {
                let after = if i == 0 {
                    last.to_string()
                } else {
                    format!("$result[c{:02}][49][ID]", i - 1)
                };
                let query =
                    format!("crm.lead.list?start=-1&order[ID]=ASC&select[]=ID&filter[>ID]={after}");
                (format!("c{i:02}"), json!(query))
            })
            .collect();
        let answer = read_with_retries(
            &http,
            &format!("{base}batch"),
            &json!({"halt": 1, "cmd": cmd}),
        )
        .await;
        let results = &answer["result"]["result"];
        for i in 0..pages {
            for item in results[format!("c{i:02}")].as_array().unwrap() {
                last = item["ID"].as_str().unwrap().parse().unwrap();
                seen.push(last);
            }
        }
    }
    assert_eq!(seen.len(), 20_000);
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "every lead exactly once, in ID order"
    );
    let counters = portal.counters();
    assert!(
        counters.injected_500 > 0 && counters.dropped_before + counters.dropped_after > 0,
        "{counters:?}"
    );
    let batches = counters.calls_for("batch");
    assert!(
        (8..=8 + counters.dropped_after).contains(&batches),
        "{counters:?}"
    );
    let faulted = counters.injected_500 + counters.dropped_before + counters.dropped_after;
    assert_eq!(
        counters.requests,
        9 + faulted,
        "one count request, 8 batches, and the retries"
    );
}

#[tokio::test]
async fn fifty_concurrent_calls_on_an_expired_token() {
    let portal = Emulator::start(Config::unlimited()).await.unwrap();
    let tokens = portal.issue_tokens();
    portal.expire_access_tokens();
    let http = reqwest::Client::new();
    let calls = (0..50).map(|_| {
        let http = http.clone();
        let url = format!("{}crm.lead.fields", portal.oauth_url());
        let auth = tokens.access_token.clone();
        async move {
            http.post(url)
                .json(&json!({"auth": auth}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let mut handles = Vec::new();
    for call in calls {
        handles.push(tokio::spawn(call));
    }
    for handle in handles {
        assert_eq!(handle.await.unwrap(), 401);
    }
    let oauth = &portal.config().oauth;
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", oauth.client_id.as_str()),
        ("client_secret", oauth.client_secret.as_str()),
        ("refresh_token", tokens.refresh_token.as_str()),
    ];
    let (a, b) = tokio::join!(
        http.post(portal.token_url()).form(&form).send(),
        http.post(portal.token_url()).form(&form).send()
    );
    let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    statuses.sort();
    assert_eq!(
        statuses,
        [200, 400],
        "a refresh token is good for one renewal"
    );
    let counters = portal.counters();
    assert_eq!(
        (
            counters.expired_token,
            counters.refreshes,
            counters.refresh_failures
        ),
        (50, 1, 1)
    );
}

#[tokio::test]
async fn one_bucket_per_portal_unless_asked_per_credential() {
    for per_credential in [false, true] {
        let config = Config {
            bucket_per_credential: per_credential,
            ..Config::default().rate_limit(3, 0.5)
        };
        let portal = Emulator::start(config).await.unwrap();
        let http = reqwest::Client::new();
        for _ in 0..3 {
            assert_eq!(
                post(&http, &portal.webhook_url(), "crm.lead.fields", json!({}))
                    .await
                    .status,
                200
            );
        }
        let tokens = portal.issue_tokens();
        let oauth = post(
            &http,
            &portal.oauth_url(),
            "crm.lead.fields",
            json!({"auth": tokens.access_token}),
        )
        .await;
        assert_eq!(
            oauth.status,
            if per_credential { 200 } else { 503 },
            "per credential: {per_credential}"
        );
    }
}

#[tokio::test]
async fn overload_blocks_everything_until_lifted() {
    let (portal, http) = unlimited().await;
    portal.set_overloaded(true);
    let blocked = post(&http, &portal.webhook_url(), "crm.lead.fields", json!({})).await;
    assert_eq!(
        (blocked.status, blocked.body["error"].as_str()),
        (503, Some("OVERLOAD_LIMIT"))
    );
    portal.set_overloaded(false);
    assert_eq!(
        post(&http, &portal.webhook_url(), "crm.lead.fields", json!({}))
            .await
            .status,
        200
    );
    assert_eq!(portal.counters().overload_limit, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_paced_exactly_by_the_bucket_model_is_never_refused() {
    // 101 requests at burst 50, 20 per second: the model allows 50 at once
    // and one more every 50 ms, 2.55 s in all. The clock starts once the
    // first request has been answered, so the portal's bucket (which started
    // when that request arrived) is never behind the client's. The model is
    // the continuous drain, so the portal drains that way here.
    let portal = Emulator::start(
        Config::default()
            .rate_limit(50, 20.0)
            .drain(Drain::Continuous),
    )
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}crm.lead.fields", portal.webhook_url());
    let first = http.post(&url).json(&json!({})).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let started = tokio::time::Instant::now();
    let mut sends = Vec::new();
    for i in 1..101u32 {
        let due = started + Duration::from_millis(50) * i.saturating_sub(49);
        let http = http.clone();
        let url = url.clone();
        sends.push(tokio::spawn(async move {
            tokio::time::sleep_until(due).await;
            http.post(url)
                .json(&json!({}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for send in sends {
        assert_eq!(send.await.unwrap(), 200);
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(2550) && elapsed < Duration::from_millis(2805),
        "{elapsed:?}"
    );
    assert_eq!(portal.counters().query_limit_exceeded, 0);
    // One more right now finds the bucket full.
    assert_eq!(
        http.post(&url)
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );
}
