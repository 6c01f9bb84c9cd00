//! The client: one portal, one credential, one HTTP connection pool, one
//! rate limit. Cheap to clone; clones share everything.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;

use crate::auth::{Credentials, OAuth};
use crate::body::DEFAULT_MAX_BODY;
use crate::envelope::{Answer, Envelope};
use crate::error::{CallError, Error};
use crate::limit::inflight::InFlight;
use crate::limit::{self, Bucket, Operating, RateLimit};
use crate::oauth::TokenManager;
use crate::payload::{encode_payload, Payload};
use crate::portal::{self, Portal};
use crate::redact::Redactor;
use crate::retry::RetryPolicy;
use crate::{ApiVersion, Call, Retry};

/// How long one attempt may take, body included: the server stops a
/// request after 60 s, so waiting longer gains nothing.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to wait for a TCP/TLS connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one call may spend on its attempts and the pauses between
/// them, all retries included: three full-length attempts. Waits for the
/// client's rate limit and a method's time budget do not count (the
/// [`RetryPolicy`] bounds those).
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(180);

/// A Bitrix24 REST client.
///
/// Every call goes through the same pipeline: the method's time budget
/// (`OPERATION_TIME_LIMIT`, or a reported `operating` past 90% of the
/// documented 480 s, makes that method wait for its reset, others go on), a
/// place among the requests in flight (an adaptive limit: from 8, growing
/// while answers come as fast, halved on `QUERY_LIMIT_EXCEEDED`,
/// `OPERATION_TIME_LIMIT` or answers three times slower; at most half the
/// burst, 25 on the standard plan and 64 on Enterprise), the client's leaky
/// bucket (shared by every clone and task; it assumes the documented drain of
/// `per_second` once a second at an unknown moment of the second, so a job at
/// the limit meets no `QUERY_LIMIT_EXCEEDED`, and one that meets it anyway,
/// from another application on the portal, keeps more headroom), the
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
///
/// Every call ends: each attempt within its timeout ([`DEFAULT_TIMEOUT`]),
/// all attempts within the call's deadline ([`DEFAULT_DEADLINE`]), an answer
/// longer than [`DEFAULT_MAX_BODY`](crate::DEFAULT_MAX_BODY) is refused, and
/// a redirect is followed only to the same origin (scheme, host and port).
/// A [`TransportError`](crate::TransportError) counts the attempts made; no
/// error, body or log line carries the webhook key or a token, even when the
/// portal echoes them.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) shared: Arc<Shared>,
    /// How long one attempt may take.
    pub(crate) timeout: Duration,
}

/// What every clone, and every client made by [`Client::with_timeout`], shares.
pub(crate) struct Shared {
    pub(crate) portal: Portal,
    pub(crate) tokens: Option<TokenManager>,
    pub(crate) bucket: Arc<Bucket>,
    pub(crate) operating: Operating,
    /// The adaptive limit on requests in flight.
    pub(crate) inflight: InFlight,
    pub(crate) retry: RetryPolicy,
    pub(crate) batch_concurrency: usize,
    pub(crate) requests: AtomicU64,
    /// Where the portal moved to, learned from a redirect.
    moved_to: std::sync::RwLock<Option<reqwest::Url>>,
    /// The secrets no error, body or log line may show.
    pub(crate) redactor: Arc<Redactor>,
    /// How long one call may spend on attempts and backoff.
    pub(crate) deadline: Duration,
    /// The longest body read.
    pub(crate) max_body: u64,
}

impl Shared {
    /// A method's URL, at the portal's latest address.
    pub(crate) fn endpoint(&self, method: &str, api: ApiVersion) -> reqwest::Url {
        let moved = self.moved_to.read().unwrap_or_else(|e| e.into_inner());
        match &*moved {
            Some(origin) => self.portal.endpoint_at(origin, method, api),
            None => self.portal.endpoint(method, api),
        }
    }

    /// Notes that `from` was redirected to `to`: later calls go to the new address.
    pub(crate) fn learn_move(&self, from: &reqwest::Url, to: &reqwest::Url) {
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
    deadline: Duration,
    max_body: u64,
    rate_limit: RateLimit,
    retry: RetryPolicy,
    batch_concurrency: usize,
}

impl ClientBuilder {
    /// How long one attempt may take, from connecting to the body's last
    /// byte (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = timeout;
        self
    }

    /// How long one call may spend on its attempts and the pauses between
    /// them (default [`DEFAULT_DEADLINE`]). When it is spent the call ends
    /// with the last failure, marked [`TransportKind::Deadline`](crate::TransportKind::Deadline)
    /// when that was a transport failure. The last attempt is cut short to fit.
    pub fn deadline(mut self, deadline: Duration) -> ClientBuilder {
        self.deadline = deadline;
        self
    }

    /// The longest answer body read, in bytes (default
    /// [`DEFAULT_MAX_BODY`](crate::DEFAULT_MAX_BODY)). A longer one ends the
    /// call with [`TransportKind::BodyTooLarge`](crate::TransportKind::BodyTooLarge)
    /// and its first bytes; it is not retried.
    pub fn max_body_size(mut self, bytes: u64) -> ClientBuilder {
        self.max_body = bytes;
        self
    }

    /// The connection timeout (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// The portal's rate limit to mirror (default [`RateLimit::STANDARD`]);
    /// it also sets the most requests in flight (half the burst, 4 to 64).
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
        let redactor = Arc::new(Redactor::default());
        if let Credentials::Webhook { key, .. } = &portal.credentials {
            redactor.add(key.expose());
        }
        let tokens = match (&portal.credentials, self.oauth) {
            (Credentials::Webhook { .. }, Some(_)) => {
                return Err(Error::InvalidUrl(
                    "OAuth renewal needs a portal address, not a webhook URL".into(),
                ))
            }
            (Credentials::Webhook { .. }, None) => None,
            (Credentials::OAuth { .. }, Some(oauth)) => {
                portal::parse_secure(&oauth.endpoint)?;
                Some(TokenManager::renewing(oauth, redactor.clone()))
            }
            (Credentials::OAuth { access_token }, None) => {
                Some(TokenManager::fixed(access_token.clone(), redactor.clone()))
            }
        };
        let identity = portal.identity(oauth_client.as_deref());
        let shared = Arc::new(Shared {
            portal,
            tokens,
            bucket: limit::shared_bucket(identity, self.rate_limit),
            operating: Operating::default(),
            inflight: in_flight_for(self.rate_limit),
            retry: self.retry,
            batch_concurrency: self.batch_concurrency,
            requests: AtomicU64::new(0),
            moved_to: std::sync::RwLock::new(None),
            redactor,
            deadline: self.deadline,
            max_body: self.max_body,
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
            deadline: DEFAULT_DEADLINE,
            max_body: DEFAULT_MAX_BODY,
            rate_limit: RateLimit::STANDARD,
            retry: RetryPolicy::default(),
            batch_concurrency: 1,
        }
    }

    /// The same client (same rate limit, tokens, budgets and deadline) with
    /// another timeout for each attempt.
    pub fn with_timeout(&self, timeout: Duration) -> Result<Client, Error> {
        Client::from_shared(self.inner.shared.clone(), timeout, DEFAULT_CONNECT_TIMEOUT)
    }

    fn from_shared(
        shared: Arc<Shared>,
        timeout: Duration,
        connect_timeout: Duration,
    ) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            // Each attempt's timeout covers sending and the whole body; the
            // attempt loop applies it, cut to what the call's deadline leaves.
            .connect_timeout(connect_timeout.min(timeout))
            .user_agent(concat!("bitrix24-rs/", env!("CARGO_PKG_VERSION")))
            // A redirected POST must be sent again whole; `send` does it.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Http(e.to_string()))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                shared,
                timeout,
            }),
        })
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.inner.shared
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
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
        let answer = self.execute(&spec, body, &[]).await?;
        crate::decode::decode_answer::<P>(&answer).map_err(P::Error::from)
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
        let answer = self
            .call_answer(method, api, retry, params, options)
            .await?;
        let redactor = &self.inner.shared.redactor;
        answer
            .into_envelope()
            .map_err(|error| redactor.error(error))
    }

    /// [`Client::call_raw_with`], the answer left as text.
    pub(crate) async fn call_answer(
        &self,
        method: &str,
        api: ApiVersion,
        retry: Retry,
        params: Value,
        options: CallOptions,
    ) -> Result<Answer, CallError> {
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
    ) -> Result<Answer, CallError> {
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
        let redactor = &self.inner.shared.redactor;
        // Answers are masked where they are shown (`Answer::shown`).
        let envelope_or_error = envelope_or_error.map_err(|error| redactor.error(error));
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
}

/// What one request needs to know about its method.
pub(crate) struct Spec<'a> {
    pub(crate) method: &'a str,
    pub(crate) api: ApiVersion,
    pub(crate) retry: Retry,
    pub(crate) idempotent: bool,
}

/// Requests in flight at first, whatever the plan.
const IN_FLIGHT_START: usize = 8;
/// Most requests in flight, whatever the plan.
const IN_FLIGHT_MOST: usize = 64;

/// The limit on requests in flight for a plan: from 8, up to half the burst
/// (25 on the standard plan, 64 on Enterprise), as more could only wait for
/// the bucket.
fn in_flight_for(limit: RateLimit) -> InFlight {
    let most = (limit.burst / 2).clamp(IN_FLIGHT_START as u32, IN_FLIGHT_MOST as u32);
    InFlight::new(IN_FLIGHT_START, most as usize)
}
