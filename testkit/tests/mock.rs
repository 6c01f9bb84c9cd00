//! The scripted mock over real HTTP.

use std::time::Duration;

use bitrix24_testkit::{Body, MockPortal, MockResponse};
use serde_json::{json, Value};

#[tokio::test]
async fn unknown_method_is_404() {
    let portal = MockPortal::start().await;
    let response = reqwest::Client::new()
        .post(format!("{}crm.lead.get", portal.webhook_url()))
        .json(&json!({"id": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "ERROR_METHOD_NOT_FOUND");
}

#[tokio::test]
async fn queued_answers_are_served_in_order_and_the_last_repeats() {
    let portal = MockPortal::start().await;
    portal
        .respond(
            "crm.lead.get",
            503,
            json!({"error": "QUERY_LIMIT_EXCEEDED"}),
        )
        .respond("crm.lead.get", 200, json!({"result": {"ID": "1"}}));
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let url = format!("{}crm.lead.get.json", portal.webhook_url());
        statuses.push(
            http.post(url)
                .json(&json!({"id": 1}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [503, 200, 200]);
    let seen = portal.requests_for("crm.lead.get");
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].json(), Some(&json!({"id": 1})));
    assert_eq!(seen[0].http_method, "POST");
    assert!(seen[0].path.ends_with("/crm.lead.get.json"));
}

#[tokio::test]
async fn raw_bodies_and_oauth_paths() {
    let portal = MockPortal::start().await;
    portal.respond_raw("batch", 502, "<html>Bad Gateway</html>");
    portal.respond("/oauth/token/", 200, json!({"access_token": "a"}));
    let http = reqwest::Client::new();
    let response = http
        .post(format!("{}batch", portal.oauth_url()))
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(response.text().await.unwrap(), "<html>Bad Gateway</html>");
    let token: Value = http
        .get(format!("{}?grant_type=refresh_token", portal.token_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["access_token"], "a");
    let seen = portal.requests();
    assert_eq!(seen[0].method_path, "batch");
    assert_eq!(seen[0].body, Body::Text("not json".into()));
    assert_eq!(seen[1].method_path, "/oauth/token/");
    assert_eq!(seen[1].query.as_deref(), Some("grant_type=refresh_token"));
}

#[tokio::test]
async fn form_bodies_are_recorded_as_json() {
    let portal = MockPortal::start().await;
    reqwest::Client::new()
        .post(format!("{}crm.lead.list", portal.webhook_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("filter%5B%3EID%5D=5&select[]=ID")
        .send()
        .await
        .unwrap();
    let seen = portal.requests();
    assert_eq!(
        seen[0].json(),
        Some(&json!({"filter": {">ID": "5"}, "select": ["ID"]}))
    );
}

#[tokio::test]
async fn dropped_connections_and_delays() {
    let portal = MockPortal::start().await;
    portal.respond_drop("crm.lead.add");
    portal.respond_with(
        "crm.lead.get",
        MockResponse::json(200, json!({"result": true})).delay(Duration::from_millis(300)),
    );
    let http = reqwest::Client::new();
    let dropped = http
        .post(format!("{}crm.lead.add", portal.webhook_url()))
        .json(&json!({}))
        .send()
        .await;
    assert!(
        dropped.is_err(),
        "expected a transport error, got {dropped:?}"
    );
    let started = std::time::Instant::now();
    let slow = http
        .post(format!("{}crm.lead.get", portal.webhook_url()))
        .timeout(Duration::from_millis(100))
        .send()
        .await;
    assert!(slow.unwrap_err().is_timeout());
    assert!(started.elapsed() < Duration::from_millis(300));
    assert_eq!(portal.requests().len(), 2);
}

#[tokio::test]
async fn the_server_stops_on_drop() {
    let portal = MockPortal::start().await;
    let url = portal.webhook_url();
    drop(portal);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let result = reqwest::Client::new()
        .post(format!("{url}crm.lead.get"))
        .send()
        .await;
    assert!(result.is_err());
}

#[tokio::test]
async fn the_wildcard_answers_methods_without_their_own_script() {
    let portal = MockPortal::start().await;
    portal.respond(
        bitrix24_testkit::mock::ANY_METHOD,
        200,
        json!({"result": "any"}),
    );
    portal.respond("crm.lead.get", 200, json!({"result": "own"}));
    let http = reqwest::Client::new();
    let mut results = Vec::new();
    for method in ["crm.lead.get", "crm.deal.get", "/oauth/token/"] {
        let url = if method.starts_with('/') {
            portal.token_url()
        } else {
            format!("{}{method}", portal.webhook_url())
        };
        let body: Value = http.post(url).send().await.unwrap().json().await.unwrap();
        results.push(body["result"].as_str().unwrap().to_string());
    }
    assert_eq!(results, ["own", "any", "any"]);
}

#[tokio::test]
async fn computed_answers_see_the_request_they_serve() {
    let portal = MockPortal::start().await;
    portal
        .respond(
            "crm.lead.get",
            503,
            json!({"error": "QUERY_LIMIT_EXCEEDED"}),
        )
        .respond_fn("crm.lead.get", |request| {
            let id = request.params().get("id").cloned().unwrap_or(Value::Null);
            MockResponse::json(200, json!({"result": {"ID": id, "path": request.path}}))
        });
    let http = reqwest::Client::new();
    let url = format!("{}crm.lead.get", portal.webhook_url());
    let mut answers = Vec::new();
    for id in [1, 2, 3] {
        let response = http
            .post(&url)
            .json(&json!({"id": id}))
            .send()
            .await
            .unwrap();
        answers.push((
            response.status().as_u16(),
            response.json::<Value>().await.unwrap(),
        ));
    }
    assert_eq!(answers[0].0, 503);
    assert_eq!(answers[1].1["result"]["ID"], 2);
    assert_eq!(
        answers[2].1["result"]["ID"], 3,
        "the last answer repeats, computed anew"
    );
    assert!(answers[2].1["result"]["path"]
        .as_str()
        .unwrap()
        .ends_with("/crm.lead.get"));
    let seen = portal.requests();
    assert!(seen.windows(2).all(|w| w[0].at <= w[1].at));
    assert_eq!(seen[0].body_text(), r#"{"id":1}"#);
}
