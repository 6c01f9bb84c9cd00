//! Writing to stdout and stderr without panicking and without a silent
//! success: `println!` panics on a closed pipe, and `let _ = write!(..)`
//! exits 0 after `> /dev/full`. Every command writes through these.
//!
//! A failed write to stdout is an error the command returns (and `main`
//! prints on stderr). A failed write to stderr has nowhere to be told: it
//! is remembered, and `main` exits with status 2 (an I/O problem) at the end.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout and flushes it.
pub fn print(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))
}

/// Writes `text` and a newline to stdout and flushes it.
pub fn println(text: &str) -> Result<(), String> {
    print(&format!("{text}\n"))
}

/// Flushes whatever is buffered for stdout.
pub fn flush() -> Result<(), String> {
    std::io::stdout()
        .lock()
        .flush()
        .map_err(|e| format!("cannot write to stdout: {e}"))
}

/// Writes `text` and a newline to stderr; a failure is remembered.
pub fn note(text: &str) {
    note_raw(&format!("{text}\n"));
}

/// Writes `text` as is to stderr (a progress line redrawn with `\r`); a
/// failure is remembered.
pub fn note_raw(text: &str) {
    let mut err = std::io::stderr().lock();
    if err
        .write_all(text.as_bytes())
        .and_then(|()| err.flush())
        .is_err()
    {
        STDERR_FAILED.store(true, Ordering::SeqCst);
    }
}

/// Whether a write to stderr failed in this process.
pub fn stderr_failed() -> bool {
    STDERR_FAILED.load(Ordering::SeqCst)
}
