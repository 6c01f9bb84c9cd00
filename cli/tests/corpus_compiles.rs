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
    ("examples", "decode_error_pct", 0.5),
    ("examples", "losing_keys_pct", 1.0),
    ("examples", "read_error_pct", 1.0),
    ("examples", "dropping_pct", 1.0),
    ("examples", "event_decode_error_pct", 1.0),
    ("examples", "event_losing_keys_pct", 1.0),
    ("typing", "untyped_output_pct", 7.0),
    ("typing", "untyped_param_node_pct", 5.0),
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
    "crm.deal.productrows.get",
    "crm.deal.productrows.set",
    "crm.contact.add",
    "crm.contact.get",
    "crm.contact.list",
    "crm.contact.fields",
    "crm.company.get",
    "crm.company.list",
    "crm.company.update",
    "crm.company.fields",
    "crm.item.add",
    "crm.item.get",
    "crm.item.list",
    "crm.activity.add",
    "crm.activity.get",
    "crm.activity.fields",
    "crm.timeline.comment.add",
    "crm.timeline.comment.list",
    "crm.status.list",
    "crm.product.list",
    "crm.requisite.list",
    "crm.activity.todo.add",
    "tasks.task.add",
    "tasks.task.get",
    "tasks.task.update",
    "task.commentitem.getlist",
    "user.get",
    "user.current",
    "department.get",
    "disk.folder.getchildren",
    "disk.folder.uploadfile",
    "disk.storage.getlist",
    "calendar.event.get",
    "sonet_group.get",
    "lists.element.add",
    "lists.element.get",
    "catalog.product.list",
    "bizproc.workflow.start",
    "telephony.externalcall.register",
    "telephony.externalcall.finish",
    "event.bind",
    "event.get",
    "placement.bind",
    "app.info",
    "profile",
    "entity.item.add",
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
    // Event pages bind and compile in the same crate.
    assert!(
        summary["event_pages"].as_u64().unwrap_or(0) >= 150,
        "event pages: {}",
        summary["event_pages"]
    );
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

    // A method may be named by guide pages too (a tutorial that calls it);
    // its own page is the one that passes.
    let pages_of = |method: &str| -> Vec<String> {
        report["ok"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| {
                p["method"]
                    .as_str()
                    .is_some_and(|m| m.eq_ignore_ascii_case(method))
            })
            .filter_map(|p| p["page"].as_str().map(String::from))
            .collect()
    };
    let typed_output = |page: &str| {
        !report["downgrades"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["page"] == page && d["path"] == "result")
    };
    let example_problems = |page: &str| -> Vec<Value> {
        report["examples"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["page"] == page)
            .flat_map(|p| p["problems"].as_array().cloned().unwrap_or_default())
            .filter(|p| p["page_fault"].is_null())
            .collect()
    };
    let mut failures = Vec::new();
    for method in MOST_CALLED {
        let pages = pages_of(method);
        if pages.is_empty() {
            failures.push(format!("{method}: no page binds it"));
            continue;
        }
        let verdicts: Vec<String> = pages
            .iter()
            .map(|page| {
                let mut why = Vec::new();
                if !typed_output(page) {
                    why.push("Output is a JSON value".to_string());
                }
                let problems = example_problems(page);
                if !problems.is_empty() {
                    why.push(Value::Array(problems).to_string());
                }
                format!("{page}: {}", why.join("; "))
            })
            .collect();
        if verdicts.iter().all(|v| !v.ends_with(": ")) {
            failures.push(format!("{method}: {}", verdicts.join(" | ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
