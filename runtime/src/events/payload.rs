//! The payload every event carries: `event`, `event_handler_id`, `data`,
//! `ts` and `auth`, read leniently (numbers as text, text as numbers).

use std::fmt;

use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::Value;

use crate::auth::{Secret, Tokens};

/// One event as a portal delivers it, with its `data` typed as `D`
/// (`serde_json::Value` when untyped).
///
/// `Debug` shows no token: every secret of [`EventAuth`] prints `***`.
#[derive(Clone, Debug, Deserialize)]
pub struct Payload<D = Value> {
    /// The event's code, as sent (`ONCRMLEADADD`).
    #[serde(default, deserialize_with = "text")]
    pub event: String,
    /// The handler registration that fired.
    #[serde(default, deserialize_with = "opt_int")]
    pub event_handler_id: Option<i64>,
    /// What happened: the event's own data.
    pub data: D,
    /// When the event left the portal's queue, Unix time.
    #[serde(default, deserialize_with = "opt_int")]
    pub ts: Option<i64>,
    /// Who the portal is and tokens to call it back.
    #[serde(default)]
    pub auth: EventAuth,
}

impl<D> Payload<D> {
    /// Whether this is the event named `code`, compared without regard to case.
    pub fn is(&self, code: &str) -> bool {
        self.event.eq_ignore_ascii_case(code)
    }
}

impl Payload<Value> {
    /// Reads `data` into a type.
    pub fn typed<D: DeserializeOwned>(self) -> Result<Payload<D>, serde_json::Error> {
        Ok(Payload {
            event: self.event,
            event_handler_id: self.event_handler_id,
            data: serde_json::from_value(self.data)?,
            ts: self.ts,
            auth: self.auth,
        })
    }
}

/// The `auth` block of an event: the portal, the application token that
/// proves the sender, and (except for `ONAPPUNINSTALL`) OAuth tokens.
#[derive(Clone, Default, Deserialize)]
pub struct EventAuth {
    /// An access token to call the portal back.
    #[serde(default, deserialize_with = "opt_secret")]
    pub access_token: Option<Secret>,
    /// The refresh token paired with it.
    #[serde(default, deserialize_with = "opt_secret")]
    pub refresh_token: Option<Secret>,
    /// Unix time when the access token expires.
    #[serde(default, deserialize_with = "opt_int")]
    pub expires: Option<i64>,
    /// The access token's lifetime in seconds.
    #[serde(default, deserialize_with = "opt_int")]
    pub expires_in: Option<i64>,
    /// The portal's domain.
    #[serde(default, deserialize_with = "opt_text")]
    pub domain: Option<String>,
    /// The portal's stable identifier.
    #[serde(default, deserialize_with = "opt_text")]
    pub member_id: Option<String>,
    /// The application's scopes on the portal.
    #[serde(default, deserialize_with = "opt_text")]
    pub scope: Option<String>,
    /// The application's status (`L` local, `F` free, `P` paid...).
    #[serde(default, deserialize_with = "opt_text")]
    pub status: Option<String>,
    /// The portal's REST endpoint.
    #[serde(default, deserialize_with = "opt_text")]
    pub client_endpoint: Option<String>,
    /// The authorization server's REST endpoint.
    #[serde(default, deserialize_with = "opt_text")]
    pub server_endpoint: Option<String>,
    /// The secret the portal gave the application at install: see
    /// [`super::verify`].
    #[serde(default, deserialize_with = "opt_secret")]
    pub application_token: Option<Secret>,
    /// The user the tokens act as, when sent.
    #[serde(default, deserialize_with = "opt_int")]
    pub user_id: Option<i64>,
}

impl EventAuth {
    /// The OAuth pair, when the event carries one.
    pub fn tokens(&self) -> Option<Tokens> {
        Some(Tokens {
            access_token: self.access_token.clone()?,
            refresh_token: self.refresh_token.clone()?,
            expires: self.expires,
        })
    }
}

impl fmt::Debug for EventAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |s: &Option<Secret>| s.as_ref().map(|_| "***");
        f.debug_struct("EventAuth")
            .field("access_token", &hidden(&self.access_token))
            .field("refresh_token", &hidden(&self.refresh_token))
            .field("expires", &self.expires)
            .field("domain", &self.domain)
            .field("member_id", &self.member_id)
            .field("scope", &self.scope)
            .field("status", &self.status)
            .field("client_endpoint", &self.client_endpoint)
            .field("application_token", &hidden(&self.application_token))
            .finish_non_exhaustive()
    }
}

/// A scalar as text: `"7"`, `7`, `true`; `null` and objects as nothing.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A scalar as an integer: `7`, `"7"`, `7.0`; blank text as nothing.
pub(crate) fn scalar_int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_text(d)?.unwrap_or_default())
}

fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(scalar_text(&Value::deserialize(d)?).filter(|s| !s.is_empty()))
}

fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let value = Value::deserialize(d)?;
    match &value {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        _ => scalar_int(&value)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("expected an integer, got {value}"))),
    }
}

fn opt_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    Ok(opt_text(d)?.map(Secret::new))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    struct Fields {
        #[serde(rename = "FIELDS")]
        fields: Id,
    }

    #[derive(Debug, Deserialize)]
    struct Id {
        #[serde(rename = "ID", deserialize_with = "opt_int")]
        id: Option<i64>,
    }

    fn sample() -> Value {
        json!({
            "event": "ONCRMCONTACTUPDATE",
            "event_handler_id": "12",
            "data": {"FIELDS": {"ID": "42"}},
            "ts": "1700000000",
            "auth": {
                "access_token": "acc-secret-1",
                "refresh_token": "ref-secret-2",
                "expires": "1700003600",
                "expires_in": 3600,
                "domain": "portal.example",
                "member_id": "m1",
                "application_token": "app-secret-3"
            }
        })
    }

    #[test]
    fn lenient_and_typed() {
        let payload: Payload = serde_json::from_value(sample()).unwrap();
        assert!(payload.is("onCrmContactUpdate"));
        assert_eq!(payload.event_handler_id, Some(12));
        assert_eq!(payload.ts, Some(1_700_000_000));
        assert_eq!(payload.auth.expires, Some(1_700_003_600));
        assert_eq!(payload.auth.member_id.as_deref(), Some("m1"));
        let typed: Payload<Fields> = payload.typed().unwrap();
        assert_eq!(typed.data.fields.id, Some(42));
        assert_eq!(
            typed.auth.tokens().unwrap().access_token.expose(),
            "acc-secret-1"
        );
    }

    #[test]
    fn debug_shows_no_secret() {
        let payload: Payload = serde_json::from_value(sample()).unwrap();
        let shown = format!("{payload:?} {:#?}", payload.auth);
        for secret in ["acc-secret-1", "ref-secret-2", "app-secret-3"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("portal.example"));
    }
}
