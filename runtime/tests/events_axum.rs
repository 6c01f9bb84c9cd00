//! The axum route (feature `axum`): verified events reach the callback on
//! their own task, the answer does not wait for it, forgeries get 401.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use bitrix24::events::{service, EventHandler, MemoryApplicationTokens};
use tokio::sync::mpsc;
use tower::ServiceExt;

const GENUINE: &str = "event=ONCRMLEADADD&event_handler_id=3&data%5BFIELDS%5D%5BID%5D=42&ts=1700000000&auth%5Bdomain%5D=portal.example&auth%5Bmember_id%5D=m1&auth%5Bapplication_token%5D=the-app-token";

fn post(body: String) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri("/bitrix/events")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn verified_events_reach_the_callback_and_the_answer_does_not_wait() {
    let (sender, mut events) = mpsc::unbounded_channel();
    let handler = EventHandler::new(Arc::new(MemoryApplicationTokens::single("the-app-token")));
    let app = service::router("/bitrix/events", handler, move |event| {
        let sender = sender.clone();
        async move {
            let _ = sender.send(event);
            // A slow callback: the portal must not wait for it.
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    });

    let started = Instant::now();
    let answer = app.clone().oneshot(post(GENUINE.into())).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(5));
    let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event.event, "ONCRMLEADADD");
    assert_eq!(event.data["FIELDS"]["ID"], "42");

    for forged in [
        GENUINE.replace("the-app-token", "guess"),
        GENUINE.replace("&auth%5Bapplication_token%5D=the-app-token", ""),
    ] {
        let answer = app.clone().oneshot(post(forged)).await.unwrap();
        assert_eq!(answer.status(), 401);
    }
    let answer = app.clone().oneshot(post("a[b=1".into())).await.unwrap();
    assert_eq!(answer.status(), 400);
    let huge = format!("event=X&pad={}", "a".repeat(4 * 1024 * 1024));
    let answer = app.clone().oneshot(post(huge)).await.unwrap();
    assert_eq!(answer.status(), 413);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        events.try_recv().is_err(),
        "a rejected post reached the callback"
    );
}
