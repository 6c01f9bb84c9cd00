//! Per-call client overhead on loopback: a typed call through the whole
//! pipeline (encode, rate limiter, retry bookkeeping, tracing span,
//! envelope, typed decode) against a bare `reqwest` + `serde_json` call of
//! the same method. Prints the median time per call of each and their ratio.
//!
//! `cargo bench -p bitrix24 --bench overhead`

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};

bitrix24::bitrix_method!(
    "../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md"
);

const BODY: &str = r#"{"result":true,"time":{"start":1724916859.46,"finish":1724916859.47,"duration":0.003,"processing":0.003,"date_start":"2024-08-29T10:34:19+03:00","date_finish":"2024-08-29T10:34:19+03:00","operating_reset_at":1724917459,"operating":0.003}}"#;

fn serve() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                stream.set_nodelay(true).unwrap();
                tokio::spawn(async move {
                    let service = service_fn(
                        |request: hyper::Request<hyper::body::Incoming>| async move {
                            let _ = request.into_body().collect().await;
                            Ok::<_, std::convert::Infallible>(
                                hyper::Response::builder()
                                    .header("content-type", "application/json")
                                    .body(Full::new(Bytes::from_static(BODY.as_bytes())))
                                    .unwrap(),
                            )
                        },
                    );
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    addr
}

fn params(i: i64) -> crm_lead_contact_items_set::Params {
    crm_lead_contact_items_set::Params {
        id: i,
        items: vec![crm_lead_contact_items_set::Items {
            contact_id: 5,
            sort: Some(10),
            is_primary: Some(true),
        }],
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let calls: usize = if quick { 50 } else { 500 };
    let rounds = if quick { 1 } else { 31 };
    let addr = serve();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let webhook = format!("http://{addr}/rest/1/benchkey/");
    let typed = bitrix24::Client::builder(bitrix24::Portal::webhook(&webhook))
        .rate_limit(bitrix24::RateLimit::UNLIMITED)
        .build()
        .unwrap();
    let bare = reqwest::Client::new();
    // The same HTTP settings the typed client uses (user agent, timeouts).
    let bare_timeouts = reqwest::Client::builder()
        .user_agent("bitrix24-rs/0.1.0")
        .timeout(bitrix24::DEFAULT_TIMEOUT)
        .connect_timeout(bitrix24::DEFAULT_CONNECT_TIMEOUT)
        .build()
        .unwrap();
    let url = format!("{webhook}crm.lead.contact.items.set");

    let run_typed = |n: usize| {
        runtime.block_on(async {
            let started = Instant::now();
            for i in 0..n {
                let ok = typed.call(params(i as i64)).await.unwrap();
                assert!(ok);
            }
            started.elapsed() / n as u32
        })
    };
    let run_bare = |n: usize, bare: &reqwest::Client| {
        runtime.block_on(async {
            let started = Instant::now();
            for i in 0..n {
                let body =
                    json!({"id": i, "items": [{"CONTACT_ID": 5, "SORT": 10, "IS_PRIMARY": "Y"}]});
                let text = bare
                    .post(&url)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                let value: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(value["result"], json!(true));
            }
            started.elapsed() / n as u32
        })
    };
    // `BENCH_ONLY=typed|bare`: one variant alone, for profilers.
    if let Ok(only) = std::env::var("BENCH_ONLY") {
        let per_call = if only == "typed" {
            run_typed(20_000)
        } else {
            run_bare(20_000, &bare_timeouts)
        };
        println!("{only}: {:.1} µs per call", per_call.as_secs_f64() * 1e6);
        return;
    }
    // Warm both connection pools.
    run_typed(calls / 10 + 1);
    run_bare(calls / 10 + 1, &bare);
    run_bare(calls / 10 + 1, &bare_timeouts);
    let (mut typed_samples, mut bare_samples, mut timeout_samples) =
        (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        // Rotate the order so drift in the machine's load hits all three alike.
        for turn in 0..3 {
            match (round + turn) % 3 {
                0 => typed_samples.push(run_typed(calls)),
                1 => bare_samples.push(run_bare(calls, &bare)),
                _ => timeout_samples.push(run_bare(calls, &bare_timeouts)),
            }
        }
    }
    let (typed_call, bare_call) = (median(typed_samples), median(bare_samples));
    let timeout_call = median(timeout_samples);
    println!(
        "per call on loopback ({rounds} rounds of {calls}, median): typed {:.1} µs, bare reqwest+serde_json {:.1} µs, \
         ratio {:.3}, overhead {:+.1} µs",
        typed_call.as_secs_f64() * 1e6,
        bare_call.as_secs_f64() * 1e6,
        typed_call.as_secs_f64() / bare_call.as_secs_f64(),
        (typed_call.as_secs_f64() - bare_call.as_secs_f64()) * 1e6,
    );
    println!(
        "against bare reqwest with the same timeouts: {:.1} µs, ratio {:.3}",
        timeout_call.as_secs_f64() * 1e6,
        typed_call.as_secs_f64() / timeout_call.as_secs_f64(),
    );
}
