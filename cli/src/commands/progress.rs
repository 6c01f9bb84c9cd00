//! The progress line of `b24 export` and `b24 import` on stderr: a bar
//! redrawn in place on a terminal, a plain line every few seconds
//! otherwise (a log file keeps a readable history). It shows items,
//! requests, the rate and, when the total is known, the time left.

use std::time::{Duration, Instant};

use super::output;

/// Prints progress on stderr.
pub struct ProgressLine {
    label: String,
    terminal: bool,
    started: Instant,
    printed: Option<Instant>,
}

impl ProgressLine {
    /// A progress line for `label` (the method name).
    pub fn new(label: &str) -> ProgressLine {
        ProgressLine {
            label: label.to_string(),
            terminal: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            started: Instant::now(),
            printed: None,
        }
    }

    /// Shows `done` of `total` items after `requests` requests; `finished`
    /// always prints (and ends the redrawn line).
    pub fn show(&mut self, done: u64, total: Option<u64>, requests: u64, finished: bool) {
        let every = if self.terminal {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(5)
        };
        if !finished && self.printed.is_some_and(|at| at.elapsed() < every) {
            return;
        }
        self.printed = Some(Instant::now());
        let line = format!(
            "{}: {}",
            self.label,
            describe(done, total, requests, self.started.elapsed())
        );
        if self.terminal {
            output::note_raw(&format!(
                "\r{line}\x1b[K{}",
                if finished { "\n" } else { "" }
            ));
        } else {
            output::note(&line);
        }
    }
}

/// `[####......] 40/100 (40%), 3 requests, 20 items/s, 3.0 s left, 2.0 s`.
fn describe(done: u64, total: Option<u64>, requests: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    let rate = if seconds > 0.0 {
        done as f64 / seconds
    } else {
        0.0
    };
    let (counted, left) = match total {
        Some(total) if total > 0 => {
            let share = (done as f64 / total as f64).min(1.0);
            let filled = (share * 30.0).round() as usize;
            let left = (rate > 0.0 && done < total)
                .then(|| format!(", {:.1} s left", (total - done) as f64 / rate));
            (
                format!(
                    "[{}{}] {done}/{total} ({:.0}%)",
                    "#".repeat(filled),
                    ".".repeat(30 - filled),
                    share * 100.0
                ),
                left.unwrap_or_default(),
            )
        }
        _ => (format!("{done} items"), String::new()),
    };
    format!("{counted}, {requests} requests, {rate:.0} items/s{left}, {seconds:.1} s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_rate_and_time_left_when_the_total_is_known() {
        let line = describe(40, Some(100), 3, Duration::from_secs(2));
        assert_eq!(
            line,
            "[############..................] 40/100 (40%), 3 requests, 20 items/s, 3.0 s left, 2.0 s"
        );
        assert_eq!(
            describe(7, None, 1, Duration::from_secs(1)),
            "7 items, 1 requests, 7 items/s, 1.0 s"
        );
        // Done: no time left is shown.
        assert!(!describe(100, Some(100), 2, Duration::from_secs(1)).contains("left"));
    }
}
