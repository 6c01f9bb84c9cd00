//! `b24 import METHOD --in FILE.jsonl --report REPORT.jsonl [--resume]`:
//! one call of METHOD per input line, the line being its parameters.
//!
//! Lines go 50 to a `batch` request, a few requests in flight, through the
//! client's rate limit and retry rules: a request is sent again after a 5xx
//! or a dropped connection only when every call in it is safe to repeat
//! (reads, `set`/`update`/`delete`...). Otherwise its calls are reported
//! `unknown`: they may have run, and are never sent again silently.
//!
//! The report has one JSON line per non-blank input line, in input order:
//! `{"line": N, "status": "ok"|"error"|"unknown", "result": ..., "error": ...}`
//! (N counts input lines from 1). While the run goes on the report is a
//! journal: before a batch of unsafe calls leaves, its lines are written as
//! `unknown` (code `IN_FLIGHT`), so a run killed mid-request never leads to
//! a duplicate. With `--resume` only lines that are not `ok` are sent again;
//! `unknown` lines only when the method is safe to repeat or with
//! `--retry-unknown` (after checking the portal by hand). Exit status 1
//! when any line is not `ok`.

#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bitrix24::{ApiVersion, Batch, CallError, CallOptions, Client, CommandResult, MAX_BATCH};
use futures_util::StreamExt;
use serde_json::Value;

use super::remote::MethodInfo;
use report::{cut_torn_tail, write_report};

mod args;
mod report;

pub use args::{run, Args};
pub use report::{read_report, ReportLine, Status};

/// One import.
#[derive(Debug, Clone)]
pub struct ImportJob {
    /// The method, its retry class and page.
    pub info: MethodInfo,
    /// The input: one JSON object of parameters a line.
    pub input: PathBuf,
    /// The report.
    pub report: PathBuf,
    /// Go on from the report: send only lines that are not `ok`.
    pub resume: bool,
    /// With `resume`, send `unknown` lines of an unsafe method again too.
    pub retry_unknown: bool,
    /// Calls per `batch` request (1 to 50).
    pub batch_size: usize,
    /// Most requests in flight at once; the client's adaptive limit (which
    /// grows while the portal answers as fast and halves when it pushes back)
    /// and its bucket decide how many really are.
    pub concurrency: usize,
}

/// Most requests in flight by default: enough to hide 10 ms of portal work
/// per command in batches of 50 at 20 requests a second.
pub const IMPORT_CONCURRENCY: usize = 16;

impl ImportJob {
    /// An import with the defaults: 50 calls a request, up to 16 requests in flight.
    pub fn new(
        info: MethodInfo,
        input: impl Into<PathBuf>,
        report: impl Into<PathBuf>,
    ) -> ImportJob {
        ImportJob {
            info,
            input: input.into(),
            report: report.into(),
            resume: false,
            retry_unknown: false,
            batch_size: MAX_BATCH,
            concurrency: IMPORT_CONCURRENCY,
        }
    }
}

/// How far an import has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportProgress {
    /// Non-blank input lines.
    pub lines: u64,
    /// Lines settled so far: answered, given up on, invalid, or kept from
    /// the earlier report.
    pub done: u64,
    /// HTTP requests so far.
    pub requests: u64,
    /// Whether the import has ended.
    pub finished: bool,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Non-blank input lines.
    pub lines: u64,
    /// Lines this run sent.
    pub sent: u64,
    /// Lines kept from the earlier report without sending (`--resume`).
    pub kept: u64,
    /// Lines `ok` in the report now.
    pub ok: u64,
    /// Lines `error` in the report now.
    pub error: u64,
    /// Lines `unknown` in the report now.
    pub unknown: u64,
    /// HTTP requests this run made (retries included).
    pub requests: u64,
}

impl ImportSummary {
    /// Whether every line is `ok`.
    pub fn all_ok(&self) -> bool {
        self.ok == self.lines
    }
}

/// Runs an import; `progress` is called after every request and at the end.
pub async fn import(
    client: &Client,
    job: &ImportJob,
    progress: &mut (dyn FnMut(&ImportProgress) + Send),
) -> Result<ImportSummary, String> {
    let requests_before = client.requests_sent();
    let report_shown = job.report.display().to_string();
    let previous = if job.report.exists() {
        if !job.resume {
            return Err(format!(
                "{report_shown} exists: pass --resume to go on from it, or remove it"
            ));
        }
        // A run killed while writing leaves half an entry: that line
        // counts as unanswered, and new entries must start on a line of their own.
        cut_torn_tail(&job.report).map_err(|e| format!("{report_shown}: {e}"))?;
        read_report(&job.report)?
    } else {
        BTreeMap::new()
    };
    let input_shown = job.input.display().to_string();
    let mut state = ImportProgress {
        lines: count_lines(&job.input).map_err(|e| format!("{input_shown}: {e}"))?,
        ..ImportProgress::default()
    };
    let input = File::open(&job.input).map_err(|e| format!("{input_shown}: {e}"))?;
    let journal = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&job.report)
        .map_err(|e| format!("{report_shown}: {e}"))?;
    let journal = Journal {
        file: Mutex::new(BufWriter::new(journal)),
        last_line: Mutex::new(if previous.is_empty() { Some(0) } else { None }),
    };
    progress(&state);

    // The input is read as the requests go, so the first one leaves at once.
    let settled: Mutex<Vec<(ReportLine, bool)>> = Mutex::new(Vec::new());
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let safe = job.info.safe_to_repeat();
    let feed = Feed {
        lines: BufReader::new(input).lines(),
        number: 0,
        previous: &previous,
        job,
        safe,
        batch_size: job.batch_size.clamp(1, MAX_BATCH),
        settled: &settled,
        failure: &failure,
    };
    let journal_ref = &journal;
    let mut lines: BTreeMap<u64, ReportLine> = BTreeMap::new();
    let mut summary = ImportSummary::default();
    let mut answers = futures_util::stream::iter(feed)
        .map(|chunk| async move {
            if !safe {
                let in_flight: Vec<ReportLine> = chunk
                    .iter()
                    .map(|(line, _)| {
                        ReportLine::failed(
                            *line,
                            Status::Unknown,
                            "IN_FLIGHT",
                            "the run stopped before the answer came: the call may have run",
                        )
                    })
                    .collect();
                journal_ref.write(&in_flight)?;
            }
            Ok::<_, String>(send(client, &job.info, chunk).await)
        })
        .buffer_unordered(job.concurrency.max(1));
    loop {
        let answered = answers.next().await;
        let settled = std::mem::take(&mut *lock(&settled));
        for (line, kept) in settled {
            if kept {
                summary.kept += 1;
            } else {
                journal.write(std::slice::from_ref(&line))?;
            }
            state.done += 1;
            lines.insert(line.line, line);
        }
        let Some(answered) = answered else { break };
        let answered = answered?;
        journal.write(&answered)?;
        summary.sent += answered.len() as u64;
        state.done += answered.len() as u64;
        state.requests = client.requests_sent() - requests_before;
        progress(&state);
        for line in answered {
            lines.insert(line.line, line);
        }
    }
    drop(answers);
    if let Some(failure) = lock(&failure).take() {
        return Err(failure);
    }
    // The final report: one line per input line, in order. The journal
    // already is that when it was written in order with one entry a line.
    let in_order = lock(&journal.last_line).is_some();
    drop(journal);
    if !in_order {
        write_report(&job.report, lines.values())?;
    }
    summary.lines = lines.len() as u64;
    for line in lines.values() {
        match line.status {
            Status::Ok => summary.ok += 1,
            Status::Error => summary.error += 1,
            Status::Unknown => summary.unknown += 1,
        }
    }
    summary.requests = client.requests_sent() - requests_before;
    state.lines = summary.lines;
    state.requests = summary.requests;
    state.finished = true;
    progress(&state);
    Ok(summary)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Non-blank lines of a file.
fn count_lines(path: &Path) -> std::io::Result<u64> {
    let mut reader = BufReader::with_capacity(1 << 16, File::open(path)?);
    let (mut lines, mut blank) = (0u64, true);
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            break;
        }
        for byte in buffer {
            match byte {
                b'\n' => {
                    lines += u64::from(!blank);
                    blank = true;
                }
                b' ' | b'\t' | b'\r' => {}
                _ => blank = false,
            }
        }
        let read = buffer.len();
        reader.consume(read);
    }
    Ok(lines + u64::from(!blank))
}

/// The input, read lazily into chunks of lines to send. Lines settled
/// without sending (kept from the earlier report, or invalid) are set
/// aside in `settled`; a read error ends the feed and is kept in `failure`.
struct Feed<'a> {
    lines: std::io::Lines<BufReader<File>>,
    number: u64,
    previous: &'a BTreeMap<u64, ReportLine>,
    job: &'a ImportJob,
    safe: bool,
    batch_size: usize,
    /// Report lines, and whether each was kept from the earlier report.
    settled: &'a Mutex<Vec<(ReportLine, bool)>>,
    failure: &'a Mutex<Option<String>>,
}

impl Iterator for Feed<'_> {
    type Item = Vec<(u64, Value)>;

    /// The next lines to send, at most a batch of them.
    fn next(&mut self) -> Option<Vec<(u64, Value)>> {
        let mut chunk = Vec::new();
        while chunk.len() < self.batch_size {
            let text = match self.lines.next() {
                None => break,
                Some(Ok(text)) => text,
                Some(Err(e)) => {
                    *lock(self.failure) = Some(format!(
                        "{}: line {}: {e}",
                        self.job.input.display(),
                        self.number + 1
                    ));
                    return None;
                }
            };
            self.number += 1;
            if text.trim().is_empty() {
                continue;
            }
            match self.line(self.number, &text) {
                Ok(params) => chunk.push((self.number, params)),
                Err(settled) => lock(self.settled).push(*settled),
            }
        }
        (!chunk.is_empty()).then_some(chunk)
    }
}

impl Feed<'_> {
    /// A line's parameters to send, or its report line when it is not sent
    /// (boxed: a report line is large, and most lines are sent).
    fn line(&self, number: u64, text: &str) -> Result<Value, Box<(ReportLine, bool)>> {
        if let Some(earlier) = self.previous.get(&number) {
            let settled = match earlier.status {
                Status::Ok => true,
                Status::Unknown => !(self.safe || self.job.retry_unknown),
                Status::Error => false,
            };
            if settled {
                return Err(Box::new((earlier.clone(), true)));
            }
        }
        let invalid = |code: &str, why: String| {
            Err(Box::new((
                ReportLine::failed(number, Status::Error, code, why),
                false,
            )))
        };
        let params = match serde_json::from_str(text) {
            Ok(value @ Value::Object(_)) => value,
            Ok(_) => {
                return invalid(
                    "INVALID_LINE",
                    "the line is not a JSON object of parameters".into(),
                )
            }
            Err(e) => return invalid("INVALID_LINE", format!("the line is not JSON: {e}")),
        };
        let problems = self.job.info.check(&params);
        if !problems.is_empty() {
            return invalid("INVALID_PARAMS", problems.join("; "));
        }
        Ok(params)
    }
}

/// The report file while the run goes on.
struct Journal {
    file: Mutex<BufWriter<File>>,
    /// The last line written, while the file holds one entry per line in
    /// input order (it started empty and every entry came after the last);
    /// `None` once that no longer holds.
    last_line: Mutex<Option<u64>>,
}

impl Journal {
    /// Appends lines and flushes them to the file.
    fn write(&self, lines: &[ReportLine]) -> Result<(), String> {
        if lines.is_empty() {
            return Ok(());
        }
        let mut file = lock(&self.file);
        let mut last = lock(&self.last_line);
        for line in lines {
            *last = last.filter(|l| *l < line.line).map(|_| line.line);
            writeln!(file, "{}", line.to_line())
                .map_err(|e| format!("cannot write the report: {e}"))?;
        }
        file.flush()
            .map_err(|e| format!("cannot write the report: {e}"))
    }
}

/// Sends one chunk of lines: one `batch` request, or (REST 3.0, or a line
/// that cannot go in a batch) one call a line.
async fn send(client: &Client, info: &MethodInfo, chunk: Vec<(u64, Value)>) -> Vec<ReportLine> {
    let mut alone: Vec<(u64, Value)> = Vec::new();
    let mut batch = Batch::new();
    let mut batched: Vec<(u64, String)> = Vec::new();
    for (line, params) in chunk {
        if info.api == ApiVersion::V3 {
            alone.push((line, params));
            continue;
        }
        let name = format!("line{line}");
        // Text that looks like a batch reference (`$result[x]`) cannot go in a batch.
        match batch.add_raw(&name, &info.name, info.retry, params.clone()) {
            Ok(_) => batched.push((line, name)),
            Err(_) => alone.push((line, params)),
        }
    }
    let mut out = Vec::new();
    if !batched.is_empty() {
        let results = client.batch(batch).await;
        for (line, name) in batched {
            out.push(settle(line, info, results.by_name(&name).cloned()));
        }
    }
    let singles = alone.into_iter().map(|(line, params)| async move {
        let outcome = client
            .call_raw_with(
                &info.name,
                info.api,
                info.retry,
                params,
                CallOptions::default(),
            )
            .await
            .map(|envelope| CommandResult {
                result: envelope.result,
                total: envelope.total,
                next: envelope.next,
                time: envelope.time,
            });
        settle(line, info, Some(outcome))
    });
    out.extend(futures_util::future::join_all(singles).await);
    out
}

/// The report line for a call's outcome.
fn settle(
    line: u64,
    info: &MethodInfo,
    outcome: Option<Result<CommandResult, CallError>>,
) -> ReportLine {
    let safe = info.safe_to_repeat();
    // Reached the portal, answer unreadable or missing: unknown for unsafe calls.
    let unread = if safe { Status::Error } else { Status::Unknown };
    match outcome {
        Some(Ok(command)) => ReportLine::ok(line, command.result),
        Some(Err(CallError::OutcomeUnknown(error))) => {
            ReportLine::failed(line, Status::Unknown, "OUTCOME_UNKNOWN", error.to_string())
        }
        Some(Err(CallError::Api(api))) => ReportLine::failed(
            line,
            Status::Error,
            &api.code,
            if api.description.is_empty() {
                api.to_string()
            } else {
                api.description
            },
        ),
        // Not sent (the connection could not be made), or a read that kept failing.
        Some(Err(CallError::Transport(error))) => {
            ReportLine::failed(line, Status::Error, "TRANSPORT", error.to_string())
        }
        Some(Err(CallError::Decode(error))) if error.status == 0 => {
            ReportLine::failed(line, Status::Error, "ENCODE", error.to_string())
        }
        Some(Err(CallError::Decode(error))) => {
            ReportLine::failed(line, unread, "DECODE", error.to_string())
        }
        None => ReportLine::failed(
            line,
            unread,
            "NO_ANSWER",
            "the batch answer holds neither a result nor an error for this call",
        ),
    }
}
