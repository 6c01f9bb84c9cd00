//! Parse + generate the whole reference in one process, against a bare
//! pulldown-cmark pass over the same page bytes in the same run.
//!
//! `cargo bench -p bitrix24-codegen --bench corpus`. The corpus is
//! `$B24_CORPUS`, else `../shared/b24restdocs/api-reference` next to the
//! workspace; the bench says so and exits when it is absent.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bitrix24_codegen::Source;

fn corpus_dir() -> PathBuf {
    std::env::var_os("B24_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24restdocs/api-reference")
        })
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// Lexically normalized, as the engine resolves include paths.
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Every file of the corpus, for the engine's reader of linked dictionaries
/// (a plain `fn`, so it looks them up here rather than on disk).
static TEXTS: std::sync::OnceLock<HashMap<PathBuf, String>> = std::sync::OnceLock::new();

fn read_linked(path: &Path) -> Option<String> {
    TEXTS.get()?.get(&normal(path)).cloned()
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = f();
        best = best.min(start.elapsed());
        last = Some(value);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    let dir = corpus_dir();
    if !dir.is_dir() {
        println!(
            "corpus bench skipped: no reference at {} (set B24_CORPUS)",
            dir.display()
        );
        return;
    }
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let pages: Vec<(PathBuf, String)> = files
        .iter()
        .filter_map(|f| Some((normal(f), std::fs::read_to_string(f).ok()?)))
        .collect();
    let mut texts: HashMap<PathBuf, String> =
        pages.iter().map(|(p, t)| (p.clone(), t.clone())).collect();
    // Included files outside the directory (`../_includes/...`) are read once up front:
    // the bench measures parsing, not the disk.
    for (path, text) in &pages {
        let _ = Source::from_text(path.clone(), text, |p| {
            let p = normal(p);
            if !texts.contains_key(&p) {
                let text = std::fs::read_to_string(&p).ok()?;
                texts.insert(p.clone(), text);
            }
            texts.get(&p).cloned()
        });
    }
    let _ = TEXTS.set(texts.clone());
    let by_path: HashMap<PathBuf, &str> =
        texts.iter().map(|(p, t)| (p.clone(), t.as_str())).collect();
    // The pages with their includes spliced in: every byte the engine reads.
    let spliced: Vec<String> = pages
        .iter()
        .map(|(path, text)| {
            let source = Source::from_text(path.clone(), text, |p| {
                by_path.get(&normal(p)).map(|t| t.to_string())
            });
            let lines: Vec<&str> = source.lines.iter().map(|l| source.text(l)).collect();
            lines.join("\n")
        })
        .collect();
    let spliced_bytes: usize = spliced.iter().map(String::len).sum();
    let bytes: usize = pages.iter().map(|(_, t)| t.len()).sum();
    let runs = std::env::var("B24_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);

    if std::env::var_os("B24_BENCH_DIGEST").is_some() {
        // To show that a change to the engine left every model as it was.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let mut n = 0usize;
        for (path, text) in &pages {
            let mut source = Source::from_text(path.clone(), text, |p| {
                by_path.get(&normal(p)).map(|t| t.to_string())
            });
            source.reader = Some(read_linked);
            let outcome = bitrix24_codegen::parse_source(&source, "page")
                .map(|loaded| serde_json::to_string(&loaded.method).expect("a model serializes"))
                .map_err(|e| e.message);
            std::hash::Hash::hash(&outcome, &mut hasher);
            n += outcome.is_ok() as usize;
        }
        println!(
            "model digest: {:016x} over {n} method pages",
            std::hash::Hasher::finish(&hasher)
        );
        return;
    }
    if std::env::var_os("B24_BENCH_PARSE_ONLY").is_some() {
        // For profiling reading and parsing alone.
        let (took, n) = best_of(runs, || {
            let mut n = 0usize;
            for (path, text) in &pages {
                let mut source = Source::from_text(path.clone(), text, |p| {
                    by_path.get(&normal(p)).map(|t| t.to_string())
                });
                source.reader = Some(read_linked);
                n += bitrix24_codegen::parse_source(&source, "page").is_ok() as usize;
            }
            n
        });
        println!(
            "read + parse only: {:.1} ms ({n} method pages)",
            took.as_secs_f64() * 1e3
        );
        return;
    }
    if std::env::var_os("B24_BENCH_GENERATE_ONLY").is_some() {
        // For profiling generation alone.
        let methods: Vec<_> = pages
            .iter()
            .filter_map(|(path, text)| {
                let source = Source::from_text(path.clone(), text, |p| {
                    by_path.get(&normal(p)).map(|t| t.to_string())
                });
                bitrix24_codegen::parse_source(&source, "page").ok()
            })
            .collect();
        let (took, tokens) = best_of(runs, || {
            methods
                .iter()
                .map(|m| bitrix24_codegen::generate(&m.method).into_iter().count())
                .sum::<usize>()
        });
        println!(
            "generate only: {:.1} ms ({tokens} token trees)",
            took.as_secs_f64() * 1e3
        );
        return;
    }
    let (bare, events) = best_of(runs, || {
        let mut events = 0usize;
        for (_, text) in &pages {
            let options = pulldown_cmark::Options::all();
            events += pulldown_cmark::Parser::new_ext(text, options)
                .into_offset_iter()
                .count();
        }
        events
    });

    let (bare_spliced, _) = best_of(runs, || {
        let mut events = 0usize;
        for text in &spliced {
            let options = pulldown_cmark::Options::all();
            events += pulldown_cmark::Parser::new_ext(text, options)
                .into_offset_iter()
                .count();
        }
        events
    });

    let (ours, (methods, tokens)) = best_of(runs, || {
        let mut methods = 0usize;
        let mut tokens = 0usize;
        for (path, text) in &pages {
            let mut source = Source::from_text(path.clone(), text, |p| {
                by_path.get(&normal(p)).map(|t| t.to_string())
            });
            source.reader = Some(read_linked);
            if let Ok(loaded) = bitrix24_codegen::parse_source(&source, "page") {
                methods += 1;
                tokens += bitrix24_codegen::generate(&loaded.method)
                    .into_iter()
                    .count();
            }
        }
        (methods, tokens)
    });

    let (parse_only, _) = best_of(runs, || {
        let mut n = 0usize;
        for (path, text) in &pages {
            let mut source = Source::from_text(path.clone(), text, |p| {
                by_path.get(&normal(p)).map(|t| t.to_string())
            });
            source.reader = Some(read_linked);
            n += bitrix24_codegen::parse_source(&source, "page").is_ok() as usize;
        }
        n
    });
    let (read_only, _) = best_of(runs, || {
        let mut n = 0usize;
        for (path, text) in &pages {
            let source = Source::from_text(path.clone(), text, |p| {
                by_path.get(&normal(p)).map(|t| t.to_string())
            });
            n += source.lines.len();
        }
        n
    });
    println!(
        "  of which: read+splice {:.1} ms, parse {:.1} ms, generate {:.1} ms",
        read_only.as_secs_f64() * 1e3,
        (parse_only.saturating_sub(read_only)).as_secs_f64() * 1e3,
        (ours.saturating_sub(parse_only)).as_secs_f64() * 1e3
    );
    let ratio = ours.as_secs_f64() / bare_spliced.as_secs_f64();
    println!(
        "corpus: {} files, {:.1} MB as stored, {:.1} MB with includes spliced; {methods} method pages generated ({tokens} top-level token trees); best of {runs}",
        pages.len(),
        bytes as f64 / 1e6,
        spliced_bytes as f64 / 1e6,
    );
    println!(
        "bare pulldown-cmark pass: {:.1} ms over the files as stored ({events} events), {:.1} ms over the spliced pages",
        bare.as_secs_f64() * 1e3,
        bare_spliced.as_secs_f64() * 1e3
    );
    println!(
        "parse + generate:         {:.1} ms",
        ours.as_secs_f64() * 1e3
    );
    println!(
        "ratio: {ratio:.2}x the bare pass over the same (spliced) bytes; {:.2}x the pass over the stored files (target <= 3x)",
        ours.as_secs_f64() / bare.as_secs_f64()
    );
}
