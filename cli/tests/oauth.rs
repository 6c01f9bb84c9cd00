//! `b24 call` as an OAuth application: tokens from a file (`--tokens`), the
//! client id by flag and the secret from `B24_CLIENT_SECRET`; an expired
//! access token is renewed and the new pair saved back to the file, and
//! no token or secret reaches the output. Missing settings are named.

use std::process::{Command, Output};

use bitrix24::{FileTokenStore, Tokens};
use bitrix24_testkit::emulator::{shipped_pages, Config, Emulator, Entity};
use serde_json::{json, Value};

async fn b24(args: Vec<String>, env: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_b24"))
            .args(args)
            .env_remove("B24_WEBHOOK_URL")
            .env_remove("B24_TOKENS")
            .env_remove("B24_PORTAL")
            .env_remove("B24_CLIENT_ID")
            .env_remove("B24_CLIENT_SECRET")
            .env_remove("B24_DOCS")
            .env_remove("RUST_LOG")
            .envs(env)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oauth_call_renews_its_tokens_and_saves_them() {
    let portal = Emulator::start(Config::unlimited().seed(9)).await.unwrap();
    let lead = portal.insert(Entity::Lead, json!({"TITLE": "by oauth"}));
    let issued = portal.issue_tokens();
    portal.expire_access_tokens();
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("b24-oauth");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tokens.json");
    let store = FileTokenStore::new(&file);
    store
        .write(&Tokens::new(
            issued.access_token.clone(),
            issued.refresh_token.clone(),
        ))
        .unwrap();

    let app = &portal.config().oauth;
    let args: Vec<String> = [
        "call",
        "crm.lead.get",
        &json!({ "id": lead }).to_string(),
        "--tokens",
        file.to_str().unwrap(),
        "--portal",
        &portal.origin(),
        "--client-id",
        &app.client_id,
        "--token-endpoint",
        &portal.token_url(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let env = vec![
        ("B24_CLIENT_SECRET", app.client_secret.clone()),
        ("B24_DOCS", shipped_pages().display().to_string()),
        ("RUST_LOG", "debug".to_string()),
    ];
    let out = b24(args.clone(), env.clone()).await;
    assert!(out.status.success(), "{out:?}");
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["TITLE"], "by oauth");

    // The renewed pair replaced the issued one in the file.
    let saved = store.read().unwrap().unwrap();
    assert_ne!(saved.refresh_token.expose(), issued.refresh_token);
    assert_ne!(saved.access_token.expose(), issued.access_token);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for secret in [
        issued.access_token.as_str(),
        issued.refresh_token.as_str(),
        saved.access_token.expose(),
        saved.refresh_token.expose(),
        app.client_secret.as_str(),
    ] {
        assert!(
            !stderr.contains(secret),
            "a secret reached stderr: {stderr}"
        );
    }

    // Without the secret, the command says where it is read from.
    let out = b24(args, vec![]).await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("B24_CLIENT_SECRET"), "{stderr}");

    // A token file and a webhook at once are refused.
    let out = b24(
        vec![
            "call".into(),
            "crm.lead.get".into(),
            json!({ "id": lead }).to_string(),
            "--tokens".into(),
            file.display().to_string(),
            "--webhook".into(),
            portal.webhook_url(),
        ],
        env,
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pass one way"), "{stderr}");
}
