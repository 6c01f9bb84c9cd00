//! `b24 diff` between two small documentation trees written here: each kind
//! of change is reported and classified, moved pages are matched by
//! method name, and the realistic pair (`../shared`, April 2026 against head)
//! runs when present.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn page(method: &str, params: &[(&str, &str, bool)], result: &str) -> String {
    let mut rows = String::new();
    for (name, ty, required) in params {
        let mark = if *required { "*" } else { "" };
        rows.push_str(&format!(
            "|| **{name}**{mark}\n[`{ty}`](../data-types.md) | About {name} ||\n"
        ));
    }
    format!(
        "# Do a Thing {method}\n\n> Scope: [`demo`](../scopes/permissions.md)\n>\n> Who can execute the method: any user\n\n\
         ## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n{rows}|#\n\n\
         ## Response Handling\n\n### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
         || **result**\n[`{result}`](../data-types.md) | The answer ||\n|#\n"
    )
}

fn tree(root: &Path, pages: &[(&str, String)]) {
    let _ = std::fs::remove_dir_all(root);
    for (path, text) in pages {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
}

fn diff(old: &Path, new: &Path) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_b24"))
        .arg("diff")
        .arg(old)
        .arg(new)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn changes_are_reported_per_method_and_marked_breaking_or_compatible() {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("b24-diff");
    let (old, new) = (base.join("old"), base.join("new"));
    tree(
        &old,
        &[
            (
                "demo/thing-add.md",
                page("demo.thing.add", &[("title", "string", true)], "integer"),
            ),
            (
                "demo/thing-get.md",
                page("demo.thing.get", &[("id", "integer", true)], "object"),
            ),
            (
                "demo/thing-drop.md",
                page("demo.thing.drop", &[("id", "integer", true)], "boolean"),
            ),
        ],
    );
    tree(
        &new,
        &[
            // A new required parameter, and a new optional one.
            (
                "demo/thing-add.md",
                page(
                    "demo.thing.add",
                    &[
                        ("title", "string", true),
                        ("owner", "integer", true),
                        ("note", "string", false),
                    ],
                    "integer",
                ),
            ),
            // Moved, and its parameter changed type.
            (
                "moved/thing-get.md",
                page("demo.thing.get", &[("id", "string", true)], "object"),
            ),
            (
                "demo/thing-new.md",
                page("demo.thing.new", &[("id", "integer", true)], "boolean"),
            ),
        ],
    );
    let report = diff(&old, &new);
    assert_eq!(report["added"], serde_json::json!(["demo.thing.new"]));
    assert_eq!(report["removed"], serde_json::json!(["demo.thing.drop"]));
    assert_eq!(report["moved"][0]["method"], "demo.thing.get");
    let changes = |method: &str| -> Vec<(String, bool)> {
        report["changed"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["method"] == method)
            .flat_map(|c| c["changes"].as_array().unwrap().clone())
            .map(|c| {
                (
                    format!(
                        "{} {}",
                        c["path"].as_str().unwrap(),
                        c["what"].as_str().unwrap()
                    ),
                    c["breaking"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        changes("demo.thing.add"),
        [
            ("params.owner added (required)".to_string(), true),
            ("params.note added (optional)".to_string(), false),
        ]
    );
    assert_eq!(
        changes("demo.thing.get"),
        [("params.id type integer -> string".to_string(), true)]
    );
    assert_eq!(report["summary"]["breaking"], 2);
    assert_eq!(report["summary"]["compatible"], 1);
}

#[test]
fn two_trees_are_required() {
    let output = Command::new(env!("CARGO_BIN_EXE_b24"))
        .args(["diff", "only-one"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("required arguments were not provided") && stderr.contains("<NEW_DOCS>"),
        "{stderr}"
    );
}

#[test]
fn april_against_head_when_the_corpus_is_present() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    let (old, new) = (
        shared.join("b24restdocs-2026-04"),
        shared.join("b24restdocs"),
    );
    if !old.is_dir() || !new.is_dir() {
        eprintln!(
            "skipped: no documentation revisions at {}",
            shared.display()
        );
        return;
    }
    let report = diff(&old, &new);
    let summary = &report["summary"];
    eprintln!("{}", summary["text"]);
    // Five months of documentation work: methods come and go, and pages move.
    assert!(summary["added"].as_u64().unwrap() > 0);
    assert!(summary["changed"].as_u64().unwrap() > 0);
    assert!(summary["breaking"].as_u64().unwrap() > 0);
}
