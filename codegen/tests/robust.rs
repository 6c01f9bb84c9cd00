//! The engine never panics: every prefix of every fixture page, and pages
//! with lines dropped or doubled, parse to a method or a diagnostic and
//! generate code that parses as Rust.

use std::path::{Path, PathBuf};

use bitrix24_codegen::Source;

fn fixtures() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

fn run(path: &Path, text: &str) {
    let source = Source::from_text(path, text, |p| std::fs::read_to_string(p).ok());
    let outcome = std::panic::catch_unwind(|| {
        if let Ok(loaded) = bitrix24_codegen::parse_source(&source, "page") {
            let tokens = bitrix24_codegen::generate(&loaded.method);
            if let Err(error) = syn::parse2::<syn::File>(tokens) {
                panic!("generated code does not parse: {error}");
            }
        }
    });
    assert!(outcome.is_ok(), "panic on {}:\n{text}", path.display());
}

#[test]
fn prefixes_of_every_fixture() {
    for (path, text) in fixtures() {
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                run(&path, &text[..cut]);
            }
            cut += 5;
        }
    }
}

#[test]
fn dropped_and_doubled_lines() {
    for (path, text) in fixtures() {
        let lines: Vec<&str> = text.lines().collect();
        for skip in 0..lines.len() {
            let dropped: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| *l)
                .collect();
            run(&path, &dropped.join("\n"));
            let mut doubled = lines.clone();
            doubled.insert(skip, lines[skip]);
            run(&path, &doubled.join("\n"));
        }
    }
}
