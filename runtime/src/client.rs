//! The client: one portal, one credential, one HTTP connection pool, one
//! rate limit. Cheap to clone; clones share everything.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;

use crate::auth::{Credentials, OAuth};
use crate::envelope::{self, Envelope};
use crate::error::{CallError, DecodeError, Error, TransportError};
use crate::limit::{self, Bucket, Operating, RateLimit};
use crate::oauth::TokenManager;
use crate::portal::{self, Portal};
use crate::retry::{self, RetryPolicy};
use crate::{ApiVersion, Call, Retry};

/// The server stops a request after 60 s, so waiting longer gains nothing.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to wait for a TCP/TLS connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A Bitrix24 REST client.
///
/// Every call goes through the same pipeline: the method's time budget
/// (`OPERATION_TIME_LIMIT` makes that method wait for its reset, others go
/// on), the client's leaky bucket (shared by every clone and task), the
/// request, then the retry rules:
///
/// * `QUERY_LIMIT_EXCEEDED` and a refused connection: the call did not run,
///   so it is retried with backoff and jitter, whatever the method.
/// * `OVERLOAD_LIMIT` and other portal errors: returned, never retried.
/// * A timeout, a dropped connection after the request was sent, or a 5xx:
///   retried only when repeating is safe: [`Retry::Read`] and
///   [`Retry::Idempotent`] methods, calls marked with
///   [`CallOptions::idempotent`], and REST 3.0 calls (sent with one
///   `Idempotency-Key` for all attempts). Anything else returns
///   [`CallError::OutcomeUnknown`] and is never repeated.
/// * `expired_token` on an OAuth client with a refresh token: the tokens
///   are renewed once for all concurrent calls, and the call is sent again.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    shared: Arc<Shared>,
}

/// What every clone, and every client made by [`Client::with_timeout`], shares.
pub(crate) struct Shared {
    pub(crate) portal: Portal,
    tokens: Option<TokenManager>,
    pub(crate) bucket: Arc<Bucket>,
    pub(crate) operating: Operating,
    pub(crate) retry: RetryPolicy,
    pub(crate) batch_concurrency: usize,
    requests: AtomicU64,
    /// Where the portal moved to, learned from a redirect.
    moved_to: std::sync::RwLock<Option<reqwest::Url>>,
}

impl Shared {
    /// A method's URL, at the portal's latest address.
    fn endpoint(&self, method: &str, api: ApiVersion) -> reqwest::Url {
        let moved = self.moved_to.read().unwrap_or_else(|e| e.into_inner());
        match &*moved {
            Some(origin) => self.portal.endpoint_at(origin, method, api),
            None => self.portal.endpoint(method, api),
        }
    }

    /// Notes that `from` was redirected to `to`: later calls go to the new address.
    fn learn_move(&self, from: &reqwest::Url, to: &reqwest::Url) {
        let mut moved = self.moved_to.write().unwrap_or_else(|e| e.into_inner());
        let origin = moved.clone().unwrap_or_else(|| self.portal.origin.clone());
        if let Some(new) = Portal::moved(&origin, from, to) {
            if new != origin {
                tracing::info!(to = %new, "the portal moved; calls go to its new address");
                *moved = Some(new);
            }
        }
    }
}

/// Redirects followed for one request, at most.
const MAX_REDIRECTS: usize = 5;

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("portal", &self.inner.shared.portal.host())
            .field("credentials", &self.inner.shared.portal.credentials)
            .field("rate_limit", &self.inner.shared.bucket.limit())
            .finish()
    }
}

/// Options for one call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// Repeating this call is safe even though the method is not idempotent
    /// (the caller deduplicates, or the call carries its own idempotency key).
    pub idempotent: bool,
}

impl CallOptions {
    /// Options that mark the call safe to repeat.
    pub fn idempotent() -> CallOptions {
        CallOptions { idempotent: true }
    }
}

/// Builds a [`Client`]: timeouts, rate limit, retry policy, OAuth renewal.
#[derive(Debug)]
pub struct ClientBuilder {
    portal: Result<Portal, Error>,
    oauth: Option<OAuth>,
    timeout: Duration,
    connect_timeout: Duration,
    rate_limit: RateLimit,
    retry: RetryPolicy,
    batch_concurrency: usize,
}

impl ClientBuilder {
    /// The per-request timeout (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = timeout;
        self
    }

    /// The connection timeout (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// The portal's rate limit to mirror (default [`RateLimit::STANDARD`]).
    pub fn rate_limit(mut self, limit: RateLimit) -> ClientBuilder {
        self.rate_limit = limit;
        self
    }

    /// How often and how patiently to retry (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> ClientBuilder {
        self.retry = policy;
        self
    }

    /// How many requests of one [`Batch`](crate::Batch) run at once when it
    /// does not halt (default 1: requests run in the order of their
    /// commands). With more, commands in different requests may run in any
    /// order, so raise it only for commands that do not touch the same
    /// records; the rate limit applies either way.
    pub fn batch_concurrency(mut self, requests: usize) -> ClientBuilder {
        self.batch_concurrency = requests.max(1);
        self
    }

    /// Renew the access token through `oauth` when the portal says it expired.
    pub fn oauth(mut self, oauth: OAuth) -> ClientBuilder {
        self.oauth = Some(oauth);
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client, Error> {
        let portal = self.portal?;
        let oauth_client = self.oauth.as_ref().map(|o| o.client_id.clone());
        let tokens = match (&portal.credentials, self.oauth) {
            (Credentials::Webhook { .. }, Some(_)) => {
                return Err(Error::InvalidUrl(
                    "OAuth renewal needs a portal address, not a webhook URL".into(),
                ))
            }
            (Credentials::Webhook { .. }, None) => None,
            (Credentials::OAuth { .. }, Some(oauth)) => {
                portal::parse_secure(&oauth.endpoint)?;
                Some(TokenManager::renewing(oauth))
            }
            (Credentials::OAuth { access_token }, None) => {
                Some(TokenManager::fixed(access_token.clone()))
            }
        };
        let identity = portal.identity(oauth_client.as_deref());
        let shared = Arc::new(Shared {
            portal,
            tokens,
            bucket: limit::shared_bucket(identity, self.rate_limit),
            operating: Operating::default(),
            retry: self.retry,
            batch_concurrency: self.batch_concurrency,
            requests: AtomicU64::new(0),
            moved_to: std::sync::RwLock::new(None),
        });
        Client::from_shared(shared, self.timeout, self.connect_timeout)
    }
}

impl Client {
    /// A client for an inbound webhook URL, `https://<portal>/rest/<user>/<key>/`.
    /// Plain `http://` is accepted for loopback addresses only.
    pub fn webhook(url: &str) -> Result<Client, Error> {
        Client::builder(Portal::webhook(url)).build()
    }

    /// A client for a portal (`https://<portal>/`) and an OAuth access token
    /// that is never renewed; see [`Client::oauth_app`] for one that is.
    pub fn oauth(portal: &str, access_token: impl Into<String>) -> Result<Client, Error> {
        Client::builder(Portal::oauth(portal, access_token)).build()
    }

    /// A builder for an OAuth application on `portal` whose tokens renew
    /// through `oauth` (refresh token, client id and secret, token store).
    pub fn oauth_app(portal: &str, oauth: OAuth) -> ClientBuilder {
        let access = oauth.tokens.access_token.expose().to_string();
        Client::builder(Portal::oauth(portal, access)).oauth(oauth)
    }

    /// A builder for a portal and credential (`Portal::webhook(url)` or `Portal::oauth(..)`).
    pub fn builder(portal: Result<Portal, Error>) -> ClientBuilder {
        ClientBuilder {
            portal,
            oauth: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            rate_limit: RateLimit::STANDARD,
            retry: RetryPolicy::default(),
            batch_concurrency: 1,
        }
    }

    /// The same client (same rate limit, tokens and budgets) with another
    /// per-request timeout.
    pub fn with_timeout(&self, timeout: Duration) -> Result<Client, Error> {
        Client::from_shared(self.inner.shared.clone(), timeout, DEFAULT_CONNECT_TIMEOUT)
    }

    fn from_shared(
        shared: Arc<Shared>,
        timeout: Duration,
        connect_timeout: Duration,
    ) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(connect_timeout.min(timeout))
            .user_agent(concat!("bitrix24-rs/", env!("CARGO_PKG_VERSION")))
            // A redirected POST must be sent again whole; `send` does it.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Http(e.to_string()))?;
        Ok(Client {
            inner: Arc::new(Inner { http, shared }),
        })
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.inner.shared
    }

    /// How many HTTP requests this client and its clones have sent to the portal.
    pub fn requests_sent(&self) -> u64 {
        self.inner.shared.requests.load(Ordering::SeqCst)
    }

    /// How many times the OAuth tokens were renewed.
    pub fn token_renewals(&self) -> u64 {
        self.inner
            .shared
            .tokens
            .as_ref()
            .map_or(0, TokenManager::renewals)
    }

    /// The rate limit this client mirrors.
    pub fn rate_limit(&self) -> RateLimit {
        self.inner.shared.bucket.limit()
    }

    /// The portal's address, without credentials.
    pub fn portal(&self) -> String {
        self.inner.shared.portal.host()
    }

    /// Calls a generated method: `client.call(crm_lead_add::Params { .. })`.
    pub async fn call<P: Call>(&self, params: P) -> Result<P::Output, P::Error> {
        self.call_with(params, CallOptions::default()).await
    }

    /// Calls a generated method with options, e.g. marked safe to repeat.
    pub async fn call_with<P: Call>(
        &self,
        params: P,
        options: CallOptions,
    ) -> Result<P::Output, P::Error> {
        let body = encode_payload(&params)?;
        let spec = Spec {
            method: P::METHOD,
            api: P::API,
            retry: P::RETRY,
            idempotent: options.idempotent,
        };
        let envelope = self.execute(&spec, body, &[]).await?;
        crate::decode::decode_envelope::<P>(envelope).map_err(P::Error::from)
    }

    /// Calls any method by name with JSON parameters and returns the envelope.
    /// The method counts as [`Retry::Unsafe`]: see [`Client::call_raw_with`].
    pub async fn call_raw(
        &self,
        method: &str,
        api: ApiVersion,
        params: Value,
    ) -> Result<Envelope, CallError> {
        self.call_raw_with(method, api, Retry::Unsafe, params, CallOptions::default())
            .await
    }

    /// Calls any method by name, with its retry class and options.
    pub async fn call_raw_with(
        &self,
        method: &str,
        api: ApiVersion,
        retry: Retry,
        params: Value,
        options: CallOptions,
    ) -> Result<Envelope, CallError> {
        let spec = Spec {
            method,
            api,
            retry,
            idempotent: options.idempotent,
        };
        self.execute(&spec, Payload::Params(params), &[]).await
    }

    /// Sends one request through the whole pipeline. `also_wait_for` names
    /// methods (a batch's commands) whose time budgets must allow it too.
    pub(crate) async fn execute(
        &self,
        spec: &Spec<'_>,
        payload: Payload,
        also_wait_for: &[&str],
    ) -> Result<Envelope, CallError> {
        let span = tracing::debug_span!(
            "bitrix24.call",
            method = spec.method,
            api = ?spec.api,
            retries = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            operating = tracing::field::Empty,
        );
        let started = Instant::now();
        let outcome = self
            .attempts(spec, payload, also_wait_for)
            .instrument(span.clone())
            .await;
        let (envelope_or_error, retries) = outcome;
        span.record("retries", retries);
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        if let Some(operating) = self.inner.shared.operating.operating(spec.method) {
            span.record("operating", operating);
        }
        match &envelope_or_error {
            Ok(envelope) => {
                span.record("status", envelope.status);
                tracing::debug!(parent: &span, "bitrix24 call done");
            }
            Err(error) => tracing::debug!(parent: &span, %error, "bitrix24 call failed"),
        }
        envelope_or_error
    }

    async fn attempts(
        &self,
        spec: &Spec<'_>,
        payload: Payload,
        also_wait_for: &[&str],
    ) -> (Result<Envelope, CallError>, u32) {
        let shared = &*self.inner.shared;
        let policy = shared.retry;
        let safe = retry::safe_to_repeat(spec.retry, spec.api, spec.idempotent);
        let mut key = (spec.api == ApiVersion::V3).then(retry::idempotency_key);
        // Whether an attempt may have run: then the key must not change.
        let mut maybe_ran = false;
        let url = shared.endpoint(spec.method, spec.api);
        let mut retries = 0u32;
        let mut renewed = false;
        let mut operating_waited = Duration::ZERO;
        loop {
            // The method's time budget, then the bucket.
            for method in std::iter::once(spec.method).chain(also_wait_for.iter().copied()) {
                if let Some(until) = shared.operating.blocked_until(method) {
                    let wait = until.saturating_duration_since(Instant::now());
                    operating_waited += wait;
                    tracing::debug!(
                        method,
                        wait_ms = wait.as_millis() as u64,
                        "waiting for the method's time budget"
                    );
                    tokio::time::sleep(wait).await;
                }
            }
            shared.bucket.acquire().await;
            let (generation, failures, token) = match &shared.tokens {
                Some(tokens) => {
                    let failures = tokens.failures();
                    let (generation, token) = tokens.current();
                    (generation, failures, Some(token))
                }
                None => (0, 0, None),
            };
            let wire = Wire {
                payload: &payload,
                auth: token.as_ref().map(|t| t.expose()),
            };
            let attempt = self.send(&url, &wire, key.as_deref()).await;
            let error = match attempt {
                Attempt::Answer(Ok(envelope)) => {
                    if let Some(time) = &envelope.time {
                        shared.operating.record(spec.method, time);
                    }
                    return (Ok(envelope), retries);
                }
                Attempt::Answer(Err(error)) => error,
                Attempt::NotSent(error) => {
                    if retries < policy.max_retries {
                        retries += 1;
                        tokio::time::sleep(policy.backoff(retries)).await;
                        continue;
                    }
                    return (Err(CallError::Transport(error)), retries);
                }
                Attempt::NoAnswer(error) => {
                    maybe_ran = true;
                    if !safe {
                        return (Err(CallError::OutcomeUnknown(error)), retries);
                    }
                    if retries < policy.max_retries {
                        retries += 1;
                        tokio::time::sleep(policy.backoff(retries)).await;
                        continue;
                    }
                    return match spec.retry {
                        Retry::Read => (Err(CallError::Transport(error)), retries),
                        _ => (Err(CallError::OutcomeUnknown(error)), retries),
                    };
                }
            };
            let (code, status) = match &error {
                CallError::Api(api) => (api.code.as_str(), api.status),
                CallError::Transport(t) => ("", t.status.unwrap_or(0)),
                _ => return (Err(error), retries),
            };
            match code {
                "QUERY_LIMIT_EXCEEDED" => {
                    // Refused by the rate limit: the call did not run.
                    shared.bucket.saturate();
                    if retries < policy.max_retries {
                        retries += 1;
                        tokio::time::sleep(policy.backoff(retries)).await;
                        continue;
                    }
                    return (Err(error), retries);
                }
                "OPERATION_TIME_LIMIT" => {
                    let time = error_time(&error);
                    let until =
                        shared
                            .operating
                            .block(spec.method, time.as_ref(), policy.operating_retry);
                    let wait = until.saturating_duration_since(Instant::now());
                    if operating_waited + wait > policy.max_operating_wait {
                        return (Err(error), retries);
                    }
                    retries += 1;
                    continue;
                }
                "expired_token" => {
                    let Some(tokens) = shared.tokens.as_ref().filter(|t| t.can_renew()) else {
                        return (Err(error), retries);
                    };
                    if renewed {
                        return (Err(error), retries);
                    }
                    renewed = true;
                    if let Err(failure) = tokens.renew(&self.inner.http, generation, failures).await
                    {
                        return (Err(failure), retries);
                    }
                    // The body changes with the token; a refused call stored
                    // nothing under its key, so a new key avoids a
                    // "key reused with another body" refusal.
                    if !maybe_ran && key.is_some() {
                        key = Some(retry::idempotency_key());
                    }
                    continue;
                }
                "OVERLOAD_LIMIT" | "PORTAL_DELETED" => return (Err(error), retries),
                _ if status >= 500 => {
                    // The portal failed while running the call: it may have run.
                    maybe_ran = true;
                    if !safe {
                        let api = error.api();
                        return (
                            Err(CallError::OutcomeUnknown(TransportError {
                                message: format!(
                                    "HTTP {status}{}: the call may have run",
                                    api.map(|a| format!(" {}", a.code)).unwrap_or_default()
                                ),
                                timeout: false,
                                status: Some(status),
                                body: match &error {
                                    CallError::Api(a) => Some(a.body.clone()),
                                    CallError::Transport(t) => t.body.clone(),
                                    _ => None,
                                },
                            })),
                            retries,
                        );
                    }
                    if retries < policy.max_retries {
                        retries += 1;
                        tokio::time::sleep(policy.backoff(retries)).await;
                        continue;
                    }
                    return (Err(error), retries);
                }
                _ => return (Err(error), retries),
            }
        }
    }

    async fn send(&self, url: &reqwest::Url, wire: &Wire<'_>, key: Option<&str>) -> Attempt {
        let body = match wire.bytes() {
            Ok(body) => bytes::Bytes::from(body),
            Err(e) => return Attempt::Answer(Err(encode_error(e))),
        };
        let mut target = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            let mut request = self
                .inner
                .http
                .post(target.clone())
                .header(reqwest::header::ACCEPT, "application/json")
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
            if let Some(key) = key {
                request = request.header("Idempotency-Key", key);
            }
            self.inner.shared.requests.fetch_add(1, Ordering::SeqCst);
            let response = match request.send().await {
                Ok(response) => response,
                Err(error) => {
                    // A failure to connect means nothing was sent; anything later may have reached the portal.
                    let connect = error.is_connect();
                    let transport = TransportError::from_reqwest(error);
                    return if connect {
                        Attempt::NotSent(transport)
                    } else {
                        Attempt::NoAnswer(transport)
                    };
                }
            };
            let status = response.status().as_u16();
            if matches!(status, 301 | 302 | 303 | 307 | 308) {
                // The portal moved: the call did not run here; send it whole to the new address.
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| target.join(l).ok());
                if let Some(next) = location {
                    if portal::parse_secure(next.as_str()).is_err() {
                        // Not followed, and not retried: the call did not run.
                        return Attempt::Answer(Err(CallError::Transport(TransportError {
                            message: format!(
                                "redirected to an insecure address ({})",
                                next.scheme()
                            ),
                            timeout: false,
                            status: Some(status),
                            body: None,
                        })));
                    }
                    self.inner.shared.learn_move(&target, &next);
                    target = next;
                    continue;
                }
            }
            return match response.text().await {
                Ok(body) => Attempt::Answer(envelope::read(status, body)),
                Err(error) => {
                    let mut transport = TransportError::from_reqwest(error);
                    transport.status = Some(status);
                    Attempt::NoAnswer(transport)
                }
            };
        }
        Attempt::Answer(Err(CallError::Transport(TransportError::new(format!(
            "more than {MAX_REDIRECTS} redirects"
        )))))
    }
}

/// The body of a request, before the access token is added.
pub(crate) enum Payload {
    /// A method's parameters (a JSON object).
    Params(Value),
    /// A method's parameters already written as a JSON object.
    Encoded(Vec<u8>),
    /// A `batch`: `halt` and the commands, in their order.
    Batch {
        halt: bool,
        cmd: Vec<(String, String)>,
    },
}

/// A payload with the access token, as it goes on the wire. Batch commands
/// keep their order whatever map type `serde_json` was built with.
struct Wire<'a> {
    payload: &'a Payload,
    auth: Option<&'a str>,
}

impl Wire<'_> {
    /// The request body.
    fn bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        let Payload::Encoded(object) = self.payload else {
            return serde_json::to_vec(self);
        };
        let Some(auth) = self.auth else {
            return Ok(object.clone());
        };
        // `object` is a JSON object (`encode_payload` made sure): add `auth` before its `}`.
        let end = object
            .iter()
            .rposition(|b| *b == b'}')
            .unwrap_or(object.len());
        let empty = object[..end]
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace())
            == Some(&b'{');
        let mut body = Vec::with_capacity(object.len() + auth.len() + 12);
        body.extend_from_slice(&object[..end]);
        body.extend_from_slice(if empty { b"\"auth\":" } else { b",\"auth\":" });
        serde_json::to_writer(&mut body, auth)?;
        body.push(b'}');
        Ok(body)
    }
}

impl serde::Serialize for Wire<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Ordered<'a>(&'a [(String, String)]);
        impl serde::Serialize for Ordered<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (name, line) in self.0 {
                    map.serialize_entry(name, line)?;
                }
                map.end()
            }
        }
        match self.payload {
            Payload::Params(Value::Object(params)) => {
                let mut map = serializer.serialize_map(None)?;
                for (key, value) in params {
                    if key != "auth" || self.auth.is_none() {
                        map.serialize_entry(key, value)?;
                    }
                }
                if let Some(auth) = self.auth {
                    map.serialize_entry("auth", auth)?;
                }
                map.end()
            }
            Payload::Params(other) => other.serialize(serializer),
            Payload::Encoded(_) => unreachable!("encoded payloads are written by `Wire::bytes`"),
            Payload::Batch { halt, cmd } => {
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("halt", &u8::from(*halt))?;
                map.serialize_entry("cmd", &Ordered(cmd))?;
                if let Some(auth) = self.auth {
                    map.serialize_entry("auth", auth)?;
                }
                map.end()
            }
        }
    }
}

/// What one request needs to know about its method.
pub(crate) struct Spec<'a> {
    pub(crate) method: &'a str,
    pub(crate) api: ApiVersion,
    pub(crate) retry: Retry,
    pub(crate) idempotent: bool,
}

/// How one attempt ended.
enum Attempt {
    /// The portal answered (with a result or an error).
    Answer(Result<Envelope, CallError>),
    /// The request never left: the connection could not be made.
    NotSent(TransportError),
    /// The request was sent and no (complete) answer came.
    NoAnswer(TransportError),
}

/// The `time` object of an error answer, if it has one.
fn error_time(error: &CallError) -> Option<Value> {
    let body = &error.api()?.body;
    let parsed: Value = serde_json::from_str(body).ok()?;
    parsed.get("time").cloned()
}

/// Typed parameters written once, straight to JSON; anything but an object
/// (or nothing) goes the slow way, through a `Value`.
fn encode_payload<P: serde::Serialize>(params: &P) -> Result<Payload, CallError> {
    let bytes = serde_json::to_vec(params).map_err(encode_error)?;
    match bytes.first() {
        Some(b'{') if !params_have_auth(&bytes) => Ok(Payload::Encoded(bytes)),
        _ => encode_params(params).map(Payload::Params),
    }
}

/// Whether written parameters may hold a top-level `auth` (then the slow way replaces it).
fn params_have_auth(bytes: &[u8]) -> bool {
    bytes.windows(6).any(|w| w == b"\"auth\"")
}

pub(crate) fn encode_params<P: serde::Serialize>(params: &P) -> Result<Value, CallError> {
    match serde_json::to_value(params) {
        Ok(Value::Null) => Ok(Value::Object(Default::default())),
        Ok(value) => Ok(value),
        Err(e) => Err(encode_error(e)),
    }
}

fn encode_error(e: serde_json::Error) -> CallError {
    CallError::Decode(DecodeError {
        message: format!("cannot encode the parameters: {e}"),
        status: 0,
        body: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(payload: &Payload, auth: Option<&str>) -> String {
        String::from_utf8(Wire { payload, auth }.bytes().unwrap()).unwrap()
    }

    #[test]
    fn the_access_token_joins_every_kind_of_body() {
        let written = Payload::Encoded(br#"{"id":1}"#.to_vec());
        assert_eq!(body(&written, None), r#"{"id":1}"#);
        assert_eq!(body(&written, Some("t\"k")), r#"{"id":1,"auth":"t\"k"}"#);
        assert_eq!(
            body(&Payload::Encoded(b"{}".to_vec()), Some("t")),
            r#"{"auth":"t"}"#
        );
        let value = Payload::Params(json!({"auth": "stale", "a": 1}));
        assert_eq!(body(&value, Some("t")), r#"{"a":1,"auth":"t"}"#);
        let batch = Payload::Batch {
            halt: true,
            cmd: vec![("b".into(), "x".into()), ("a".into(), "y".into())],
        };
        assert_eq!(
            body(&batch, Some("t")),
            r#"{"halt":1,"cmd":{"b":"x","a":"y"},"auth":"t"}"#
        );
    }

    #[test]
    fn typed_parameters_are_written_once_unless_odd() {
        #[derive(serde::Serialize)]
        struct Params {
            id: i64,
        }
        assert!(matches!(
            encode_payload(&Params { id: 1 }).unwrap(),
            Payload::Encoded(_)
        ));
        assert!(matches!(
            encode_payload(&()).unwrap(),
            Payload::Params(Value::Object(_))
        ));
        assert!(matches!(
            encode_payload(&json!({"auth": "x"})).unwrap(),
            Payload::Params(_)
        ));
    }
}
