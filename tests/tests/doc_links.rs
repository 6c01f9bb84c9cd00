//! `cargo doc` of a crate binding `bitrix_api!` on the reference's `crm`
//! folder, and on the doc-links fixture tree mounted one module down: it
//! builds with rustdoc's link and HTML lints denied, and the HTML it
//! writes holds no link rustdoc could not resolve and no relative link to
//! a page, while the links that should resolve do.
//!
//! Rustdoc does not report lints on docs a macro expands to (they are
//! "in an external macro"), so the lints alone prove nothing about the
//! bindings' docs; an unresolved intra-doc link is still written to the
//! HTML as it was (`href="mod@super::list"`), and that is what is checked.
//!
//! Skips, saying so, when the reference is not checked out next to the
//! workspace (`../shared/b24restdocs`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Rustdoc's lints on links and HTML, denied.
const RUSTDOCFLAGS: &str =
    "-D rustdoc::broken_intra_doc_links -D rustdoc::invalid_html_tags -D rustdoc::bare_urls";

#[test]
fn cargo_doc_of_crm_resolves_every_link() {
    let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = tests_dir.parent().unwrap();
    let crm = workspace.join("../shared/b24restdocs/api-reference/crm");
    if !crm.is_dir() {
        eprintln!("skipped: no reference at {}", crm.display());
        return;
    }
    let crm = crm.canonicalize().unwrap();
    let fixture = tests_dir.join("fixtures/doc-links");
    let target_root = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    // Where the other tests build their crates: the dependencies are shared.
    let target = target_root.join("tests").join("trybuild");
    let dir = target_root.join("tests").join("doc-crm");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"doc-crm\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nbitrix24 = {{ path = {:?} }}\n\n[workspace]\n",
            workspace.join("runtime")
        ),
    )
    .unwrap();
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        format!(
            "//! The `crm` reference, and the doc-links fixture one module down.\n\
             ::bitrix24::bitrix_api!({crm:?});\n\
             /// The doc-links fixture tree.\n\
             pub mod fixture {{\n    ::bitrix24::bitrix_api!({fixture:?});\n}}\n"
        ),
    )
    .unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["doc", "--no-deps", "--offline"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTDOCFLAGS", RUSTDOCFLAGS)
        .env_remove("BITRIX24_MANIFEST_DIR")
        .output()
        .expect("run cargo doc");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo doc failed:\n{stderr}");
    for warning in [
        "unresolved link",
        "unclosed HTML tag",
        "this URL is not a hyperlink",
    ] {
        assert!(!stderr.contains(warning), "rustdoc warned:\n{stderr}");
    }

    let docs = target.join("doc").join("doc_crm");
    let mut checked = Checked::default();
    walk(&docs, &mut checked);
    assert!(checked.pages > 1000, "only {} pages written", checked.pages);
    assert!(
        checked.problems.is_empty(),
        "{} links lead nowhere, the first:\n{}",
        checked.problems.len(),
        checked.problems[..checked.problems.len().min(20)].join("\n")
    );
    assert!(
        checked.site > 100,
        "only {} links to the site",
        checked.site
    );

    // Links between the fixture's pages resolve to their modules.
    let get = docs.join("fixture/probe/item/get");
    let read = |page: &str| std::fs::read_to_string(get.join(page)).unwrap();
    assert!(read("struct.Params.html").contains(r#"href="../list/index.html""#));
    assert!(read("enum.Mode.html").contains(r#"href="../list/index.html""#));
    assert!(read("enum.Error.html").contains(r#"href="../list/index.html""#));
    let item = std::fs::read_to_string(docs.join("fixture/probe/item/index.html")).unwrap();
    assert!(item.contains(r#"href="list/index.html""#), "{item}");
    let event = docs.join("fixture/events/on_probe_item_add/index.html");
    let event = std::fs::read_to_string(event).unwrap();
    assert!(event.contains(r#"href="../../probe/item/get/index.html""#));
    assert!(read("struct.Params.html").contains(
        r#"href="https://apidocs.bitrix24.com/fixtures/doc-links/probe-types.html#ids""#
    ));
}

/// What the HTML pages hold.
#[derive(Default)]
struct Checked {
    /// Pages read.
    pages: usize,
    /// Links to the documentation site.
    site: usize,
    /// `page: href` of every link that leads nowhere.
    problems: Vec<String>,
}

/// Reads every page under `dir`.
fn walk(dir: &Path, checked: &mut Checked) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, checked);
        } else if path.extension().is_some_and(|e| e == "html") {
            checked.pages += 1;
            check_page(&path, &std::fs::read_to_string(&path).unwrap(), checked);
        }
    }
}

/// Every `href` of a page: none may be an intra-doc link rustdoc left as
/// written (`mod@...`), nor a page of the docs linked relatively (`.md`).
fn check_page(path: &Path, html: &str, checked: &mut Checked) {
    for href in html.split("href=\"").skip(1) {
        let href = &href[..href.find('"').unwrap_or(href.len())];
        if href.starts_with("https://apidocs.bitrix24.com/") {
            checked.site += 1;
        }
        let page = href.split('#').next().unwrap_or(href);
        if href.starts_with("mod@") || (page.ends_with(".md") && !href.contains("://")) {
            checked.problems.push(format!("{}: {href}", path.display()));
        }
    }
}
