//! Client-side limits that mirror the portal's: the leaky bucket of
//! requests, and each method's time budget (`operating`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// The portal's request-rate limit: a leaky bucket that holds `burst`
/// requests and drains `per_second` of them each second.
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

/// The leaky bucket: each request reserves a slot; once the bucket is
/// full, a request waits until enough has drained.
#[derive(Debug)]
pub(crate) struct Bucket {
    limit: RateLimit,
    state: Mutex<Level>,
}

#[derive(Debug)]
struct Level {
    /// Requests in the bucket at `at`, including reserved ones.
    level: f64,
    at: Instant,
}

impl Bucket {
    pub(crate) fn new(limit: RateLimit) -> Bucket {
        Bucket {
            limit,
            state: Mutex::new(Level {
                level: 0.0,
                at: Instant::now(),
            }),
        }
    }

    /// How full the client lets the bucket get: one request short of the
    /// portal's burst. Requests that leave in order can arrive a few
    /// milliseconds apart the other way round; a bucket filled to the brim
    /// would then meet `QUERY_LIMIT_EXCEEDED`. One request of headroom absorbs
    /// that jitter for the price of one request's wait.
    fn capacity(&self) -> f64 {
        f64::from(self.limit.burst.saturating_sub(1).max(1))
    }

    fn drain(&self, state: &mut Level, now: Instant) {
        let elapsed = now.saturating_duration_since(state.at).as_secs_f64();
        state.level = (state.level - elapsed * self.limit.per_second).max(0.0);
        state.at = now;
    }

    /// Reserves a slot for one request and returns how long to wait before sending it.
    pub(crate) fn reserve(&self) -> Duration {
        if !self.limit.per_second.is_finite() {
            return Duration::ZERO;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        self.drain(&mut state, now);
        state.level += 1.0;
        let over = state.level - self.capacity();
        if over <= 0.0 || self.limit.per_second <= 0.0 {
            Duration::ZERO
        } else {
            // A millisecond late rather than a rounding early: the portal refuses early ones.
            Duration::from_secs_f64(over / self.limit.per_second) + SLOT_SLACK
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

    /// The portal said the bucket is full (`QUERY_LIMIT_EXCEEDED`): from now on
    /// pace requests at the drain rate.
    pub(crate) fn saturate(&self) {
        if !self.limit.per_second.is_finite() {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        self.drain(&mut state, now);
        state.level = state.level.max(self.capacity());
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
            // Blocked again after waiting (or no reset known): the next basket.
            (Some(reset), Some(_)) => reset.max(now + fallback),
            (None, _) => now + fallback,
        };
        // A reset time that has passed is spent: the next block waits a basket.
        budget.reset_at = None;
        budget.blocked_until = Some(until);
        until
    }

    /// Until when calls to `method` must wait, if they must.
    pub(crate) fn blocked_until(&self, method: &str) -> Option<Instant> {
        let methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        methods
            .get(method)
            .and_then(|b| b.blocked_until)
            .filter(|t| *t > Instant::now())
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
    async fn the_bucket_lets_a_burst_through_then_paces() {
        // A burst of 4 lets 3 through at once: one request is kept as headroom.
        let bucket = Bucket::new(RateLimit::new(4, 2.0));
        for _ in 0..3 {
            assert_eq!(bucket.reserve(), Duration::ZERO);
        }
        assert_eq!(bucket.reserve(), Duration::from_millis(500) + SLOT_SLACK);
        assert_eq!(bucket.reserve(), Duration::from_millis(1000) + SLOT_SLACK);
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(bucket.reserve(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn saturating_paces_at_the_drain_rate() {
        let bucket = Bucket::new(RateLimit::new(50, 4.0));
        assert_eq!(bucket.reserve(), Duration::ZERO);
        bucket.saturate();
        assert_eq!(bucket.reserve(), Duration::from_millis(250) + SLOT_SLACK);
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
        // Blocked again with no new reset time: a whole basket.
        let again = operating.block("crm.item.list", None, BASKET) - Instant::now();
        assert!(again >= BASKET, "{again:?}");
    }
}
