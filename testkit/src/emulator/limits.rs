//! The portal's two limits: the leaky bucket on HTTP requests and the
//! per-method operating time budget.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

use super::config::{Drain, OperatingLimit, RateLimit};

/// One leaky bucket.
#[derive(Debug, Clone)]
pub struct Bucket {
    level: f64,
    updated: Instant,
}

impl Bucket {
    fn new(now: Instant) -> Bucket {
        Bucket {
            level: 0.0,
            updated: now,
        }
    }

    /// Drains for the time passed, then admits one request if it fits.
    fn admit(&mut self, limit: RateLimit, drain: Drain, epoch: Instant, now: Instant) -> bool {
        let drained = match drain {
            Drain::Continuous => {
                now.saturating_duration_since(self.updated).as_secs_f64() * limit.per_second
            }
            Drain::EverySecond { phase } => {
                let ticks = |at: Instant| {
                    let since = at.saturating_duration_since(epoch + phase);
                    if at < epoch + phase {
                        0
                    } else {
                        since.as_secs() + 1
                    }
                };
                (ticks(now) - ticks(self.updated)) as f64 * limit.per_second
            }
        };
        self.level = (self.level - drained).max(0.0);
        self.updated = now;
        // A tiny tolerance so a client pacing exactly at the drain rate is
        // not refused by float rounding.
        if self.level + 1.0 > f64::from(limit.burst) + 1e-6 {
            false
        } else {
            self.level += 1.0;
            true
        }
    }
}

/// Buckets per credential.
#[derive(Debug)]
pub struct Buckets {
    buckets: HashMap<String, Bucket>,
    drain: Drain,
    /// Whole seconds of [`Drain::EverySecond`] count from here.
    epoch: Instant,
}

impl Default for Buckets {
    fn default() -> Buckets {
        Buckets::new(Drain::default())
    }
}

impl Buckets {
    /// Empty buckets that drain as `drain` says, seconds counted from now.
    pub fn new(drain: Drain) -> Buckets {
        Buckets {
            buckets: HashMap::new(),
            drain,
            epoch: Instant::now(),
        }
    }

    /// Whether `identity` may make one more request now.
    pub fn admit(&mut self, identity: &str, limit: RateLimit) -> bool {
        let now = Instant::now();
        let (drain, epoch) = (self.drain, self.epoch);
        self.buckets
            .entry(identity.to_string())
            .or_insert_with(|| Bucket::new(now))
            .admit(limit, drain, epoch, now)
    }
}

/// One basket of accumulated time.
#[derive(Debug, Clone)]
struct Basket {
    opened: Instant,
    opened_unix: f64,
    spent: Duration,
}

/// Operating time per credential and method.
#[derive(Debug, Default)]
pub struct Operating {
    baskets: HashMap<(String, String), VecDeque<Basket>>,
}

/// Where a method stands against its budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// Accumulated seconds in the live baskets.
    pub operating: f64,
    /// Unix time when the oldest live basket leaves the sum.
    pub reset_at: u64,
    /// The method is over budget: the call must be refused.
    pub blocked: bool,
}

impl Operating {
    /// The standing of `method` for `identity` before a call.
    pub fn check(
        &mut self,
        identity: &str,
        method: &str,
        limit: Option<&OperatingLimit>,
    ) -> Standing {
        let window = limit.map(|l| l.window).unwrap_or(Duration::from_secs(600));
        let now = Instant::now();
        let key = (identity.to_string(), method.to_string());
        let baskets = self.baskets.entry(key).or_default();
        while baskets
            .front()
            .is_some_and(|b| now.saturating_duration_since(b.opened) >= window)
        {
            baskets.pop_front();
        }
        let spent: Duration = baskets.iter().map(|b| b.spent).sum();
        let reset_at = match baskets.front() {
            Some(oldest) => oldest.opened_unix + window.as_secs_f64(),
            None => unix_now() + window.as_secs_f64(),
        };
        Standing {
            operating: spent.as_secs_f64(),
            reset_at: reset_at.ceil() as u64,
            blocked: limit.is_some_and(|l| spent > l.limit),
        }
    }

    /// Adds the cost of a finished call, and returns the new standing.
    pub fn record(
        &mut self,
        identity: &str,
        method: &str,
        cost: Duration,
        limit: Option<&OperatingLimit>,
    ) -> Standing {
        let window = limit.map(|l| l.window).unwrap_or(Duration::from_secs(600));
        let basket_len = window / 10;
        let now = Instant::now();
        let key = (identity.to_string(), method.to_string());
        let baskets = self.baskets.entry(key).or_default();
        match baskets.back_mut() {
            Some(last) if now.saturating_duration_since(last.opened) < basket_len => {
                last.spent += cost
            }
            _ => baskets.push_back(Basket {
                opened: now,
                opened_unix: unix_now(),
                spent: cost,
            }),
        }
        self.check(identity, method, limit)
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_bucket_admits_a_burst_then_the_drain_rate() {
        let limit = RateLimit {
            burst: 3,
            per_second: 2.0,
        };
        let mut buckets = Buckets::new(Drain::Continuous);
        let admitted: Vec<bool> = (0..4).map(|_| buckets.admit("a", limit)).collect();
        assert_eq!(admitted, [true, true, true, false]);
        assert!(buckets.admit("b", limit), "buckets are per credential");
        tokio::time::advance(Duration::from_millis(500)).await;
        assert!(buckets.admit("a", limit));
        assert!(!buckets.admit("a", limit));
    }

    #[tokio::test(start_paused = true)]
    async fn the_documented_bucket_drains_once_a_second() {
        let limit = RateLimit {
            burst: 3,
            per_second: 2.0,
        };
        let mut buckets = Buckets::new(Drain::EverySecond {
            phase: Duration::from_millis(300),
        });
        tokio::time::advance(Duration::from_millis(100)).await;
        let admitted: Vec<bool> = (0..4).map(|_| buckets.admit("a", limit)).collect();
        assert_eq!(admitted, [true, true, true, false]);
        // Nothing drains between ticks, however long after the burst.
        tokio::time::advance(Duration::from_millis(150)).await;
        assert!(!buckets.admit("a", limit));
        // The tick at 0.3 s takes 2.
        tokio::time::advance(Duration::from_millis(60)).await;
        assert!(buckets.admit("a", limit));
        assert!(buckets.admit("a", limit));
        assert!(!buckets.admit("a", limit));
        // Not again until 1.3 s.
        tokio::time::advance(Duration::from_millis(980)).await;
        assert!(!buckets.admit("a", limit));
        tokio::time::advance(Duration::from_millis(20)).await;
        assert!(buckets.admit("a", limit));
    }

    #[tokio::test(start_paused = true)]
    async fn operating_blocks_over_the_limit_and_resets_with_the_window() {
        let limit = OperatingLimit::new(
            Duration::from_secs(2),
            Duration::from_secs(10),
            Duration::from_secs(1),
        );
        let mut operating = Operating::default();
        for _ in 0..3 {
            assert!(!operating.check("a", "m", Some(&limit)).blocked);
            operating.record("a", "m", Duration::from_secs(1), Some(&limit));
        }
        let standing = operating.check("a", "m", Some(&limit));
        assert!(standing.blocked);
        assert_eq!(standing.operating, 3.0);
        assert!(!operating.check("a", "other", Some(&limit)).blocked);
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(!operating.check("a", "m", Some(&limit)).blocked);
    }
}
