//! Cargo re-expands a crate when the page it binds, or a file the page
//! includes, changes: the macro makes rustc track every file it read.
//!
//! The test builds a small crate twice in trybuild's target directory (where
//! the dependencies are already built) and checks the second build saw the edit.

use std::path::{Path, PathBuf};
use std::process::Command;

const PAGE: &str = "# Probe a Thing probe.thing.get

> Scope: [`probe`](scopes.md)

Reads a thing.

## Method Parameters

{% include [table](_params.md) %}
";

fn params_table(name: &str) -> String {
    format!("#|\n|| **Name**\n`type` | **Description** ||\n|| **{name}***\n[`string`](t.md) | A value ||\n|#\n")
}

fn run(dir: &Path, target: &Path) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--offline"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("BITRIX24_MANIFEST_DIR")
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "probe build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[test]
fn editing_the_page_or_an_include_rebuilds_the_bindings() {
    let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = tests_dir.parent().unwrap();
    let target_root = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let target = target_root.join("tests").join("trybuild");
    let dir = target_root.join("tests").join("rebuild-probe");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"rebuild-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nbitrix24 = {{ path = {:?} }}\nserde_json = \"1\"\n\n[workspace]\n",
            workspace.join("runtime")
        ),
    )
    .unwrap();
    // The workspace lock file pins the same versions, so nothing is resolved anew.
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        "bitrix24::bitrix_method!(\"page.md\");\n\
         fn main() {\n    println!(\"{}\", serde_json::to_string(&probe_thing_get::Params::default()).unwrap());\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("page.md"), PAGE).unwrap();
    std::fs::write(dir.join("_params.md"), params_table("NAME")).unwrap();
    assert_eq!(run(&dir, &target), r#"{"NAME":""}"#);

    std::fs::write(dir.join("_params.md"), params_table("TITLE")).unwrap();
    assert_eq!(
        run(&dir, &target),
        r#"{"TITLE":""}"#,
        "an edited include was not picked up"
    );

    let page = PAGE.replace("{% include [table](_params.md) %}", &params_table("CODE"));
    std::fs::write(dir.join("page.md"), page).unwrap();
    assert_eq!(
        run(&dir, &target),
        r#"{"CODE":""}"#,
        "an edited page was not picked up"
    );
}
