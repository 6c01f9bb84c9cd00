//! One call's attempts: the waits for the method's time budget and the
//! bucket, each request within its timeout, and the retry rules, all within
//! the call's deadline. See [`Client`] for what is retried.

use std::time::Duration;

use tokio::time::Instant;

use crate::client::{Client, Spec};
use crate::envelope::Answer;
use crate::error::{CallError, TransportError, TransportKind};
use crate::limit::inflight::Outcome;
use crate::payload::{Payload, Wire};
use crate::retry;
use crate::transport::Attempt;
use crate::{ApiVersion, Retry};

/// The time a call has spent on requests and backoff, against its deadline.
/// Waits for the bucket and for a method's time budget are not counted.
#[derive(Debug, Clone, Copy)]
struct Budget {
    deadline: Duration,
    spent: Duration,
}

impl Budget {
    /// How long the next attempt may take: its timeout, or what is left.
    fn attempt(&self, timeout: Duration) -> Option<Duration> {
        let left = self.deadline.saturating_sub(self.spent);
        (!left.is_zero()).then(|| timeout.min(left))
    }

    /// Whether a pause of `wait` still leaves time for an attempt.
    fn allows(&self, wait: Duration) -> bool {
        self.spent + wait < self.deadline
    }

    fn spend(&mut self, time: Duration) {
        self.spent += time;
    }
}

/// Where a call stands.
struct Run {
    /// Requests sent (redirects followed within one attempt not counted).
    attempts: u32,
    /// Tries after the first, for the span.
    retries: u32,
    budget: Budget,
}

impl Client {
    /// Runs the call's attempts; the result and the number of retries.
    pub(crate) async fn attempts(
        &self,
        spec: &Spec<'_>,
        payload: Payload,
        also_wait_for: &[&str],
    ) -> (Result<Answer, CallError>, u32) {
        let mut run = Run {
            attempts: 0,
            retries: 0,
            budget: Budget {
                deadline: self.shared().deadline,
                spent: Duration::ZERO,
            },
        };
        let outcome = self.run(spec, payload, also_wait_for, &mut run).await;
        let outcome = outcome.map_err(|mut error| {
            if let CallError::Transport(t) | CallError::OutcomeUnknown(t) = &mut error {
                t.attempts = run.attempts;
            }
            error
        });
        (outcome, run.retries)
    }

    async fn run(
        &self,
        spec: &Spec<'_>,
        payload: Payload,
        also_wait_for: &[&str],
        run: &mut Run,
    ) -> Result<Answer, CallError> {
        let shared = self.shared();
        let policy = shared.retry;
        let timeout = self.inner().timeout;
        let safe = retry::safe_to_repeat(spec.retry, spec.api, spec.idempotent);
        let mut key = (spec.api == ApiVersion::V3).then(retry::idempotency_key);
        // Whether an attempt may have run: then the key must not change.
        let mut maybe_ran = false;
        let url = shared.endpoint(spec.method, spec.api);
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
            // Room in flight, then the bucket: a crowd of tasks does not
            // reserve slots far ahead.
            let permit = shared.inflight.acquire().await;
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
            let Some(allowed) = run.budget.attempt(timeout) else {
                return Err(CallError::Transport(TransportError::of(
                    TransportKind::Deadline,
                    format!(
                        "the call's deadline ({}) is spent",
                        seconds(run.budget.deadline)
                    ),
                )));
            };
            run.attempts += 1;
            let started = Instant::now();
            let sent = tokio::time::timeout(allowed, self.send(&url, &wire, key.as_deref())).await;
            run.budget.spend(started.elapsed());
            let attempt = sent.unwrap_or_else(|_| {
                Attempt::NoAnswer(timed_out(allowed, timeout, run.budget.deadline))
            });
            permit.settle(load(&attempt, started.elapsed()));
            let error = match attempt {
                Attempt::Answer(Ok(answer)) => {
                    if let Some(time) = &answer.time {
                        shared.operating.record(spec.method, time);
                    }
                    return Ok(answer);
                }
                Attempt::Answer(Err(error)) => error,
                Attempt::TooLarge(error) => {
                    // An answer came, so the call ran; the same answer would come again.
                    return Err(match spec.retry {
                        Retry::Read => CallError::Transport(error),
                        _ => CallError::OutcomeUnknown(error),
                    });
                }
                Attempt::NotSent(error) => {
                    self.pause(run, CallError::Transport(error)).await?;
                    continue;
                }
                Attempt::NoAnswer(error) => {
                    maybe_ran = true;
                    if !safe {
                        return Err(CallError::OutcomeUnknown(error));
                    }
                    let last = match spec.retry {
                        Retry::Read => CallError::Transport(error),
                        _ => CallError::OutcomeUnknown(error),
                    };
                    self.pause(run, last).await?;
                    continue;
                }
            };
            let (code, status) = match &error {
                CallError::Api(api) => (api.code.as_str(), api.status),
                CallError::Transport(t) => ("", t.status.unwrap_or(0)),
                _ => return Err(error),
            };
            match code {
                "QUERY_LIMIT_EXCEEDED" => {
                    // Refused by the rate limit: the call did not run.
                    shared.bucket.saturate();
                    self.pause(run, error).await?;
                    continue;
                }
                "OPERATION_TIME_LIMIT" => {
                    let time = error_time(&error);
                    let until =
                        shared
                            .operating
                            .block(spec.method, time.as_ref(), policy.operating_retry);
                    let wait = until.saturating_duration_since(Instant::now());
                    if operating_waited + wait > policy.max_operating_wait {
                        return Err(error);
                    }
                    run.retries += 1;
                    continue;
                }
                "expired_token" => {
                    let Some(tokens) = shared.tokens.as_ref().filter(|t| t.can_renew()) else {
                        return Err(error);
                    };
                    if renewed {
                        return Err(error);
                    }
                    renewed = true;
                    tokens
                        .renew(&self.inner().http, timeout, generation, failures)
                        .await?;
                    // The body changes with the token; a refused call stored
                    // nothing under its key, so a new key avoids a
                    // "key reused with another body" refusal.
                    if !maybe_ran && key.is_some() {
                        key = Some(retry::idempotency_key());
                    }
                    continue;
                }
                "OVERLOAD_LIMIT" | "PORTAL_DELETED" => return Err(error),
                _ if status >= 500 => {
                    // The portal failed while running the call: it may have run.
                    maybe_ran = true;
                    if !safe {
                        return Err(CallError::OutcomeUnknown(may_have_run(status, &error)));
                    }
                    self.pause(run, error).await?;
                    continue;
                }
                _ => return Err(error),
            }
        }
    }

    /// Waits before another try when the policy and the deadline allow one;
    /// otherwise gives back `error` to end the call with.
    async fn pause(&self, run: &mut Run, error: CallError) -> Result<(), CallError> {
        let policy = self.shared().retry;
        if run.retries >= policy.max_retries {
            return Err(error);
        }
        let wait = policy.backoff(run.retries + 1);
        if !run.budget.allows(wait) {
            return Err(past_deadline(error, run.budget.deadline));
        }
        run.retries += 1;
        tokio::time::sleep(wait).await;
        run.budget.spend(wait);
        Ok(())
    }
}

/// An attempt that ran out of time: its own timeout, or the call's deadline.
fn timed_out(allowed: Duration, timeout: Duration, deadline: Duration) -> TransportError {
    if allowed < timeout {
        TransportError::of(
            TransportKind::Deadline,
            format!(
                "no complete answer within {}: the call's deadline ({}) is spent",
                seconds(allowed),
                seconds(deadline)
            ),
        )
    } else {
        TransportError::of(
            TransportKind::Timeout,
            format!("no complete answer within {}", seconds(allowed)),
        )
    }
}

/// The last failure of a call whose deadline leaves no time for another try.
fn past_deadline(mut error: CallError, deadline: Duration) -> CallError {
    if let CallError::Transport(t) | CallError::OutcomeUnknown(t) = &mut error {
        if t.kind != TransportKind::Deadline {
            t.message = format!(
                "{}; the call's deadline ({}) is spent",
                t.message,
                seconds(deadline)
            );
            t.kind = TransportKind::Deadline;
        }
    }
    error
}

/// A 5xx on a call that is not safe to repeat.
fn may_have_run(status: u16, error: &CallError) -> TransportError {
    let api = error.api();
    TransportError {
        status: Some(status),
        body: match error {
            CallError::Api(a) => Some(a.body.clone()),
            CallError::Transport(t) => t.body.clone(),
            _ => None,
        },
        ..TransportError::new(format!(
            "HTTP {status}{}: the call may have run",
            api.map(|a| format!(" {}", a.code)).unwrap_or_default()
        ))
    }
}

/// The `time` object of an error answer, if it has one.
fn error_time(error: &CallError) -> Option<serde_json::Value> {
    let body = &error.api()?.body;
    let parsed: serde_json::Value = serde_json::from_str(body).ok()?;
    parsed.get("time").cloned()
}

/// A duration for messages: `300 ms`, `2.5 s`, `60 s`.
pub(crate) fn seconds(time: Duration) -> String {
    if time < Duration::from_secs(1) {
        format!("{} ms", time.as_millis())
    } else if time.subsec_millis() == 0 {
        format!("{} s", time.as_secs())
    } else {
        format!("{:.1} s", time.as_secs_f64())
    }
}

/// What an attempt says of the portal's load, for the limit on requests in flight.
fn load(attempt: &Attempt, took: Duration) -> Outcome {
    match attempt {
        Attempt::Answer(Ok(_)) => Outcome::Answered(took),
        Attempt::Answer(Err(CallError::Api(api)))
            if matches!(
                api.code.as_str(),
                "QUERY_LIMIT_EXCEEDED" | "OPERATION_TIME_LIMIT"
            ) =>
        {
            Outcome::PushedBack
        }
        _ => Outcome::Neutral,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_cuts_the_last_attempt_and_refuses_pauses_past_the_deadline() {
        let mut budget = Budget {
            deadline: Duration::from_secs(5),
            spent: Duration::ZERO,
        };
        let timeout = Duration::from_secs(2);
        assert_eq!(budget.attempt(timeout), Some(timeout));
        budget.spend(Duration::from_secs(4));
        assert_eq!(budget.attempt(timeout), Some(Duration::from_secs(1)));
        assert!(budget.allows(Duration::from_millis(500)));
        assert!(!budget.allows(Duration::from_secs(1)));
        budget.spend(Duration::from_secs(1));
        assert_eq!(budget.attempt(timeout), None);
    }

    #[test]
    fn timeouts_say_which_limit_ended_them() {
        let own = timed_out(
            Duration::from_secs(2),
            Duration::from_secs(2),
            Duration::from_secs(9),
        );
        assert_eq!((own.kind, own.timeout), (TransportKind::Timeout, true));
        assert_eq!(own.message, "no complete answer within 2 s");
        let cut = timed_out(
            Duration::from_millis(300),
            Duration::from_secs(2),
            Duration::from_secs(9),
        );
        assert_eq!(cut.kind, TransportKind::Deadline);
        assert!(cut.message.contains("deadline (9 s)"), "{}", cut.message);
        let later = past_deadline(
            CallError::Transport(TransportError::of(TransportKind::Interrupted, "cut")),
            Duration::from_millis(2500),
        );
        assert!(
            later
                .to_string()
                .ends_with("cut; the call's deadline (2.5 s) is spent"),
            "{later}"
        );
    }
}
