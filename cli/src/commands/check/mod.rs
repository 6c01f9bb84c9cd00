//! `b24 check DIR [--json] [--no-build] [--examples]`: parse and generate
//! every page under DIR, compile all generated modules in one crate build,
//! report per page. With `--examples`, also run every page's own examples
//! through its generated types (see [`harness`]).
//!
//! The crate is written to `<target>/b24-check/<dir name>/`: one file per
//! page (`src/mNNNN_<method>.rs`) so each rustc error names the page it came
//! from. It depends on the workspace's `bitrix24` crate by path and builds
//! into the workspace target directory, so dependencies are built once.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::Instant;

use serde_json::Value;

use super::Outcome;
use bitrix24_codegen::model::Method;
use harness::{Entry, PageExamples};

mod harness;
mod report;

/// What happened to one page.
#[derive(Debug, Clone)]
enum Status {
    /// Parsed, generated and compiled (or not built, with `--no-build`).
    Ok { method: String },
    /// An event page, bound (its payload module generated and compiled).
    Event { name: String },
    /// Not a method page; listed, not counted.
    NotMethod { reason: String },
    /// A method page with a problem, located as `path:line:col: what`.
    Problem { line: Option<usize>, what: String },
}

struct Page {
    /// Path as shown to the user (DIR as typed, joined with the relative path).
    shown: String,
    status: Status,
    /// Generated Rust, for pages that got that far.
    code: Option<String>,
    /// The parsed model, for pages that got that far.
    model: Option<Method>,
    /// The page's examples and, with `--examples`, what became of them.
    examples: Option<PageExamples>,
}

/// Generate every page under DIR, compile all of it in one crate and report per page.
///
/// The crate is written under the target directory, one file per page, so
/// each rustc error names the page it came from; dependencies are built
/// once. Besides compile results the report says how typed the bindings
/// are. Exit status: 0 when every method page compiles, 1 when any has a
/// problem, 2 for usage problems.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// A directory of pages (or one page)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// One JSON document: pages, problems, downgrades, examples, summary
    #[arg(long)]
    pub json: bool,
    /// Parse and generate only, do not compile
    #[arg(long)]
    pub no_build: bool,
    /// Also run every page's own examples through its bindings
    #[arg(long, conflicts_with = "no_build")]
    pub examples: bool,
}

/// What the report needs to know of the command line.
struct Options {
    dir: PathBuf,
    json: bool,
    build: bool,
    examples: bool,
}

/// Runs the check.
pub fn run(args: Args) -> Outcome {
    let options = Options {
        dir: args.dir,
        json: args.json,
        build: !args.no_build,
        examples: args.examples,
    };
    let files = bitrix24_codegen::source::markdown_files(&options.dir)
        .map_err(|e| format!("{}: {e}", options.dir.display()))?;
    let started = Instant::now();
    let mut pages: Vec<Page> = files
        .iter()
        .map(|file| check_page(&options.dir, file))
        .collect();
    let generate_time = started.elapsed();
    let mut build_time = None;
    if options.build {
        let built = Instant::now();
        build(&options.dir, &mut pages, options.examples)?;
        build_time = Some(built.elapsed());
    }
    report::print(&options, &pages, generate_time, build_time)?;
    let failed = pages
        .iter()
        .any(|p| matches!(p.status, Status::Problem { .. }));
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn check_page(dir: &Path, file: &Path) -> Page {
    let shown = if dir.is_file() {
        dir.display().to_string()
    } else {
        let relative = file.strip_prefix(dir).unwrap_or(file);
        dir.join(relative).display().to_string()
    };
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
        bitrix24_codegen::load(file, &shown).map(|loaded| {
            let code = bitrix24_codegen::generate_pretty(&loaded.method);
            let examples = PageExamples::of(&loaded.method, &loaded.examples);
            (loaded.method, code, examples)
        })
    }));
    let mut model = None;
    let mut examples = None;
    let (status, code) = match outcome {
        Ok(Ok((method, code, found))) => {
            let status = Status::Ok {
                method: method.method.clone(),
            };
            model = Some(method);
            examples = Some(found);
            (status, Some(code))
        }
        Ok(Err(error)) if error.not_a_method() => match event_page(file, &shown, &error) {
            Some(Ok((name, code, found))) => {
                examples = Some(found);
                (Status::Event { name }, Some(code))
            }
            Some(Err(problem)) => (problem, None),
            None => (
                Status::NotMethod {
                    reason: error.message.clone(),
                },
                None,
            ),
        },
        Ok(Err(error)) => (
            Status::Problem {
                line: error.line,
                what: error.message,
            },
            None,
        ),
        Err(_) => (
            Status::Problem {
                line: None,
                what: format!(
                    "{shown}: the generator panicked on this page (a bug in bitrix24-codegen)"
                ),
            },
            None,
        ),
    };
    Page {
        shown,
        status,
        code,
        model,
        examples,
    }
}

/// A page the method parser calls an event's: its payload module and
/// examples, or why it could not be bound; `None` when it documents no
/// named event (widget placements say who can subscribe too).
fn event_page(
    file: &Path,
    shown: &str,
    why_not_method: &bitrix24_codegen::PageError,
) -> Option<Result<(String, String, PageExamples), Status>> {
    if !why_not_method.documents_event() {
        return None;
    }
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
        bitrix24_codegen::load_event(file, shown)
    }));
    match outcome {
        Ok(Ok(loaded)) => {
            let code = bitrix24_codegen::pretty(bitrix24_codegen::generate_event(&loaded.event));
            let examples = PageExamples::of_event(&loaded.examples);
            Some(Ok((loaded.event.name, code, examples)))
        }
        Ok(Err(error)) if error.names_no_event() => None,
        Ok(Err(error)) => Some(Err(Status::Problem {
            line: error.line,
            what: error.message,
        })),
        Err(_) => Some(Err(Status::Problem {
            line: None,
            what: format!(
                "{shown}: the generator panicked on this event page (a bug in bitrix24-codegen)"
            ),
        })),
    }
}

/// The workspace this binary was built from: the runtime crate and target dir.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn crate_name_for(dir: &Path) -> String {
    let base = std::fs::canonicalize(dir)
        .ok()
        .and_then(|d| d.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "pages".to_string());
    format!("b24_check_{}", sanitize(&base))
}

/// Writes the check crate and builds it once; rustc errors become page problems.
fn build(dir: &Path, pages: &mut [Page], examples: bool) -> Result<(), String> {
    let name = crate_name_for(dir);
    let root = target_dir().join("b24-check").join(&name);
    let src = root.join("src");
    if src.exists() {
        std::fs::remove_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    }
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    let runtime = std::env::var_os("B24_RUNTIME_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("runtime"));
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\npath = \"src/lib.rs\"\n\n\
         [[bin]]\nname = \"b24-examples\"\npath = \"src/examples.rs\"\n\n\
         [dependencies]\nbitrix24 = {{ path = {runtime:?} }}\n\n\
         [profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n\n\
         [workspace]\n",
        runtime = runtime.display().to_string()
    );
    write(&root.join("Cargo.toml"), &manifest)?;
    let lock = workspace_root().join("Cargo.lock");
    if lock.exists() && !root.join("Cargo.lock").exists() {
        std::fs::copy(&lock, root.join("Cargo.lock")).map_err(|e| e.to_string())?;
    }
    let mut lib = String::from(
        "//! Generated by `b24 check`: one module per page.\n#![allow(warnings)]\n#![recursion_limit = \"512\"]\n",
    );
    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    let mut entries = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let (module, inner, event) = match (&page.code, &page.status) {
            (Some(_), Status::Ok { method }) => (
                format!("m{index:04}_{}", sanitize(method)),
                format!("{}::Params", bitrix24_codegen::expand::module_name(method)),
                false,
            ),
            (Some(_), Status::Event { name: event }) => (
                format!("m{index:04}_{}", sanitize(event)),
                format!("{}::Data", bitrix24_codegen::naming::snake(event)),
                true,
            ),
            _ => continue,
        };
        let Some(code) = &page.code else { continue };
        if let Some(found) = page.examples.as_ref().filter(|_| examples) {
            entries.push(Entry {
                index,
                params: format!("{name}::{module}::{inner}"),
                event,
                examples: found,
            });
        }
        let file = format!("{module}.rs");
        write(&src.join(&file), &format!("// {}\n{code}", page.shown))?;
        lib.push_str(&format!("#[path = \"{file}\"]\npub mod {module};\n"));
        owner.insert(format!("src/{file}"), index);
    }
    write(&src.join("lib.rs"), &lib)?;
    // Without `--examples` the binary is empty, so the build costs nothing more.
    write(&src.join("examples.rs"), &harness::bin_source(&entries))?;

    let mut child = crate::child_cargo::command()
        .args(["build", "--message-format=json", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = child.stdout.take().ok_or("cargo gave no output")?;
    let mut unplaced = Vec::new();
    let mut errors: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let diagnostic = &message["message"];
        let text = diagnostic["message"]
            .as_str()
            .unwrap_or("error")
            .to_string();
        let span = primary_span(diagnostic, &owner);
        match span {
            Some((index, generated)) => errors
                .entry(index)
                .or_default()
                .push(format!("{text} ({generated})")),
            None => unplaced.push(text),
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    for (index, messages) in errors {
        let page = &mut pages[index];
        let first = messages.first().cloned().unwrap_or_default();
        let more = if messages.len() > 1 {
            format!(" (and {} more)", messages.len() - 1)
        } else {
            String::new()
        };
        page.status = Status::Problem {
            line: Some(1),
            what: format!(
                "{}:1:1: the bindings generated from this page do not compile: {first}{more}",
                page.shown
            ),
        };
    }
    if !status.success() && !unplaced.is_empty() {
        return Err(format!(
            "the check crate at {} failed to build: {}",
            root.display(),
            unplaced.join("; ")
        ));
    }
    if !status.success()
        && pages
            .iter()
            .all(|p| !matches!(p.status, Status::Problem { .. }))
    {
        return Err(format!(
            "cargo build failed for the check crate at {}",
            root.display()
        ));
    }
    if examples && !status.success() {
        // The report lists the pages whose bindings fail; their examples
        // (and everyone else's, in the same binary) cannot run.
        super::output::note(
            "b24 check: examples not run: some bindings do not compile (see the report)",
        );
    } else if examples {
        let binary = target_dir()
            .join("debug")
            .join(format!("b24-examples{}", std::env::consts::EXE_SUFFIX));
        let mut slots: Vec<Option<&mut PageExamples>> =
            pages.iter_mut().map(|p| p.examples.as_mut()).collect();
        harness::run(&binary, &mut slots)?;
    }
    Ok(())
}

/// The page (by index) and generated location of a diagnostic's primary span.
fn primary_span(diagnostic: &Value, owner: &BTreeMap<String, usize>) -> Option<(usize, String)> {
    let spans = diagnostic["spans"].as_array()?;
    let mut candidates: Vec<&Value> = spans.iter().filter(|s| s["is_primary"] == true).collect();
    candidates.extend(spans.iter());
    for span in candidates {
        let mut current = Some(span);
        while let Some(s) = current {
            if let Some(file) = s["file_name"].as_str() {
                if let Some(&index) = owner.get(file) {
                    let snippet = s["text"][0]["text"].as_str().unwrap_or("").trim();
                    return Some((
                        index,
                        format!("generated {file}:{}: `{snippet}`", s["line_start"]),
                    ));
                }
            }
            current = s.get("expansion").and_then(|e| e.get("span"));
        }
    }
    None
}

/// A name made of lowercase ASCII letters, digits and `_` (for crate and
/// module names).
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    // Unchanged files keep their mtime, so an unchanged page is not rebuilt for nothing.
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
