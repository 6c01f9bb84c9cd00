//! The traversal by ID over ranges fetched at once, handed out in ID order.
//!
//! A probe (one `batch`: the first page ascending and the page of the
//! highest IDs descending) gives the lowest and highest ID and the density
//! of IDs at both ends. The IDs above the first page are then cut into
//! ranges of at most one request's worth of items (fewer when that leaves
//! ranges idle), each traversed by ID within `(after, end]`; up to `width`
//! ranges are in flight at once, each a task of its own. The last range
//! has no upper end, so items added above the highest ID during the export
//! come too, as in the plain traversal. Ranges are created in ID order as
//! earlier ones end, each sized by the density the last finished range
//! showed, so a sparse or uneven ID space costs requests, never items.
//!
//! Items are handed out in ID order: the lowest range's as they come, the
//! others' when every range below has ended. A range that is not the
//! lowest stops fetching once it holds a request's worth, so memory stays
//! within `width` ranges of about two requests each.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::task::JoinHandle;

use super::fetch::{self, Job, Probe, Walk};
use super::spec::Item;
use crate::error::{CallError, DecodeError};

/// Answers in a row that may bring nothing new before a range fails.
const MAX_STALLS: u32 = 3;

/// A range is never cut smaller than this many pages (more requests
/// would cost more than the concurrency saves).
const MIN_RANGE_PAGES: usize = 5;

/// The fewest items per ID assumed: low enough that one range can span
/// every 64-bit ID, so an empty stretch of any size takes few ranges.
const MIN_DENSITY: f64 = 1e-30;

/// What the ranges handed out since the last step.
pub(super) struct Step {
    /// Items in ID order, following those of earlier steps.
    pub(super) items: Vec<Item>,
    /// Requests that ended since the last step.
    pub(super) requests: u64,
}

/// The traversal by ranges; polled by [`Items`](super::Items).
pub(super) struct Ranges {
    job: Job,
    width: usize,
    after: i64,
    probe: Option<JoinHandle<Result<Probe, CallError>>>,
    started: bool,
    /// How the IDs are cut, once the probe answered (`None` when its page
    /// was the only one).
    plan: Option<Plan>,
    /// Ranges in ID order; the first is the one handed out.
    ranges: VecDeque<Range>,
    /// Items to hand out before any range's.
    ready: Vec<Item>,
    requests: u64,
    failed: Option<CallError>,
}

/// How the IDs not yet given to a range are cut.
struct Plan {
    /// The next range starts above this ID.
    next: i64,
    /// The highest ID when the export started.
    high: i64,
    /// Items per ID, as last seen.
    density: f64,
    /// The last range (the one without an upper end) is made.
    all_made: bool,
}

struct Range {
    /// The range's lower bound (exclusive), for its density.
    start: i64,
    /// The last ID fetched (or `start`).
    after: i64,
    /// The upper bound (inclusive); `None` for the last range.
    end: Option<i64>,
    /// Fetched, not yet handed out.
    items: Vec<Item>,
    fetched: u64,
    finished: bool,
    stalls: u32,
    pending: Option<JoinHandle<Result<Walk, CallError>>>,
}

impl Ranges {
    pub(super) fn new(job: Job, after: i64, width: usize) -> Ranges {
        Ranges {
            job,
            width: width.max(1),
            after,
            probe: None,
            started: false,
            plan: None,
            ranges: VecDeque::new(),
            ready: Vec::new(),
            requests: 0,
            failed: None,
        }
    }

    /// The items of one request's worth.
    fn request_items(&self) -> usize {
        self.job.pages.clamp(1, crate::MAX_BATCH) * self.job.spec.page_size.max(1)
    }

    /// The next items in ID order; `None` after the last; an error ends it.
    pub(super) fn poll_step(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Step, CallError>>> {
        loop {
            if !self.started {
                self.started = true;
                let (job, after) = (self.job.clone(), self.after);
                self.probe = Some(tokio::spawn(fetch::probe(job, after)));
            }
            if let Some(probe) = &mut self.probe {
                let outcome = match Pin::new(probe).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(outcome) => outcome,
                };
                self.probe = None;
                match joined(outcome) {
                    Ok(probe) => self.begin(probe),
                    Err(error) => return Poll::Ready(Some(Err(error))),
                }
            }
            self.poll_ranges(cx);
            let items = self.hand_out();
            let spawned = self.fill();
            if !items.is_empty() || self.requests > 0 {
                let requests = std::mem::take(&mut self.requests);
                return Poll::Ready(Some(Ok(Step { items, requests })));
            }
            if let Some(error) = self.failed.take() {
                self.stop();
                return Poll::Ready(Some(Err(error)));
            }
            if self.ranges.is_empty() && !matches!(&self.plan, Some(p) if !p.all_made) {
                return Poll::Ready(None);
            }
            if !spawned {
                return Poll::Pending;
            }
            // New requests: poll them once so they can wake this task.
        }
    }

    /// Starts from the probe: its page is the first to hand out.
    fn begin(&mut self, probe: Probe) {
        self.requests += probe.first.requests;
        self.ready = probe.first.items;
        if probe.first.finished {
            return;
        }
        let next = probe.first.last_id;
        let per_id = |(high, low, n): (i64, i64, usize)| {
            (high > low && n > 1).then(|| (n - 1) as f64 / high.abs_diff(low) as f64)
        };
        let low = probe.low.and_then(|(first, n)| per_id((next, first, n)));
        let high = probe.high.and_then(per_id);
        let density = match (low, high) {
            // Between the two ends, nearer the sparser: a range too wide only
            // takes more than one request, one too narrow takes a request
            // for few items.
            (Some(a), Some(b)) => (a * b).sqrt(),
            (Some(d), None) | (None, Some(d)) => d,
            (None, None) => 1.0,
        };
        self.plan = Some(Plan {
            next,
            high: probe.high.map_or(next, |(high, _, _)| high.max(next)),
            density: density.clamp(MIN_DENSITY, 1.0),
            all_made: false,
        });
    }

    /// Takes every answer that came.
    fn poll_ranges(&mut self, cx: &mut Context<'_>) {
        for range in &mut self.ranges {
            let Some(pending) = &mut range.pending else {
                continue;
            };
            let Poll::Ready(outcome) = Pin::new(pending).poll(cx) else {
                continue;
            };
            range.pending = None;
            let walk = match joined(outcome) {
                Ok(walk) => walk,
                Err(error) => {
                    self.failed.get_or_insert(error);
                    continue;
                }
            };
            self.requests += walk.requests;
            if walk.items.is_empty() && !walk.finished {
                range.stalls += 1;
                if range.stalls >= MAX_STALLS {
                    self.failed.get_or_insert(fetch::stalled(range.stalls));
                }
            } else {
                range.stalls = 0;
            }
            range.fetched += walk.items.len() as u64;
            range.items.extend(walk.items);
            range.after = walk.last_id;
            range.finished = walk.finished;
            if let (true, Some(end), Some(plan)) = (range.finished, range.end, &mut self.plan) {
                // What this range held is the best guess for the next one.
                let seen = range.fetched as f64 / end.saturating_sub(range.start).max(1) as f64;
                plan.density = seen
                    .clamp(plan.density / 4.0, plan.density * 4.0)
                    .clamp(MIN_DENSITY, 1.0);
            }
        }
    }

    /// The items that can go out in ID order: the probe's, then the lowest
    /// range's, and each next range's once every range below has ended.
    fn hand_out(&mut self) -> Vec<Item> {
        let mut items = std::mem::take(&mut self.ready);
        while let Some(lowest) = self.ranges.front_mut() {
            if items.is_empty() {
                items = std::mem::take(&mut lowest.items);
            } else {
                items.append(&mut lowest.items);
            }
            if !lowest.finished || lowest.pending.is_some() {
                break;
            }
            self.ranges.pop_front();
        }
        items
    }

    /// Makes ranges up to `width` and sends a request for each that may
    /// fetch; whether any was sent.
    fn fill(&mut self) -> bool {
        if self.failed.is_some() {
            return false;
        }
        let request_items = self.request_items();
        let smallest = (MIN_RANGE_PAGES * self.job.spec.page_size.max(1)).min(request_items);
        // Each new range's share: what is left over `width` ranges, so the
        // first ranges split the list evenly and later ones take a request each.
        let target = self.plan.as_ref().map_or(0.0, |plan| {
            let left = plan.high.saturating_sub(plan.next).max(0) as f64 * plan.density;
            (left / self.width as f64)
                .ceil()
                .clamp(smallest as f64, request_items as f64)
        });
        while self.ranges.len() < self.width {
            let Some(plan) = self.plan.as_mut().filter(|p| !p.all_made) else {
                break;
            };
            let span = (target / plan.density).ceil().max(1.0);
            let start = plan.next;
            // The last range runs on past the highest ID (items added since).
            let end = if start as f64 + span * 1.25 >= plan.high as f64 {
                plan.all_made = true;
                None
            } else {
                let end = start.saturating_add(span as i64);
                plan.next = end;
                Some(end)
            };
            self.ranges.push_back(Range {
                start,
                after: start,
                end,
                items: Vec::new(),
                fetched: 0,
                finished: false,
                stalls: 0,
                pending: None,
            });
        }
        let mut spawned = false;
        for (index, range) in self.ranges.iter_mut().enumerate() {
            let waiting = range.pending.is_some() || range.finished;
            // Beyond the lowest range, hold at most one request's worth.
            if waiting || (index > 0 && range.items.len() >= request_items) {
                continue;
            }
            let density = self.plan.as_ref().map_or(1.0, |p| p.density);
            let pages = pages_for(
                range,
                density,
                &self.job,
                self.plan.as_ref().map(|p| p.high),
            );
            let job = self.job.clone();
            range.pending = Some(tokio::spawn(fetch::by_id(
                job,
                range.after,
                range.end,
                pages,
            )));
            spawned = true;
        }
        spawned
    }

    /// Stops every request still running.
    fn stop(&mut self) {
        if let Some(probe) = self.probe.take() {
            probe.abort();
        }
        for range in &mut self.ranges {
            if let Some(pending) = range.pending.take() {
                pending.abort();
            }
        }
        self.ranges.clear();
        self.plan = None;
    }
}

impl Drop for Ranges {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Pages for a range's next request: the items it should still hold at
/// `density` (or at its own, once it has fetched some and found them
/// denser), plus one page, within the request's limit.
fn pages_for(range: &Range, density: f64, job: &Job, high: Option<i64>) -> usize {
    let most = job.pages.clamp(1, crate::MAX_BATCH);
    // The export's density falls as empty ranges finish; a dense block
    // still being walked knows better, and is not fetched a page or two at
    // a time because of gaps elsewhere.
    let covered = range.after.saturating_sub(range.start);
    let density = if range.fetched > 0 && covered > 0 {
        density.max((range.fetched as f64 / covered as f64).min(1.0))
    } else {
        density
    };
    let top = match (range.end, high) {
        (Some(end), _) => end,
        (None, Some(high)) if high > range.after => high,
        // Above the highest ID the export started with: as many as allowed.
        _ => return most,
    };
    let expected = (top.saturating_sub(range.after)).max(0) as f64 * density;
    let pages = (expected / job.spec.page_size.max(1) as f64).ceil() as usize + 1;
    pages.clamp(1, most)
}

/// A task's outcome; a task that panicked or was cancelled is an error.
fn joined<T>(
    outcome: Result<Result<T, CallError>, tokio::task::JoinError>,
) -> Result<T, CallError> {
    outcome.unwrap_or_else(|error| {
        Err(CallError::Decode(DecodeError {
            message: format!("a request of the export ended without an answer: {error}"),
            status: 0,
            body: String::new(),
        }))
    })
}
