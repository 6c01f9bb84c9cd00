//! The acceptance test of the generator, on the real reference, in one crate
//! build (`b24 check --examples`): every method page expands and compiles,
//! every page's own examples go through its generated types, and the
//! bindings stay typed. Skips with a message when `../shared` is absent.
//!
//! The bars below are ratchets: each is the figure this project has reached,
//! with a little room, and moves only down. Where a bar is not yet the one
//! the project aims at, the aim is named beside it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Percent bars on the summary's figures: (key in `summary`, at most).
const BARS: &[(&str, &str, f64)] = &[
    // Aim: 0.5.
    ("examples", "decode_error_pct", 1.5),
    // Aim: 1.0.
    ("examples", "losing_keys_pct", 1.0),
    // Aim: 1.0.
    ("examples", "read_error_pct", 4.0),
    // Aim: 1.0.
    ("examples", "dropping_pct", 4.5),
    // Aim: 7.0.
    ("typing", "untyped_output_pct", 13.0),
    // Aim: 5.0.
    ("typing", "untyped_param_node_pct", 7.0),
];

/// Methods integrators call most: typed as deep as their pages show, and
/// their own examples pass.
const MOST_CALLED: &[&str] = &[
    "crm.lead.get",
    "crm.lead.list",
    "crm.lead.update",
    "crm.lead.fields",
    "crm.deal.add",
    "crm.deal.list",
    "crm.deal.update",
    "crm.deal.fields",
    "crm.contact.add",
    "crm.contact.get",
    "crm.contact.list",
    "crm.contact.fields",
    "crm.company.get",
    "crm.company.list",
    "crm.company.update",
    "crm.company.fields",
    "crm.status.list",
    "crm.activity.fields",
    "tasks.task.add",
    "tasks.task.update",
    "user.get",
    "department.get",
    "disk.folder.getchildren",
    "disk.storage.getlist",
    "event.bind",
    "event.get",
    "placement.bind",
];

fn report() -> Option<Value> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let corpus = workspace.join("../shared/b24restdocs/api-reference");
    if !corpus.is_dir() {
        eprintln!(
            "skipped: the reference is not at {} (clone it beside the workspace as shared/b24restdocs)",
            corpus.display()
        );
        return None;
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
        .arg("--examples")
        .arg("--json")
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("run b24 check");
    Some(serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "b24 check printed no JSON report ({e}):\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    }))
}

#[test]
fn every_method_page_compiles_and_its_examples_go_through_its_types() {
    let Some(report) = report() else { return };
    let summary = &report["summary"];
    let method_pages = summary["method_pages"].as_u64().unwrap();
    let ok = summary["ok"].as_u64().unwrap();
    eprintln!("{}", summary["text"].as_str().unwrap_or_default());
    eprintln!("typing {}", summary["typing"]);
    eprintln!("examples {}", summary["examples"]);
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
    // The examples ran: most pages show a response and a request.
    let examples = &summary["examples"];
    assert!(
        examples["response_pages"].as_u64().unwrap() >= 1000,
        "{examples}"
    );
    assert!(
        examples["request_pages"].as_u64().unwrap() >= 1000,
        "{examples}"
    );
    for (group, key, bar) in BARS {
        let figure = summary[group][key].as_f64().unwrap();
        assert!(
            figure <= *bar,
            "{group}.{key} is {figure:.2}%, above its bar of {bar}%: {}",
            summary[group]
        );
    }

    let typed_output = |method: &str| {
        !report["downgrades"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["method"] == method && d["path"] == "result")
    };
    let example_problems = |method: &str| -> Vec<Value> {
        report["examples"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| {
                p["method"]
                    .as_str()
                    .is_some_and(|m| m.eq_ignore_ascii_case(method))
            })
            .flat_map(|p| p["problems"].as_array().cloned().unwrap_or_default())
            .filter(|p| p["page_fault"].is_null())
            .collect()
    };
    let bound = |method: &str| {
        report["ok"].as_array().unwrap().iter().any(|p| {
            p["method"]
                .as_str()
                .is_some_and(|m| m.eq_ignore_ascii_case(method))
        })
    };
    let mut failures = Vec::new();
    for method in MOST_CALLED {
        if !bound(method) {
            failures.push(format!("{method}: no page binds it"));
            continue;
        }
        if !typed_output(method) {
            failures.push(format!("{method}: Output is a JSON value"));
        }
        let problems = example_problems(method);
        if !problems.is_empty() {
            failures.push(format!("{method}: {}", Value::Array(problems)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
