//! The client: one portal, one credential, one HTTP connection pool. Cheap
//! to clone; clones share everything.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use crate::auth::Credentials;
use crate::envelope::{self, Envelope};
use crate::error::{CallError, DecodeError, Error, TransportError};
use crate::portal::Portal;
use crate::{ApiVersion, Call};

/// The server stops a request after 60 s, so waiting longer gains nothing.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to wait for a TCP/TLS connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A Bitrix24 REST client.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    portal: Portal,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("portal", &self.inner.portal.host())
            .field("credentials", &self.inner.portal.credentials)
            .finish()
    }
}

impl Client {
    /// A client for an inbound webhook URL, `https://<portal>/rest/<user>/<key>/`.
    /// Plain `http://` is accepted for loopback addresses only.
    pub fn webhook(url: &str) -> Result<Client, Error> {
        Client::with_portal(Portal::webhook(url)?, DEFAULT_TIMEOUT)
    }

    /// A client for a portal (`https://<portal>/`) and an OAuth access token.
    pub fn oauth(portal: &str, access_token: impl Into<String>) -> Result<Client, Error> {
        Client::with_portal(Portal::oauth(portal, access_token)?, DEFAULT_TIMEOUT)
    }

    /// The same client with another per-request timeout.
    pub fn with_timeout(&self, timeout: Duration) -> Result<Client, Error> {
        Client::with_portal(self.inner.portal.clone(), timeout)
    }

    fn with_portal(portal: Portal, timeout: Duration) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT.min(timeout))
            .user_agent(concat!("bitrix24-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Http(e.to_string()))?;
        Ok(Client {
            inner: Arc::new(Inner { http, portal }),
        })
    }

    /// Calls a generated method: `client.call(crm_lead_add::Params { .. })`.
    pub async fn call<P: Call>(&self, params: P) -> Result<P::Output, P::Error> {
        let body = serde_json::to_value(&params).map_err(|e| {
            CallError::Decode(DecodeError {
                message: format!("cannot encode the parameters: {e}"),
                status: 0,
                body: String::new(),
            })
        })?;
        let envelope = self.call_raw(P::METHOD, P::API, body).await?;
        P::decode(envelope.result.clone()).map_err(|e| {
            P::Error::from(CallError::Decode(DecodeError {
                message: e.to_string(),
                status: envelope.status,
                body: envelope.result.to_string(),
            }))
        })
    }

    /// Calls any method by name with JSON parameters and returns the envelope.
    pub async fn call_raw(&self, method: &str, api: ApiVersion, params: Value) -> Result<Envelope, CallError> {
        let started = Instant::now();
        let outcome = self.post(method, api, params).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &outcome {
            Ok(envelope) => tracing::debug!(method, elapsed_ms, status = envelope.status, "bitrix24 call"),
            Err(error) => tracing::debug!(method, elapsed_ms, %error, "bitrix24 call failed"),
        }
        outcome
    }

    async fn post(&self, method: &str, api: ApiVersion, mut params: Value) -> Result<Envelope, CallError> {
        let portal = &self.inner.portal;
        if let Credentials::OAuth { access_token } = &portal.credentials {
            if let Value::Object(map) = &mut params {
                map.insert("auth".into(), Value::String(access_token.expose().to_string()));
            }
        }
        let url = portal.endpoint(method, api);
        let response = self
            .inner
            .http
            .post(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .json(&Wire(&params))
            .send()
            .await
            .map_err(|e| CallError::Transport(TransportError::from_reqwest(e)))?;
        let status = response.status().as_u16();
        let body = response
            .text()
            .await
            .map_err(|e| CallError::Transport(TransportError::from_reqwest(e)))?;
        envelope::read(status, body)
    }
}

/// Serializes parameters; a separate type keeps `auth` handling in one place.
struct Wire<'a>(&'a Value);

impl Serialize for Wire<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}
