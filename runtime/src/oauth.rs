//! The access token in use and its renewal: single-flight across every
//! clone and task of a client, never looped.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use serde_json::Value;

use crate::auth::{OAuth, Secret, Tokens};
use crate::body::{self, BodyFailure};
use crate::error::{ApiError, CallError, TransportError, TransportKind};
use crate::redact::Redactor;

/// The longest token answer read (a real one is a few hundred bytes).
const MAX_TOKEN_BODY: u64 = 1024 * 1024;

/// The current access token of an OAuth client, and how to renew it.
pub(crate) struct TokenManager {
    /// The generation (bumped by every renewal) and the access token.
    current: RwLock<(u64, Secret)>,
    /// Held while a renewal runs; the state of the last renewal.
    state: tokio::sync::Mutex<RefreshState>,
    /// How many renewals failed.
    failures: AtomicU64,
    /// How many renewals succeeded.
    renewals: AtomicU64,
    app: Option<OAuth>,
    /// Learns every token, so no error or log line shows one.
    redactor: Arc<Redactor>,
}

struct RefreshState {
    refresh_token: Option<Secret>,
    /// The error of the last failed renewal.
    last_failure: Option<CallError>,
}

impl TokenManager {
    /// A fixed access token that cannot be renewed.
    pub(crate) fn fixed(access_token: Secret, redactor: Arc<Redactor>) -> TokenManager {
        redactor.add(access_token.expose());
        TokenManager {
            current: RwLock::new((0, access_token)),
            state: tokio::sync::Mutex::new(RefreshState {
                refresh_token: None,
                last_failure: None,
            }),
            failures: AtomicU64::new(0),
            renewals: AtomicU64::new(0),
            app: None,
            redactor,
        }
    }

    /// Tokens that renew through `app`.
    pub(crate) fn renewing(app: OAuth, redactor: Arc<Redactor>) -> TokenManager {
        redactor.add(app.client_secret.expose());
        redactor.add(app.tokens.access_token.expose());
        redactor.add(app.tokens.refresh_token.expose());
        TokenManager {
            current: RwLock::new((0, app.tokens.access_token.clone())),
            state: tokio::sync::Mutex::new(RefreshState {
                refresh_token: Some(app.tokens.refresh_token.clone()),
                last_failure: None,
            }),
            failures: AtomicU64::new(0),
            renewals: AtomicU64::new(0),
            app: Some(app),
            redactor,
        }
    }

    pub(crate) fn can_renew(&self) -> bool {
        self.app.is_some()
    }

    /// The generation and the access token to send.
    pub(crate) fn current(&self) -> (u64, Secret) {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How many renewals failed so far: read it with [`TokenManager::current`]
    /// before sending, and pass it to [`TokenManager::renew`].
    pub(crate) fn failures(&self) -> u64 {
        self.failures.load(Ordering::SeqCst)
    }

    /// How many renewals succeeded so far.
    pub(crate) fn renewals(&self) -> u64 {
        self.renewals.load(Ordering::SeqCst)
    }

    /// Renews the token that was generation `seen`. When another task
    /// already renewed it, returns at once; when a renewal failed after this
    /// call was sent (`failures` is the count read then), returns that
    /// failure instead of trying again.
    pub(crate) async fn renew(
        &self,
        http: &reqwest::Client,
        timeout: std::time::Duration,
        seen: u64,
        failures: u64,
    ) -> Result<(), CallError> {
        let Some(app) = &self.app else {
            return Err(CallError::Transport(TransportError::new(
                "the access token expired and this client has no refresh token",
            )));
        };
        let mut state = self.state.lock().await;
        if self.current().0 != seen {
            return Ok(());
        }
        if self.failures() > failures {
            if let Some(error) = &state.last_failure {
                return Err(error.clone());
            }
        }
        let attempt = self.failures() + self.renewals() + 1;
        let refresh_token = state
            .refresh_token
            .clone()
            .unwrap_or_else(|| app.tokens.refresh_token.clone());
        let span = tracing::debug_span!("bitrix24.oauth.refresh", attempt);
        let _enter = span.enter();
        let answer = tokio::time::timeout(timeout, request(http, app, &refresh_token))
            .await
            .unwrap_or_else(|_| {
                Err(CallError::Transport(TransportError::of(
                    TransportKind::Timeout,
                    "token renewal failed: no complete answer in time",
                )))
            })
            .map_err(|error| self.redactor.error(error));
        match answer {
            Ok(tokens) => {
                self.redactor.add(tokens.access_token.expose());
                self.redactor.add(tokens.refresh_token.expose());
                if let Some(store) = &app.store {
                    if let Err(error) = store.save(&tokens).await {
                        // The new pair is in use either way: the old refresh token no longer works.
                        tracing::warn!(%error, "cannot save the renewed OAuth tokens");
                    }
                }
                {
                    let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
                    *current = (current.0 + 1, tokens.access_token.clone());
                }
                state.refresh_token = Some(tokens.refresh_token.clone());
                state.last_failure = None;
                self.renewals.fetch_add(1, Ordering::SeqCst);
                if let Some(callback) = &app.on_renewal {
                    callback(&tokens);
                }
                tracing::debug!("OAuth tokens renewed");
                Ok(())
            }
            Err(error) => {
                tracing::warn!(%error, "OAuth token renewal failed");
                state.last_failure = Some(error.clone());
                self.failures.fetch_add(1, Ordering::SeqCst);
                Err(error)
            }
        }
    }
}

async fn request(
    http: &reqwest::Client,
    app: &OAuth,
    refresh_token: &Secret,
) -> Result<Tokens, CallError> {
    let failed = |e: reqwest::Error| {
        let mut t = TransportError::from_reqwest(e);
        t.message = format!("token renewal failed: {}", t.message);
        CallError::Transport(t)
    };
    let response = http
        .get(&app.endpoint)
        .query(&[
            ("grant_type", "refresh_token"),
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.expose()),
            ("refresh_token", refresh_token.expose()),
        ])
        .send()
        .await
        .map_err(failed)?;
    let status = response.status().as_u16();
    let body = body::read(response, MAX_TOKEN_BODY)
        .await
        .map_err(|failure| {
            let (BodyFailure::TooLarge(mut t) | BodyFailure::Cut(mut t)) = failure;
            t.message = format!("token renewal failed: {}", t.message);
            CallError::Transport(t)
        })?;
    let parsed: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let text = |key: &str| parsed.get(key).and_then(Value::as_str).map(str::to_string);
    if let (Some(access), Some(refresh)) = (text("access_token"), text("refresh_token")) {
        if status < 400 {
            return Ok(Tokens {
                access_token: Secret::new(access),
                refresh_token: Secret::new(refresh),
                expires: parsed
                    .get("expires")
                    .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok())),
            });
        }
    }
    let code = text("error").unwrap_or_else(|| "TOKEN_RENEWAL_FAILED".into());
    let description = format!(
        "token renewal failed: {}",
        text("error_description").unwrap_or_else(|| format!("HTTP {status}"))
    );
    // The body of an error answer carries no token; a success body would.
    let body = if text("access_token").is_some() {
        String::new()
    } else {
        body
    };
    Err(CallError::Api(ApiError {
        code,
        description,
        status,
        body,
    }))
}
