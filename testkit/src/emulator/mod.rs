//! An in-memory portal that speaks the Bitrix24 REST protocol.
//!
//! ```no_run
//! # async fn demo() {
//! use bitrix24_testkit::emulator::{Config, Emulator, Entity, Faults};
//! use serde_json::json;
//!
//! let portal = Emulator::start(
//!     Config::default()
//!         .rate_limit(50, 20.0)
//!         .faults(Faults { error_500: 0.1, drop_before: 0.025, drop_after: 0.025, ..Faults::none() })
//!         .seed(7),
//! )
//! .await
//! .unwrap();
//! portal.insert(Entity::Lead, json!({"TITLE": "Seeded"}));
//! // ... point the client under test at portal.webhook_url() ...
//! let counters = portal.counters();
//! assert_eq!(counters.query_limit_exceeded, 0);
//! # }
//! ```
//!
//! What it emulates:
//! - `crm.lead|contact|deal.add/get/list/update/delete/fields` and
//!   `crm.lead|deal.contact.items.get/set/delete`, on records kept in memory;
//! - `batch` (at most 50 commands, `halt`, `$result[name][...]` references,
//!   `$result_total`/`$result_next`);
//! - list paging: `start` rounded down to a page of 50, `total`, `next`; with
//!   `start=-1` no `total` or `next` (walk by a `>ID` filter ordered by ID);
//! - webhook auth (`/rest/USER/KEY/method`) and OAuth (`auth` parameter) with
//!   access tokens that expire (`401 expired_token`) and `/oauth/token/` to
//!   renew them (refresh tokens are single use);
//! - the leaky bucket (`503 QUERY_LIMIT_EXCEEDED`), drained by `Y` once per
//!   second as the portal documents it ([`Drain`]; a continuous drain is an
//!   option), and the per-method
//!   operating budget (`429 OPERATION_TIME_LIMIT`; `time.operating` and
//!   `time.operating_reset_at` in each successful answer);
//! - faults from a seeded generator: 500s, connections dropped before or after
//!   the call ran, latency;
//! - events: `event.bind/unbind/get` record loopback handlers; lead, deal
//!   and contact add, update and delete POST `ONCRM*` to them form-encoded with `auth`
//!   (fresh tokens, `member_id`, the application token), or queue them for
//!   `event.offline.get`; [`Emulator::install_app`] / [`Emulator::uninstall_app`];
//! - request checks against the method pages in `pages/`, read with
//!   `bitrix24_codegen` at start (`400 INVALID_ARG_VALUE` when a required
//!   parameter is missing or has the wrong shape; `404 ERROR_METHOD_NOT_FOUND`
//!   for a method without a page). `batch` has no page (the page reader wants a
//!   dotted method name); its own parameters are checked in code.
//!
//! The order of checks is the portal's: authentication, then the rate limit,
//! then faults, then the method.
//!
//! What a test adds:
//! - every request is recorded ([`Emulator::requests`]), with the order of
//!   a batch's commands ([`RecordedRequest::batch_commands`]);
//! - a hook sees each request first ([`Emulator::on_request`]): it may change
//!   the records, slow the request down or answer in the portal's place (a
//!   fault at an exact request rather than a drawn one);
//! - methods of its own ([`Emulator::define`]), which get `batch`, limits
//!   and faults from the emulator, also at the REST 3.0 address;
//! - records at the IDs it chooses ([`Emulator::insert_with_id`]).
//!
//! Choices where the docs leave room:
//! - errors are `400 INVALID_ARG_VALUE` (bad or missing parameter) and
//!   `400 NOT_FOUND` (no such record); error answers carry no `time`;
//! - records come back as a portal sends them: IDs and numbers as text, flags
//!   as `Y`/`N`, dates as `YYYY-MM-DDTHH:MM:SS+00:00`, unset fields as `null`;
//!   unknown fields in `fields` are ignored, `UF_*` fields are kept;
//! - a list without `select` (or with `*`) returns every single-valued field;
//!   with `select`, only the fields named; without `order`, ID order;
//! - batch commands run in the order the request lists them (read from the
//!   raw body), but the priority among several `order` keys is alphabetical;
//! - one leaky bucket for the whole portal, since the portal counts per source
//!   address ([`Config::bucket_per_credential`] splits it); the operating
//!   budget is per credential and method, a call costing its configured cost
//!   or else its real running time;
//! - faults are drawn in arrival order, so runs repeat exactly for sequential
//!   clients; with concurrent requests the arrival order may vary.

mod auth;
mod batch;
mod clock;
mod config;
mod crm;
mod events;
mod filter;
mod limits;
mod outcome;
mod portal;
mod rng;
mod script;
mod spec;

use std::sync::Arc;

use serde_json::{Map, Value};

pub use auth::Tokens;
pub use config::{Config, Drain, EventDelivery, Faults, OAuthConfig, OperatingLimit, RateLimit};
pub use crm::{Binding, Entity};
pub use events::Delivery;
pub use outcome::{Done, Fail};
pub use portal::Counters;
pub use script::{Intercept, Records};
pub use spec::shipped_pages;

use crate::recorded::RecordedRequest;
use crate::server::Server;
use portal::{Portal, PortalHandler};
use spec::Specs;

/// The emulator could not start.
#[derive(Debug)]
pub enum StartError {
    /// A method page could not be read or parsed (every problem, one a line).
    Pages(String),
    /// No loopback port could be bound.
    Bind(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Pages(problems) => {
                write!(f, "the emulator's method pages are broken:\n{problems}")
            }
            StartError::Bind(error) => write!(f, "cannot bind 127.0.0.1:0: {error}"),
        }
    }
}

impl std::error::Error for StartError {}

/// A running emulated portal on `127.0.0.1`. Stops when dropped.
pub struct Emulator {
    server: Server,
    portal: Arc<Portal>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.server.addr())
            .finish()
    }
}

impl Emulator {
    /// Reads the method pages and starts serving on a free loopback port.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub async fn start(config: Config) -> Result<Emulator, StartError> {
        let dir = config.pages_dir.clone().unwrap_or_else(shipped_pages);
        let specs = Specs::load(&dir).map_err(StartError::Pages)?;
        let portal = Arc::new(Portal::new(config, specs));
        let server = Server::start(Arc::new(PortalHandler(portal.clone())))
            .await
            .map_err(StartError::Bind)?;
        let _ = portal.origin.set(server.origin());
        Ok(Emulator { server, portal })
    }

    /// `http://127.0.0.1:PORT/rest/USER/KEY/`: the base of webhook calls.
    pub fn webhook_url(&self) -> String {
        let config = &self.portal.config;
        format!(
            "{}/rest/{}/{}/",
            self.server.origin(),
            config.webhook_user,
            config.webhook_key
        )
    }

    /// `http://127.0.0.1:PORT/rest/`: the base of OAuth calls (`client_endpoint`).
    pub fn oauth_url(&self) -> String {
        format!("{}/rest/", self.server.origin())
    }

    /// `http://127.0.0.1:PORT/oauth/token/`: the token renewal endpoint.
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token/", self.server.origin())
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn origin(&self) -> String {
        self.server.origin()
    }

    /// The settings it was started with (faults and the rate limit may have
    /// been changed since with [`Emulator::set_faults`] and
    /// [`Emulator::set_rate_limit`]).
    pub fn config(&self) -> &Config {
        &self.portal.config
    }

    /// The methods it knows (those with a page), sorted.
    pub fn methods(&self) -> Vec<String> {
        self.portal.specs.names().map(str::to_string).collect()
    }

    /// Issues a fresh OAuth token pair, as the first authorization would.
    pub fn issue_tokens(&self) -> Tokens {
        let ttl = self.portal.config.oauth.access_token_ttl;
        self.portal.lock().auth.issue(ttl)
    }

    /// Makes every access token issued so far expire now.
    pub fn expire_access_tokens(&self) {
        self.portal.lock().auth.expire_all();
    }

    /// A snapshot of the counters.
    pub fn counters(&self) -> Counters {
        self.portal.lock().counters.clone()
    }

    /// Sets every counter back to zero.
    pub fn reset_counters(&self) {
        self.portal.lock().counters = Counters::default();
    }

    /// Changes the injected faults from the next request on.
    pub fn set_faults(&self, faults: Faults) {
        self.portal.lock().faults = faults;
    }

    /// Changes (or with `None` turns off) the leaky bucket from the next
    /// request on.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.portal.lock().rate_limit = limit;
    }

    /// Blocks (or unblocks) the whole REST API with `503 OVERLOAD_LIMIT`, the
    /// portal's manual block that a client must not retry.
    pub fn set_overloaded(&self, overloaded: bool) {
        self.portal.lock().overloaded = overloaded;
    }

    /// Stores a record directly (no request, no limits) and returns its ID.
    /// `fields` is an object of field values, as `crm.*.add` takes.
    pub fn insert(&self, entity: Entity, fields: Value) -> i64 {
        let fields = match fields {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        self.portal.lock().crm.add(entity, &fields)
    }

    /// Stores `count` records made by `fields(index)`; returns their IDs.
    pub fn insert_many(
        &self,
        entity: Entity,
        count: usize,
        fields: impl Fn(usize) -> Value,
    ) -> Vec<i64> {
        let mut state = self.portal.lock();
        (0..count)
            .map(|index| match fields(index) {
                Value::Object(map) => state.crm.add(entity, &map),
                _ => state.crm.add(entity, &Map::new()),
            })
            .collect()
    }

    /// Stores a record under `id` (no request, no limits), as if the portal
    /// had given it that ID: for sparse or very large IDs. Later records get
    /// IDs above it. `false` (and nothing stored) when `id` is not positive
    /// or is taken.
    pub fn insert_with_id(&self, entity: Entity, id: i64, fields: Value) -> bool {
        let fields = script::object(fields);
        self.portal.lock().crm.add_with_id(entity, id, &fields)
    }

    /// Deletes a record and its contact links (no request); `false` when
    /// there is none.
    pub fn remove(&self, entity: Entity, id: i64) -> bool {
        self.portal.lock().crm.remove(entity, id)
    }

    /// A stored record, as `crm.*.get` answers it.
    pub fn record(&self, entity: Entity, id: i64) -> Option<Value> {
        self.portal
            .lock()
            .crm
            .get(entity, id)
            .cloned()
            .map(Value::Object)
    }

    /// Every stored record of a type, in ID order.
    pub fn records(&self, entity: Entity) -> Vec<Value> {
        self.portal
            .lock()
            .crm
            .all(entity)
            .cloned()
            .map(Value::Object)
            .collect()
    }

    /// How many records of a type are stored.
    pub fn count(&self, entity: Entity) -> usize {
        self.portal.lock().crm.count(entity)
    }

    /// The contact links of a lead or deal, in sort order.
    pub fn bindings(&self, owner: Entity, id: i64) -> Vec<Binding> {
        self.portal.lock().crm.bindings(owner, id)
    }

    /// Every request received so far (REST and `/oauth/token/`), in arrival
    /// order; empty when [`Config::record_requests`] is off.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.portal.lock().script.requests.clone()
    }

    /// The requests received for one REST method (`crm.lead.add`, `batch`)
    /// or non-REST path (`/oauth/token/`).
    pub fn requests_for(&self, method: &str) -> Vec<RecordedRequest> {
        let state = self.portal.lock();
        let wanted = |r: &&RecordedRequest| {
            r.method_path == method
                || (!method.starts_with('/') && r.method_path.eq_ignore_ascii_case(method))
        };
        state
            .script
            .requests
            .iter()
            .filter(wanted)
            .cloned()
            .collect()
    }

    /// Runs `hook` on every request (REST and `/oauth/token/`) before the
    /// portal handles it, in place of any earlier hook. The hook sees the
    /// request and the portal's [`Records`] (to change them as another user
    /// would between two requests) and decides: [`Intercept::Pass`], a
    /// [`Intercept::Delay`] first, or an [`Intercept::Answer`] sent instead.
    ///
    /// It runs under the portal's lock: it must not block, and must not
    /// call this emulator.
    pub fn on_request(
        &self,
        hook: impl Fn(&RecordedRequest, &mut Records<'_>) -> Intercept + Send + Sync + 'static,
    ) {
        self.portal.lock().script.hook = Some(Arc::new(hook));
    }

    /// Answers `method` (lower case, e.g. `crm.item.list`) with `run`, in
    /// place of the emulator's own method if it has one: for methods it
    /// does not implement, or a portal whose method misbehaves. `run` gets
    /// the call's parameters (references resolved inside a `batch`) and
    /// answers a [`Done`] or a [`Fail`]. A defined method goes through
    /// everything else as any other: auth, limits, faults, `batch`, the
    /// operating budget, and is also answered at the REST 3.0 address
    /// (`/rest/api/...`). It is not checked against a page. `batch` cannot
    /// be defined.
    ///
    /// `run` runs under the portal's lock: it must not block, and must not
    /// call this emulator.
    pub fn define(
        &self,
        method: &str,
        run: impl Fn(&Map<String, Value>) -> Result<Done, Fail> + Send + Sync + 'static,
    ) {
        self.portal
            .lock()
            .script
            .defined
            .insert(method.to_ascii_lowercase(), Arc::new(run));
    }
}
