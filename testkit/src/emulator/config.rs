//! How an [`Emulator`](super::Emulator) behaves: limits, faults, credentials.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// The emulator's settings. [`Config::default`] is a well-behaved portal:
/// the standard plan's rate limit (burst 50, 2 per second), no operating
/// limit, no faults, a fixed webhook and OAuth application.
#[derive(Debug, Clone)]
pub struct Config {
    /// The leaky bucket in front of every REST request; `None` turns it off.
    pub rate_limit: Option<RateLimit>,
    /// How the bucket drains: once a second as the portal documents
    /// (default), or continuously.
    pub drain: Drain,
    /// One bucket per credential (webhook, OAuth application) instead of one
    /// for the whole portal. The portal counts per source address, so all
    /// loopback clients share one bucket by default.
    pub bucket_per_credential: bool,
    /// The per-method execution time budget; `None` never blocks (the
    /// `time.operating` figures are reported either way).
    pub operating: Option<OperatingLimit>,
    /// Faults injected into REST requests.
    pub faults: Faults,
    /// Seed of the random generator behind faults and jitter.
    pub seed: u64,
    /// The webhook's user id (the first path segment after `/rest/`).
    pub webhook_user: String,
    /// The webhook's secret key.
    pub webhook_key: String,
    /// The OAuth application.
    pub oauth: OAuthConfig,
    /// Items per list page (the portal's is 50).
    pub page_size: usize,
    /// Most commands one `batch` may hold (the portal's is 50).
    pub batch_limit: usize,
    /// Where the method pages are read from; `None` means the pages shipped
    /// with this crate.
    pub pages_dir: Option<PathBuf>,
    /// How events are delivered to bound handlers.
    pub events: EventDelivery,
    /// Keep every request for [`Emulator::requests`](super::Emulator::requests)
    /// (on by default; off for a portal that serves a long session).
    pub record_requests: bool,
}

/// How the emulator delivers an event to a bound handler: again after a
/// wait that doubles, while the handler cannot be reached or answers 5xx,
/// up to `attempts` in all. A 2xx ends it, and so does any other answer (a
/// handler's 4xx is its refusal: a forged or unwanted event is not sent
/// again). Every attempt is recorded ([`crate::emulator::Delivery`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDelivery {
    /// Attempts per event and handler, the first one included (at least 1).
    pub attempts: u32,
    /// The wait before the second attempt; doubled before each next one.
    pub retry_after: std::time::Duration,
}

impl Default for EventDelivery {
    fn default() -> EventDelivery {
        EventDelivery {
            attempts: 3,
            retry_after: std::time::Duration::from_millis(200),
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            rate_limit: Some(RateLimit::STANDARD),
            drain: Drain::default(),
            bucket_per_credential: false,
            operating: None,
            faults: Faults::default(),
            seed: 0x05ee_db24,
            webhook_user: "1".into(),
            webhook_key: "emulatorwebhookkey42".into(),
            oauth: OAuthConfig::default(),
            page_size: 50,
            batch_limit: 50,
            pages_dir: None,
            events: EventDelivery::default(),
            record_requests: true,
        }
    }
}

impl Config {
    /// No rate limit, no operating limit, no faults: for tests about data.
    pub fn unlimited() -> Config {
        Config {
            rate_limit: None,
            ..Config::default()
        }
    }

    /// Sets the leaky bucket: `burst` requests at once, drained at `per_second`.
    pub fn rate_limit(mut self, burst: u32, per_second: f64) -> Config {
        self.rate_limit = Some(RateLimit { burst, per_second });
        self
    }

    /// Sets how the bucket drains.
    pub fn drain(mut self, drain: Drain) -> Config {
        self.drain = drain;
        self
    }

    /// Turns the leaky bucket off.
    pub fn no_rate_limit(mut self) -> Config {
        self.rate_limit = None;
        self
    }

    /// Sets the operating limit.
    pub fn operating(mut self, limit: OperatingLimit) -> Config {
        self.operating = Some(limit);
        self
    }

    /// Sets the faults.
    pub fn faults(mut self, faults: Faults) -> Config {
        self.faults = faults;
        self
    }

    /// Sets how events are delivered: `attempts` in all (at least 1), the
    /// first retry after `retry_after`, each next one after twice the wait.
    pub fn event_delivery(mut self, attempts: u32, retry_after: std::time::Duration) -> Config {
        self.events = EventDelivery {
            attempts: attempts.max(1),
            retry_after,
        };
        self
    }

    /// Keeps every request received, or none.
    pub fn record_requests(mut self, record: bool) -> Config {
        self.record_requests = record;
        self
    }

    /// Sets the random seed.
    pub fn seed(mut self, seed: u64) -> Config {
        self.seed = seed;
        self
    }

    /// Reads method pages from `dir` instead of the shipped ones.
    pub fn pages_dir(mut self, dir: impl Into<PathBuf>) -> Config {
        self.pages_dir = Some(dir.into());
        self
    }

    /// Sets how long an access token lives.
    pub fn access_token_ttl(mut self, ttl: Duration) -> Config {
        self.oauth.access_token_ttl = ttl;
        self
    }
}

/// The portal's leaky bucket: each request adds one; the counter drops by
/// `per_second` (see [`Drain`]); a request that finds it at `burst` gets
/// `503 QUERY_LIMIT_EXCEEDED` and is not run (the counter never exceeds `burst`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Requests accepted at once from an empty bucket (`X` in the docs).
    pub burst: u32,
    /// Drain rate in requests per second (`Y` in the docs).
    pub per_second: f64,
}

impl RateLimit {
    /// Every plan but Enterprise: 50 at once, 2 per second.
    pub const STANDARD: RateLimit = RateLimit {
        burst: 50,
        per_second: 2.0,
    };
    /// Enterprise: 250 at once, 5 per second.
    pub const ENTERPRISE: RateLimit = RateLimit {
        burst: 250,
        per_second: 5.0,
    };
}

/// How the bucket's counter drops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Drain {
    /// As the portal documents it: by `per_second` once per second, at
    /// `phase` past each whole second since the emulator started. The default
    /// phase is zero: a burst sent right after the start waits a whole second
    /// for its first drain, the worst case for a client.
    EverySecond {
        /// When in each second the counter drops.
        phase: std::time::Duration,
    },
    /// Continuously, `per_second` spread evenly over each second (a looser
    /// portal than the documented one).
    Continuous,
}

impl Default for Drain {
    fn default() -> Drain {
        Drain::EverySecond {
            phase: std::time::Duration::ZERO,
        }
    }
}

/// The per-method time budget (`OPERATION_TIME_LIMIT`, status 429).
///
/// Each call of a method adds its cost to the basket of the current
/// `window / 10`; a basket leaves the sum `window` after it opened. A call that
/// finds the sum above `limit` is refused, the others go on.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatingLimit {
    /// The budget per method and credential (the portal's is several minutes).
    pub limit: Duration,
    /// How long a basket counts (the portal's is 10 minutes).
    pub window: Duration,
    /// What one call costs when `costs` does not name the method.
    pub default_cost: Duration,
    /// Cost per call of named methods.
    pub costs: HashMap<String, Duration>,
}

impl OperatingLimit {
    /// A budget of `limit` over `window`, every call costing `cost`.
    pub fn new(limit: Duration, window: Duration, cost: Duration) -> OperatingLimit {
        OperatingLimit {
            limit,
            window,
            default_cost: cost,
            costs: HashMap::new(),
        }
    }

    /// Sets the cost of one call of `method`.
    pub fn cost(mut self, method: &str, cost: Duration) -> OperatingLimit {
        self.costs.insert(method.to_ascii_lowercase(), cost);
        self
    }

    pub(crate) fn cost_of(&self, method: &str) -> Duration {
        self.costs.get(method).copied().unwrap_or(self.default_cost)
    }
}

/// Faults injected into REST requests that pass the rate limit. Each request
/// draws once from the seeded generator: with probability `error_500` it gets
/// a 500 and is not run; with `drop_before` the connection closes and the
/// call is not run; with `drop_after` the call is run (writes are applied)
/// and then the connection closes without an answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Probability of `500 INTERNAL_SERVER_ERROR` (the call is not run).
    pub error_500: f64,
    /// Probability of closing the connection before running the call.
    pub drop_before: f64,
    /// Probability of closing the connection after running the call.
    pub drop_after: f64,
    /// Added to every REST request before it is handled.
    pub latency: Duration,
    /// Up to this much more latency, drawn uniformly per request.
    pub latency_jitter: Duration,
    /// Time the portal works per command (a `batch` of 50 takes 50 times
    /// this), after the call ran and before the answer; requests overlap.
    pub latency_per_command: Duration,
}

impl Faults {
    /// No faults.
    pub fn none() -> Faults {
        Faults::default()
    }
}

/// The OAuth application the emulator knows.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthConfig {
    /// `client_id` of the application.
    pub client_id: String,
    /// `client_secret` of the application.
    pub client_secret: String,
    /// How long an access token lives (the portal's is an hour).
    pub access_token_ttl: Duration,
}

impl Default for OAuthConfig {
    fn default() -> OAuthConfig {
        OAuthConfig {
            client_id: "local.emulator.app".into(),
            client_secret: "emulator-client-secret".into(),
            access_token_ttl: Duration::from_secs(3600),
        }
    }
}
