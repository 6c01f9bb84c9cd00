//! The files of an export besides its output: `FILE.jsonl.checkpoint`
//! (method, parameters, last ID written) and the scan of the output's end
//! that `--resume` starts from.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// What `FILE.jsonl.checkpoint` holds.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Saved {
    pub(super) method: String,
    pub(super) params: Value,
    pub(super) last_id: Option<i64>,
    pub(super) items: u64,
    pub(super) done: bool,
}

impl Saved {
    pub(super) fn to_json(&self) -> Value {
        json!({
            "method": self.method,
            "params": self.params,
            "last_id": self.last_id,
            "items": self.items,
            "done": self.done,
        })
    }

    pub(super) fn from_json(value: &Value) -> Option<Saved> {
        Some(Saved {
            method: value.get("method")?.as_str()?.to_string(),
            params: value.get("params")?.clone(),
            last_id: value.get("last_id").and_then(Value::as_i64),
            items: value.get("items").and_then(Value::as_u64).unwrap_or(0),
            done: value.get("done").and_then(Value::as_bool).unwrap_or(false),
        })
    }
}

/// The checkpoint file of an output file: `FILE.jsonl.checkpoint`.
pub fn checkpoint_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_os_string();
    name.push(".checkpoint");
    PathBuf::from(name)
}

pub(super) fn read_checkpoint(path: &Path) -> Result<Option<Saved>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a checkpoint: {e}", path.display()))?;
    Saved::from_json(&value)
        .map(Some)
        .ok_or_else(|| format!("{}: not a checkpoint", path.display()))
}

/// Flushes the output, then replaces the checkpoint (write and rename), so
/// the checkpoint never runs ahead of the lines on disk.
pub(super) fn save(writer: &mut BufWriter<File>, path: &Path, saved: &Saved) -> Result<(), String> {
    writer
        .flush()
        .map_err(|e| format!("cannot write the output: {e}"))?;
    let mut temporary = path.as_os_str().to_os_string();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, format!("{}\n", saved.to_json()))
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The end of an output file.
#[derive(Debug, Default)]
pub(super) struct Tail {
    /// Complete lines.
    pub(super) lines: u64,
    /// Bytes up to the end of the last complete line.
    pub(super) complete_len: u64,
    /// Bytes follow the last newline.
    pub(super) torn: bool,
    /// The last complete, non-empty line.
    pub(super) last_line: Option<String>,
}

/// Reads an output file to its end: its complete lines and what follows.
pub(super) fn scan(path: &Path) -> std::io::Result<Tail> {
    let mut file = File::open(path)?;
    let mut tail = Tail::default();
    let mut buffer = vec![0u8; 1 << 16];
    let mut offset = 0u64;
    let mut line_start = 0u64;
    let mut last_start = None;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        for (i, byte) in buffer[..read].iter().enumerate() {
            if *byte == b'\n' {
                let end = offset + i as u64 + 1;
                if end - line_start > 1 {
                    tail.lines += 1;
                    last_start = Some((line_start, end - 1));
                }
                tail.complete_len = end;
                line_start = end;
            }
        }
        offset += read as u64;
    }
    tail.torn = offset > tail.complete_len;
    if let Some((start, end)) = last_start {
        file.seek(SeekFrom::Start(start))?;
        let mut line = vec![0u8; (end - start) as usize];
        file.read_exact(&mut line)?;
        tail.last_line = Some(String::from_utf8_lossy(&line).into_owned());
    }
    Ok(tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torn_lines_are_found() {
        let dir = std::env::temp_dir().join(format!("b24-scan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.jsonl");
        std::fs::write(&path, "{\"ID\":1}\n{\"ID\":2}\n{\"ID\":").unwrap();
        let tail = scan(&path).unwrap();
        assert_eq!(tail.lines, 2);
        assert!(tail.torn);
        assert_eq!(tail.complete_len, 18);
        assert_eq!(tail.last_line.as_deref(), Some("{\"ID\":2}"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
