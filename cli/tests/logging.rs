//! `RUST_LOG=debug b24 call ...` shows the runtime's call span (method,
//! status, time) on stderr and never the webhook's key; without `RUST_LOG`
//! stderr stays quiet, and a filter that does not parse is said once.

use std::process::{Command, Output};

use bitrix24_testkit::emulator::{shipped_pages, Config, Emulator, Entity};
use serde_json::json;

async fn b24(args: &[&str], env: Vec<(&'static str, String)>) -> Output {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_b24"))
            .args(args)
            .env_remove("RUST_LOG")
            .env_remove("B24_WEBHOOK_URL")
            .env_remove("B24_DOCS")
            .env_remove("B24_RATE_LIMIT")
            .envs(env)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_log_shows_the_call_span_without_the_key() {
    let portal = Emulator::start(Config::unlimited().seed(5)).await.unwrap();
    let lead = portal.insert(Entity::Lead, json!({"TITLE": "logged"}));
    let url = portal.webhook_url();
    // The key is the last segment of the webhook URL.
    let key = url
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    assert!(key.len() >= 8, "{url}");
    let env = vec![
        ("B24_WEBHOOK_URL", url.clone()),
        ("B24_DOCS", shipped_pages().display().to_string()),
    ];
    let params = json!({ "id": lead }).to_string();

    let mut logged = env.clone();
    logged.push(("RUST_LOG", "debug".to_string()));
    let out = b24(&["call", "crm.lead.get", &params], logged).await;
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bitrix24.call"), "{stderr}");
    assert!(
        stderr.contains("method=\"crm.lead.get\"") || stderr.contains("method=crm.lead.get"),
        "{stderr}"
    );
    assert!(
        stderr.contains("close"),
        "the span's end is shown: {stderr}"
    );
    assert!(!stderr.contains(&key), "the webhook key leaked: {stderr}");

    let out = b24(&["call", "crm.lead.get", &params], env.clone()).await;
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut bad = env;
    bad.push(("RUST_LOG", "bitrix24=notalevel".to_string()));
    let out = b24(&["call", "crm.lead.get", &params], bad).await;
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("RUST_LOG is not a filter"), "{stderr}");
}
