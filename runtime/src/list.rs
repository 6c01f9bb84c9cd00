//! List methods as streams of items: paging over `start`/`next`, and the
//! fast traversal by ID for huge exports (`start=-1`, ordered by ID, filter
//! `>ID`, many pages per request through `batch`), resumable from a
//! checkpoint.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::auth::BoxFuture;
use crate::batch::{Batch, Key, Raw};
use crate::client::{CallOptions, Client};
use crate::error::{CallError, DecodeError};
use crate::payload::encode_params;
use crate::{ApiVersion, Call, Retry};

/// What the runtime must know about a list method, from its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSpec {
    /// The key that wraps the items in `result` (`tasks`, `items`), or
    /// `None` when `result` is the array of items.
    pub items_key: Option<String>,
    /// The ID field, in the case the method uses (`ID`, `id`).
    pub id_field: String,
    /// The parameter that holds the filter (`filter`).
    pub filter_key: String,
    /// The parameter that holds the order (`order`).
    pub order_key: String,
    /// Items per page (50 on every portal).
    pub page_size: usize,
}

impl ListSpec {
    /// A method whose `result` is the array of items, with this ID field.
    pub fn new(id_field: impl Into<String>) -> ListSpec {
        ListSpec {
            items_key: None,
            id_field: id_field.into(),
            filter_key: "filter".into(),
            order_key: "order".into(),
            page_size: 50,
        }
    }

    /// The items are under `key` in `result` (`{"tasks": [...]}`).
    pub fn items_in(mut self, key: impl Into<String>) -> ListSpec {
        self.items_key = Some(key.into());
        self
    }

    /// The filter parameter is named `key`.
    pub fn filter_key(mut self, key: impl Into<String>) -> ListSpec {
        self.filter_key = key.into();
        self
    }

    /// The order parameter is named `key`.
    pub fn order_key(mut self, key: impl Into<String>) -> ListSpec {
        self.order_key = key.into();
        self
    }

    fn items(&self, result: Value) -> Result<Vec<Value>, String> {
        let inner = match &self.items_key {
            None => result,
            Some(key) => match result {
                Value::Object(mut map) => map.remove(key).unwrap_or(Value::Array(Vec::new())),
                Value::Array(a) if a.is_empty() => Value::Array(a),
                other => return Err(format!("expected an object with `{key}`, found {other}")),
            },
        };
        match inner {
            Value::Array(items) => Ok(items),
            // Some portals send an empty list as `{}`, or a keyed object of items.
            Value::Object(map) => Ok(map.into_iter().map(|(_, v)| v).collect()),
            Value::Null => Ok(Vec::new()),
            other => Err(format!("expected a list of items, found {other}")),
        }
    }

    fn id(&self, item: &Value) -> Option<i64> {
        let value = item.get(&self.id_field)?;
        value
            .as_i64()
            .or_else(|| value.as_str()?.trim().parse().ok())
    }
}

/// A list method, with the facts its page gives: the item type, the key
/// that wraps the items and the ID field. Generated code implements it for
/// list methods; [`Client::items`] and [`Client::export_items`] use it.
pub trait ListMethod: Call {
    /// One item of the list.
    type Item: DeserializeOwned;
    /// The key that wraps the items in `result`, if any (`tasks`, `items`).
    const ITEMS_KEY: Option<&'static str> = None;
    /// The ID field, in the method's case (`ID`, `id`).
    const ID_FIELD: &'static str = "ID";

    /// The [`ListSpec`] these facts make.
    fn list_spec() -> ListSpec {
        let spec = ListSpec::new(Self::ID_FIELD);
        match Self::ITEMS_KEY {
            Some(key) => spec.items_in(key),
            None => spec,
        }
    }
}

/// Where a traversal by ID stands: the last ID handed out. Start a new
/// export from it to resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The ID of the last item yielded.
    pub last_id: i64,
}

/// How a traversal by ID runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    /// Resume after this checkpoint (items with greater IDs only).
    pub after: Option<Checkpoint>,
    /// Pages per `batch` request, 1 to 50 (default 50: 2,500 items a request).
    pub pages_per_request: usize,
}

impl Default for ExportOptions {
    fn default() -> ExportOptions {
        ExportOptions {
            after: None,
            pages_per_request: 50,
        }
    }
}

/// How far a traversal has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Items yielded so far.
    pub items: u64,
    /// The total, when the portal counted it (paging by `start`).
    pub total: Option<u64>,
    /// Requests made so far.
    pub requests: u64,
    /// The ID of the last item yielded, when items carry the ID field.
    pub last_id: Option<i64>,
    /// Whether the traversal has ended.
    pub done: bool,
}

/// What [`Items::on_progress`] keeps.
type ProgressFn = Box<dyn FnMut(&Progress) + Send>;

enum Cursor {
    Offset(u64),
    AfterId(i64),
}

/// Answers in a row that may bring nothing new before a traversal fails:
/// going on would ask the same thing forever.
const MAX_STALLS: u32 = 3;

struct Page {
    items: Vec<Value>,
    /// Where the next page starts; `None` at the end.
    next: Option<Cursor>,
    total: Option<u64>,
    requests: u64,
}

/// A stream of a list method's items (`Result<T, CallError>`). The stream
/// ends after the last item, or after the first error; an export resumes
/// from [`Items::checkpoint`].
pub struct Items<T> {
    client: Client,
    method: Arc<str>,
    params: Arc<Value>,
    spec: Arc<ListSpec>,
    pages_per_request: usize,
    api: ApiVersion,
    cursor: Option<Cursor>,
    buffer: VecDeque<Value>,
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
            .field("method", &self.method)
            .field("progress", &self.progress)
            .finish()
    }
}

impl<T: DeserializeOwned> Items<T> {
    fn new(
        client: &Client,
        method: &str,
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
        Items {
            client: client.clone(),
            method: Arc::from(method),
            params: Arc::new(params),
            spec: Arc::new(spec),
            pages_per_request: 1,
            api: ApiVersion::V2,
            cursor: Some(cursor),
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

    /// Calls `report` after every page and at the end.
    pub fn on_progress(mut self, report: impl FnMut(&Progress) + Send + 'static) -> Items<T> {
        self.on_progress = Some(Box::new(report));
        self
    }

    /// How far the traversal has come.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// The checkpoint to resume an export from: the last ID yielded (or
    /// the one it started after).
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
        let client = self.client.clone();
        let method = self.method.clone();
        let params = self.params.clone();
        let spec = self.spec.clone();
        let pages = self.pages_per_request;
        let api = self.api;
        Some(match cursor {
            Cursor::Offset(start) => {
                Box::pin(
                    async move { fetch_offset(&client, &method, api, &params, &spec, start).await },
                )
            }
            Cursor::AfterId(after) => Box::pin(async move {
                fetch_by_id(&client, &method, api, &params, &spec, after, pages).await
            }),
        })
    }

    fn report(&mut self) {
        if let Some(report) = &mut self.on_progress {
            report(&self.progress);
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
                if let Some(id) = this.spec.id(&item) {
                    this.progress.last_id = Some(id);
                }
                let redactor = &this.client.shared().redactor;
                let decoded = T::deserialize(&item).map_err(|e| {
                    redactor.error(CallError::Decode(DecodeError {
                        message: e.to_string(),
                        status: 200,
                        body: item.to_string(),
                    }))
                });
                return Poll::Ready(Some(decoded));
            }
            if let Some(error) = this.failed.take() {
                this.cursor = None;
                this.progress.done = true;
                this.report();
                let error = this.client.shared().redactor.error(error);
                return Poll::Ready(Some(Err(error)));
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
                            this.failed = Some(stalled(this.stalls));
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

async fn fetch_offset(
    client: &Client,
    method: &str,
    api: ApiVersion,
    params: &Value,
    spec: &ListSpec,
    start: u64,
) -> Result<Page, CallError> {
    let mut params = params.clone();
    if let Value::Object(map) = &mut params {
        map.insert("start".into(), Value::from(start));
    }
    let envelope = client
        .call_raw_with(method, api, Retry::Read, params, CallOptions::default())
        .await?;
    let (status, next, total) = (envelope.status, envelope.next, envelope.total);
    let items = spec.items(envelope.result).map_err(|message| {
        CallError::Decode(DecodeError {
            message,
            status,
            body: envelope.body,
        })
    })?;
    // A `next` that does not move forward would loop.
    let next = next
        .filter(|n| *n > start && !items.is_empty())
        .map(Cursor::Offset);
    Ok(Page {
        items,
        next,
        total,
        requests: 1,
    })
}

/// One request of the traversal by ID: `pages` pages chained in a batch,
/// page `i` filtered on the last ID of page `i - 1` (REST 3.0, which has no
/// batch: one page a request). Pages are read in order and reading stops at
/// the first short or failed page, so a broken chain can never repeat or
/// skip an item.
async fn fetch_by_id(
    client: &Client,
    method: &str,
    api: ApiVersion,
    params: &Value,
    spec: &ListSpec,
    after: i64,
    pages: usize,
) -> Result<Page, CallError> {
    let pages = pages.clamp(1, crate::MAX_BATCH);
    let mut requests = 0;
    let mut tries = 0;
    // Each page's `result`, in order, up to the first that did not run.
    let results: Vec<Result<Value, CallError>> = if api == ApiVersion::V3 {
        requests += 1;
        let page = page_params(params, spec, Value::from(after));
        let envelope = client
            .call_raw_with(method, api, Retry::Read, page, CallOptions::default())
            .await?;
        vec![Ok(envelope.result)]
    } else {
        let (results, keys) = loop {
            let (batch, keys) = export_batch(method, params, spec, after, pages)?;
            let results = client.batch(batch).await;
            requests += results.requests() as u64;
            // The first page refused before it ran: wait (the client holds the
            // method until its budget allows) and ask again.
            let refused = matches!(results.raw(&keys[0]), Some(Err(CallError::Api(api)))
                if api.code == "OPERATION_TIME_LIMIT" || api.code == "QUERY_LIMIT_EXCEEDED");
            if refused && tries < client.shared().retry.max_retries {
                tries += 1;
                continue;
            }
            break (results, keys);
        };
        keys.iter()
            .map_while(|key| results.raw(key).cloned())
            .map(|outcome| outcome.map(|command| command.result))
            .collect()
    };
    let mut items = Vec::new();
    let mut last_id = after;
    let mut finished = false;
    for (page, outcome) in results.into_iter().enumerate() {
        let result = match outcome {
            Ok(result) => result,
            Err(error) if page == 0 => return Err(error),
            // A later page failed: go on from the last ID next time.
            Err(_) => break,
        };
        let got = spec
            .items(result.clone())
            .map_err(|message| unusable(message, &result))?;
        let full = got.len() >= spec.page_size;
        let (mut fresh, mut previous) = (0, i64::MIN);
        for item in got {
            let Some(id) = spec.id(&item) else {
                return Err(unusable(
                    format!("an item has no `{}`", spec.id_field),
                    &item,
                ));
            };
            if id <= previous {
                return Err(unusable(
                    format!(
                        "the items are not ordered by `{}`: use paging by start",
                        spec.id_field
                    ),
                    &item,
                ));
            }
            previous = id;
            // Never an item twice, whatever the portal did with the chain.
            if id > last_id {
                last_id = id;
                items.push(item);
                fresh += 1;
            }
        }
        if full && fresh == 0 {
            // The filter on the ID was not applied: going on would loop.
            if page == 0 {
                return Err(unusable(
                    format!(
                        "the portal ignored the `>{}` filter: use paging by start",
                        spec.id_field
                    ),
                    &result,
                ));
            }
            break;
        }
        if !full {
            finished = true;
            break;
        }
    }
    Ok(Page {
        items,
        next: (!finished).then_some(Cursor::AfterId(last_id)),
        total: None,
        requests,
    })
}

/// The error of a traversal that asked `stalls` times and got nowhere.
fn stalled(stalls: u32) -> CallError {
    CallError::Decode(DecodeError {
        message: format!(
            "the traversal does not move on: {stalls} answers in a row brought no item and no end \
             (a `batch` answer without its first page?)"
        ),
        status: 200,
        body: String::new(),
    })
}

fn unusable(message: String, body: &Value) -> CallError {
    CallError::Decode(DecodeError {
        message,
        status: 200,
        body: body.to_string(),
    })
}

/// One page's parameters: ordered by ID, filtered on IDs above `bound`, no count.
fn page_params(params: &Value, spec: &ListSpec, bound: Value) -> Value {
    let mut params = params.clone();
    if let Value::Object(map) = &mut params {
        let filter = map
            .entry(spec.filter_key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !filter.is_object() {
            *filter = Value::Object(Map::new());
        }
        if let Value::Object(filter) = filter {
            filter.insert(format!(">{}", spec.id_field), bound);
        }
        let mut order = Map::new();
        order.insert(spec.id_field.clone(), Value::from("ASC"));
        map.insert(spec.order_key.clone(), Value::Object(order));
        map.insert("start".into(), Value::from(-1));
    }
    params
}

/// The batch of one request of the traversal by ID, and its pages' keys.
fn export_batch(
    method: &str,
    params: &Value,
    spec: &ListSpec,
    after: i64,
    pages: usize,
) -> Result<(Batch, Vec<Key<Raw>>), CallError> {
    let last = spec.page_size.saturating_sub(1);
    let mut batch = Batch::new();
    let mut keys = Vec::with_capacity(pages);
    for page in 0..pages {
        let bound = if page == 0 {
            Value::from(after)
        } else {
            let mut text = format!("$result[p{}]", page - 1);
            if let Some(key) = &spec.items_key {
                text.push_str(&format!("[{key}]"));
            }
            text.push_str(&format!("[{last}][{}]", spec.id_field));
            Value::String(text)
        };
        let params = page_params(params, spec, bound);
        let key = batch
            .add_raw(&format!("p{page}"), method, Retry::Read, params)
            .map_err(|e| {
                CallError::Decode(DecodeError {
                    message: e.to_string(),
                    status: 0,
                    body: String::new(),
                })
            })?;
        keys.push(key);
    }
    Ok((batch, keys))
}

impl Client {
    /// Every item of a list method, page after page over `start`/`next`.
    pub fn list<P: Call, T: DeserializeOwned>(&self, params: P, spec: ListSpec) -> Items<T> {
        let mut items = Items::new(
            self,
            P::METHOD,
            encode_params(&params),
            spec,
            Cursor::Offset(0),
        );
        items.api = P::API;
        items
    }

    /// Every item of a [`ListMethod`], page after page over `start`/`next`.
    pub fn items<P: ListMethod>(&self, params: P) -> Items<P::Item> {
        self.list(params, P::list_spec())
    }

    /// Every item of a [`ListMethod`] by the fast traversal by ID; see [`Client::export`].
    pub fn export_items<P: ListMethod>(&self, params: P, options: ExportOptions) -> Items<P::Item> {
        self.export(params, P::list_spec(), options)
    }

    /// [`Client::list`] for a method by name with JSON parameters.
    pub fn list_raw<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Value,
        spec: ListSpec,
    ) -> Items<T> {
        Items::new(self, method, Ok(params), spec, Cursor::Offset(0))
    }

    /// Every item of a list method by the fast traversal for huge exports:
    /// ordered by ID, filtered on `>ID`, `start=-1` (no count), many pages
    /// per `batch` request. Each item comes once, in ID order; resume from
    /// [`Items::checkpoint`]. The parameters' own order and `>ID` filter are
    /// replaced.
    pub fn export<P: Call, T: DeserializeOwned>(
        &self,
        params: P,
        spec: ListSpec,
        options: ExportOptions,
    ) -> Items<T> {
        let mut items = self.export_inner(P::METHOD, encode_params(&params), spec, options);
        items.api = P::API;
        items
    }

    /// [`Client::export`] for a method by name with JSON parameters.
    pub fn export_raw<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Value,
        spec: ListSpec,
        options: ExportOptions,
    ) -> Items<T> {
        self.export_inner(method, Ok(params), spec, options)
    }

    fn export_inner<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Result<Value, CallError>,
        spec: ListSpec,
        options: ExportOptions,
    ) -> Items<T> {
        let after = options.after.map_or(0, |c| c.last_id);
        let mut items = Items::new(self, method, params, spec, Cursor::AfterId(after));
        if options.after.is_none() {
            items.progress.last_id = None;
        }
        items.pages_per_request = options.pages_per_request;
        items
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_are_found_bare_or_wrapped_and_ids_read_leniently() {
        let bare = ListSpec::new("ID");
        assert_eq!(bare.items(json!([{"ID": "3"}])).unwrap().len(), 1);
        assert_eq!(bare.id(&json!({"ID": "3"})), Some(3));
        let tasks = ListSpec::new("id").items_in("tasks");
        assert_eq!(
            tasks
                .items(json!({"tasks": [{"id": 4}, {"id": 5}]}))
                .unwrap()
                .len(),
            2
        );
        assert_eq!(tasks.items(json!([])).unwrap().len(), 0);
        assert_eq!(tasks.id(&json!({"id": 4})), Some(4));
        assert!(bare.items(json!(5)).is_err());
    }
}
