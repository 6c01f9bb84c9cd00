//! The acceptance test of the generator: every method page of the real
//! reference expands, and all the generated modules compile in one crate
//! build (`b24 check`). Skips with a message when `../shared` is absent.

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn every_method_page_of_the_reference_compiles_in_one_build() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let corpus = workspace.join("../shared/b24restdocs/api-reference");
    if !corpus.is_dir() {
        eprintln!(
            "skipped: the reference is not at {} (clone it beside the workspace as shared/b24restdocs)",
            corpus.display()
        );
        return;
    }
    // The outer `cargo test` may hold the workspace target's lock; build
    // where trybuild builds, which has the same dependencies.
    let target: PathBuf = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"))
        .join("tests")
        .join("trybuild");
    let output = Command::new(env!("CARGO_BIN_EXE_b24"))
        .arg("check")
        .arg(&corpus)
        .arg("--json")
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("run b24 check");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "b24 check printed no JSON report ({e}):\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let summary = &report["summary"];
    let method_pages = summary["method_pages"].as_u64().unwrap();
    let ok = summary["ok"].as_u64().unwrap();
    eprintln!("{}", summary["text"].as_str().unwrap_or_default());
    assert!(
        method_pages >= 1000,
        "too few method pages found: {summary}"
    );
    assert!(
        ok * 1000 >= method_pages * 995,
        "fewer than 99.5% of method pages compile: {summary}\nproblems: {:#}",
        report["problems"]
    );
    assert!(
        summary["build_seconds"].as_f64().is_some(),
        "the generated crate was not built: {summary}"
    );
    // Every page that fails says where and what.
    for problem in report["problems"].as_array().unwrap() {
        assert!(
            problem["problem"].as_str().is_some_and(|p| !p.is_empty()),
            "{problem}"
        );
    }
}
