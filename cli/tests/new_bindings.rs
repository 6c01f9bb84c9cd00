//! `b24 new-bindings`: a bindings crate scaffolded from a small docs tree
//! written here (the README's pattern: pages vendored inside the crate,
//! `bitrix_api!` over them with the same globs) holds what it should,
//! refuses to write over a folder that is not empty, leaves nothing behind
//! when a glob matches no method, and builds against this checkout's
//! runtime.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A made-up `shop` scope's method page: a required `id`, an optional
/// `note` described in an include, and a result with two members.
fn page(method: &str) -> String {
    format!(
        "# Read one basket line with {method}\n\n> Scope: [`shop`](../../scopes/list.md)\n>\n> Who can execute the method: a shop manager\n\n\
         Reads a basket line by its number.\n\n## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
         || **id***\n[`integer`](../../types.md) | The line's number ||\n\
         || **note**\n[`string`](../../types.md) | Free text ||\n|#\n\n\
         {{% include [Note](../../../_includes/basket-note.md) %}}\n\n\
         ## Response Handling\n\n### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
         || **result**\n[`basket_line`](../../types.md#basket_line) | The line ||\n|#\n"
    )
}

const TYPES: &str = "# Shop types\n\n## Basket line {#basket_line}\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
    || **ID**\n`integer` | The line's number ||\n|| **QUANTITY**\n`double` | How many ||\n|#\n";

/// The docs tree: two basket methods, one order method, their shared
/// dictionary and include.
fn docs_tree(root: &Path) {
    let _ = std::fs::remove_dir_all(root);
    let files = [
        (
            "api-reference/shop/basket/shop-basket-get.md",
            page("shop.basket.get"),
        ),
        (
            "api-reference/shop/basket/shop-basket-peek.md",
            page("shop.basket.peek"),
        ),
        (
            "api-reference/shop/order/shop-order-get.md",
            page("shop.order.get"),
        ),
        ("api-reference/types.md", TYPES.to_string()),
        (
            "_includes/basket-note.md",
            "Lines of a paid order cannot change.\n".to_string(),
        ),
    ];
    for (path, text) in files {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// This checkout: its runtime crate and lock file.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn runtime_spec() -> String {
    format!(
        "path = {:?}",
        workspace().join("runtime").display().to_string()
    )
}

fn new_bindings(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_b24"))
        .arg("new-bindings")
        .args(args)
        .env_remove("B24_DOCS")
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Scaffolds `shop-basket` with the basket methods; its folder.
fn scaffold(base: &Path, docs: &Path) -> PathBuf {
    let path = base.join("shop-basket");
    let spec = runtime_spec();
    let output = new_bindings(&[
        path.to_str().unwrap(),
        "--docs",
        docs.to_str().unwrap(),
        "--bitrix24",
        &spec,
        "shop.basket.*",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for wanted in [
        "created the bindings crate `shop-basket`",
        "members = [..., ",
        "shop-basket = { path = ",
        "shop_basket::shop::basket::get::call(&client, params).await?",
        "shop.basket.peek",
    ] {
        assert!(stdout.contains(wanted), "{wanted}: {stdout}");
    }
    path
}

#[test]
fn a_scaffolded_crate_vendors_its_pages_and_binds_them() {
    let base = scratch("b24-new-bindings-files");
    let docs = base.join("docs");
    docs_tree(&docs);
    let path = scaffold(&base, &docs);

    let manifest = std::fs::read_to_string(path.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"shop-basket\""), "{manifest}");
    assert!(
        manifest.contains(&format!("bitrix24 = {{ {} }}", runtime_spec())),
        "{manifest}"
    );
    let lib = std::fs::read_to_string(path.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains("bitrix24::bitrix_api!(\"docs-input\", methods = [\"shop.basket.*\"]);"),
        "{lib}"
    );
    // The pages and all they read, and nothing else, with the manifest.
    let pages = path.join("docs-input");
    for file in [
        "api-reference/shop/basket/shop-basket-get.md",
        "api-reference/shop/basket/shop-basket-peek.md",
        "api-reference/types.md",
        "_includes/basket-note.md",
        "b24-vendor.json",
    ] {
        assert!(pages.join(file).is_file(), "{file} was not vendored");
    }
    assert!(!pages.join("api-reference/shop/order").exists());

    // A second run never writes over the crate.
    let again = new_bindings(&[
        path.to_str().unwrap(),
        "--docs",
        docs.to_str().unwrap(),
        "shop.order.get",
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("exists and is not empty"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read_to_string(path.join("src/lib.rs")).unwrap(),
        lib
    );
}

#[test]
fn nothing_is_left_behind_when_a_glob_names_no_method() {
    let base = scratch("b24-new-bindings-unknown");
    let docs = base.join("docs");
    docs_tree(&docs);
    let path = base.join("nothing");
    let output = new_bindings(&[
        path.to_str().unwrap(),
        "--docs",
        docs.to_str().unwrap(),
        "shop.basket.gte",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("closest: shop.basket.get"),
        "{}",
        stderr(&output)
    );
    assert!(!path.exists(), "the folder it made is removed again");

    // An empty folder given by the user stays, empty.
    std::fs::create_dir_all(&path).unwrap();
    let output = new_bindings(&[
        path.to_str().unwrap(),
        "--docs",
        docs.to_str().unwrap(),
        "shop.basket.gte",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read_dir(&path).unwrap().count(), 0);

    // Globs are required; so are pages to copy them from.
    let output = new_bindings(&[path.to_str().unwrap(), "--docs", docs.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("<METHOD_GLOB>"),
        "{}",
        stderr(&output)
    );
    let output = new_bindings(&[path.to_str().unwrap(), "shop.basket.get"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--docs"), "{}", stderr(&output));
}

#[test]
fn a_scaffolded_crate_builds_against_this_runtime() {
    let base = scratch("b24-new-bindings-build");
    let docs = base.join("docs");
    docs_tree(&docs);
    let path = scaffold(&base, &docs);
    // Built alone (not a member of this workspace), with this workspace's
    // lock file and profile, into its target directory: the runtime and its
    // dependencies are already built there.
    let mut manifest = std::fs::read_to_string(path.join("Cargo.toml")).unwrap();
    manifest.push_str(
        "\n[workspace]\n\n[profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n",
    );
    std::fs::write(path.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(workspace().join("Cargo.lock"), path.join("Cargo.lock")).unwrap();
    // The bindings are there: code that names them compiles.
    let mut lib = std::fs::read_to_string(path.join("src/lib.rs")).unwrap();
    lib.push_str(
        "\n/// Both methods are bound, with their parameters.\n\
         pub fn lines() -> (shop::basket::get::Params, shop::basket::peek::Params) {\n\
         \x20   (shop::basket::get::Params { id: 1, ..Default::default() }, Default::default())\n}\n",
    );
    std::fs::write(path.join("src/lib.rs"), lib).unwrap();

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    // Without the variables cargo set for this test (see `child_cargo`).
    let mut build = b24_cli::child_cargo::command();
    let output = build
        .args(["build", "--quiet", "--manifest-path"])
        .arg(path.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the scaffolded crate does not build:\n{}",
        stderr(&output)
    );
}
