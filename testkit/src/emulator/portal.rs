//! The request pipeline: route, authenticate, rate limit, inject faults, run
//! the method (or the batch), answer.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::auth::{self, Auth, TokenState};
use super::batch::{self, Results};
use super::clock::Started;
use super::config::{Config, Faults, RateLimit};
use super::crm::Crm;
use super::limits::{Buckets, Operating, Standing};
use super::outcome::{Done, Fail};
use super::rng::Rng;
use super::script::{Intercept, Records, Script};
use super::spec::{self, Specs};
use crate::recorded::RecordedRequest;
use crate::server::{BoxFuture, Handler, Reply, Request, Response};
use crate::wire;

/// What happened, for tests to assert on. Take a snapshot with
/// [`Emulator::counters`](super::Emulator::counters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    /// HTTP requests to `/rest/...`, whatever became of them (but those a
    /// hook answered in the portal's place, see
    /// [`Emulator::on_request`](super::Emulator::on_request)).
    pub requests: u64,
    /// HTTP requests per method (a batch counts once, as `batch`).
    pub requests_by_method: BTreeMap<String, u64>,
    /// Method runs per method, batch commands included (only calls that
    /// passed every check and ran).
    pub calls_by_method: BTreeMap<String, u64>,
    /// Requests refused with `503 QUERY_LIMIT_EXCEEDED`.
    pub query_limit_exceeded: u64,
    /// Requests refused with `503 OVERLOAD_LIMIT` (see
    /// [`Emulator::set_overloaded`](super::Emulator::set_overloaded)).
    pub overload_limit: u64,
    /// Calls refused with `429 OPERATION_TIME_LIMIT` (batch commands included).
    pub operation_time_limit: u64,
    /// Requests refused with `401 expired_token`.
    pub expired_token: u64,
    /// Requests refused for other authentication problems.
    pub auth_failures: u64,
    /// Requests to `/oauth/token/`.
    pub token_requests: u64,
    /// Successful token refreshes.
    pub refreshes: u64,
    /// Refused token refreshes.
    pub refresh_failures: u64,
    /// Injected `500`s.
    pub injected_500: u64,
    /// Connections dropped before the call ran.
    pub dropped_before: u64,
    /// Connections dropped after the call ran.
    pub dropped_after: u64,
}

impl Counters {
    /// HTTP requests for one method.
    pub fn requests_for(&self, method: &str) -> u64 {
        self.requests_by_method.get(method).copied().unwrap_or(0)
    }

    /// Runs of one method, batch commands included.
    pub fn calls_for(&self, method: &str) -> u64 {
        self.calls_by_method.get(method).copied().unwrap_or(0)
    }
}

/// Everything that changes.
pub(crate) struct State {
    pub crm: Crm,
    pub auth: Auth,
    pub buckets: Buckets,
    pub operating: Operating,
    pub rng: Rng,
    pub counters: Counters,
    pub faults: Faults,
    pub rate_limit: Option<RateLimit>,
    pub overloaded: bool,
    pub events: super::events::Events,
    pub script: Script,
}

/// The emulated portal behind the HTTP server.
pub(crate) struct Portal {
    pub config: Config,
    pub specs: Specs,
    pub origin: OnceLock<String>,
    pub state: Mutex<State>,
}

enum Fault {
    None,
    Error500,
    DropBefore,
    DropAfter,
}

impl Portal {
    pub fn new(config: Config, specs: Specs) -> Portal {
        let state = State {
            crm: Crm::new(config.page_size),
            auth: Auth::new(config.seed),
            buckets: Buckets::new(config.drain),
            operating: Operating::default(),
            rng: Rng::new(config.seed),
            counters: Counters::default(),
            faults: config.faults.clone(),
            rate_limit: config.rate_limit,
            overloaded: false,
            events: super::events::Events::new(config.seed),
            script: Script::default(),
        };
        Portal {
            config,
            specs,
            origin: OnceLock::new(),
            state: Mutex::new(state),
        }
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn origin(&self) -> &str {
        self.origin
            .get()
            .map(String::as_str)
            .unwrap_or("http://127.0.0.1")
    }

    async fn serve(&self, request: Request) -> Reply {
        match self.intercept(&request) {
            Intercept::Pass => {}
            Intercept::Delay(wait) => tokio::time::sleep(wait).await,
            Intercept::Answer(answer) => return answer.send().await,
        }
        if request.path.trim_end_matches('/') == "/oauth/token" {
            return self.token(&request);
        }
        let Some(route) = wire::route(&request.path) else {
            return Response::text(404, "<html><body>404 Not Found</body></html>").into();
        };
        let started = Started::now();
        let latency = {
            let mut state = self.lock();
            state.counters.requests += 1;
            *state
                .counters
                .requests_by_method
                .entry(route.method.clone())
                .or_default() += 1;
            let faults = state.faults.clone();
            let jitter = faults.latency_jitter.mul_f64(state.rng.next_f64());
            faults.latency + jitter
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        let params = match wire::params(&request) {
            Ok(params) => params,
            Err(message) => return json_reply(&Fail::new(400, "INVALID_REQUEST", message)),
        };
        let (reply, working) = self.run(&request, &route, params, started);
        if !working.is_zero() {
            tokio::time::sleep(working).await;
        }
        reply
    }

    /// Records the request and asks the test's hook what becomes of it.
    fn intercept(&self, request: &Request) -> Intercept {
        // Recorded before the lock: `at` is when it arrived, not when the
        // portal got round to it.
        let early = self
            .config
            .record_requests
            .then(|| RecordedRequest::new(request));
        let mut state = self.lock();
        let hook = state.script.hook.clone();
        let recorded = match early {
            Some(recorded) => recorded,
            None if hook.is_some() => RecordedRequest::new(request),
            None => return Intercept::Pass,
        };
        let verdict = match hook {
            Some(hook) => hook(
                &recorded,
                &mut Records {
                    crm: &mut state.crm,
                },
            ),
            None => Intercept::Pass,
        };
        if self.config.record_requests {
            state.script.requests.push(recorded);
        }
        verdict
    }

    /// Checks, admits and runs a request under the state's lock; returns the
    /// answer and how long the portal works on it before answering.
    fn run(
        &self,
        request: &Request,
        route: &wire::Route,
        mut params: Map<String, Value>,
        started: Started,
    ) -> (Reply, Duration) {
        let mut state = self.lock();
        let identity = match self.authenticate(&mut state, route, &mut params) {
            Ok(identity) => identity,
            Err(fail) => return (json_reply(&fail), Duration::ZERO),
        };
        // REST 3.0 has only the methods a test defined (and no `batch`).
        if route.v3
            && (route.method == "batch" || !state.script.defined.contains_key(&route.method))
        {
            return (json_reply(&Fail::no_method(&route.method)), Duration::ZERO);
        }
        if state.overloaded {
            state.counters.overload_limit += 1;
            let fail = Fail::new(
                503,
                "OVERLOAD_LIMIT",
                "REST API is blocked due to overload.",
            );
            return (json_reply(&fail), Duration::ZERO);
        }
        if let Some(limit) = state.rate_limit {
            let bucket = if self.config.bucket_per_credential {
                identity.as_str()
            } else {
                "portal"
            };
            if !state.buckets.admit(bucket, limit) {
                state.counters.query_limit_exceeded += 1;
                let fail = Fail::new(503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
                return (json_reply(&fail), Duration::ZERO);
            }
        }
        let fault = draw_fault(&mut state);
        match fault {
            Fault::Error500 => {
                state.counters.injected_500 += 1;
                let fail = Fail::new(500, "INTERNAL_SERVER_ERROR", "Internal server error");
                return (json_reply(&fail), Duration::ZERO);
            }
            Fault::DropBefore => {
                state.counters.dropped_before += 1;
                return (Reply::Drop, Duration::ZERO);
            }
            Fault::None | Fault::DropAfter => {}
        }
        let mut commands = 1u32;
        let (status, body) = if route.method == "batch" {
            let order = batch::command_order(request);
            commands = u32::try_from(order.len()).unwrap_or(u32::MAX);
            self.batch(&mut state, &identity, &params, &order, started)
        } else {
            match self.execute(&mut state, &identity, &route.method, params) {
                Ok((done, standing)) => (200, success_body(done, started.time(Some(standing)))),
                Err(fail) => (fail.status, fail.body()),
            }
        };
        // The time the portal takes per command, spent with the state free
        // for other requests.
        let working = state.faults.latency_per_command.saturating_mul(commands);
        if let Fault::DropAfter = fault {
            state.counters.dropped_after += 1;
            return (Reply::Drop, working);
        }
        (Response::json(status, &body).into(), working)
    }

    /// Checks the webhook or the `auth` token; returns the rate-limit identity.
    fn authenticate(
        &self,
        state: &mut State,
        route: &wire::Route,
        params: &mut Map<String, Value>,
    ) -> Result<String, Fail> {
        let token = params.remove("auth");
        if let Some((user, key)) = &route.webhook {
            if *user == self.config.webhook_user && *key == self.config.webhook_key {
                return Ok(format!("webhook:{user}"));
            }
            state.counters.auth_failures += 1;
            return Err(Fail::new(401, "NO_AUTH_FOUND", "Wrong authorization data"));
        }
        let token = token.as_ref().and_then(Value::as_str).unwrap_or("");
        if token.is_empty() {
            state.counters.auth_failures += 1;
            return Err(Fail::new(401, "NO_AUTH_FOUND", "Wrong authorization data"));
        }
        match state.auth.check(token) {
            TokenState::Valid => Ok(format!("app:{}", self.config.oauth.client_id)),
            TokenState::Expired => {
                state.counters.expired_token += 1;
                Err(Fail::new(
                    401,
                    "expired_token",
                    "The access token provided has expired.",
                ))
            }
            TokenState::Unknown => {
                state.counters.auth_failures += 1;
                Err(Fail::new(
                    401,
                    "invalid_token",
                    "The access token provided is invalid.",
                ))
            }
        }
    }

    /// Runs one method: page known, parameters valid, time budget left.
    fn execute(
        &self,
        state: &mut State,
        identity: &str,
        method: &str,
        params: Map<String, Value>,
    ) -> Result<(Done, Standing), Fail> {
        if method == "batch" {
            return Err(Fail::new(
                405,
                "ERROR_BATCH_METHOD_NOT_ALLOWED",
                "Method is not allowed for batch usage",
            ));
        }
        let defined = state.script.defined.get(method).cloned();
        if defined.is_none() {
            if let Some(outcome) = state.events.call(method, &params) {
                return outcome;
            }
            let spec = self
                .specs
                .get(method)
                .ok_or_else(|| Fail::no_method(method))?;
            spec::validate(spec, &params)?;
        }
        let limit = self.config.operating.as_ref();
        let standing = state.operating.check(identity, method, limit);
        if standing.blocked {
            state.counters.operation_time_limit += 1;
            return Err(Fail::new(
                429,
                "OPERATION_TIME_LIMIT",
                "Method is blocked due to operation time limit.",
            ));
        }
        let ran = std::time::Instant::now();
        let outcome = match &defined {
            Some(run) => run(&params),
            None => state
                .crm
                .call(method, &params)
                .unwrap_or_else(|| Err(Fail::no_method(method))),
        };
        if let (None, Ok(done)) = (&defined, &outcome) {
            self.raise_events(state, method, &params, done);
        }
        let cost = limit.map(|l| l.cost_of(method)).unwrap_or_default();
        let cost = if cost.is_zero() { ran.elapsed() } else { cost };
        let standing = state.operating.record(identity, method, cost, limit);
        *state
            .counters
            .calls_by_method
            .entry(method.to_string())
            .or_default() += 1;
        outcome.map(|done| (done, standing))
    }

    fn batch(
        &self,
        state: &mut State,
        identity: &str,
        params: &Map<String, Value>,
        order: &[String],
        started: Started,
    ) -> (u16, Value) {
        if let Some(spec) = self.specs.get("batch") {
            if let Err(fail) = spec::validate(spec, params) {
                return (fail.status, fail.body());
            }
        }
        let (commands, halt) = match batch::commands(params, order, self.config.batch_limit) {
            Ok(parsed) => parsed,
            Err(fail) => return (fail.status, fail.body()),
        };
        *state
            .counters
            .calls_by_method
            .entry("batch".into())
            .or_default() += 1;
        let mut results = Results::default();
        for mut command in commands {
            let sub_started = Started::now();
            results.resolve(&mut command.params);
            match self.execute(state, identity, &command.method, command.params) {
                Ok((done, standing)) => {
                    results.ok(&command.name, done, sub_started.time(Some(standing)))
                }
                Err(fail) => {
                    results.failed(&command.name, &fail);
                    if halt {
                        break;
                    }
                }
            }
        }
        // The outer call is not counted in `operating`.
        (
            200,
            json!({"result": results.into_result(), "time": started.time(None)}),
        )
    }

    /// `/oauth/token/`: renews a token pair.
    fn token(&self, request: &Request) -> Reply {
        let params = wire::params(request).unwrap_or_default();
        let mut state = self.lock();
        state.counters.token_requests += 1;
        match state.auth.refresh(&params, &self.config.oauth) {
            Ok(tokens) => {
                state.counters.refreshes += 1;
                let client_endpoint = format!("{}/rest/", self.origin());
                let server_endpoint = format!("{}/rest/", self.origin());
                Response::json(
                    200,
                    &auth::token_response(&tokens, &client_endpoint, &server_endpoint),
                )
                .into()
            }
            Err((status, error, description)) => {
                state.counters.refresh_failures += 1;
                Response::json(
                    status,
                    &json!({"error": error, "error_description": description}),
                )
                .into()
            }
        }
    }
}

fn draw_fault(state: &mut State) -> Fault {
    let faults = &state.faults;
    let (e, b, a) = (faults.error_500, faults.drop_before, faults.drop_after);
    if e + b + a <= 0.0 {
        return Fault::None;
    }
    let roll = state.rng.next_f64();
    if roll < e {
        Fault::Error500
    } else if roll < e + b {
        Fault::DropBefore
    } else if roll < e + b + a {
        Fault::DropAfter
    } else {
        Fault::None
    }
}

fn success_body(done: Done, time: Value) -> Value {
    let mut body = Map::new();
    body.insert("result".into(), done.result);
    if let Some(next) = done.next {
        body.insert("next".into(), json!(next));
    }
    if let Some(total) = done.total {
        body.insert("total".into(), json!(total));
    }
    body.insert("time".into(), time);
    Value::Object(body)
}

fn json_reply(fail: &Fail) -> Reply {
    Response::json(fail.status, &fail.body()).into()
}

/// The server's view of the portal.
pub(crate) struct PortalHandler(pub std::sync::Arc<Portal>);

impl Handler for PortalHandler {
    fn handle(&self, request: Request) -> BoxFuture<'_, Reply> {
        Box::pin(async move { self.0.serve(request).await })
    }
}
