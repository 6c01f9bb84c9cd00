//! Pages found by the method they document: by the vendor manifest, by
//! file name, by the page's own title wherever it sits; a page that moves
//! inside the folder is found again; an unknown name lists the closest, two
//! pages for one method are both named.

use std::path::{Path, PathBuf};

use bitrix24_codegen::locate::method_page;

fn page(method: &str) -> String {
    format!(
        "# Read a Widget {method}\n\n> Scope: [`demo`](../scopes/permissions.md)\n>\n> Who can execute the method: any user\n\n\
         Reads one widget.\n\n## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
         || **id***\n`integer` | Which widget ||\n|#\n"
    )
}

fn folder(name: &str, pages: &[(&str, &str)]) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("api-reference")).unwrap();
    for (path, method) in pages {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, page(method)).unwrap();
    }
    root
}

fn relative(root: &Path, found: PathBuf) -> String {
    found.strip_prefix(root).unwrap().display().to_string()
}

#[test]
fn a_page_is_found_by_name_wherever_it_moves() {
    let root = folder(
        "locate-moves",
        &[
            ("api-reference/demo/demo-widget-get.md", "demo.widget.get"),
            (
                "api-reference/demo/all-about-peeking.md",
                "demo.widget.peek",
            ),
        ],
    );
    let find = |name: &str| method_page(&root, "docs", name).map(|p| relative(&root, p));
    assert_eq!(
        find("demo.widget.get").unwrap(),
        "api-reference/demo/demo-widget-get.md"
    );
    // Named for its topic, found by what it documents; case is ignored.
    assert_eq!(
        find("DEMO.WIDGET.PEEK").unwrap(),
        "api-reference/demo/all-about-peeking.md"
    );
    // The pages move; the names still bind.
    std::fs::create_dir_all(root.join("api-reference/moved/deeper")).unwrap();
    for (from, to) in [
        ("demo-widget-get.md", "moved/deeper/widget-get.md"),
        ("all-about-peeking.md", "moved/demo-widget-peek.md"),
    ] {
        std::fs::rename(
            root.join("api-reference/demo").join(from),
            root.join("api-reference").join(to),
        )
        .unwrap();
    }
    assert_eq!(
        find("demo.widget.get").unwrap(),
        "api-reference/moved/deeper/widget-get.md"
    );
    assert_eq!(
        find("demo.widget.peek").unwrap(),
        "api-reference/moved/demo-widget-peek.md"
    );

    // A vendor manifest is read first.
    std::fs::write(
        root.join("b24-vendor.json"),
        r#"{"methods": {"demo.widget.get": "api-reference/moved/deeper/widget-get.md"}}"#,
    )
    .unwrap();
    assert_eq!(
        find("demo.widget.get").unwrap(),
        "api-reference/moved/deeper/widget-get.md"
    );
}

#[test]
fn unknown_and_ambiguous_names_are_errors_that_say_why() {
    let root = folder(
        "locate-errors",
        &[
            ("api-reference/a/demo-widget-get.md", "demo.widget.get"),
            ("api-reference/b/demo-widget-get.md", "demo.widget.get"),
            ("api-reference/a/demo-widget-list.md", "demo.widget.list"),
        ],
    );
    let error = method_page(&root, "docs", "demo.widget.lst").unwrap_err();
    assert_eq!(
        error.message,
        "no page under `docs` documents `demo.widget.lst`; closest: demo.widget.list, demo.widget.get"
    );
    let error = method_page(&root, "docs", "demo.widget.get").unwrap_err();
    assert!(
        error.message.contains("more than one page"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("a/demo-widget-get.md"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("b/demo-widget-get.md"),
        "{}",
        error.message
    );
}
