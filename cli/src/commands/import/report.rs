//! The report of an import: one JSON line per input line, `ok`, `error`
//! or `unknown`, read back by `--resume` (the last entry of a line wins).

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// How a line ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// The call ran and succeeded.
    Ok,
    /// The call failed, or was not sent.
    Error,
    /// The call may have run; nobody knows.
    Unknown,
}

impl Status {
    /// The name in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
            Status::Unknown => "unknown",
        }
    }

    fn parse(text: &str) -> Option<Status> {
        match text {
            "ok" => Some(Status::Ok),
            "error" => Some(Status::Error),
            "unknown" => Some(Status::Unknown),
            _ => None,
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportLine {
    /// The input line, from 1.
    pub line: u64,
    /// How it ended.
    pub status: Status,
    /// The call's `result` when it succeeded, else `null`.
    pub result: Value,
    /// `{"code": ..., "description": ...}` when it did not, else `null`.
    pub error: Value,
}

impl ReportLine {
    pub(super) fn ok(line: u64, result: Value) -> ReportLine {
        ReportLine {
            line,
            status: Status::Ok,
            result,
            error: Value::Null,
        }
    }

    pub(super) fn failed(
        line: u64,
        status: Status,
        code: &str,
        description: impl Into<String>,
    ) -> ReportLine {
        ReportLine {
            line,
            status,
            result: Value::Null,
            error: json!({"code": code, "description": description.into()}),
        }
    }

    /// The report line as one line of text (JSON, without the newline).
    pub fn to_line(&self) -> String {
        format!(
            "{{\"line\":{},\"status\":\"{}\",\"result\":{},\"error\":{}}}",
            self.line,
            self.status.as_str(),
            self.result,
            self.error
        )
    }

    /// The report line as JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "line": self.line,
            "status": self.status.as_str(),
            "result": self.result,
            "error": self.error,
        })
    }

    /// Reads a report line.
    pub fn from_json(value: &Value) -> Option<ReportLine> {
        Some(ReportLine {
            line: value.get("line")?.as_u64().filter(|n| *n > 0)?,
            status: Status::parse(value.get("status")?.as_str()?)?,
            result: value.get("result").cloned().unwrap_or(Value::Null),
            error: value.get("error").cloned().unwrap_or(Value::Null),
        })
    }
}

/// Reads a report (or a journal): the last entry of each line wins.
/// Every non-blank line must be an entry.
pub fn read_report(path: &Path) -> Result<BTreeMap<u64, ReportLine>, String> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = BTreeMap::new();
    for (index, text) in BufReader::new(file).lines().enumerate() {
        let text = text.map_err(|e| format!("{}: {e}", path.display()))?;
        if text.trim().is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| ReportLine::from_json(&v));
        match parsed {
            Some(line) => {
                lines.insert(line.line, line);
            }
            None => {
                return Err(format!(
                    "{}:{}: not a report line: {text}",
                    path.display(),
                    index + 1
                ))
            }
        }
    }
    Ok(lines)
}

/// Cuts whatever follows the last newline of a file.
pub(super) fn cut_torn_tail(path: &Path) -> std::io::Result<()> {
    let mut file = OpenOptions::new().read(true).write(true).open(path)?;
    let len = file.metadata()?.len();
    let mut end = len;
    let mut buffer = [0u8; 4096];
    while end > 0 {
        let start = end.saturating_sub(buffer.len() as u64);
        let chunk = &mut buffer[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(at) = chunk.iter().rposition(|b| *b == b'\n') {
            end = start + at as u64 + 1;
            break;
        }
        end = start;
    }
    if end < len {
        file.set_len(end)?;
    }
    Ok(())
}

/// Replaces the report with `lines` (write and rename).
pub(super) fn write_report<'a>(
    path: &Path,
    lines: impl Iterator<Item = &'a ReportLine>,
) -> Result<(), String> {
    let mut temporary = path.as_os_str().to_os_string();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let write = || -> std::io::Result<()> {
        let mut out = BufWriter::new(File::create(&temporary)?);
        for line in lines {
            writeln!(out, "{}", line.to_line())?;
        }
        out.flush()?;
        std::fs::rename(&temporary, path)
    };
    write().map_err(|e| format!("{}: {e}", path.display()))
}
