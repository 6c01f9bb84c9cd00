//! Attaches two contacts to a lead with `crm.lead.contact.items.set`, using
//! bindings generated from the method's documentation page.
//!
//! With `B24_WEBHOOK_URL` set (`https://<portal>/rest/<user>/<key>/`) it calls
//! your portal; `B24_LEAD_ID` and `B24_CONTACT_IDS` (comma-separated) choose
//! the lead and contacts. Otherwise it starts a local in-process portal
//! stand-in on loopback and calls that.

bitrix24::bitrix_method!(
    "../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md"
);

use bitrix24_testkit::{Config, Emulator, Entity};
use crm_lead_contact_items_set::{Items, Params};

#[tokio::main]
async fn main() {
    if let Err(message) = run().await {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let (client, stand_in, lead, contacts) = match std::env::var("B24_WEBHOOK_URL") {
        Ok(url) => {
            let client = bitrix24::Client::webhook(&url).map_err(|e| e.to_string())?;
            println!("portal: {client:?}");
            let lead: i64 = env_number("B24_LEAD_ID").unwrap_or(1);
            let contacts: Vec<i64> = std::env::var("B24_CONTACT_IDS")
                .ok()
                .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
                .unwrap_or_else(|| vec![1010, 1020]);
            (client, None, lead, contacts)
        }
        Err(_) => {
            // A local portal emulator with one lead and two contacts to link.
            let portal = Emulator::start(Config::unlimited())
                .await
                .map_err(|e| format!("cannot start the local portal: {e}"))?;
            let lead = portal.insert(Entity::Lead, serde_json::json!({"TITLE": "Example lead"}));
            let first = portal.insert(Entity::Contact, serde_json::json!({"NAME": "Ann"}));
            let second = portal.insert(Entity::Contact, serde_json::json!({"NAME": "Bob"}));
            let client =
                bitrix24::Client::webhook(&portal.webhook_url()).map_err(|e| e.to_string())?;
            println!(
                "portal: local emulator at {} (set B24_WEBHOOK_URL to use yours)",
                portal
                    .webhook_url()
                    .split("/rest/")
                    .next()
                    .unwrap_or_default()
            );
            (client, Some(portal), lead, vec![first, second])
        }
    };

    let params = Params {
        id: lead,
        items: contacts
            .iter()
            .enumerate()
            .map(|(i, &contact_id)| Items {
                contact_id,
                sort: Some(10 * (i as i64 + 1)),
                is_primary: Some(i == 0),
            })
            .collect(),
    };
    println!(
        "calling {} with {}",
        crm_lead_contact_items_set::METHOD,
        serde_json::to_string(&params).map_err(|e| e.to_string())?
    );
    let ok: bool = crm_lead_contact_items_set::call(&client, params)
        .await
        .map_err(|e| format!("{} failed: {e}", crm_lead_contact_items_set::METHOD))?;
    println!("result: {ok}");

    if let Some(portal) = stand_in {
        for binding in portal.bindings(Entity::Lead, lead) {
            println!(
                "lead {lead} now has contact {} (sort {}, primary {})",
                binding.contact_id, binding.sort, binding.is_primary
            );
        }
    }
    Ok(())
}

fn env_number(name: &str) -> Option<i64> {
    std::env::var(name).ok()?.trim().parse().ok()
}
