//! Proving an event came from the portal: the `auth[application_token]` it
//! carries must equal the one the portal gave the application at install.
//!
//! The portal signs nothing else. Anyone who knows a handler's URL can POST
//! to it, and an event's OAuth tokens prove nothing (a forger sends its own).
//! `ONAPPUNINSTALL` carries no OAuth tokens at all, only the application
//! token, so this check is the only thing that stops a forged "uninstall"
//! from making an application delete a portal's data.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use crate::auth::{BoxFuture, Secret, StoreError};

use super::payload::EventAuth;

/// Where an application keeps the application token of each portal it is
/// installed on, by `member_id`.
pub trait ApplicationTokens: Send + Sync {
    /// The token saved for a portal.
    fn load<'a>(&'a self, member_id: &'a str) -> BoxFuture<'a, Result<Option<Secret>, StoreError>>;
    /// Keeps a portal's token (at install).
    fn save<'a>(
        &'a self,
        member_id: &'a str,
        token: &'a Secret,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Forgets a portal's token (after its verified `ONAPPUNINSTALL`), so
    /// that a later `ONAPPINSTALL` from it is taken as a first install.
    fn remove<'a>(&'a self, member_id: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// [`ApplicationTokens`] in memory. [`MemoryApplicationTokens::single`]
/// answers one token for every portal (an application on one portal).
#[derive(Debug, Default)]
pub struct MemoryApplicationTokens {
    by_member: Mutex<HashMap<String, Secret>>,
    any: Option<Secret>,
}

impl MemoryApplicationTokens {
    /// An empty store.
    pub fn new() -> MemoryApplicationTokens {
        MemoryApplicationTokens::default()
    }

    /// A store answering `token` for every portal not saved otherwise.
    pub fn single(token: impl Into<String>) -> MemoryApplicationTokens {
        MemoryApplicationTokens {
            by_member: Mutex::default(),
            any: Some(Secret::new(token)),
        }
    }

    /// The token saved for a portal, if any.
    pub fn get(&self, member_id: &str) -> Option<Secret> {
        let saved = self.by_member.lock().unwrap_or_else(|e| e.into_inner());
        saved.get(member_id).cloned().or_else(|| self.any.clone())
    }
}

impl ApplicationTokens for MemoryApplicationTokens {
    fn load<'a>(&'a self, member_id: &'a str) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        let token = self.get(member_id);
        Box::pin(async move { Ok(token) })
    }

    fn save<'a>(
        &'a self,
        member_id: &'a str,
        token: &'a Secret,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.by_member
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(member_id.to_string(), token.clone());
        Box::pin(async { Ok(()) })
    }

    fn remove<'a>(&'a self, member_id: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        self.by_member
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(member_id);
        Box::pin(async { Ok(()) })
    }
}

/// Why an event was rejected. None of them shows a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The event carries no `auth[application_token]`.
    MissingToken,
    /// The application holds no token for the event's portal (not
    /// installed there, or no `member_id` sent).
    UnknownPortal,
    /// The token differs from the one saved at install.
    WrongToken,
    /// The token store failed.
    Store(StoreError),
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::MissingToken => f.write_str("the event carries no application token"),
            VerifyError::UnknownPortal => {
                f.write_str("no application token is saved for the event's portal")
            }
            VerifyError::WrongToken => f.write_str("the event's application token is wrong"),
            VerifyError::Store(error) => write!(f, "cannot load the application token: {error}"),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Checks an event's `auth` against the saved application token.
pub async fn verify(auth: &EventAuth, tokens: &dyn ApplicationTokens) -> Result<(), VerifyError> {
    let sent = auth
        .application_token
        .as_ref()
        .ok_or(VerifyError::MissingToken)?;
    let member = auth.member_id.as_deref().unwrap_or("");
    let saved = tokens
        .load(member)
        .await
        .map_err(VerifyError::Store)?
        .ok_or(VerifyError::UnknownPortal)?;
    if constant_time_eq(sent.expose().as_bytes(), saved.expose().as_bytes()) {
        Ok(())
    } else {
        Err(VerifyError::WrongToken)
    }
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() ^ b.len()) as u64;
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= u64::from(x ^ y);
    }
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(token: Option<&str>, member: Option<&str>) -> EventAuth {
        EventAuth {
            application_token: token.map(Secret::new),
            member_id: member.map(str::to_string),
            ..EventAuth::default()
        }
    }

    #[test]
    fn equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }

    #[tokio::test]
    async fn per_portal_tokens() {
        let store = MemoryApplicationTokens::new();
        store.save("m1", &Secret::new("t1")).await.unwrap();
        assert_eq!(verify(&auth(Some("t1"), Some("m1")), &store).await, Ok(()));
        assert_eq!(
            verify(&auth(Some("t2"), Some("m1")), &store).await,
            Err(VerifyError::WrongToken)
        );
        assert_eq!(
            verify(&auth(None, Some("m1")), &store).await,
            Err(VerifyError::MissingToken)
        );
        assert_eq!(
            verify(&auth(Some("t1"), Some("m2")), &store).await,
            Err(VerifyError::UnknownPortal)
        );
        let single = MemoryApplicationTokens::single("t9");
        assert_eq!(verify(&auth(Some("t9"), None), &single).await, Ok(()));
    }
}
