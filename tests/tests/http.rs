//! The seed method over real HTTP on loopback, against a scripted portal:
//! what goes on the wire, and how each kind of answer comes back typed.

use bitrix24::SystemErrorKind;
use bitrix24_testkit::mock::{MockPortal, MOCK_WEBHOOK_KEY};
use bitrix24_tests::crm_lead_contact_items_set::{self as method, Error, Items, Params};
use serde_json::json;

fn params() -> Params {
    Params {
        id: 1,
        items: vec![
            Items {
                contact_id: 1010,
                sort: Some(10),
                is_primary: Some(true),
            },
            Items {
                contact_id: 1020,
                sort: None,
                is_primary: Some(false),
            },
        ],
    }
}

fn success() -> serde_json::Value {
    json!({"result": true, "time": {"start": 1.0, "finish": 1.1, "duration": 0.1, "operating": 0}})
}

#[tokio::test]
async fn the_request_on_the_wire_is_what_the_page_documents() {
    let portal = MockPortal::start().await;
    portal.respond("crm.lead.contact.items.set", 200, success());
    let client = bitrix24::Client::webhook(&portal.webhook_url()).unwrap();

    let ok: bool = method::call(&client, params()).await.unwrap();
    assert!(ok);

    let requests = portal.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.http_method, "POST");
    assert_eq!(
        request.path,
        format!("/rest/1/{MOCK_WEBHOOK_KEY}/crm.lead.contact.items.set")
    );
    assert!(request
        .header("content-type")
        .is_some_and(|v| v.starts_with("application/json")));
    assert_eq!(
        request.json(),
        Some(&json!({
            "id": 1,
            "items": [
                {"CONTACT_ID": 1010, "SORT": 10, "IS_PRIMARY": "Y"},
                {"CONTACT_ID": 1020, "IS_PRIMARY": "N"}
            ]
        }))
    );
}

#[tokio::test]
async fn the_generic_call_and_the_module_function_agree() {
    let portal = MockPortal::start().await;
    portal.respond("crm.lead.contact.items.set", 200, json!({"result": "Y"}));
    let client = bitrix24::Client::webhook(&portal.webhook_url()).unwrap();
    // Portals send flags in several spellings; the typed result reads them all.
    let ok = client.call(params()).await.unwrap();
    assert!(ok);
}

#[tokio::test]
async fn a_documented_error_code_becomes_its_variant() {
    let portal = MockPortal::start().await;
    let body = json!({"error": "NOT_FOUND", "error_description": "Not found."});
    portal.respond("crm.lead.contact.items.set", 400, body.clone());
    let client = bitrix24::Client::webhook(&portal.webhook_url()).unwrap();

    let error = method::call(&client, params()).await.unwrap_err();
    let Error::NotFound(api) = &error else {
        panic!("expected NotFound, got {error:?}");
    };
    assert_eq!(api.status, 400);
    assert_eq!(api.description, "Not found.");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&api.body).unwrap(),
        body
    );
    assert_eq!(error.code(), Some("NOT_FOUND"));
    assert_eq!(error.to_string(), "NOT_FOUND (HTTP 400): Not found.");
}

#[tokio::test]
async fn an_undocumented_code_is_an_api_error_with_its_status() {
    let portal = MockPortal::start().await;
    portal.respond(
        "crm.lead.contact.items.set",
        400,
        json!({"error": "SOMETHING_NEW", "error_description": "New."}),
    );
    let client = bitrix24::Client::webhook(&portal.webhook_url()).unwrap();
    let error = method::call(&client, params()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Api(api) if api.code == "SOMETHING_NEW" && api.status == 400),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_exhausted_query_limit_is_the_system_error_variant() {
    let portal = MockPortal::start().await;
    portal.respond(
        "crm.lead.contact.items.set",
        503,
        json!({"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}),
    );
    let client = bitrix24::Client::webhook(&portal.webhook_url()).unwrap();
    let error = method::call(&client, params()).await.unwrap_err();
    let Error::System(system) = &error else {
        panic!("expected a system error, got {error:?}");
    };
    assert_eq!(system.kind, SystemErrorKind::QueryLimitExceeded);
    assert_eq!(system.api.status, 503);
}

#[tokio::test]
async fn a_garbage_body_is_a_decoding_error_carrying_the_raw_body() {
    let portal = MockPortal::start().await;
    portal.respond_raw(
        "crm.lead.contact.items.set",
        200,
        "<html>maintenance</html>",
    );
    let client = bitrix24::Client::webhook(&portal.webhook_url()).unwrap();
    let error = method::call(&client, params()).await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decoding error, got {error:?}");
    };
    assert_eq!(decode.body, "<html>maintenance</html>");
    assert_eq!(decode.status, 200);
}

#[tokio::test]
async fn a_result_of_the_wrong_shape_is_a_decoding_error_too() {
    let portal = MockPortal::start().await;
    portal.respond(
        "crm.lead.contact.items.set",
        200,
        json!({"result": {"unexpected": 1}}),
    );
    let client = bitrix24::Client::webhook(&portal.webhook_url()).unwrap();
    let error = method::call(&client, params()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode(d) if d.body.contains("unexpected")),
        "{error:?}"
    );
}

#[tokio::test]
async fn oauth_calls_carry_the_token_in_the_body_and_never_show_it() {
    let portal = MockPortal::start().await;
    portal.respond("crm.lead.contact.items.set", 200, success());
    let client = bitrix24::Client::oauth(&portal.origin(), "s3cr3t-access-token").unwrap();
    assert!(method::call(&client, params()).await.unwrap());
    let request = &portal.requests()[0];
    assert_eq!(request.path, "/rest/crm.lead.contact.items.set");
    assert_eq!(
        request.json().unwrap()["auth"],
        json!("s3cr3t-access-token")
    );
    assert!(!format!("{client:?}").contains("s3cr3t"));
}

#[tokio::test]
async fn the_webhook_key_never_reaches_debug_or_error_text() {
    let client = bitrix24::Client::webhook("http://127.0.0.1:9/rest/1/topsecretkey42/").unwrap();
    assert!(!format!("{client:?}").contains("topsecretkey42"));
    // Port 9 (discard) refuses connections on loopback: a transport error.
    let error = method::call(&client, params()).await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("topsecretkey42"), "{shown}");
}

#[test]
fn plain_http_is_refused_off_loopback() {
    let error = bitrix24::Client::webhook("http://example.bitrix24.com/rest/1/key/").unwrap_err();
    assert_eq!(
        error.to_string(),
        "refusing plain http:// to example.bitrix24.com: use https:// (http is allowed for loopback addresses only)"
    );
}
