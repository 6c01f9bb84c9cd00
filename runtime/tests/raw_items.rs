//! Answers are read as text: items come out of the portal's bytes as they
//! were sent (raw) or decoded straight from them (typed, `Value`), with the
//! same values, IDs, errors and masking as when answers were parsed into
//! trees first.

mod common;

use bitrix24::{ApiVersion, Batch, CallError, CallOptions, ExportOptions, ListSpec, Retry};
use bitrix24_testkit::mock::ANY_METHOD;
use bitrix24_testkit::{MockPortal, MockResponse};
use futures_util::StreamExt;
use serde_json::value::RawValue;
use serde_json::{json, Value};

bitrix24::bitrix_method!(
    "../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md"
);

/// Items as a portal writes them: escapes, spacing, the ID not always
/// first, a secret echoed back.
const ITEMS: [&str; 4] = [
    r#"{"ID":"3","TITLE":"\u0418\u0432\u0430\u043d \/ A"}"#,
    r#"{ "ID" : 5 , "TITLE" : "spaced" }"#,
    r#"{"TITLE":"id later","ID":"8"}"#,
    r#"{"ID":"9","TITLE":"echo /rest/1/secretkey/","SORT":"x"}"#,
];

/// One `batch` answer with a single short page of `ITEMS`: the export
/// ends after it.
fn page_answer() -> String {
    format!(
        r#"{{"result":{{"result":{{"p0":[{}]}},"result_error":[],"result_total":[],"result_next":[],"result_time":{{"p0":{{"operating":0.1}}}}}},"time":{{"start":1}}}}"#,
        ITEMS.join(",")
    )
}

fn export_options() -> ExportOptions {
    ExportOptions {
        ranges: 1,
        ..ExportOptions::default()
    }
}

#[tokio::test]
async fn raw_items_are_the_bytes_sent_and_each_carries_its_id() {
    let portal = MockPortal::start().await;
    portal.respond_raw(ANY_METHOD, 200, &page_answer());
    let client = common::client(&portal.webhook_url());
    let mut stream = client.export_raw::<Box<RawValue>>(
        "crm.lead.list",
        json!({}),
        ListSpec::new("ID"),
        export_options(),
    );
    let mut got = Vec::new();
    while let Some(item) = stream.next().await {
        let item = item.unwrap();
        got.push((item.get().to_string(), stream.progress().last_id));
    }
    let expected: Vec<(String, Option<i64>)> = ITEMS
        .iter()
        .zip([3, 5, 8, 9])
        .map(|(text, id)| (text.to_string(), Some(id)))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(stream.checkpoint().map(|c| c.last_id), Some(9));
}

#[tokio::test]
async fn values_and_typed_items_read_as_from_a_parsed_answer() {
    let portal = MockPortal::start().await;
    portal.respond_raw(ANY_METHOD, 200, &page_answer());
    let client = common::client(&portal.webhook_url());
    let values: Vec<Value> = client
        .export_raw::<Value>(
            "crm.lead.list",
            json!({}),
            ListSpec::new("ID"),
            export_options(),
        )
        .all()
        .await
        .unwrap();
    let parsed: Vec<Value> = ITEMS
        .iter()
        .map(|text| serde_json::from_str(text).unwrap())
        .collect();
    assert_eq!(values, parsed);
    assert_eq!(values[0]["TITLE"], json!("Иван / A"));

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Lead {
        #[serde(rename = "ID")]
        id: Value,
        #[serde(rename = "TITLE")]
        title: String,
    }
    let typed: Vec<Lead> = client
        .export_raw::<Lead>(
            "crm.lead.list",
            json!({}),
            ListSpec::new("ID"),
            export_options(),
        )
        .all()
        .await
        .unwrap();
    assert_eq!(typed.len(), 4);
    assert_eq!(typed[1].id, json!(5));
    assert_eq!(typed[2].title, "id later");
}

#[tokio::test]
async fn an_item_that_does_not_fit_fails_with_its_own_text_masked() {
    let portal = MockPortal::start().await;
    portal.respond_raw(ANY_METHOD, 200, &page_answer());
    // The webhook's key is the one the fourth item echoes back.
    let client = common::client(&format!("{}/rest/1/secretkey/", portal.origin()));

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Strict {
        #[serde(rename = "ID")]
        id: String,
        #[serde(rename = "SORT", default)]
        sort: Option<i64>,
    }
    let mut stream = client.export_raw::<Strict>(
        "crm.lead.list",
        json!({}),
        ListSpec::new("ID"),
        export_options(),
    );
    let mut error = None;
    while let Some(item) = stream.next().await {
        if let Err(e) = item {
            error = Some(e);
            break;
        }
    }
    // The second item's ID is a number, which a `String` does not take.
    let Some(CallError::Decode(error)) = error else {
        panic!("a decode error")
    };
    assert_eq!(error.body, ITEMS[1]);
    assert_eq!(
        error.message, "invalid type: integer `5`, expected a string",
        "no position within the item"
    );

    let mut stream = client.export_raw::<Strict>(
        "crm.lead.list",
        json!({}),
        ListSpec::new("ID"),
        ExportOptions {
            after: Some(bitrix24::Checkpoint { last_id: 8 }),
            ..export_options()
        },
    );
    let last = stream.next().await.unwrap().unwrap_err();
    let CallError::Decode(error) = last else {
        panic!("a decode error")
    };
    assert!(!error.body.contains("secretkey"), "{}", error.body);
    assert!(error.body.contains("/rest/1/***/"), "{}", error.body);
}

#[tokio::test]
async fn typed_results_decode_from_the_text_of_result() {
    let answers = [
        r#"{"result": true, "time": {"operating": 0}}"#,
        r#"{ "time": {"start": 1}, "result" : "Y" }"#,
        r#"{"result": "maybe"}"#,
    ];
    let portal = MockPortal::start().await;
    portal.respond_fn(ANY_METHOD, move |req| {
        let n = req.params().get("id").and_then(Value::as_i64).unwrap_or(0) as usize;
        MockResponse::raw(200, answers[n.min(2)])
    });
    let client = common::client(&portal.webhook_url());
    let params = |id| crm_lead_contact_items_set::Params { id, items: vec![] };
    assert!(client.call(params(0)).await.unwrap());
    assert!(client.call(params(1)).await.unwrap());
    let error = client.call(params(2)).await.unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains("found \"maybe\""), "{shown}");
    assert!(!shown.contains(" at line "), "{shown}");
}

#[tokio::test]
async fn a_result_too_deep_to_parse_is_a_decode_error_not_a_crash() {
    let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
    let body = format!(r#"{{"result": {deep}}}"#);
    let batch_body =
        format!(r#"{{"result": {{"result": {{"a": {deep}, "b": 7}}, "result_error": []}}}}"#);
    let portal = MockPortal::start().await;
    portal.respond_fn(ANY_METHOD, move |req| {
        if req.method_path == "batch" {
            MockResponse::raw(200, batch_body.clone())
        } else {
            MockResponse::raw(200, body.clone())
        }
    });
    let client = common::client(&portal.webhook_url());
    let outcome = client
        .call_raw_with(
            "crm.lead.get",
            ApiVersion::V2,
            Retry::Read,
            json!({}),
            CallOptions::default(),
        )
        .await;
    let Err(CallError::Decode(error)) = outcome else {
        panic!("a decode error, not {outcome:?}")
    };
    assert!(
        error.message.contains("recursion limit"),
        "{}",
        error.message
    );

    let mut batch = Batch::new();
    let a = batch
        .add_raw("a", "crm.lead.get", Retry::Read, json!({}))
        .unwrap();
    let b = batch
        .add_raw("b", "crm.lead.get", Retry::Read, json!({}))
        .unwrap();
    let results = client.batch(batch).await;
    assert!(matches!(results.raw(&a), Some(Err(CallError::Decode(_)))));
    let Some(Ok(b)) = results.raw(&b) else {
        panic!("the other command's result")
    };
    assert_eq!(b.result, json!(7));
}
