//! Cargo re-expands `bitrix_event!` and `bitrix_api!` when an event page
//! changes: both macros make rustc track the event pages they read.
//!
//! As `rebuild.rs` does, the test builds a small crate twice in trybuild's
//! target directory (where the dependencies are already built).

use std::path::{Path, PathBuf};
use std::process::Command;

/// An event page whose portal sends `code`.
fn page(code: &str) -> String {
    format!(
        "# Event onProbeThingAdd\n\n> Who can subscribe: any user\n\nA probe.\n\n\
         ## What the Handler Receives\n\n```json\n\
         {{\"event\": \"{code}\", \"data\": {{\"FIELDS\": {{\"ID\": \"1\"}}}}, \"ts\": \"1\"}}\n```\n"
    )
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
fn editing_an_event_page_rebuilds_both_macros() {
    let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = tests_dir.parent().unwrap();
    let target_root = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let target = target_root.join("tests").join("trybuild");
    let dir = target_root.join("tests").join("rebuild-events-probe");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("tree")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"rebuild-events-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nbitrix24 = {{ path = {:?} }}\n\n[workspace]\n",
            workspace.join("runtime")
        ),
    )
    .unwrap();
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(
        dir.join("src/main.rs"),
        "bitrix24::bitrix_event!(\"tree/on-probe-thing-add.md\");\n\
         mod tree {\n    bitrix24::bitrix_api!(\"tree\");\n}\n\
         use bitrix24::events::EventSet;\n\
         fn main() {\n    println!(\"{} {:?}\", on_probe_thing_add::EVENT, tree::events::Event::CODES);\n}\n",
    )
    .unwrap();
    let event_page = dir.join("tree/on-probe-thing-add.md");
    std::fs::write(&event_page, page("ONPROBETHINGADD")).unwrap();
    assert_eq!(run(&dir, &target), r#"ONPROBETHINGADD ["ONPROBETHINGADD"]"#);

    std::fs::write(&event_page, page("ONPROBETHINGCREATE")).unwrap();
    assert_eq!(
        run(&dir, &target),
        r#"ONPROBETHINGCREATE ["ONPROBETHINGCREATE"]"#,
        "an edited event page was not picked up"
    );
}
