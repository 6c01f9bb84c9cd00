//! A deterministic mutation loop over the fixture pages and, when the
//! reference is checked out next to the workspace, a sample of its method
//! pages: every mutant is read without a panic, in bounded time and memory,
//! and none that lost table delimiters binds with an empty `Params` quietly.
//! A byte order mark and `\r\n` or `\r` line ends change nothing; a byte that
//! is not UTF-8 is an error at its line.
//!
//! `B24_MUTATION_STRIDE` samples every n-th reference page (default 20).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bitrix24_codegen::{Kind, PageError, Source};

/// Counts the bytes allocated now and at most since the last reset.
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        System.dealloc(p, layout);
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One test at a time, so the counts are one test's.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// What a page gave: its parameters' names, or its error.
#[derive(Debug, PartialEq)]
enum Outcome {
    Bound(Vec<String>, Box<bitrix24_codegen::Method>),
    Failed(PageError),
}

/// Reads `text` as the page at `path` (includes and links from disk),
/// generates its code, and checks time and memory.
fn read(path: &Path, text: &str, what: &str) -> Outcome {
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(|| {
        let mut source = Source::from_text(path, text, |p| std::fs::read_to_string(p).ok());
        source.reader = Some(bitrix24_codegen::files::read_linked);
        let spliced: usize = source.texts.iter().map(String::len).sum();
        let outcome = match bitrix24_codegen::parse_source(&source, "page") {
            Ok(loaded) => {
                let tokens = bitrix24_codegen::generate(&loaded.method);
                assert!(
                    syn::parse2::<syn::File>(tokens).is_ok(),
                    "code that does not parse"
                );
                let names = loaded
                    .method
                    .params
                    .iter()
                    .map(|p| p.name.clone())
                    .collect();
                Outcome::Bound(names, Box::new(loaded.method))
            }
            Err(error) => Outcome::Failed(error),
        };
        (outcome, spliced)
    });
    let took = started.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    let (outcome, spliced) =
        outcome.unwrap_or_else(|_| panic!("panic on {} ({what})", path.display()));
    assert!(
        took < Duration::from_secs(5),
        "{} ({what}) took {took:?}",
        path.display()
    );
    // Dictionaries kept for the process are shared by every page, so
    // the bound is generous: linear in what was read, plus a constant.
    let bound = 200 * spliced + (64 << 20);
    assert!(
        peak < bound,
        "{} ({what}) used {peak} bytes for {spliced}",
        path.display()
    );
    outcome
}

/// The fixture pages, and a sample of the reference's method pages.
fn pages() -> Vec<(PathBuf, String)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = bitrix24_codegen::source::markdown_files(&manifest.join("tests/fixtures"))
        .expect("fixtures");
    files.extend(
        bitrix24_codegen::source::markdown_files(&manifest.join("../tests/fixtures"))
            .expect("fixtures"),
    );
    let corpus = std::env::var_os("B24_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../shared/b24restdocs/api-reference"));
    let stride: usize = std::env::var("B24_MUTATION_STRIDE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    match bitrix24_codegen::source::markdown_files(&corpus) {
        Ok(all) => files.extend(all.into_iter().step_by(stride.max(1))),
        Err(_) => eprintln!(
            "reference pages skipped: no reference at {} (set B24_CORPUS)",
            corpus.display()
        ),
    }
    files
        .into_iter()
        .filter_map(|f| Some((f.clone(), std::fs::read_to_string(&f).ok()?)))
        .collect()
}

/// `text` without the `k`-th `||`.
fn without_nth(text: &str, needle: &str, k: usize) -> Option<String> {
    let (at, _) = text.match_indices(needle).nth(k)?;
    Some(format!("{}{}", &text[..at], &text[at + needle.len()..]))
}

/// `text` without its lines whose trimmed text starts with `mark`.
fn without_lines(text: &str, mark: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with(mark))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The mutants that take table delimiters away.
fn delimiter_mutants(text: &str) -> Vec<(String, String)> {
    let mut out = vec![
        ("every `||` deleted".to_string(), text.replace("||", "")),
        ("every `#|` deleted".to_string(), without_lines(text, "#|")),
        ("every `|#` deleted".to_string(), without_lines(text, "|#")),
    ];
    let count = text.matches("||").count();
    for k in (0..count).step_by((count / 6).max(1)) {
        if let Some(mutant) = without_nth(text, "||", k) {
            out.push((format!("`||` number {k} deleted"), mutant));
        }
    }
    out
}

/// Mutants that empty the name cell of a row, keeping its type.
fn nameless_mutants(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, (at, _)) in text.match_indices("|| **").enumerate().skip(1).take(3) {
        let name_end = text[at + 5..].find("**").map(|e| at + 5 + e + 2);
        // A name with an alias (`**A*** \| **B***`) keeps the alias.
        let line_end = text[at..].find('\n').map_or(text.len(), |e| at + e);
        if let Some(end) = name_end.filter(|_| !text[at..line_end].contains("\\|")) {
            let end = end + text[end..].chars().take_while(|&c| c == '*').count();
            out.push((
                format!("name of row {k} deleted"),
                format!("{}|| {}", &text[..at], &text[end..]),
            ));
        }
    }
    out
}

#[test]
fn mutants_are_read_in_bounded_time_and_memory_and_never_lose_params_quietly() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let pages = pages();
    let mut mutants_read = 0usize;
    let mut refused = 0usize;
    for (path, text) in &pages {
        let original = read(path, text, "as written");
        let params = match &original {
            Outcome::Bound(names, _) => names.clone(),
            Outcome::Failed(_) => Vec::new(),
        };
        for (what, mutant) in delimiter_mutants(text)
            .into_iter()
            .chain(nameless_mutants(text))
        {
            mutants_read += 1;
            match read(path, &mutant, &what) {
                Outcome::Bound(names, _) if names.is_empty() && !params.is_empty() => panic!(
                    "{} ({what}) bound with an empty Params; it had {params:?}",
                    path.display()
                ),
                Outcome::Bound(names, _) if what.starts_with("name of row") => {
                    // A row without a name is refused, never named after its type.
                    assert_eq!(names, params, "{} ({what})", path.display());
                }
                Outcome::Failed(error) => {
                    refused += 1;
                    assert!(!error.problems.is_empty());
                }
                Outcome::Bound(..) => {}
            }
        }
        // Line ends and a byte order mark are the text they are.
        for (what, variant) in [
            // One BOM: a second one would be text (a zero-width space).
            (
                "with a BOM",
                format!("\u{feff}{}", text.trim_start_matches('\u{feff}')),
            ),
            ("with CRLF line ends", text.replace('\n', "\r\n")),
            ("with CR line ends", text.replace('\n', "\r")),
        ] {
            mutants_read += 1;
            let outcome = read(path, &variant, what);
            match (&original, &outcome) {
                (Outcome::Bound(_, a), Outcome::Bound(_, b)) => {
                    assert_eq!(a, b, "{} ({what})", path.display())
                }
                (Outcome::Failed(a), Outcome::Failed(b)) => {
                    assert_eq!(a.kind, b.kind, "{} ({what})", path.display())
                }
                _ => panic!("{} ({what}): {outcome:?}", path.display()),
            }
        }
        // Prefixes: every page cut short still reads.
        for cut in (1..8).map(|k| text.len() * k / 8) {
            if text.is_char_boundary(cut) {
                mutants_read += 1;
                read(path, &text[..cut], "cut short");
            }
        }
    }
    eprintln!(
        "{} pages, {mutants_read} mutants read, {refused} refused with located problems",
        pages.len()
    );
}

#[test]
fn a_byte_that_is_not_utf8_is_an_error_at_its_line() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let dir = std::env::temp_dir().join(format!("b24-mutations-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (path, text) in pages().iter().take(12) {
        let lines = text.lines().count();
        for line in [1, lines / 2 + 1, lines] {
            let mut bytes: Vec<u8> = Vec::new();
            for (k, l) in text.lines().enumerate() {
                bytes.extend_from_slice(l.as_bytes());
                if k + 1 == line {
                    bytes.push(0xFF);
                }
                bytes.push(b'\n');
            }
            let page = dir.join("page.md");
            std::fs::write(&page, &bytes).unwrap();
            let error = bitrix24_codegen::load(&page, "page.md").unwrap_err();
            assert_eq!(error.kind, Kind::InvalidUtf8, "{}: {error}", path.display());
            assert_eq!(error.line, Some(line), "{}: {error}", path.display());
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
