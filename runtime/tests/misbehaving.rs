//! Against a portal that misbehaves below the protocol (the testkit's
//! `RoguePortal`), every call ends within its deadline, with an error that
//! says what happened and shows no secret, and nothing is sent twice that
//! must not be. Each case prints how long it took
//! (`cargo test -p bitrix24 --test misbehaving -- --nocapture`).

mod common;

use std::future::Future;
use std::time::{Duration, Instant};

use bitrix24::{
    ApiVersion, CallError, CallOptions, Client, ExportOptions, ListSpec, Portal, RateLimit, Retry,
    RetryPolicy, TransportKind,
};
use bitrix24_testkit::rogue::{Act, RoguePortal, ROGUE_WEBHOOK_KEY};
use serde_json::{json, Value};

const ATTEMPT: Duration = Duration::from_millis(300);
const DEADLINE: Duration = Duration::from_secs(2);
const MAX_BODY: u64 = 1024 * 1024;
/// The bound every case must end within, generous for a loaded machine.
const BOUND: Duration = Duration::from_secs(10);

/// Many quick retries, so the deadline, not the count, ends a call.
fn patient() -> RetryPolicy {
    RetryPolicy {
        max_retries: 50,
        ..common::fast()
    }
}

fn tight(portal: Result<Portal, bitrix24::Error>, policy: RetryPolicy) -> Client {
    Client::builder(portal)
        .rate_limit(RateLimit::UNLIMITED)
        .retry_policy(policy)
        .timeout(ATTEMPT)
        .deadline(DEADLINE)
        .max_body_size(MAX_BODY)
        .build()
        .unwrap()
}

fn webhook(portal: &RoguePortal) -> Client {
    tight(Portal::webhook(&portal.webhook_url()), patient())
}

/// Runs `call`, failing the test if it does not end within [`BOUND`].
async fn timed<T>(case: &str, call: impl Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let out = tokio::time::timeout(BOUND, call)
        .await
        .unwrap_or_else(|_| panic!("{case}: still running after {BOUND:?}"));
    let took = started.elapsed();
    println!("{case}: ended in {took:.2?}");
    (out, took)
}

async fn read(client: &Client) -> Result<bitrix24::Envelope, CallError> {
    client
        .call_raw_with(
            "crm.lead.get",
            ApiVersion::V2,
            Retry::Read,
            json!({"id": 1}),
            CallOptions::default(),
        )
        .await
}

async fn write(client: &Client) -> Result<bitrix24::Envelope, CallError> {
    client
        .call_raw(
            "crm.lead.add",
            ApiVersion::V2,
            json!({"fields": {"TITLE": "x"}}),
        )
        .await
}

fn transport(error: &CallError) -> &bitrix24::TransportError {
    match error {
        CallError::Transport(t) | CallError::OutcomeUnknown(t) => t,
        other => panic!("not a transport error: {other:?}"),
    }
}

#[tokio::test]
async fn invalid_json_is_a_decode_error_showing_how_the_body_starts() {
    let portal = RoguePortal::start(|_| Act::text(200, "{\"result\": [1, 2"))
        .await
        .unwrap();
    let (outcome, _) = timed("invalid JSON", read(&webhook(&portal))).await;
    let CallError::Decode(error) = outcome.unwrap_err() else {
        panic!("not a decode error")
    };
    assert!(
        error.to_string().contains("it starts `{\"result\": [1, 2`"),
        "{error}"
    );
    assert_eq!(
        portal.requests().len(),
        1,
        "an answer that came is not asked again"
    );
}

#[tokio::test]
async fn an_endless_body_is_cut_at_the_ceiling_and_shows_its_first_bytes() {
    let portal = RoguePortal::start(|_| Act::Endless).await.unwrap();
    let client = webhook(&portal);
    let (outcome, _) = timed("endless body, read", read(&client)).await;
    let error = outcome.unwrap_err();
    assert!(matches!(error, CallError::Transport(_)), "{error:?}");
    let t = transport(&error);
    assert_eq!(t.kind, TransportKind::BodyTooLarge { limit: MAX_BODY });
    let head = t.body.as_deref().unwrap();
    assert!(head.starts_with("[\"x\",") && head.len() <= bitrix24::EXCERPT_BYTES);
    assert!(
        error
            .to_string()
            .contains("larger than the client accepts (1 MiB)"),
        "{error}"
    );
    assert_eq!(portal.requests().len(), 1, "not retried");

    let (outcome, _) = timed("endless body, write", write(&client)).await;
    assert!(
        matches!(outcome, Err(CallError::OutcomeUnknown(_))),
        "{outcome:?}"
    );
    assert_eq!(portal.requests().len(), 2);
    assert_eq!(bitrix24::DEFAULT_MAX_BODY, 64 * 1024 * 1024);
}

#[tokio::test]
async fn a_slow_drip_ends_at_the_call_deadline_and_says_how_often_it_tried() {
    let portal = RoguePortal::start(|_| Act::Drip {
        every: Duration::from_millis(20),
    })
    .await
    .unwrap();
    let (outcome, took) = timed("slow drip", read(&webhook(&portal))).await;
    let error = outcome.unwrap_err();
    let t = transport(&error);
    assert!(t.timeout);
    assert_eq!(t.kind, TransportKind::Deadline);
    let sent = portal.requests().len() as u32;
    assert!(sent >= 3, "retried within the deadline: {sent}");
    assert_eq!(t.attempts, sent);
    assert!(
        error
            .to_string()
            .contains(&format!("gave up after {sent} attempts")),
        "{error}"
    );
    assert!(
        took >= DEADLINE - ATTEMPT && took < DEADLINE + Duration::from_secs(1),
        "{took:?}"
    );
}

#[tokio::test]
async fn a_silent_server_holds_a_read_until_the_deadline_and_a_write_one_attempt() {
    let portal = RoguePortal::start(|_| Act::Silent).await.unwrap();
    let client = webhook(&portal);
    let (outcome, took) = timed("silent server, read", read(&client)).await;
    let error = outcome.unwrap_err();
    let t = transport(&error);
    assert_eq!((t.kind.clone(), t.timeout), (TransportKind::Deadline, true));
    assert!(t.attempts >= 3, "{error}");
    assert!(
        error.to_string().contains("deadline (2 s) is spent"),
        "{error}"
    );
    assert!(took < DEADLINE + Duration::from_secs(1), "{took:?}");

    let before = portal.requests().len();
    let (outcome, took) = timed("silent server, write", write(&client)).await;
    let error = outcome.unwrap_err();
    assert!(matches!(error, CallError::OutcomeUnknown(_)), "{error:?}");
    assert_eq!(transport(&error).kind, TransportKind::Timeout);
    assert_eq!(
        portal.requests().len(),
        before + 1,
        "a write is never sent twice"
    );
    assert!(took < ATTEMPT * 3, "{took:?}");
}

#[tokio::test]
async fn a_body_cut_short_is_retried_for_reads_and_unknown_for_writes() {
    let portal = RoguePortal::start(|_| Act::CloseMidBody {
        announced: 200,
        body: b"{\"result\": [".to_vec(),
    })
    .await
    .unwrap();
    let client = tight(Portal::webhook(&portal.webhook_url()), common::fast());
    let (outcome, _) = timed("closed mid-body, read", read(&client)).await;
    let error = outcome.unwrap_err();
    let t = transport(&error);
    assert_eq!(t.kind, TransportKind::Interrupted);
    assert_eq!(t.attempts, 5, "the first attempt and 4 retries: {error}");
    assert_eq!(portal.requests().len(), 5);

    let (outcome, _) = timed("closed mid-body, write", write(&client)).await;
    assert!(
        matches!(outcome, Err(CallError::OutcomeUnknown(_))),
        "{outcome:?}"
    );
    assert_eq!(portal.requests().len(), 6, "a write is never sent twice");
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_and_names_the_host() {
    let elsewhere = RoguePortal::start(|_| Act::json(200, &json!({"result": true})))
        .await
        .unwrap();
    let port = elsewhere.addr().port();
    // Another port, then another host name for the same address.
    for target in [elsewhere.origin(), format!("http://localhost:{port}")] {
        let to = target.clone();
        let portal =
            RoguePortal::start(move |seen| Act::redirect(307, format!("{to}{}", seen.path)))
                .await
                .unwrap();
        let token = "accesstoken-secret-42";
        let clients = [
            webhook(&portal),
            tight(Portal::oauth(&portal.origin(), token), patient()),
        ];
        for client in &clients {
            let (outcome, _) = timed("cross-origin redirect", write(client)).await;
            let error = outcome.unwrap_err();
            let host = target.trim_start_matches("http://").to_string();
            assert_eq!(
                transport(&error).kind,
                TransportKind::Redirect { host: host.clone() }
            );
            let shown = format!("{error} {error:?}");
            assert!(shown.contains(&host), "{shown}");
            assert!(
                !shown.contains(ROGUE_WEBHOOK_KEY) && !shown.contains(token),
                "{shown}"
            );
        }
        assert_eq!(portal.requests().len(), 2, "one request each, not retried");
        assert!(portal.requests()[1].text().contains(token));
    }
    assert!(
        elsewhere.requests().is_empty(),
        "nothing reached the other origin"
    );
}

#[tokio::test]
async fn echoed_secrets_never_show_in_errors_or_bodies() {
    // The portal echoes the request line and body in every kind of answer.
    let answers: [fn(String) -> Act; 4] = [
        |echo| {
            Act::json(
                400,
                &json!({"error": "INVALID_REQUEST", "error_description": echo}),
            )
        },
        |echo| Act::text(404, format!("<html><body>No page at {echo}</body></html>")),
        |echo| Act::text(200, format!("oops {echo}")),
        |echo| {
            Act::json(
                500,
                &json!({"error": "INTERNAL_SERVER_ERROR", "error_description": echo}),
            )
        },
    ];
    let token = "accesstoken-secret-42";
    for answer in answers {
        let portal =
            RoguePortal::start(move |seen| answer(format!("{} {}", seen.path, seen.text())))
                .await
                .unwrap();
        for client in [
            webhook(&portal),
            tight(Portal::oauth(&portal.origin(), token), common::fast()),
        ] {
            let (outcome, _) = timed("echoed secrets", write(&client)).await;
            let error = outcome.unwrap_err();
            let mut shown = format!("{error} {error:?}");
            if let CallError::Api(api) = &error {
                shown.push_str(&api.body);
            }
            assert!(!shown.contains(ROGUE_WEBHOOK_KEY), "{shown}");
            assert!(!shown.contains(token), "{shown}");
            assert!(shown.contains("***"), "the echo is there, masked: {shown}");
        }
    }
}

#[tokio::test]
async fn an_error_status_without_json_says_what_came() {
    let portal = RoguePortal::start(|_| Act::text(404, "<html><h1>404 Not Found</h1></html>"))
        .await
        .unwrap();
    let (outcome, _) = timed("404 page", read(&webhook(&portal))).await;
    let error = outcome.unwrap_err();
    assert_eq!(
        error.to_string(),
        "HTTP 404 Not Found: the answer is not JSON; it starts `<html><h1>404 Not Found</h1></html>` (1 attempt)"
    );
    assert_eq!(transport(&error).kind, TransportKind::Status);
}

#[tokio::test]
async fn an_export_whose_answers_do_not_advance_fails_after_a_few_requests() {
    let answers = [
        json!({"result": {}}),
        json!({"result": 5}),
        json!({"result": "x"}),
        json!({"result": {"result": [], "result_error": []}}),
        json!({"result": {"result": {}, "result_error": {}, "result_total": []}}),
    ];
    for answer in answers {
        let body = answer.clone();
        let portal = RoguePortal::start(move |_| Act::json(200, &body))
            .await
            .unwrap();
        let client = webhook(&portal);
        let items = client.export_raw::<Value>(
            "crm.lead.list",
            json!({}),
            ListSpec::new("ID"),
            ExportOptions::default(),
        );
        let (outcome, _) = timed(&format!("export of {answer}"), items.all()).await;
        let error = outcome.unwrap_err();
        assert!(matches!(error, CallError::Decode(_)), "{answer}: {error:?}");
        let sent = portal.requests().len();
        assert!((1..=3).contains(&sent), "{answer}: {sent} requests");
    }
}
