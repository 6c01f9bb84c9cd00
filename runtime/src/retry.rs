//! When a call is sent again, and how long to wait first.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::{ApiVersion, Retry};

/// How often and how patiently calls are retried.
///
/// What is retried never depends on this policy, only how often: see
/// [`Client::call`](crate::Client::call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt, for each kind of failure.
    pub max_retries: u32,
    /// The first backoff; each retry doubles it.
    pub base_delay: Duration,
    /// The longest backoff.
    pub max_delay: Duration,
    /// The longest a call waits for its method's time budget
    /// (`OPERATION_TIME_LIMIT`) before it gives up and returns the error.
    pub max_operating_wait: Duration,
    /// How long a method refused with `OPERATION_TIME_LIMIT` waits when no
    /// reset time ahead is known (the portal's baskets last a minute).
    pub operating_retry: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_retries: 6,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(15),
            max_operating_wait: Duration::from_secs(11 * 60),
            operating_retry: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub const NEVER: RetryPolicy = RetryPolicy {
        max_retries: 0,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
        max_operating_wait: Duration::ZERO,
        operating_retry: Duration::ZERO,
    };

    /// The backoff before retry number `retry` (from 1): doubling from
    /// `base_delay`, capped at `max_delay`, the upper half jittered.
    pub fn backoff(&self, retry: u32) -> Duration {
        let doubled = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20))
            .min(self.max_delay);
        let half = doubled / 2;
        half + half.mul_f64(random_unit())
    }
}

/// Whether a call may be repeated when it may have run.
pub(crate) fn safe_to_repeat(retry: Retry, api: ApiVersion, marked_idempotent: bool) -> bool {
    marked_idempotent || api == ApiVersion::V3 || retry != Retry::Unsafe
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// 64 random bits: std's randomly keyed SipHash over a counter.
pub(crate) fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    hasher.finish()
}

fn random_unit() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A fresh `Idempotency-Key`: 128 random bits in hex.
pub(crate) fn idempotency_key() -> String {
    format!("{:016x}{:016x}", random_u64(), random_u64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        for _ in 0..100 {
            let first = policy.backoff(1);
            assert!(
                first >= Duration::from_millis(50) && first <= Duration::from_millis(100),
                "{first:?}"
            );
            let third = policy.backoff(3);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            assert!(policy.backoff(30) <= Duration::from_secs(1));
        }
    }

    #[test]
    fn what_is_safe_to_repeat() {
        assert!(safe_to_repeat(Retry::Read, ApiVersion::V2, false));
        assert!(safe_to_repeat(Retry::Idempotent, ApiVersion::V2, false));
        assert!(!safe_to_repeat(Retry::Unsafe, ApiVersion::V2, false));
        assert!(safe_to_repeat(Retry::Unsafe, ApiVersion::V2, true));
        assert!(safe_to_repeat(Retry::Unsafe, ApiVersion::V3, false));
    }

    #[test]
    fn idempotency_keys_are_distinct_printable_ascii() {
        let a = idempotency_key();
        let b = idempotency_key();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }
}
