//! Parse + generate over the whole reference: at least 99.5% of method pages
//! must get bindings (`b24 check` also compiles them). Skips, saying so, when
//! the reference is not checked out next to the workspace.

use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    std::env::var_os("B24_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24restdocs/api-reference")
        })
}

#[test]
fn the_whole_reference_parses_and_generates() {
    let dir = corpus_dir();
    if !dir.is_dir() {
        eprintln!(
            "skipped: no reference at {} (set B24_CORPUS)",
            dir.display()
        );
        return;
    }
    let files =
        bitrix24_codegen::source::markdown_files(&dir).expect("the reference can be listed");
    let (mut ok, mut not_method) = (0usize, 0usize);
    let mut problems = Vec::new();
    for file in &files {
        let shown = file.display().to_string();
        let outcome = std::panic::catch_unwind(|| {
            bitrix24_codegen::load(file, &shown).map(|loaded| {
                let tokens = bitrix24_codegen::generate(&loaded.method);
                syn::parse2::<syn::File>(tokens).map_err(|e| e.to_string())
            })
        });
        match outcome {
            Ok(Ok(Ok(_))) => ok += 1,
            Ok(Ok(Err(error))) => {
                problems.push(format!("{shown}: generated code does not parse: {error}"))
            }
            Ok(Err(error)) if error.not_a_method() => not_method += 1,
            Ok(Err(error)) => problems.push(error.message),
            Err(_) => problems.push(format!("{shown}: the generator panicked")),
        }
    }
    let total = ok + problems.len();
    let rate = ok as f64 * 100.0 / total.max(1) as f64;
    eprintln!("{ok} of {total} method pages generate ({rate:.2}%); {not_method} pages are not method pages");
    for problem in &problems {
        eprintln!("  {problem}");
    }
    assert!(
        total > 1000,
        "only {total} method pages found under {}",
        dir.display()
    );
    assert!(rate >= 99.5, "{rate:.2}% < 99.5%");
}
