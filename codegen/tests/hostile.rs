//! Pages that try to read what they must not: includes and type links that
//! leave the docs root (absolute paths, `../` above it, symlinks out of it,
//! `/proc/self/environ`), FIFOs and folders, cycles, includes nested too
//! deep or spliced too large. Each is a located error of its own kind, every
//! load ends (a FIFO would hang a naive reader: each load runs on a thread
//! with a deadline), and no text of a refused file reaches any output.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use bitrix24_codegen::{Kind, PageError};

/// Text only the files outside the root hold.
const SECRET: &str = "SECRETOUTSIDE7f3a";

/// A docs tree in a temporary folder: `docs/` is the root (it holds
/// `api-reference/`), `outside/` is next to it.
struct Tree {
    dir: PathBuf,
}

impl Tree {
    fn new(name: &str) -> Tree {
        let dir = std::env::temp_dir().join(format!("b24-hostile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("docs/api-reference/demo")).unwrap();
        std::fs::create_dir_all(dir.join("docs/_includes")).unwrap();
        std::fs::create_dir_all(dir.join("outside")).unwrap();
        let tree = Tree { dir };
        let secret_table = format!(
            "{SECRET}\n\n### demo_thing\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **{SECRET}**\n[`string`](t.md) | {SECRET} ||\n|#\n"
        );
        tree.write("outside/secret.md", &secret_table);
        tree.write(
            "docs/api-reference/demo/inside.md",
            &secret_table.replace(SECRET, "harmless"),
        );
        tree
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A method page whose body is `body`, at `docs/api-reference/demo/<name>`.
    fn page(&self, name: &str, body: &str) -> PathBuf {
        let text = format!(
            "# Get a Thing demo.thing.get\n\n> Scope: [`demo`](s.md)\n\nGets a thing.\n\n## Method Parameters\n\n\
             #|\n|| **Name**\n`type` | **Description** ||\n|| **id***\n[`integer`](t.md) | Id ||\n|#\n\n{body}\n"
        );
        let relative = format!("docs/api-reference/demo/{name}");
        self.write(&relative, &text);
        self.path(&relative)
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Loads `page` on a thread; a load that has not ended after 20 s fails
/// the test instead of hanging it.
fn load(page: &Path) -> Result<bitrix24_codegen::Loaded, PageError> {
    let (send, receive) = mpsc::channel();
    let page = page.to_path_buf();
    std::thread::spawn(move || {
        let _ = send.send(bitrix24_codegen::load(&page, "page.md"));
    });
    receive
        .recv_timeout(Duration::from_secs(20))
        .expect("the load ended")
}

/// Everything a front end could show of a load: messages, the model, the
/// generated code, the files it would track.
fn shown(outcome: &Result<bitrix24_codegen::Loaded, PageError>) -> String {
    match outcome {
        Ok(loaded) => format!(
            "{}\n{}\n{:?}\n{:?}",
            bitrix24_codegen::generate_pretty(&loaded.method),
            serde_json::to_string(&loaded.method).unwrap(),
            loaded.files,
            loaded.examples
        ),
        Err(error) => format!("{error:?}"),
    }
}

/// The load fails with a problem of `kind` at `line:col` of the page (or of
/// the file `at` names), and shows nothing of a refused file.
fn refused(tree: &Tree, name: &str, body: &str, kind: Kind, at: &str) -> PageError {
    let page = tree.page(name, body);
    let outcome = load(&page);
    let output = shown(&outcome);
    assert!(
        !output.contains(SECRET),
        "{name}: a refused file leaked:\n{output}"
    );
    assert!(
        !output.contains("PATH="),
        "{name}: the environment leaked:\n{output}"
    );
    let error = outcome.err().unwrap_or_else(|| panic!("{name} loaded"));
    let problem = error
        .problems
        .iter()
        .find(|p| p.kind == kind)
        .unwrap_or_else(|| panic!("{name}: no {kind:?} in {:#?}", error.problems));
    assert!(
        problem.message.starts_with(at),
        "{name}: {}",
        problem.message
    );
    error
}

/// The first `PATH=` of the environment stays out of every output.
#[cfg(target_os = "linux")]
#[test]
fn proc_self_environ_is_outside_the_root() {
    let tree = Tree::new("environ");
    std::os::unix::fs::symlink(
        "/proc/self/environ",
        tree.path("docs/api-reference/demo/env.md"),
    )
    .unwrap();
    refused(
        &tree,
        "a.md",
        "{% include [env](/proc/self/environ) %}",
        Kind::OutsideRoot,
        "page.md:16:18: include `/proc/self/environ` is outside the docs root",
    );
    refused(
        &tree,
        "b.md",
        "{% include [env](env.md) %}",
        Kind::OutsideRoot,
        "page.md:16:18:",
    );
    refused(
        &tree,
        "c.md",
        "## Response\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **result**\n[`demo_thing`](env.md#demo_thing) | x ||\n|#",
        Kind::OutsideRoot,
        "page.md:22:16: link `env.md` is outside the docs root",
    );
}

#[test]
fn includes_that_leave_the_root_are_located_errors() {
    let tree = Tree::new("includes");
    let absolute = tree.path("outside/secret.md");
    refused(
        &tree,
        "absolute.md",
        &format!("{{% include [x]({}) %}}", absolute.display()),
        Kind::OutsideRoot,
        "page.md:16:16: include `/",
    );
    refused(
        &tree,
        "climb.md",
        "text\n\n{% include notitle [x](../../../outside/secret.md) %}",
        Kind::OutsideRoot,
        "page.md:18:24: include `../../../outside/secret.md` is outside the docs root",
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&absolute, tree.path("docs/api-reference/demo/escape.md"))
            .unwrap();
        refused(
            &tree,
            "symlink.md",
            "{% include [x](escape.md) %}",
            Kind::OutsideRoot,
            "page.md:16:16:",
        );
    }
    // Every refused include is reported, not only the first.
    tree.write("outside/other.md", SECRET);
    let error = refused(
        &tree,
        "both.md",
        "{% include [x](../../../outside/secret.md) %}\n{% include [y](../../../outside/other.md) %}",
        Kind::OutsideRoot,
        "page.md:16:16:",
    );
    assert_eq!(error.problems.len(), 2, "{:#?}", error.problems);
    assert!(error.problems[1]
        .message
        .starts_with("page.md:17:16: include `../../../outside/other.md`"));
    // A missing file is skipped, wherever it points, as the site does.
    let page = tree.page(
        "missing.md",
        "{% include [x](../../../outside/none.md) %}\n{% include [y](none.md) %}",
    );
    assert!(load(&page).is_ok());
}

#[test]
fn links_that_leave_the_root_are_located_errors() {
    let tree = Tree::new("links");
    let response = |target: &str| {
        format!("## Response\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **result**\n[`demo_thing`]({target}#demo_thing) | x ||\n|#")
    };
    refused(
        &tree,
        "climb.md",
        &response("../../../outside/secret.md"),
        Kind::OutsideRoot,
        "page.md:22:16: link `../../../outside/secret.md` is outside the docs root",
    );
    // The same link inside the root gives the members.
    let page = tree.page("inside-link.md", &response("inside.md"));
    let loaded = load(&page).unwrap();
    let output = shown(&Ok(loaded));
    assert!(output.contains("harmless"), "{output}");
}

#[cfg(unix)]
#[test]
fn fifos_and_folders_are_not_regular_files() {
    let tree = Tree::new("fifo");
    let fifo = tree.path("docs/api-reference/demo/fifo.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    refused(
        &tree,
        "include.md",
        "{% include [x](fifo.md) %}",
        Kind::NotRegularFile,
        "page.md:16:16: include `fifo.md` is not a regular file",
    );
    refused(
        &tree,
        "link.md",
        "## Response\n\n#|\n|| **Name**\n`type` | **Description** ||\n|| **result**\n[`demo_thing`](fifo.md#demo_thing) | x ||\n|#",
        Kind::NotRegularFile,
        "page.md:22:16: link `fifo.md` is not a regular file",
    );
    refused(
        &tree,
        "folder.md",
        "{% include [x](../demo) %}",
        Kind::NotRegularFile,
        "page.md:16:16:",
    );
    // The page itself may not be a FIFO either.
    let error = load(&fifo).unwrap_err();
    assert_eq!(error.kind, Kind::NotRegularFile, "{error}");
    // Nor may a bitrix_api! folder's page: it is listed, located, not read.
    let tree_of =
        bitrix24_codegen::api_tree(&tree.path("docs/api-reference/demo"), "demo").unwrap();
    assert!(
        tree_of
            .skipped
            .iter()
            .any(|s| s.contains("include.md:16:16: include `fifo.md`")),
        "{:?}",
        tree_of.skipped
    );
}

#[test]
fn cycles_depth_and_size_are_bounded() {
    let tree = Tree::new("cycles");
    // Six self-includes in a small page: 6^8 copies without a cycle check.
    let body = "{% include [me](self.md) %}\n".repeat(6);
    let error = refused(
        &tree,
        "self.md",
        &body,
        Kind::IncludeCycle,
        "page.md:16:17: include `self.md` is already being included",
    );
    assert_eq!(error.problems.len(), 6);
    // A cycle through another file is located in that file.
    tree.write(
        "docs/_includes/back.md",
        "one line\n{% include [back](../api-reference/demo/mutual.md) %}\n",
    );
    refused(
        &tree,
        "mutual.md",
        "{% include [x](../../_includes/back.md) %}",
        Kind::IncludeCycle,
        "../../_includes/back.md:2:19:",
    );
    // Ten files, each including the next: deeper than 8.
    for k in 0..10 {
        tree.write(
            &format!("docs/_includes/d{k}.md"),
            &format!("level {k}\n{{% include [n](d{}.md) %}}\n", k + 1),
        );
    }
    refused(
        &tree,
        "deep.md",
        "{% include [x](../../_includes/d0.md) %}",
        Kind::IncludeTooDeep,
        "../../_includes/d7.md:2:16:",
    );
    // Distinct files each including the next eight times: 8^5 copies of
    // 64 KiB (2 GiB) without a cap; the cap stops it at 16 MiB, in bounded time.
    for k in 0..6 {
        let line = format!("{{% include [n](f{}.md) %}}\n", k + 1);
        let includes = if k < 5 { line.repeat(8) } else { String::new() };
        tree.write(
            &format!("docs/_includes/f{k}.md"),
            &format!("{includes}{}\n", "x".repeat(1 << 16)),
        );
    }
    let started = std::time::Instant::now();
    refused(
        &tree,
        "fan.md",
        "{% include [x](../../_includes/f0.md) %}",
        Kind::TooLarge,
        "../../_includes/f",
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn bad_bytes_are_located_and_bom_and_cr_are_text() {
    let tree = Tree::new("bytes");
    let page = tree.page("good.md", "");
    let text = std::fs::read(&page).unwrap();
    let good = load(&page).unwrap().method;

    let mut bad = text.clone();
    let at = bad.windows(5).position(|w| w == b"Gets ").unwrap() + 2;
    bad[at] = 0xFF;
    std::fs::write(&page, &bad).unwrap();
    let error = load(&page).unwrap_err();
    assert_eq!(error.kind, Kind::InvalidUtf8);
    assert_eq!(
        error.message,
        "page.md:5:3: cannot read page: not valid UTF-8"
    );

    tree.write("docs/_includes/bad.md", "fine\nfi\u{e9}ne\n");
    let mut include = std::fs::read(tree.path("docs/_includes/bad.md")).unwrap();
    include[7] = 0xC3;
    include[8] = b'(';
    std::fs::write(tree.path("docs/_includes/bad.md"), include).unwrap();
    let page = tree.page(
        "include-bad.md",
        "{% include [x](../../_includes/bad.md) %}",
    );
    let error = load(&page).unwrap_err();
    assert_eq!(error.kind, Kind::InvalidUtf8);
    assert!(
        error
            .message
            .starts_with("../../_includes/bad.md:2:3: not valid UTF-8"),
        "{}",
        error.message
    );

    for (name, variant) in [
        ("bom.md", [b"\xEF\xBB\xBF".as_slice(), &text].concat()),
        (
            "crlf.md",
            String::from_utf8(text.clone())
                .unwrap()
                .replace('\n', "\r\n")
                .into_bytes(),
        ),
        (
            "cr.md",
            String::from_utf8(text.clone())
                .unwrap()
                .replace('\n', "\r")
                .into_bytes(),
        ),
    ] {
        let path = tree.path(&format!("docs/api-reference/demo/{name}"));
        std::fs::write(&path, variant).unwrap();
        let mut method = load(&path).unwrap().method;
        // Where the page is is all that may differ.
        assert_eq!(method.page, Some(format!("api-reference/demo/{name}")));
        method.page.clone_from(&good.page);
        assert_eq!(method, good, "{name}");
    }
}
