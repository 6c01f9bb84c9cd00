//! Events are sent again while the handler cannot take them (unreachable,
//! 5xx), after a wait that doubles, up to the configured attempts; a 2xx or
//! a 4xx ends it. Every attempt is recorded.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bitrix24_testkit::emulator::{Config, Emulator};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A handler on loopback answering the statuses of `script` in turn (the
/// last one ever after); returns its URL and the count of requests taken.
async fn handler(script: Vec<u16>) -> (String, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/events", listener.local_addr().unwrap());
    let taken = Arc::new(Mutex::new(0usize));
    let count = taken.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let n = {
                let mut taken = count.lock().unwrap();
                *taken += 1;
                *taken
            };
            let status = script[(n - 1).min(script.len() - 1)];
            let mut buf = vec![0u8; 16 << 10];
            let _ = stream.read(&mut buf).await;
            let answer =
                format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    (url, taken)
}

async fn bind_and_add(portal: &Emulator, url: &str) {
    let http = reqwest::Client::new();
    for (method, params) in [
        (
            "event.bind",
            json!({"event": "ONCRMLEADADD", "handler": url}),
        ),
        ("crm.lead.add", json!({"fields": {"TITLE": "delivered"}})),
    ] {
        let answer = http
            .post(format!("{}{method}", portal.webhook_url()))
            .json(&params)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{method}");
    }
}

async fn statuses(portal: &Emulator, want: usize) -> Vec<Option<u16>> {
    for _ in 0..200 {
        let statuses: Vec<_> = portal.deliveries().iter().map(|d| d.status).collect();
        if statuses.len() >= want {
            return statuses;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    portal.deliveries().iter().map(|d| d.status).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_handler_gets_the_event_again_until_it_takes_it() {
    let portal = Emulator::start(Config::unlimited().event_delivery(4, Duration::from_millis(20)))
        .await
        .unwrap();
    let (url, taken) = handler(vec![503, 500, 200]).await;
    bind_and_add(&portal, &url).await;
    assert_eq!(
        statuses(&portal, 3).await,
        [Some(503), Some(500), Some(200)]
    );
    // Nothing after the 2xx.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(*taken.lock().unwrap(), 3);
    let bodies: Vec<String> = portal.deliveries().into_iter().map(|d| d.body).collect();
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "the same event each time"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_final_and_attempts_are_bounded() {
    let portal = Emulator::start(Config::unlimited().event_delivery(3, Duration::from_millis(10)))
        .await
        .unwrap();
    let (refusing, refused) = handler(vec![401]).await;
    bind_and_add(&portal, &refusing).await;
    assert_eq!(statuses(&portal, 1).await, [Some(401)]);
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(*refused.lock().unwrap(), 1, "a 4xx is not sent again");

    let portal = Emulator::start(Config::unlimited().event_delivery(3, Duration::from_millis(10)))
        .await
        .unwrap();
    let (failing, failed) = handler(vec![502]).await;
    bind_and_add(&portal, &failing).await;
    assert_eq!(statuses(&portal, 3).await, [Some(502); 3]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(*failed.lock().unwrap(), 3, "three attempts in all");
}
