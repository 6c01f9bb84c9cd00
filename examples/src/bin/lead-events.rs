//! Receives a typed `ONCRMLEADADD` from a local portal emulator.
//!
//! `bitrix_api!` binds the event pages under `pages/events` into an
//! `events` module: `events::Event` has a variant per event
//! (`Event::CrmLeadAdd`) and `Other` for the rest. The example starts the
//! emulator and an application endpoint on loopback, binds the tree's event
//! codes with `event.bind`, adds a lead, and prints the event the endpoint
//! received: verified against the application token, then typed. A forged
//! copy of the same POST is rejected before it reaches the handler's code.
//!
//! It runs offline against the emulator only (a real portal cannot reach a
//! loopback endpoint): `cargo run -p bitrix24-examples --bin lead-events`.

use std::sync::Arc;
use std::time::Duration;

use bitrix24::events::{EventHandler, EventSet, MemoryApplicationTokens};
use bitrix24::{ApiVersion, Client};
use bitrix24_testkit::server::{BoxFuture, Reply, Request, Response, Server};
use bitrix24_testkit::{Config, Emulator};
use serde_json::json;
use tokio::sync::mpsc;

bitrix24::bitrix_api!("pages/events");

use events::Event;

#[tokio::main]
async fn main() {
    if let Err(message) = run().await {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let portal = Emulator::start(Config::unlimited())
        .await
        .map_err(|e| format!("cannot start the local portal: {e}"))?;
    let client = Client::webhook(&portal.webhook_url()).map_err(|e| e.to_string())?;

    // The application token is what the portal gave the application at
    // install (see `bitrix24::events::Install`); every event must carry it.
    let handler = EventHandler::new(Arc::new(MemoryApplicationTokens::single(
        portal.application_token(),
    )));
    let (events, mut received) = endpoint(handler.clone()).await?;
    let url = format!("{}/bitrix/events", events.origin());
    for code in Event::CODES {
        call(
            &client,
            "event.bind",
            json!({"event": code, "handler": url}),
        )
        .await?;
        println!("bound {code} to {url}");
    }

    let id = call(
        &client,
        "crm.lead.add",
        json!({"fields": {"TITLE": "From the example"}}),
    )
    .await?;
    println!("added lead {id}");

    let event = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .map_err(|_| "no event within 10 s".to_string())?
        .ok_or("the endpoint stopped")?;
    match event {
        Event::CrmLeadAdd(lead) => {
            let got = lead.data.fields.as_ref().and_then(|f| f.id);
            println!(
                "received {} for lead {got:?} from portal {:?} (handler {:?})",
                lead.event, lead.auth.member_id, lead.event_handler_id
            );
            if got != id.as_i64() {
                return Err(format!("the event names lead {got:?}, not {id}"));
            }
        }
        Event::Other(other) => return Err(format!("unexpected event {}", other.event)),
    }

    // The same delivery with another token is refused with a typed error.
    // (The emulator records a delivery once the endpoint has answered it.)
    let mut genuine = None;
    for _ in 0..250 {
        genuine = portal.deliveries().first().map(|d| d.body.clone());
        if genuine.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let genuine = genuine.ok_or("no delivery recorded within 5 s")?;
    let forged = genuine.replace(&portal.application_token(), "forged");
    match handler
        .receive_event::<Event>(None, forged.as_bytes())
        .await
    {
        Err(error) => println!("forged copy refused ({}): {error}", error.status()),
        Ok(_) => return Err("a forged event was accepted".into()),
    }
    Ok(())
}

/// The application's endpoint: verified events go to the channel; anything
/// else is answered with its status (401 for a wrong token) and dropped.
async fn endpoint(
    handler: EventHandler,
) -> Result<(Server, mpsc::UnboundedReceiver<Event>), String> {
    let (sender, received) = mpsc::unbounded_channel();
    let server = Server::start(Arc::new(move |request: Request| {
        let handler = handler.clone();
        let sender = sender.clone();
        Box::pin(async move {
            let kind = request.header("content-type").map(str::to_string);
            match handler
                .receive_event::<Event>(kind.as_deref(), &request.body)
                .await
            {
                Ok(event) => {
                    let _ = sender.send(event);
                    Reply::from(Response::text(200, "ok"))
                }
                Err(error) => Reply::from(Response::text(error.status(), error.to_string())),
            }
        }) as BoxFuture<'static, Reply>
    }))
    .await
    .map_err(|e| format!("cannot listen on loopback: {e}"))?;
    Ok((server, received))
}

async fn call(
    client: &Client,
    method: &str,
    params: serde_json::Value,
) -> Result<serde_json::Value, String> {
    client
        .call_raw(method, ApiVersion::V2, params)
        .await
        .map(|answer| answer.result)
        .map_err(|e| format!("{method} failed: {e}"))
}
