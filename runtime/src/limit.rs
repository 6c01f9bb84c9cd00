//! Client-side limits that mirror the portal's: the leaky bucket of
//! requests, and each method's time budget (`operating`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

pub(crate) mod inflight;
mod ticks;

use ticks::Ticks;

/// The portal's request-rate limit: a leaky bucket that holds `burst`
/// requests and drops by `per_second` once per second (a whole-second drain,
/// as documented; the client does not know at which moment of the second, so
/// it counts only the drain that is certain).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// How many requests may go at once (the portal's `X`).
    pub burst: u32,
    /// How many requests per second may go on for ever (the portal's `Y`).
    pub per_second: f64,
}

impl RateLimit {
    /// Every plan but Enterprise: 50 at once, 2 per second.
    pub const STANDARD: RateLimit = RateLimit {
        burst: 50,
        per_second: 2.0,
    };
    /// Enterprise plans: 250 at once, 5 per second.
    pub const ENTERPRISE: RateLimit = RateLimit {
        burst: 250,
        per_second: 5.0,
    };
    /// No client-side limit (the portal's own still applies).
    pub const UNLIMITED: RateLimit = RateLimit {
        burst: u32::MAX,
        per_second: f64::INFINITY,
    };

    /// A custom limit.
    pub const fn new(burst: u32, per_second: f64) -> RateLimit {
        RateLimit { burst, per_second }
    }
}

impl Default for RateLimit {
    fn default() -> RateLimit {
        RateLimit::STANDARD
    }
}

/// How much later than its slot a paced request goes.
const SLOT_SLACK: Duration = Duration::from_millis(1);

/// The leaky bucket as the portal documents it: the counter drops by
/// `per_second` once per second (not continuously), at a moment of the second
/// the client cannot see. Each request reserves a slot; a request waits until
/// the counter is certainly below the burst whatever that moment is (see
/// [`ticks`]). A `QUERY_LIMIT_EXCEEDED` (another application on the same
/// portal) fills the model and keeps one request more of headroom from then on.
#[derive(Debug)]
pub(crate) struct Bucket {
    limit: RateLimit,
    state: Mutex<Level>,
}

#[derive(Debug)]
struct Level {
    /// The counter's bound over every phase, in seconds since `epoch`.
    ticks: Ticks,
    epoch: Instant,
    /// The latest slot handed out, in seconds since `epoch` (slots go in order).
    cursor: f64,
    /// Requests of headroom learnt from refusals.
    learnt: u32,
}

/// Most headroom refusals can add, as a share of the burst.
const MAX_LEARNT_SHARE: u32 = 4;

impl Bucket {
    pub(crate) fn new(limit: RateLimit) -> Bucket {
        Bucket {
            limit,
            state: Mutex::new(Level {
                ticks: Ticks::new(limit.per_second),
                epoch: Instant::now(),
                cursor: 0.0,
                learnt: 0,
            }),
        }
    }

    /// How full the client lets the bucket get: the portal's burst, less
    /// what refusals taught. Jitter in arrival times is in the model
    /// ([`ticks::ARRIVAL_SPREAD`]), so no headroom is kept for it.
    fn capacity(&self, learnt: u32) -> f64 {
        f64::from(self.limit.burst.saturating_sub(learnt).max(1))
    }

    fn paced(&self) -> bool {
        self.limit.per_second.is_finite() && self.limit.per_second > 0.0
    }

    /// Reserves a slot for one request and returns how long to wait before sending it.
    pub(crate) fn reserve(&self) -> Duration {
        if !self.paced() {
            return Duration::ZERO;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now()
            .saturating_duration_since(state.epoch)
            .as_secs_f64();
        let capacity = self.capacity(state.learnt);
        let mut t = now.max(state.cursor);
        loop {
            state.ticks.advance(t);
            if state.ticks.level() + 1.0 <= capacity + 1e-9 {
                break;
            }
            t = state.ticks.next_fall(t);
        }
        state.ticks.add(1.0);
        state.cursor = t;
        if t <= now {
            Duration::ZERO
        } else {
            // A millisecond late rather than a rounding early: the portal refuses early ones.
            Duration::from_secs_f64(t - now) + SLOT_SLACK
        }
    }

    /// Waits for a slot.
    pub(crate) async fn acquire(&self) {
        let wait = self.reserve();
        if !wait.is_zero() {
            tracing::trace!(wait_ms = wait.as_millis() as u64, "rate limit: waiting");
            tokio::time::sleep(wait).await;
        }
    }

    /// The portal said the bucket is full (`QUERY_LIMIT_EXCEEDED`): someone
    /// else draws on it too. Fill the model, and keep one more request of
    /// headroom (up to a quarter of the burst).
    pub(crate) fn saturate(&self) {
        if !self.paced() {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now()
            .saturating_duration_since(state.epoch)
            .as_secs_f64();
        let t = now.max(state.cursor);
        state.ticks.advance(t);
        let most = self.limit.burst / MAX_LEARNT_SHARE;
        state.learnt = (state.learnt + 1).min(most);
        let capacity = self.capacity(state.learnt);
        state.ticks.fill(capacity);
    }

    /// The limit this bucket mirrors.
    pub(crate) fn limit(&self) -> RateLimit {
        self.limit
    }
}

/// The buckets in use, by portal, credential and limit: two clients for the
/// same portal and credential in one process share one bucket, as the
/// portal counts their requests together.
static BUCKETS: Mutex<Vec<(u64, std::sync::Weak<Bucket>)>> = Mutex::new(Vec::new());

/// The bucket for `identity` (a hash of portal and credential) and `limit`.
pub(crate) fn shared_bucket(identity: u64, limit: RateLimit) -> std::sync::Arc<Bucket> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    identity.hash(&mut hasher);
    limit.burst.hash(&mut hasher);
    limit.per_second.to_bits().hash(&mut hasher);
    let key = hasher.finish();
    let mut buckets = BUCKETS.lock().unwrap_or_else(|e| e.into_inner());
    buckets.retain(|(_, bucket)| bucket.strong_count() > 0);
    if let Some(bucket) = buckets
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, b)| b.upgrade())
    {
        return bucket;
    }
    let bucket = std::sync::Arc::new(Bucket::new(limit));
    buckets.push((key, std::sync::Arc::downgrade(&bucket)));
    bucket
}

/// Each method's time budget: when the portal last said its oldest basket
/// resets, and until when the method is blocked.
#[derive(Debug, Default)]
pub(crate) struct Operating {
    methods: Mutex<HashMap<String, Budget>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Budget {
    /// `operating_reset_at` from the last response, as Unix time.
    reset_at: Option<f64>,
    /// `operating` from the last response, in seconds.
    operating: Option<f64>,
    /// Calls to the method wait until then.
    blocked_until: Option<Instant>,
}

/// The documented budget of each method: 480 s of work per 10 minutes.
pub(crate) const OPERATING_BUDGET: f64 = 480.0;
/// Past this share of the budget, calls wait for the oldest basket's reset
/// rather than risk `OPERATION_TIME_LIMIT` (a call can cost tens of seconds).
const OPERATING_SHARE: f64 = 0.9;

/// How long past `operating_reset_at` to wait, so the basket is surely gone.
const RESET_SLACK: Duration = Duration::from_millis(500);

impl Operating {
    /// Notes the `time` object of a response to `method`.
    pub(crate) fn record(&self, method: &str, time: &serde_json::Value) {
        let number = |key: &str| {
            time.get(key)
                .and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok()))
        };
        let (reset_at, operating) = (number("operating_reset_at"), number("operating"));
        if reset_at.is_none() && operating.is_none() {
            return;
        }
        let mut methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        if !methods.contains_key(method) {
            methods.insert(method.to_string(), Budget::default());
        }
        let Some(budget) = methods.get_mut(method) else {
            return;
        };
        if reset_at.is_some() {
            budget.reset_at = reset_at;
        }
        if operating.is_some() {
            budget.operating = operating;
        }
    }

    /// The portal refused `method` with `OPERATION_TIME_LIMIT`; `time` is the
    /// error response's `time`, if it had one. Returns until when the method waits.
    pub(crate) fn block(
        &self,
        method: &str,
        time: Option<&serde_json::Value>,
        fallback: Duration,
    ) -> Instant {
        if let Some(time) = time {
            self.record(method, time);
        }
        let now = Instant::now();
        let mut methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        let budget = methods.entry(method.to_string()).or_default();
        let from_reset = budget
            .reset_at
            .and_then(until_unix)
            .map(|d| now + d + RESET_SLACK);
        let already = budget.blocked_until.filter(|t| *t > now);
        let until = match (from_reset, already) {
            // The reset the portal announced is still ahead: wait for it.
            (Some(reset), None) => reset,
            // Refused again while a block is in force (commands of one
            // batch, calls in flight together): the block holds, and is
            // never moved earlier; a reset announced now may move it later.
            (Some(reset), Some(blocked)) => reset.max(blocked),
            (None, Some(blocked)) => blocked,
            // Refused after the wait (or with no reset known): the next basket.
            (None, None) => now + fallback,
        };
        // A reset time that has passed is spent: the next block waits a basket.
        budget.reset_at = None;
        budget.blocked_until = Some(until);
        until
    }

    /// Until when calls to `method` must wait, if they must: blocked by the
    /// portal, or so near the documented budget ([`OPERATING_BUDGET`]) that
    /// the next calls could cross it, until the oldest basket resets.
    pub(crate) fn blocked_until(&self, method: &str) -> Option<Instant> {
        let methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        let budget = methods.get(method)?;
        let now = Instant::now();
        let blocked = budget.blocked_until.filter(|t| *t > now);
        let near = budget
            .operating
            .filter(|spent| *spent >= OPERATING_BUDGET * OPERATING_SHARE)
            .and(budget.reset_at)
            .and_then(until_unix)
            .map(|d| now + d + RESET_SLACK);
        blocked.max(near)
    }

    /// The last `operating` the portal reported for `method`.
    pub(crate) fn operating(&self, method: &str) -> Option<f64> {
        let methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        methods.get(method).and_then(|b| b.operating)
    }
}

/// How long until a Unix time, if it is ahead.
fn until_unix(at: f64) -> Option<Duration> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_secs_f64();
    (at > now).then(|| Duration::from_secs_f64(at - now))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASKET: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn the_bucket_lets_a_burst_through_then_a_drain_each_whole_second() {
        let bucket = Bucket::new(RateLimit::new(4, 2.0));
        for _ in 0..4 {
            assert_eq!(bucket.reserve(), Duration::ZERO);
        }
        // The drain may have ticked just before the burst: the next surely
        // comes a second later, and takes 2.
        let second = |wait: Duration, n: f64| {
            let s = wait.as_secs_f64();
            assert!(s >= n && s <= n + 0.1, "{wait:?} for tick {n}");
        };
        second(bucket.reserve(), 1.0);
        second(bucket.reserve(), 1.0);
        second(bucket.reserve(), 2.0);
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(bucket.reserve(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_fills_the_model_and_adds_headroom() {
        let bucket = Bucket::new(RateLimit::new(50, 4.0));
        assert_eq!(bucket.reserve(), Duration::ZERO);
        bucket.saturate();
        let wait = bucket.reserve().as_secs_f64();
        assert!((1.0..1.1).contains(&wait), "{wait}");
        let state = bucket.state.lock().unwrap();
        assert_eq!(state.learnt, 1);
        assert_eq!(bucket.capacity(state.learnt), 49.0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_method_near_its_budget_waits_for_the_reset_before_it_is_refused() {
        let operating = Operating::default();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        operating.record(
            "crm.lead.list",
            &serde_json::json!({"operating": 300.0, "operating_reset_at": now + 30.0}),
        );
        assert!(operating.blocked_until("crm.lead.list").is_none());
        operating.record(
            "crm.lead.list",
            &serde_json::json!({"operating": 440.0, "operating_reset_at": now + 30.0}),
        );
        let wait = operating.blocked_until("crm.lead.list").unwrap() - Instant::now();
        assert!(
            wait > Duration::from_secs(29) && wait < Duration::from_secs(32),
            "{wait:?}"
        );
        assert!(operating.blocked_until("crm.item.list").is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn a_blocked_method_waits_for_its_reset_and_others_do_not() {
        let operating = Operating::default();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        operating.record(
            "crm.item.list",
            &serde_json::json!({"operating": 470.5, "operating_reset_at": now + 5.0}),
        );
        assert_eq!(operating.operating("crm.item.list"), Some(470.5));
        let until = operating.block("crm.item.list", None, BASKET);
        let wait = until - Instant::now();
        assert!(
            wait > Duration::from_secs(4) && wait < Duration::from_secs(7),
            "{wait:?}"
        );
        assert!(operating.blocked_until("crm.item.list").is_some());
        assert!(operating.blocked_until("crm.lead.list").is_none());
        // Refused again while the block holds (another command of the same
        // batch): the block stays where the reset put it, never earlier.
        let same = operating.block("crm.item.list", None, BASKET);
        assert_eq!(same, until);
        // Blocked again after the wait, with no new reset time: a whole basket.
        tokio::time::advance(wait + Duration::from_millis(1)).await;
        let again = operating.block("crm.item.list", None, BASKET) - Instant::now();
        assert!(again >= BASKET, "{again:?}");
    }
}
