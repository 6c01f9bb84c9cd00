//! [`Items`]: the stream a traversal hands its items out through.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::fetch::{self, Job, Offset, Walk};
use super::options::{Checkpoint, Progress};
use super::ranges::Ranges;
use super::spec::{Item, ListSpec};
use crate::auth::BoxFuture;
use crate::client::Client;
use crate::error::{CallError, DecodeError};
use crate::ApiVersion;

/// What [`Items::on_progress`] keeps.
type ProgressFn = Box<dyn FnMut(&Progress) + Send>;

/// Where the next request of a one-cursor traversal starts.
pub(super) enum Cursor {
    Offset(u64),
    AfterId(i64),
}

/// Answers in a row that may bring nothing new before a traversal fails:
/// going on would ask the same thing forever.
const MAX_STALLS: u32 = 3;

/// One answer of a one-cursor traversal.
struct Page {
    items: Vec<Item>,
    /// Where the next page starts; `None` at the end.
    next: Option<Cursor>,
    total: Option<u64>,
    requests: u64,
}

/// A stream of a list method's items (`Result<T, CallError>`). The stream
/// ends after the last item, or after the first error; an export resumes
/// from [`Items::checkpoint`]. Dropping it stops every request it started.
///
/// Each item is decoded from its own JSON text, as the portal sent it,
/// when it is handed out: straight into `T`, never through a
/// [`Value`] tree unless `T` is one. `Box<serde_json::value::RawValue>`
/// items keep that text as it is (to write it out unchanged); the ID the
/// client read from an item is then [`Progress::last_id`] right after it
/// (every item of an export by ID has one).
pub struct Items<T> {
    job: Job,
    /// The one-cursor traversal's next start.
    cursor: Option<Cursor>,
    /// The traversal by ranges, when the export has more than one.
    ranges: Option<Box<Ranges>>,
    /// Items fetched, not yet handed out: each decoded from its text when it is.
    buffer: VecDeque<Item>,
    pending: Option<BoxFuture<'static, Result<Page, CallError>>>,
    failed: Option<CallError>,
    /// Answers in a row that brought no item and did not end the traversal.
    stalls: u32,
    progress: Progress,
    on_progress: Option<ProgressFn>,
    _item: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("method", &self.job.method)
            .field("progress", &self.progress)
            .finish()
    }
}

impl<T: DeserializeOwned> Items<T> {
    /// A traversal from `cursor`, one page a request.
    pub(super) fn new(
        client: &Client,
        method: &str,
        api: ApiVersion,
        params: Result<Value, CallError>,
        spec: ListSpec,
        cursor: Cursor,
    ) -> Items<T> {
        let (params, failed) = match params {
            Ok(Value::Object(map)) => (Value::Object(map), None),
            Ok(_) => (
                Value::Null,
                Some(CallError::Decode(DecodeError {
                    message: "list parameters must be a JSON object".into(),
                    status: 0,
                    body: String::new(),
                })),
            ),
            Err(e) => (Value::Null, Some(e)),
        };
        let last_id = match cursor {
            Cursor::AfterId(id) => Some(id),
            Cursor::Offset(_) => None,
        };
        let job = Job {
            client: client.clone(),
            method: Arc::from(method),
            params: Arc::new(params),
            spec: Arc::new(spec),
            api,
            pages: 1,
        };
        Items {
            job,
            cursor: Some(cursor),
            ranges: None,
            buffer: VecDeque::new(),
            pending: None,
            failed,
            stalls: 0,
            progress: Progress {
                last_id,
                ..Progress::default()
            },
            on_progress: None,
            _item: PhantomData,
        }
    }

    /// `pages` pages per request; with `ranges` above 1 and a cursor by ID,
    /// the traversal by ranges (REST 3.0 has no `batch`: one cursor).
    pub(super) fn by_id(mut self, pages: usize, ranges: usize) -> Items<T> {
        self.job.pages = pages.clamp(1, crate::MAX_BATCH);
        if let Some(Cursor::AfterId(after)) = self.cursor {
            if ranges > 1 && self.job.api == ApiVersion::V2 {
                let width = ranges.min(super::MAX_RANGES);
                self.ranges = Some(Box::new(Ranges::new(self.job.clone(), after, width)));
                self.cursor = None;
            }
        }
        self
    }

    /// Forgets the starting ID as the last one handed out (a fresh export).
    pub(super) fn fresh(mut self) -> Items<T> {
        self.progress.last_id = None;
        self
    }

    /// Calls `report` after every answer and at the end.
    pub fn on_progress(mut self, report: impl FnMut(&Progress) + Send + 'static) -> Items<T> {
        self.on_progress = Some(Box::new(report));
        self
    }

    /// How far the traversal has come.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// The checkpoint to resume an export from: the last ID yielded (or
    /// the one it started after). Exact with ranges too: items come in ID
    /// order.
    pub fn checkpoint(&self) -> Option<Checkpoint> {
        self.progress.last_id.map(|last_id| Checkpoint { last_id })
    }

    /// Every remaining item, or the first error.
    pub async fn all(mut self) -> Result<Vec<T>, CallError> {
        let mut out = Vec::new();
        while let Some(item) = futures_util::StreamExt::next(&mut self).await {
            out.push(item?);
        }
        Ok(out)
    }

    fn start_fetch(&mut self) -> Option<BoxFuture<'static, Result<Page, CallError>>> {
        let cursor = self.cursor.take()?;
        let job = self.job.clone();
        Some(match cursor {
            Cursor::Offset(start) => Box::pin(async move {
                let Offset { items, next, total } = fetch::offset(job, start).await?;
                Ok(Page {
                    items,
                    next: next.map(Cursor::Offset),
                    total,
                    requests: 1,
                })
            }),
            Cursor::AfterId(after) => Box::pin(async move {
                let pages = job.pages;
                let walk: Walk = fetch::by_id(job, after, None, pages).await?;
                Ok(Page {
                    next: (!walk.finished).then_some(Cursor::AfterId(walk.last_id)),
                    items: walk.items,
                    total: None,
                    requests: walk.requests,
                })
            }),
        })
    }

    fn report(&mut self) {
        if let Some(report) = &mut self.on_progress {
            report(&self.progress);
        }
    }

    /// The next answer of the traversal by ranges into the buffer; `false`
    /// when there is nothing to wait for.
    fn poll_ranges(&mut self, cx: &mut Context<'_>) -> Poll<bool> {
        let Some(ranges) = self.ranges.as_mut() else {
            return Poll::Ready(false);
        };
        match ranges.poll_step(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(step))) => {
                self.progress.requests += step.requests;
                self.buffer.extend(step.items);
                self.report();
                Poll::Ready(true)
            }
            Poll::Ready(Some(Err(error))) => {
                self.ranges = None;
                self.failed = Some(error);
                Poll::Ready(true)
            }
            Poll::Ready(None) => {
                self.ranges = None;
                Poll::Ready(false)
            }
        }
    }
}

impl<T: DeserializeOwned> Stream for Items<T> {
    type Item = Result<T, CallError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffer.pop_front() {
                this.progress.items += 1;
                if let Some(id) = item.id {
                    this.progress.last_id = Some(id);
                }
                let decoded = serde_json::from_str::<T>(item.text()).map_err(|e| {
                    let redactor = &this.job.client.shared().redactor;
                    redactor.error(CallError::Decode(DecodeError {
                        message: crate::decode::message(&e),
                        status: 200,
                        body: item.text().to_string(),
                    }))
                });
                return Poll::Ready(Some(decoded));
            }
            if let Some(error) = this.failed.take() {
                this.cursor = None;
                this.ranges = None;
                this.progress.done = true;
                this.report();
                let error = this.job.client.shared().redactor.error(error);
                return Poll::Ready(Some(Err(error)));
            }
            match this.poll_ranges(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(true) => continue,
                Poll::Ready(false) => {}
            }
            if this.pending.is_none() {
                match this.start_fetch() {
                    Some(fetch) => this.pending = Some(fetch),
                    None => {
                        if !this.progress.done {
                            this.progress.done = true;
                            this.report();
                        }
                        return Poll::Ready(None);
                    }
                }
            }
            let Some(pending) = this.pending.as_mut() else {
                continue;
            };
            let page = match pending.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(page) => page,
            };
            this.pending = None;
            match page {
                Ok(page) => {
                    this.progress.requests += page.requests;
                    if page.items.is_empty() && page.next.is_some() {
                        this.stalls += 1;
                        if this.stalls >= MAX_STALLS {
                            this.failed = Some(fetch::stalled(this.stalls));
                            continue;
                        }
                    } else {
                        this.stalls = 0;
                    }
                    if page.total.is_some() {
                        this.progress.total = page.total;
                    }
                    this.buffer.extend(page.items);
                    this.cursor = page.next;
                    if this.cursor.is_none() && this.buffer.is_empty() {
                        this.progress.done = true;
                    }
                    this.report();
                }
                Err(error) => this.failed = Some(error),
            }
        }
    }
}
