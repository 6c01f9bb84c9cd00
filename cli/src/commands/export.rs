//! `b24 export METHOD [--filter JSON] [--select F,..] --out FILE.jsonl [--resume | --force]`:
//! every item of a list method, one JSON line each.
//!
//! The traversal is the runtime's fast one for huge lists: ordered by ID,
//! filtered on `>ID`, `start=-1`, 50 pages (2,500 items) per `batch`
//! request, over 8 ID ranges at once (`--ranges N`; one request first
//! learns the lowest and highest ID), so 20,000 items take 9 requests, 8 of
//! them at once. Items are written in ID order;
//! `FILE.jsonl.checkpoint` beside the output records the method, its
//! parameters and the last ID written. `--resume` goes on after the last
//! complete line of the output (a torn last line is cut off), so no item is
//! written twice. An existing output is never overwritten without `--force`.
//! Progress goes to stderr; `--count` spends one more request to learn the
//! total.
//!
//! A failed traversal starts again from the checkpoint a few times when the
//! failure may pass (a dropped connection, a 5xx), never after the call's
//! deadline was spent or when the answer itself was wrong: those end the
//! export at once, with what happened and how to go on.

#![warn(missing_docs)]

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bitrix24::{
    ApiVersion, CallError, CallOptions, Checkpoint, Client, ExportOptions, ListSpec, Retry,
    TransportKind,
};
use bitrix24_codegen::model::{Kind, Method};
use futures_util::StreamExt;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use files::{read_checkpoint, save, scan, Saved};

mod args;
mod files;

pub use args::{run, Args};
pub use files::checkpoint_path;

/// Where a list method's items and their IDs are: the page's list shape
/// ([`Method::list_shape`], the one the generated `ListMethod` impl uses)
/// when the page documents one. Otherwise a guess: items wrapped in
/// `result` when the page documents `result` as an object with one list
/// member (`items`, `tasks`), whose IDs are then `id`; else `result` is the
/// list and IDs are `ID`, as in the CRM's classic methods (`--id-field` and
/// `--items-key` override either).
pub fn list_spec(page: &Method) -> ListSpec {
    if let Some(shape) = page.list_shape() {
        let spec = ListSpec::new(shape.id_field);
        return match shape.items_key {
            Some(key) => spec.items_in(key),
            None => spec,
        };
    }
    let lists: Vec<&str> = page
        .result
        .fields
        .iter()
        .filter(|f| !f.name.contains('[') && matches!(f.kind.non_null(), Kind::Array(_)))
        .map(|f| f.name.as_str())
        .collect();
    match (page.result.kind.non_null(), lists.as_slice()) {
        (Kind::Object, [key]) => ListSpec::new("id").items_in(*key),
        _ => ListSpec::new("ID"),
    }
}

/// Items written between two checkpoints (one full request's worth).
const CHECKPOINT_EVERY: u64 = 2_500;

/// One export.
#[derive(Debug, Clone)]
pub struct ExportJob {
    /// The list method, e.g. `crm.lead.list`.
    pub method: String,
    /// The `filter` parameter, if any (its `>ID` key is replaced).
    pub filter: Option<Value>,
    /// Fields to select; the ID field is added when missing. Empty: the method's default.
    pub select: Vec<String>,
    /// The output file.
    pub out: PathBuf,
    /// Go on after the output's last line instead of starting over.
    pub resume: bool,
    /// Start over even when the output exists (it is truncated).
    pub force: bool,
    /// Where the items and their IDs are (`ID` at the top of `result` for CRM lists).
    pub spec: ListSpec,
    /// Pages per `batch` request (1 to 50).
    pub pages_per_request: usize,
    /// ID ranges fetched at once (1 to 64; 1: one request after another).
    pub ranges: usize,
    /// Spend one request first to learn the total, for progress.
    pub count: bool,
    /// How many times a failed traversal starts again from the checkpoint
    /// before the export gives up (the runtime already retried each request).
    pub max_restarts: u32,
}

impl ExportJob {
    /// An export of `method` into `out` with the defaults: CRM list shape
    /// (`ID`), 50 pages per request, 8 ID ranges at once, no count, 3 restarts.
    pub fn new(method: impl Into<String>, out: impl Into<PathBuf>) -> ExportJob {
        ExportJob {
            method: method.into(),
            filter: None,
            select: Vec::new(),
            out: out.into(),
            resume: false,
            force: false,
            spec: ListSpec::new("ID"),
            pages_per_request: 50,
            ranges: bitrix24::DEFAULT_RANGES,
            count: false,
            max_restarts: 3,
        }
    }

    /// The parameters sent with every page (before the traversal adds its own).
    pub fn params(&self) -> Value {
        let mut params = json!({});
        if let Some(filter) = &self.filter {
            params["filter"] = filter.clone();
        }
        if !self.select.is_empty() {
            let mut select = self.select.clone();
            let id = &self.spec.id_field;
            if !select
                .iter()
                .any(|s| s.eq_ignore_ascii_case(id) || s == "*")
            {
                select.insert(0, id.clone());
            }
            params["select"] = json!(select);
        }
        params
    }
}

/// How far an export has come, for progress reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportProgress {
    /// Items in the output file (those of earlier runs included).
    pub items: u64,
    /// Items matching the filter, when counted (`--count`).
    pub total: Option<u64>,
    /// HTTP requests made by this run.
    pub requests: u64,
    /// Whether the export has ended.
    pub done: bool,
}

/// What an export did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportSummary {
    /// Items written by this run.
    pub written: u64,
    /// Items in the output file now.
    pub items: u64,
    /// HTTP requests this run made (retries included).
    pub requests: u64,
    /// The last ID in the output.
    pub last_id: Option<i64>,
    /// The ID this run started after, when it resumed.
    pub resumed_after: Option<i64>,
    /// How many times the traversal started again after a failure.
    pub restarts: u32,
}

/// Runs an export; `progress` is called as items arrive (at most every
/// 100 ms) and at the end.
pub async fn export(
    client: &Client,
    job: &ExportJob,
    progress: &mut (dyn FnMut(&ExportProgress) + Send),
) -> Result<ExportSummary, String> {
    let params = job.params();
    let checkpoint = checkpoint_path(&job.out);
    let shown = job.out.display().to_string();
    let requests_before = client.requests_sent();

    if !job.resume && !job.force && job.out.exists() {
        return Err(format!(
            "{shown} exists: pass --resume to go on from it, --force to start over, or remove it"
        ));
    }
    // Where to start: after the last complete line of the output.
    let (mut items, mut last_id) = (0u64, None);
    if job.resume && job.out.exists() {
        if let Some(saved) = read_checkpoint(&checkpoint)? {
            if saved.method != job.method || saved.params != params {
                return Err(format!(
                    "{} is for {} with {}, not this export; start over without --resume",
                    checkpoint.display(),
                    saved.method,
                    saved.params
                ));
            }
        }
        let tail = scan(&job.out).map_err(|e| format!("{shown}: {e}"))?;
        if tail.torn {
            let file = OpenOptions::new()
                .write(true)
                .open(&job.out)
                .map_err(|e| format!("{shown}: {e}"))?;
            file.set_len(tail.complete_len)
                .map_err(|e| format!("{shown}: cannot cut the torn last line: {e}"))?;
        }
        items = tail.lines;
        if let Some(line) = tail.last_line {
            let item: Value = serde_json::from_str(&line)
                .map_err(|e| format!("{shown}: the last line is not JSON: {e}"))?;
            last_id = Some(item_id(&job.spec, &item).ok_or_else(|| {
                format!(
                    "{shown}: the last line has no `{}` to resume after",
                    job.spec.id_field
                )
            })?);
        }
    }
    let resumed_after = last_id;
    let file = if job.resume {
        OpenOptions::new().create(true).append(true).open(&job.out)
    } else {
        File::create(&job.out)
    }
    .map_err(|e| format!("{shown}: {e}"))?;
    let mut writer = BufWriter::with_capacity(1 << 16, file);

    let total = if job.count {
        Some(count(client, job, &params).await?)
    } else {
        None
    };
    let mut saved = Saved {
        method: job.method.clone(),
        params: params.clone(),
        last_id,
        items,
        done: false,
    };
    save(&mut writer, &checkpoint, &saved)?;

    let mut written = 0u64;
    let mut restarts = 0u32;
    let mut shown_at = Instant::now();
    let report = |items: u64, done: bool, progress: &mut (dyn FnMut(&ExportProgress) + Send)| {
        progress(&ExportProgress {
            items,
            total,
            requests: client.requests_sent() - requests_before,
            done,
        })
    };
    report(items, false, progress);
    'traversal: loop {
        let options = ExportOptions {
            after: last_id.map(|last_id| Checkpoint { last_id }),
            pages_per_request: job.pages_per_request,
            ranges: job.ranges,
        };
        // Items stay the text the portal sent: no tree is built per item.
        let mut stream = client.export_raw::<Box<RawValue>>(
            &job.method,
            params.clone(),
            job.spec.clone(),
            options,
        );
        while let Some(item) = stream.next().await {
            let item = match item {
                Ok(item) => item,
                Err(error) => {
                    saved.last_id = last_id;
                    saved.items = items;
                    save(&mut writer, &checkpoint, &saved)?;
                    if restartable(&error) && restarts < job.max_restarts {
                        restarts += 1;
                        tokio::time::sleep(Duration::from_millis(500) * restarts).await;
                        continue 'traversal;
                    }
                    return Err(format!(
                        "{}: {error}; {items} items are in {shown}, go on with --resume",
                        job.method
                    ));
                }
            };
            // The runtime read each item's ID as it walked the IDs.
            let Some(id) = stream.progress().last_id else {
                return Err(format!(
                    "{}: an item has no `{}`: {}",
                    job.method,
                    job.spec.id_field,
                    item.get()
                ));
            };
            // Never a line twice, whatever the portal sends.
            if last_id.is_some_and(|last| id <= last) {
                continue;
            }
            write_line(&mut writer, &item).map_err(|e| format!("{shown}: {e}"))?;
            last_id = Some(id);
            items += 1;
            written += 1;
            if written % CHECKPOINT_EVERY == 0 {
                saved.last_id = last_id;
                saved.items = items;
                save(&mut writer, &checkpoint, &saved)?;
            }
            if shown_at.elapsed() >= Duration::from_millis(100) {
                shown_at = Instant::now();
                report(items, false, progress);
            }
        }
        break;
    }
    saved.last_id = last_id;
    saved.items = items;
    saved.done = true;
    save(&mut writer, &checkpoint, &saved)?;
    report(items, true, progress);
    Ok(ExportSummary {
        written,
        items,
        requests: client.requests_sent() - requests_before,
        last_id,
        resumed_after,
        restarts,
    })
}

/// The total the portal counts for the filter: one counted page of IDs.
async fn count(client: &Client, job: &ExportJob, params: &Value) -> Result<u64, String> {
    let mut params = params.clone();
    params["select"] = json!([job.spec.id_field]);
    params["start"] = json!(0);
    let envelope = client
        .call_raw_with(
            &job.method,
            ApiVersion::V2,
            Retry::Read,
            params,
            CallOptions::default(),
        )
        .await
        .map_err(|e| format!("{}: cannot count the items: {e}", job.method))?;
    Ok(envelope.total.unwrap_or(0))
}

/// Errors after which starting again from the checkpoint may help: not
/// after the call spent its deadline (that was the retrying), nor when the
/// answer came and was wrong (too large, elsewhere, not the portal's).
fn restartable(error: &CallError) -> bool {
    match error {
        CallError::Transport(t) | CallError::OutcomeUnknown(t) => match t.kind {
            TransportKind::Connect | TransportKind::Interrupted | TransportKind::Other => true,
            TransportKind::Status => t.status.is_some_and(|s| s >= 500),
            _ => false,
        },
        CallError::Api(api) => {
            api.status >= 500
                || matches!(
                    api.code.as_str(),
                    "QUERY_LIMIT_EXCEEDED" | "OPERATION_TIME_LIMIT" | "INTERNAL_SERVER_ERROR"
                )
        }
        CallError::Decode(_) => false,
    }
}

/// An item's ID: a number or numeric text.
/// One item as one line: its text as sent, unless the portal's JSON spans
/// lines (whitespace between tokens), which is then written compact.
fn write_line(writer: &mut impl Write, item: &RawValue) -> std::io::Result<()> {
    let text = item.get();
    if has_line_break(text) {
        let value: Value = serde_json::from_str(text)?;
        serde_json::to_writer(&mut *writer, &value)?;
    } else {
        writer.write_all(text.as_bytes())?;
    }
    writer.write_all(b"\n")
}

/// Whether JSON text holds a line break (only possible between tokens:
/// inside strings JSON escapes them).
fn has_line_break(text: &str) -> bool {
    text.bytes().any(|b| b == b'\n' || b == b'\r')
}

fn item_id(spec: &ListSpec, item: &Value) -> Option<i64> {
    let value = item.get(&spec.id_field)?;
    value
        .as_i64()
        .or_else(|| value.as_str()?.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix24_codegen::model::{Field, ResultSpec};

    fn method(result: ResultSpec) -> Method {
        Method {
            result,
            paged: true,
            ..Method::named("x.list")
        }
    }

    #[test]
    fn the_page_says_where_the_items_are() {
        let wrapped = method(ResultSpec {
            ty: Some("object".into()),
            fields: vec![
                Field::new("items", Kind::Array(Box::new(Kind::Object))),
                Field::new("items[]", Kind::Object),
            ],
            kind: Kind::Object,
        });
        assert_eq!(list_spec(&wrapped), ListSpec::new("id").items_in("items"));
        let bare = method(ResultSpec {
            ty: Some("array".into()),
            fields: Vec::new(),
            kind: Kind::Array(Box::new(Kind::Object)),
        });
        assert_eq!(list_spec(&bare), ListSpec::new("ID"));
    }

    #[test]
    fn the_id_is_selected() {
        let mut job = ExportJob::new("crm.lead.list", "x.jsonl");
        job.select = vec!["TITLE".into()];
        assert_eq!(job.params(), json!({"select": ["ID", "TITLE"]}));
        job.select = vec!["*".into()];
        assert_eq!(job.params(), json!({"select": ["*"]}));
    }
}
