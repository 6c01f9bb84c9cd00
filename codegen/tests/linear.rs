//! Reading and generating cost linear time in the page's size, also for the
//! shapes that used to cost quadratic time: blank lines inside a list
//! (27.8 s for 200k), `[` that never close in a cell (9.4 s for 200k), a
//! run of `\\` read for the docs (0.8 s for 50k), and their kin. Each case is timed at n and 2n in this process; twice the
//! input must take at most ~2.5 times as long (a quadratic case takes 4x).
//! Times are the best of a few runs, and a case is measured again before it
//! fails, so a busy machine does not fail the test.

use std::time::{Duration, Instant};

const N: usize = 20_000;

/// Best of three: parse (and generate, when it binds) `text`.
fn cost(text: &str) -> Duration {
    (0..3)
        .map(|_| {
            let started = Instant::now();
            let source = bitrix24_codegen::Source::from_text("p.md", text, |_| None);
            if let Ok(loaded) = bitrix24_codegen::parse_source(&source, "p.md") {
                let _ = bitrix24_codegen::generate(&loaded.method);
            }
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// The ratio of the cost at 2n to the cost at n.
fn ratio(case: &dyn Fn(usize) -> String) -> (f64, Duration, Duration) {
    let (small, large) = (case(N), case(2 * N));
    let (a, b) = (cost(&small), cost(&large));
    (b.as_secs_f64() / a.as_secs_f64().max(1e-9), a, b)
}

fn page(body: &str) -> String {
    format!(
        "# Get a Thing demo.thing.get\n\n> Scope: [`demo`](s.md)\n\nGets.\n\n## Method Parameters\n\n{body}\n\n## Response\n\ntext\n"
    )
}

fn cell(text: &str) -> String {
    page(&format!(
        "#|\n|| **Name**\n`type` | **Description** ||\n|| **id**\n[`integer`](t.md) | {text} ||\n|#"
    ))
}

#[allow(clippy::type_complexity)]
fn cases() -> Vec<(&'static str, Box<dyn Fn(usize) -> String>)> {
    vec![
        (
            "blank lines inside a list",
            Box::new(|n| page(&format!("- a\n{}- b\n", "\n".repeat(n)))),
        ),
        ("`[` in a cell", Box::new(|n| cell(&"[".repeat(n)))),
        ("`![` in a cell", Box::new(|n| cell(&"![".repeat(n)))),
        ("`[a](` in a cell", Box::new(|n| cell(&"[a](".repeat(n)))),
        ("`<` in a cell", Box::new(|n| cell(&"<".repeat(n)))),
        (
            "`[` in the title",
            Box::new(|n| {
                format!(
                    "# {} demo.a.b\n\n## Parameters\n\nNo parameters.\n",
                    "[".repeat(n)
                )
            }),
        ),
        (
            "links nested in links",
            Box::new(|n| page(&format!("{}x{}", "[".repeat(n / 4), "](y)".repeat(n / 4)))),
        ),
        (
            "backtick runs that never close",
            Box::new(|n| {
                let runs: Vec<String> = (1..)
                    .take_while(|k| k * (k + 1) / 2 < n)
                    .collect::<Vec<usize>>()
                    .into_iter()
                    .rev()
                    .map(|k| format!("{}a", "`".repeat(k)))
                    .collect();
                cell(&runs.concat())
            }),
        ),
        (
            "rows of one name",
            Box::new(|n| page(&"|---|---|\n".repeat(n / 8 + 2))),
        ),
        (
            "lines that are all `{%`",
            Box::new(|n| page(&"{% note %}\n".repeat(n / 4))),
        ),
        // The docs' Markdown: links without a parser, and with one.
        (
            "links in a cell",
            Box::new(|n| cell(&"[`a`](b.md) ".repeat(n / 12))),
        ),
        (
            "links and a URL in a cell",
            Box::new(|n| cell(&format!("https://e.com {}", "[a](b.md) ".repeat(n / 10)))),
        ),
        (
            "`\\` runs and a URL in a cell",
            Box::new(|n| cell(&format!("https://e.com {}", "\\".repeat(n)))),
        ),
        (
            "tags in a cell",
            Box::new(|n| cell(&"<b>x</b>".repeat(n / 8))),
        ),
    ]
}

#[test]
fn twice_the_input_takes_about_twice_the_time() {
    let mut report = Vec::new();
    let mut failed = Vec::new();
    for (name, case) in cases() {
        let mut measured = ratio(&*case);
        // A busy machine can slow one run: measure again before failing.
        for _ in 0..2 {
            if measured.0 <= 2.5 {
                break;
            }
            measured = ratio(&*case);
        }
        let (r, a, b) = measured;
        report.push(format!("{name}: {a:?} -> {b:?} ({r:.2}x)"));
        // Below a millisecond the ratio is noise.
        if r > 2.5 && b > Duration::from_millis(2) {
            failed.push(name);
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(
        failed.is_empty(),
        "not linear: {failed:?}\n{}",
        report.join("\n")
    );
}
