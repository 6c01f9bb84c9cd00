//! One request of a traversal: a page by `start`, a chain of pages by ID
//! inside a `batch` (within a range of IDs when one is given), and the probe
//! of a traversal by ranges (its first page and the highest ID). Every
//! answer is taken apart as text: its items stay slices of its body, each
//! with its ID, and are decoded only when handed out.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::spec::{Item, ListSpec, NotAList};
use crate::batch::parts;
use crate::client::{CallOptions, Client, Spec};
use crate::envelope::Answer;
use crate::error::{CallError, DecodeError};
use crate::payload::Payload;
use crate::{query, ApiVersion, Retry};

/// What every request of one traversal shares. Cheap to clone.
#[derive(Clone)]
pub(super) struct Job {
    pub(super) client: Client,
    pub(super) method: Arc<str>,
    /// The caller's parameters (a JSON object).
    pub(super) params: Arc<Value>,
    pub(super) spec: Arc<ListSpec>,
    pub(super) api: ApiVersion,
    /// Pages per `batch` request, 1 to 50.
    pub(super) pages: usize,
}

/// One page by `start`.
pub(super) struct Offset {
    pub(super) items: Vec<Item>,
    /// Where the next page starts; `None` at the end.
    pub(super) next: Option<u64>,
    pub(super) total: Option<u64>,
}

/// What one request of the traversal by ID brought.
#[derive(Debug)]
pub(super) struct Walk {
    /// New items, in ID order, each above the bound asked after.
    pub(super) items: Vec<Item>,
    /// The ID to go on after: the last item's, or the bound asked after.
    pub(super) last_id: i64,
    /// The range (or the list) has no more items.
    pub(super) finished: bool,
    /// Requests made.
    pub(super) requests: u64,
}

/// What the probe of a traversal by ranges learned.
#[derive(Debug)]
pub(super) struct Probe {
    /// The traversal's first page.
    pub(super) first: Walk,
    /// The first page's lowest ID and how many items it had.
    pub(super) low: Option<(i64, usize)>,
    /// The highest IDs: the highest, the lowest of its page and that page's
    /// length. `None` when the portal did not tell.
    pub(super) high: Option<(i64, i64, usize)>,
}

/// One page by `start`.
pub(super) async fn offset(job: Job, start: u64) -> Result<Offset, CallError> {
    let mut params = (*job.params).clone();
    if let Value::Object(map) = &mut params {
        map.insert("start".into(), Value::from(start));
    }
    let answer = job
        .client
        .call_answer(
            &job.method,
            job.api,
            Retry::Read,
            params,
            CallOptions::default(),
        )
        .await?;
    let (next, total) = (answer.next, answer.total);
    let items = job
        .spec
        .items(answer.body(), answer.result())
        .map_err(|wrong| {
            answer.decode_error(format!(
                "{}, found {}",
                wrong.message,
                crate::body::excerpt(&wrong.value)
            ))
        })?;
    // A `next` that does not move forward would loop.
    let next = next.filter(|n| *n > start && !items.is_empty());
    Ok(Offset { items, next, total })
}

/// One request of the traversal by ID: `job.pages` pages (at most `pages`)
/// chained in a batch, page `i` filtered on the last ID of page `i - 1`, all
/// on IDs above `after` and, with `until`, at most `until` (REST 3.0, which
/// has no batch: one page a request). Pages are read in order and reading
/// stops at the first short or failed page, so a broken chain can never
/// repeat or skip an item; an item above `until` ends the range.
pub(super) async fn by_id(
    job: Job,
    after: i64,
    until: Option<i64>,
    pages: usize,
) -> Result<Walk, CallError> {
    let pages = pages.clamp(1, crate::MAX_BATCH);
    let (results, requests) = if job.api == ApiVersion::V3 {
        let page = page_params(&job, Value::from(after), until, "ASC");
        let answer = job
            .client
            .call_answer(
                &job.method,
                job.api,
                Retry::Read,
                page,
                CallOptions::default(),
            )
            .await?;
        (vec![Ok(job.spec.items(answer.body(), answer.result()))], 1)
    } else {
        let last = job.spec.page_size.saturating_sub(1);
        let commands = (0..pages)
            .map(|page| {
                let bound = if page == 0 {
                    Value::from(after)
                } else {
                    let mut text = format!("$result[p{}]", page - 1);
                    if let Some(key) = &job.spec.items_key {
                        text.push_str(&format!("[{key}]"));
                    }
                    text.push_str(&format!("[{last}][{}]", job.spec.id_field));
                    Value::String(text)
                };
                (format!("p{page}"), page_params(&job, bound, until, "ASC"))
            })
            .collect();
        run_pages(&job, commands).await?
    };
    let mut walk = Walk {
        items: Vec::new(),
        last_id: after,
        finished: false,
        requests,
    };
    for (page, outcome) in results.into_iter().enumerate() {
        let items = match outcome {
            Ok(items) => items.map_err(not_a_list)?,
            Err(error) if page == 0 => return Err(error),
            // A later page failed: go on from the last ID next time.
            Err(_) => break,
        };
        if !take_page(&job.spec, items, page, until, &mut walk)? {
            break;
        }
    }
    Ok(walk)
}

/// Reads one page's items into `walk`; whether the next page of the chain counts.
fn take_page(
    spec: &ListSpec,
    got: Vec<Item>,
    page: usize,
    until: Option<i64>,
    walk: &mut Walk,
) -> Result<bool, CallError> {
    let full = got.len() >= spec.page_size;
    let (mut fresh, mut previous) = (0, i64::MIN);
    for item in got {
        let Some(id) = item.id else {
            return Err(unusable(
                format!("an item has no `{}`", spec.id_field),
                item.text(),
            ));
        };
        if id <= previous {
            return Err(unusable(
                format!(
                    "the items are not ordered by `{}`: use paging by start",
                    spec.id_field
                ),
                item.text(),
            ));
        }
        previous = id;
        if until.is_some_and(|until| id > until) {
            // Past the range (the portal ignored its upper bound): the next
            // range has it.
            walk.finished = true;
            return Ok(false);
        }
        // Never an item twice, whatever the portal did with the chain.
        if id > walk.last_id {
            walk.last_id = id;
            walk.items.push(item);
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
                "null",
            ));
        }
        return Ok(false);
    }
    if !full || until.is_some_and(|until| walk.last_id >= until) {
        walk.finished = true;
        return Ok(false);
    }
    Ok(true)
}

/// The first request of a traversal by ranges: one `batch` with the first
/// page (IDs above `after`, ascending) and the page of the highest IDs
/// (descending). A failed second page only leaves the highest ID unknown.
pub(super) async fn probe(job: Job, after: i64) -> Result<Probe, CallError> {
    let commands = vec![
        (
            "p0".to_string(),
            page_params(&job, Value::from(after), None, "ASC"),
        ),
        (
            "top".to_string(),
            page_params(&job, Value::from(after), None, "DESC"),
        ),
    ];
    let (mut results, requests) = run_pages(&job, commands).await?;
    let top = (results.len() > 1).then(|| results.remove(1));
    let Some(first) = results.into_iter().next() else {
        return Err(stalled_probe());
    };
    let mut walk = Walk {
        items: Vec::new(),
        last_id: after,
        finished: false,
        requests,
    };
    take_page(&job.spec, first?.map_err(not_a_list)?, 0, None, &mut walk)?;
    let low = walk
        .items
        .first()
        .and_then(|item| item.id)
        .map(|id| (id, walk.items.len()));
    let high = match top {
        Some(Ok(Ok(items))) => {
            let ids: Vec<i64> = items.iter().filter_map(|i| i.id).collect();
            match (ids.iter().max(), ids.iter().min()) {
                (Some(max), Some(min)) => Some((*max, *min, ids.len())),
                _ => None,
            }
        }
        _ => None,
    };
    Ok(Probe {
        first: walk,
        low,
        high,
    })
}

/// What one command of a `batch` of pages gave: its items (or what was
/// wrong with its `result`), or its error.
type PageOutcome = Result<Result<Vec<Item>, NotAList>, CallError>;

/// Sends list commands in one `batch` and gives each command's items, in
/// order, up to the first that has neither a result nor an error. The first
/// command refused before it ran (the method's time budget, the rate limit)
/// is asked again after the client's wait, up to its retry limit.
async fn run_pages(
    job: &Job,
    commands: Vec<(String, Value)>,
) -> Result<(Vec<PageOutcome>, u64), CallError> {
    let client = &job.client;
    let shared = client.shared();
    let cmd: Vec<(String, String)> = commands
        .iter()
        .map(|(name, params)| {
            let query = query::encode(params);
            let line = if query.is_empty() {
                job.method.to_string()
            } else {
                format!("{}?{query}", job.method)
            };
            (name.clone(), line)
        })
        .collect();
    let spec = Spec {
        method: "batch",
        api: ApiVersion::V2,
        retry: Retry::Read,
        idempotent: false,
    };
    let mut requests = 0;
    let mut tries = 0;
    loop {
        let payload = Payload::Batch {
            halt: false,
            cmd: cmd.clone(),
        };
        let answer = client.execute(&spec, payload, &[&job.method]).await?;
        requests += 1;
        let outcomes = read_batch(job, &commands, &answer)?;
        // The first page refused before it ran: wait (the client holds the
        // method until its budget allows) and ask again.
        let refused = matches!(outcomes.first(), Some(Err(CallError::Api(api)))
            if api.code == "OPERATION_TIME_LIMIT" || api.code == "QUERY_LIMIT_EXCEEDED");
        if refused && tries < shared.retry.max_retries {
            tries += 1;
            continue;
        }
        return Ok((outcomes, requests));
    }
}

/// A `batch` answer's pages, each read into its items, in the commands'
/// order, up to the first command with neither a result nor an error. Each
/// command's `time` feeds the method's time budget.
fn read_batch(
    job: &Job,
    commands: &[(String, Value)],
    answer: &Answer,
) -> Result<Vec<PageOutcome>, CallError> {
    let shared = job.client.shared();
    let method = &*job.method;
    let Some(parts) = parts::read(answer.result()) else {
        return Err(answer.decode_error(format!(
            "the `batch` answer holds no `result` nor `result_error`; it starts `{}`",
            crate::body::excerpt(&answer.shown(answer.body()))
        )));
    };
    for (name, _) in commands {
        if let Some(time) = parts.time(name) {
            shared.operating.record(method, &time);
        }
    }
    let mut outcomes = Vec::with_capacity(commands.len());
    for (name, _) in commands {
        if let Some(error) = parts.error(name) {
            let api = crate::batch::command_error(&error);
            if api.code == "OPERATION_TIME_LIMIT" {
                shared
                    .operating
                    .block(method, None, shared.retry.operating_retry);
            }
            outcomes.push(Err(shared.redactor.error(CallError::Api(api))));
            continue;
        }
        match parts.result(name) {
            Some(result) => outcomes.push(Ok(job.spec.items(answer.body(), result))),
            None => break,
        }
    }
    Ok(outcomes)
}

/// One page's parameters: ordered by ID (`direction`), filtered on IDs
/// above `bound` and, with `until`, at most `until`; `start=-1` (no count).
fn page_params(job: &Job, bound: Value, until: Option<i64>, direction: &str) -> Value {
    let spec = &job.spec;
    let mut params = (*job.params).clone();
    if let Value::Object(map) = &mut params {
        let filter = map
            .entry(spec.filter_key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !filter.is_object() {
            *filter = Value::Object(Map::new());
        }
        if let Value::Object(filter) = filter {
            filter.insert(format!(">{}", spec.id_field), bound);
            if let Some(until) = until {
                // Tighter than any `<=ID` of the caller's: ranges end at or
                // below the highest ID the caller's filter lets through.
                filter.insert(format!("<={}", spec.id_field), Value::from(until));
            }
        }
        let mut order = Map::new();
        order.insert(spec.id_field.clone(), Value::from(direction));
        map.insert(spec.order_key.clone(), Value::Object(order));
        map.insert("start".into(), Value::from(-1));
    }
    params
}

/// The error of a traversal that asked `stalls` times and got nowhere.
pub(super) fn stalled(stalls: u32) -> CallError {
    CallError::Decode(DecodeError {
        message: format!(
            "the traversal does not move on: {stalls} answers in a row brought no item and no end \
             (a `batch` answer without its first page?)"
        ),
        status: 200,
        body: String::new(),
    })
}

fn stalled_probe() -> CallError {
    CallError::Decode(DecodeError {
        message: "the `batch` answer holds no first page".into(),
        status: 200,
        body: String::new(),
    })
}

fn not_a_list(wrong: NotAList) -> CallError {
    unusable(
        format!(
            "{}, found {}",
            wrong.message,
            crate::body::excerpt(&wrong.value)
        ),
        &wrong.value,
    )
}

fn unusable(message: String, body: &str) -> CallError {
    CallError::Decode(DecodeError {
        message,
        status: 200,
        body: body.to_string(),
    })
}
