//! Credentials: the webhook, and OAuth access tokens that expire and are
//! renewed through `/oauth/token/`.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::time::Instant;

use super::config::OAuthConfig;
use super::limits::unix_now;
use super::rng::Rng;

/// A pair of OAuth tokens as the emulator issued them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    /// For REST calls, in the `auth` parameter.
    pub access_token: String,
    /// For `/oauth/token/?grant_type=refresh_token`.
    pub refresh_token: String,
    /// Lifetime of the access token in seconds.
    pub expires_in: u64,
    /// Unix time when the access token expires.
    pub expires: u64,
}

/// What an access token is worth now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// Good for calls.
    Valid,
    /// Issued here, but its time is up.
    Expired,
    /// Never issued here (or revoked).
    Unknown,
}

/// Issued tokens.
#[derive(Debug)]
pub struct Auth {
    rng: Rng,
    access: HashMap<String, Instant>,
    refresh: HashSet<String>,
}

impl Auth {
    /// No tokens yet.
    pub fn new(seed: u64) -> Auth {
        Auth {
            rng: Rng::new(seed ^ 0x0a07_4a07),
            access: HashMap::new(),
            refresh: HashSet::new(),
        }
    }

    /// Issues a fresh pair.
    pub fn issue(&mut self, ttl: Duration) -> Tokens {
        let access_token = self.rng.token(32);
        let refresh_token = self.rng.token(32);
        self.access
            .insert(access_token.clone(), Instant::now() + ttl);
        self.refresh.insert(refresh_token.clone());
        Tokens {
            access_token,
            refresh_token,
            expires_in: ttl.as_secs(),
            expires: (unix_now() + ttl.as_secs_f64()) as u64,
        }
    }

    /// The state of an access token.
    pub fn check(&self, access_token: &str) -> TokenState {
        match self.access.get(access_token) {
            Some(expires) if Instant::now() < *expires => TokenState::Valid,
            Some(_) => TokenState::Expired,
            None => TokenState::Unknown,
        }
    }

    /// Makes every issued access token expired.
    pub fn expire_all(&mut self) {
        let now = Instant::now();
        for expires in self.access.values_mut() {
            *expires = now;
        }
    }

    /// Renews with a refresh token, which is used up: `Err((status, error,
    /// description))` as the authorization server answers.
    pub fn refresh(
        &mut self,
        params: &Map<String, Value>,
        app: &OAuthConfig,
    ) -> Result<Tokens, (u16, &'static str, &'static str)> {
        let text = |key: &str| params.get(key).and_then(Value::as_str).unwrap_or("");
        if text("grant_type") != "refresh_token" {
            return Err((400, "invalid_request", "grant_type must be refresh_token"));
        }
        if text("client_id") != app.client_id || text("client_secret") != app.client_secret {
            return Err((401, "invalid_client", "Invalid client credentials"));
        }
        if !self.refresh.remove(text("refresh_token")) {
            return Err((400, "invalid_grant", "Invalid refresh token"));
        }
        Ok(self.issue(app.access_token_ttl))
    }
}

/// The body `/oauth/token/` answers with.
pub fn token_response(tokens: &Tokens, client_endpoint: &str, server_endpoint: &str) -> Value {
    json!({
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "expires": tokens.expires,
        "expires_in": tokens.expires_in,
        "client_endpoint": client_endpoint,
        "server_endpoint": server_endpoint,
        "domain": "127.0.0.1",
        "member_id": "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0",
        "scope": "crm,basic",
        "status": "L",
        "user_id": 1,
    })
}
