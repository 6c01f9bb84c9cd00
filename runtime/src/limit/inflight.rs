//! An adaptive limit on requests in flight, shared by every clone and task
//! of a client: it grows while the portal answers as fast as it did, and
//! halves when the portal pushes back (`QUERY_LIMIT_EXCEEDED`,
//! `OPERATION_TIME_LIMIT`) or its answers slow down. The bucket still decides
//! when a request may go; this decides how many may wait for answers at once.

use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;

/// How an answered request went, for the limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Outcome {
    /// Answered in this time.
    Answered(Duration),
    /// The portal refused for load: back off.
    PushedBack,
    /// Nothing to learn (no answer, or an answer that says nothing of load).
    Neutral,
}

/// Answers slower than this many times the fastest seen mean the portal is
/// queueing: the limit halves.
const SLOWER: f64 = 3.0;
/// Latency below this is noise, whatever the ratio.
const FLOOR: Duration = Duration::from_millis(20);

#[derive(Debug)]
struct State {
    limit: f64,
    running: usize,
    /// The fastest answer seen lately.
    best: Option<Duration>,
    /// Doubling until the first push back, then one more per limit's worth of answers.
    slow_start: bool,
}

/// The limit and the requests holding it.
#[derive(Debug)]
pub(crate) struct InFlight {
    state: Mutex<State>,
    freed: Notify,
    min: f64,
    max: f64,
}

impl InFlight {
    /// Starts at `start`, never below 1 nor above `max`.
    pub(crate) fn new(start: usize, max: usize) -> InFlight {
        let max = max.max(1) as f64;
        InFlight {
            state: Mutex::new(State {
                limit: (start.max(1) as f64).min(max),
                running: 0,
                best: None,
                slow_start: true,
            }),
            freed: Notify::new(),
            min: 1.0,
            max,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for room, and holds it until the permit is dropped or settled.
    pub(crate) async fn acquire(&self) -> Permit<'_> {
        loop {
            let freed = self.freed.notified();
            {
                let mut state = self.lock();
                if (state.running as f64) < state.limit.floor().max(self.min) {
                    state.running += 1;
                    return Permit {
                        gate: self,
                        settled: false,
                    };
                }
            }
            freed.await;
        }
    }

    /// The current limit (whole requests).
    #[cfg(test)]
    pub(crate) fn limit(&self) -> usize {
        self.lock().limit.floor() as usize
    }

    fn settle(&self, outcome: Outcome) {
        let mut state = self.lock();
        state.running = state.running.saturating_sub(1);
        match outcome {
            Outcome::PushedBack => {
                state.limit = (state.limit / 2.0).max(self.min);
                state.slow_start = false;
            }
            Outcome::Answered(took) => {
                let best = state.best.map_or(took, |b| b.min(took));
                state.best = Some(best);
                let slow = took > FLOOR && took.as_secs_f64() > SLOWER * best.as_secs_f64();
                if slow {
                    state.limit = (state.limit / 2.0).max(self.min);
                    state.slow_start = false;
                    // Forget the fastest slowly, so a portal that got slower
                    // for good is not taken for one that is queueing.
                    state.best = Some(best + (took - best) / 8);
                } else if state.slow_start {
                    state.limit = (state.limit + 1.0).min(self.max);
                } else {
                    state.limit = (state.limit + 1.0 / state.limit).min(self.max);
                }
            }
            Outcome::Neutral => {}
        }
        drop(state);
        self.freed.notify_waiters();
    }
}

/// Room for one request in flight.
#[derive(Debug)]
pub(crate) struct Permit<'a> {
    gate: &'a InFlight,
    settled: bool,
}

impl Permit<'_> {
    /// Frees the room and tells the limit how the request went.
    pub(crate) fn settle(mut self, outcome: Outcome) {
        self.settled = true;
        self.gate.settle(outcome);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.gate.settle(Outcome::Neutral);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test]
    async fn grows_while_latency_holds_and_halves_on_push_back() {
        let gate = InFlight::new(2, 32);
        for _ in 0..10 {
            gate.acquire().await.settle(Outcome::Answered(MS * 100));
        }
        assert_eq!(gate.limit(), 12);
        gate.acquire().await.settle(Outcome::PushedBack);
        assert_eq!(gate.limit(), 6);
        // Past slow start: one more per limit's worth of answers.
        for _ in 0..7 {
            gate.acquire().await.settle(Outcome::Answered(MS * 100));
        }
        assert_eq!(gate.limit(), 7);
        // Answers three times slower than the best: the portal is queueing.
        gate.acquire().await.settle(Outcome::Answered(MS * 400));
        assert_eq!(gate.limit(), 3);
        for _ in 0..100 {
            gate.acquire().await.settle(Outcome::Answered(MS * 100));
        }
        assert!(gate.limit() <= 32);
    }

    #[tokio::test]
    async fn no_more_than_the_limit_hold_room_at_once() {
        let gate = std::sync::Arc::new(InFlight::new(2, 2));
        let a = gate.acquire().await;
        let _b = gate.acquire().await;
        let waiting = {
            let gate = gate.clone();
            tokio::spawn(async move {
                gate.acquire().await.settle(Outcome::Neutral);
            })
        };
        tokio::time::sleep(MS * 20).await;
        assert!(!waiting.is_finished());
        drop(a);
        tokio::time::timeout(MS * 500, waiting)
            .await
            .unwrap()
            .unwrap();
    }
}
