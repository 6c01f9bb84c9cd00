//! `b24 vendor`: pages chosen by method name (globs) are copied with every
//! file they read, the vendored folder reads as its own docs root once the
//! source tree is gone (the same model and the same bindings), and
//! `--update` from a newer tree reports what changed. The same runs over
//! `../shared` for a handful of real methods when it is present.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A method page of a made-up `demo` scope whose parameter table sits in an
/// include and whose result links a dictionary in another folder.
fn page(method: &str, extra_param: Option<&str>) -> String {
    let extra = extra_param
        .map(|name| format!("|| **{name}***\n[`string`](../../data-types.md) | Also {name} ||\n"))
        .unwrap_or_default();
    format!(
        "# Fetch a Widget {method}\n\n> Scope: [`demo`](../../scopes/permissions.md)\n>\n> Who can execute the method: any user\n\n\
         Fetches one widget.\n\n## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
         || **id***\n[`integer`](../../data-types.md) | Which widget ||\n{extra}|#\n\n\
         {{% include [Note](../../../_includes/widget-note.md) %}}\n\n\
         ## Response Handling\n\n### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
         || **result**\n[`widget`](../../data-types.md#widget) | The widget ||\n|#\n"
    )
}

const DICTIONARY: &str =
    "# Types\n\n## Widget {#widget}\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
    || **ID**\n`integer` | Its number ||\n|| **LABEL**\n`string` | Its label ||\n|#\n";

fn write_tree(root: &Path, files: &[(&str, String)]) {
    let _ = std::fs::remove_dir_all(root);
    for (path, text) in files {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
}

fn demo_tree(root: &Path, extra_param: Option<&str>) {
    write_tree(
        root,
        &[
            (
                "api-reference/demo/widgets/demo-widget-get.md",
                page("demo.widget.get", extra_param),
            ),
            (
                "api-reference/demo/widgets/demo-widget-peek.md",
                page("demo.widget.peek", None),
            ),
            (
                "api-reference/demo/other/demo-gadget-get.md",
                page("demo.gadget.get", None),
            ),
            ("api-reference/data-types.md", DICTIONARY.to_string()),
            (
                "_includes/widget-note.md",
                "Widgets are kept for a year.\n".to_string(),
            ),
            ("REVISION", "abc123\n".to_string()),
        ],
    );
}

fn b24(args: &[&str], docs: &Path, into: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_b24"))
        .arg("vendor")
        .args(args)
        .arg("--docs")
        .arg(docs)
        .arg("--into")
        .arg(into)
        .arg("--json")
        .env_remove("B24_DOCS")
        .output()
        .unwrap()
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The model and the pretty bindings of a page, read from where it is.
fn bound(page: &Path) -> (Value, String) {
    let loaded = bitrix24_codegen::load(page, "page").unwrap_or_else(|e| panic!("{e}"));
    (
        serde_json::to_value(&loaded.method).unwrap(),
        bitrix24_codegen::generate_pretty(&loaded.method),
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn vendored_pages_bind_alone_and_an_update_reports_the_change() {
    let base = scratch("b24-vendor");
    let (docs, into) = (base.join("docs"), base.join("crate/docs-input"));
    demo_tree(&docs, None);
    let page = "api-reference/demo/widgets/demo-widget-get.md";
    let before = bound(&docs.join(page));

    let report = json_of(&b24(&["demo.widget.*"], &docs, &into));
    assert_eq!(
        report["methods"],
        serde_json::json!(["demo.widget.get", "demo.widget.peek"])
    );
    assert_eq!(report["docs_revision"], "abc123");
    for file in [
        page,
        "api-reference/demo/widgets/demo-widget-peek.md",
        "api-reference/data-types.md",
        "_includes/widget-note.md",
        ".b24-docs-root",
        "b24-vendor.json",
    ] {
        assert!(into.join(file).is_file(), "{file} was not vendored");
    }
    assert!(!into.join("api-reference/demo/other").exists());
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(into.join("b24-vendor.json")).unwrap()).unwrap();
    assert_eq!(manifest["methods"]["demo.widget.get"], page);
    assert!(manifest["files"]["_includes/widget-note.md"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));

    // With the source tree gone, the vendored page reads the same.
    std::fs::remove_dir_all(&docs).unwrap();
    assert_eq!(bound(&into.join(page)), before);

    // A newer tree adds a required parameter to one method.
    demo_tree(&docs, Some("owner"));
    let report = json_of(&b24(&["--update"], &docs, &into));
    let update = &report["update"];
    let changed = update["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{update}");
    assert_eq!(changed[0]["method"], "demo.widget.get");
    assert!(
        changed[0]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["path"] == "params.owner" && c["breaking"] == true),
        "{update}"
    );
    assert_eq!(update["files_changed"], serde_json::json!([page]));
    let (model, _) = bound(&into.join(page));
    assert!(model["params"].to_string().contains("owner"));
}

#[test]
fn an_unknown_name_is_an_error_naming_the_closest() {
    let base = scratch("b24-vendor-unknown");
    let (docs, into) = (base.join("docs"), base.join("into"));
    demo_tree(&docs, None);
    let output = b24(&["demo.widget.gte"], &docs, &into);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("names `demo.widget.gte`; closest: demo.widget.get"),
        "{stderr}"
    );
    assert!(!into.exists(), "nothing is written when a name is unknown");
    // An update needs a manifest to start from.
    let output = b24(&["--update"], &docs, &into);
    assert!(String::from_utf8_lossy(&output.stderr).contains("no b24-vendor.json to update"));
}

#[test]
fn real_methods_vendored_from_the_reference_bind_alone() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24restdocs");
    if !docs.is_dir() {
        eprintln!("skipped: no reference at {}", docs.display());
        return;
    }
    let into = scratch("b24-vendor-real");
    let names = [
        "crm.deal.list",
        "crm.item.get",
        "tasks.task.get",
        "user.get",
        "crm.lead.productrows.*",
    ];
    let report = json_of(&b24(&names, &docs, &into));
    let methods = report["methods"].as_array().unwrap();
    assert!(methods.len() >= names.len(), "{report}");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(into.join("b24-vendor.json")).unwrap()).unwrap();
    for (method, page) in manifest["methods"].as_object().unwrap() {
        let page = page.as_str().unwrap();
        // The vendored folder is the docs root: nothing above it is read.
        assert_eq!(
            bound(&into.join(page)),
            bound(&docs.join(page)),
            "{method} binds differently from its vendored copy"
        );
    }
}
