//! The framework-neutral entry point: body in, verified event out
//! (parse → verify → typed), with the HTTP status to answer.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::form::{self, FormError, Limits};
use super::install::{Install, InstallError};
use super::payload::Payload;
use super::verify::{constant_time_eq, verify, ApplicationTokens, VerifyError};

/// Why an incoming request is not an event for user code.
#[derive(Debug)]
pub enum EventError {
    /// The body could not be decoded (too large, too deep, malformed).
    Decode(FormError),
    /// The body is not an event payload (no `event`, wrong shapes).
    Payload(serde_json::Error),
    /// The sender is not the portal: see [`super::verify`].
    Verify(VerifyError),
    /// The event is genuine but its `data` does not fit the type asked for.
    Data(serde_json::Error),
    /// An `ONAPPINSTALL` that lacks what an installation needs, or another event.
    Install(InstallError),
}

impl EventError {
    /// The HTTP status to answer with: 413 too large, 400 malformed,
    /// 401 not verified, 500 store failure, 422 data of another shape.
    pub fn status(&self) -> u16 {
        match self {
            EventError::Decode(FormError::TooLarge { .. }) => 413,
            EventError::Decode(_) | EventError::Payload(_) => 400,
            EventError::Verify(VerifyError::Store(_)) => 500,
            EventError::Verify(_) => 401,
            EventError::Data(_) => 422,
            EventError::Install(_) => 400,
        }
    }
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::Decode(e) => e.fmt(f),
            EventError::Payload(e) => write!(f, "not an event payload: {e}"),
            EventError::Verify(e) => write!(f, "event rejected: {e}"),
            EventError::Data(e) => write!(f, "event data does not fit its type: {e}"),
            EventError::Install(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for EventError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EventError::Decode(e) => Some(e),
            EventError::Payload(e) | EventError::Data(e) => Some(e),
            EventError::Verify(e) => Some(e),
            EventError::Install(e) => Some(e),
        }
    }
}

/// Turns an HTTP request's body into a verified [`Payload`]. Mount it in any
/// framework: give it the `Content-Type` header and the body bytes, answer
/// [`EventError::status`] on error and 200 otherwise.
///
/// ```
/// # async fn demo(content_type: Option<&str>, body: &[u8]) {
/// use std::sync::Arc;
/// use bitrix24::events::{EventHandler, MemoryApplicationTokens};
///
/// let handler = EventHandler::new(Arc::new(MemoryApplicationTokens::single("saved-at-install")));
/// match handler.receive(content_type, body).await {
///     Ok(event) => println!("{} {:?}", event.event, event.data),
///     Err(error) => eprintln!("answer {}: {error}", error.status()),
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct EventHandler {
    tokens: Arc<dyn ApplicationTokens>,
    limits: Limits,
}

impl fmt::Debug for EventHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventHandler")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl EventHandler {
    /// A handler checking events against `tokens`.
    pub fn new(tokens: Arc<dyn ApplicationTokens>) -> EventHandler {
        EventHandler {
            tokens,
            limits: Limits::default(),
        }
    }

    /// Other bounds on bodies (default 1 MiB, depth 32).
    pub fn limits(mut self, limits: Limits) -> EventHandler {
        self.limits = limits;
        self
    }

    /// The bounds bodies are decoded within.
    pub fn body_limits(&self) -> Limits {
        self.limits
    }

    /// Decodes and verifies; `data` stays a JSON value.
    pub async fn receive(
        &self,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Payload<Value>, EventError> {
        let payload = self.decode(content_type, body)?;
        verify(&payload.auth, self.tokens.as_ref())
            .await
            .map_err(EventError::Verify)?;
        Ok(payload)
    }

    /// Reads an `ONAPPINSTALL`. A portal with no saved application token is
    /// installing for the first time: its token is taken on trust (nothing
    /// to check it against). A portal with one must send that same token,
    /// so a forged install cannot replace a real portal's token and then
    /// forge its uninstall; a reinstall follows the verified
    /// `ONAPPUNINSTALL`, after which the application calls
    /// [`ApplicationTokens::remove`]. Save the token with [`Install::activate`].
    pub async fn receive_install(
        &self,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Install, EventError> {
        let payload = self.decode(content_type, body)?;
        if !payload.is("ONAPPINSTALL") {
            return Err(EventError::Install(InstallError::NotInstall(
                payload.event.clone(),
            )));
        }
        let sent = payload
            .auth
            .application_token
            .as_ref()
            .ok_or(EventError::Verify(VerifyError::MissingToken))?;
        let member = payload.auth.member_id.as_deref().unwrap_or("");
        let saved = self
            .tokens
            .load(member)
            .await
            .map_err(|e| EventError::Verify(VerifyError::Store(e)))?;
        if let Some(saved) = saved {
            if !constant_time_eq(sent.expose().as_bytes(), saved.expose().as_bytes()) {
                return Err(EventError::Verify(VerifyError::WrongToken));
            }
        }
        Install::from_event(&payload).map_err(EventError::Install)
    }

    fn decode(
        &self,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Payload<Value>, EventError> {
        let mut value =
            form::decode(content_type, body, self.limits).map_err(EventError::Decode)?;
        if let Value::Object(map) = &mut value {
            // Some events send no `data` at all.
            map.entry("data").or_insert(Value::Null);
        }
        let payload: Payload<Value> = serde_json::from_value(value).map_err(EventError::Payload)?;
        if payload.event.is_empty() {
            return Err(EventError::Payload(serde::de::Error::custom(
                "no `event` in the body",
            )));
        }
        Ok(payload)
    }

    /// Decodes, verifies, then reads `data` into `D`.
    pub async fn receive_typed<D: DeserializeOwned>(
        &self,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Payload<D>, EventError> {
        self.receive(content_type, body)
            .await?
            .typed()
            .map_err(EventError::Data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::MemoryApplicationTokens;

    const GENUINE: &[u8] = b"event=ONCRMLEADADD&data%5BFIELDS%5D%5BID%5D=5&ts=1&auth%5Bmember_id%5D=m1&auth%5Bapplication_token%5D=tok-123";

    /// Random edits of a genuine body never panic, and whatever is accepted
    /// still carries the saved token.
    #[tokio::test]
    async fn mutated_bodies_are_rejected_or_carry_the_token() {
        let handler = EventHandler::new(Arc::new(MemoryApplicationTokens::single("tok-123")));
        assert!(handler.receive(None, GENUINE).await.is_ok());
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let bytes = b"[]%=&+{}\"5aZ\x00\xff";
        let (mut accepted, mut rejected) = (0, 0);
        for _ in 0..5_000 {
            let mut body = GENUINE.to_vec();
            for _ in 0..1 + next() % 4 {
                let at = (next() % body.len() as u64) as usize;
                match next() % 3 {
                    0 => body[at] = bytes[(next() % bytes.len() as u64) as usize],
                    1 => {
                        body.remove(at);
                    }
                    _ => body.insert(at, bytes[(next() % bytes.len() as u64) as usize]),
                }
            }
            match handler.receive(None, &body).await {
                Ok(event) => {
                    let token = event.auth.application_token.expect("verified");
                    assert_eq!(token.expose(), "tok-123");
                    accepted += 1;
                }
                Err(error) => {
                    assert!(error.status() >= 400);
                    rejected += 1;
                }
            }
        }
        assert!(accepted > 0 && rejected > 0, "{accepted} / {rejected}");
    }

    #[tokio::test]
    async fn no_event_code_is_not_an_event() {
        let handler = EventHandler::new(Arc::new(MemoryApplicationTokens::single("t")));
        let error = handler
            .receive(None, b"auth%5Bapplication_token%5D=t")
            .await
            .unwrap_err();
        assert_eq!(error.status(), 400);
    }
}
