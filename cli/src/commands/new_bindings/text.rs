//! What `b24 new-bindings` writes and prints: the crate's `Cargo.toml`, its
//! `src/lib.rs`, and the steps that put the crate to use.

use std::fmt::Write;
use std::path::{Component, Path, PathBuf};

use super::PAGES;
use crate::commands::vendor::{Report, MANIFEST};

/// The crate being made.
pub(super) struct Crate<'a> {
    /// Its folder, as given.
    pub path: &'a Path,
    /// Its package name.
    pub name: &'a str,
    /// The `bitrix24` dependency's TOML value.
    pub dependency: &'a str,
    /// The method globs it binds.
    pub globs: &'a [String],
}

/// A Rust (and TOML) string literal of `text`.
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

/// The globs as the elements of a list literal.
fn list(globs: &[String]) -> String {
    globs
        .iter()
        .map(|g| quoted(g))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Cargo.toml`.
pub(super) fn manifest(c: &Crate<'_>) -> String {
    format!(
        "[package]\n\
         name = {name}\n\
         version = \"0.1.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         description = \"Typed Bitrix24 REST bindings of the methods whose pages are vendored in {PAGES}/\"\n\
         \n\
         [dependencies]\n\
         # The client the generated code calls; it re-exports the macros.\n\
         bitrix24 = {dependency}\n",
        name = quoted(c.name),
        dependency = c.dependency,
    )
}

/// `src/lib.rs`.
pub(super) fn library(c: &Crate<'_>) -> String {
    format!(
        "//! Typed Bitrix24 REST bindings, generated at build time from the method\n\
         //! pages vendored in `{PAGES}/` (listed in `{PAGES}/{MANIFEST}`). A module\n\
         //! per method, named by its path: `crm.lead.get` is `crm::lead::get`, with\n\
         //! `Params`, `Output`, `Error` and `call`.\n\
         //!\n\
         //! The build reads only this crate's files, so editing the app that uses\n\
         //! it never expands the bindings again. To refresh the pages from a newer\n\
         //! reference (the report says what changed, breaking or not), or to bind\n\
         //! one more method (vendor its page, then add its name below):\n\
         //!\n\
         //! ```text\n\
         //! b24 vendor --update --docs DOCS --into {PAGES}\n\
         //! b24 vendor 'crm.deal.*' --docs DOCS --into {PAGES}\n\
         //! ```\n\
         #![allow(deprecated, missing_docs)]\n\
         \n\
         bitrix24::bitrix_api!({pages}, methods = [{globs}]);\n",
        pages = quoted(PAGES),
        globs = list(c.globs),
    )
}

/// The workspace above `dir`: the folder of the nearest `Cargo.toml` with a
/// `[workspace]` table.
fn workspace_above(dir: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    dir.ancestors().skip(1).find_map(|folder| {
        let text = std::fs::read_to_string(folder.join("Cargo.toml")).ok()?;
        text.lines()
            .any(|line| line.trim() == "[workspace]")
            .then(|| folder.to_path_buf())
    })
}

/// A path with `/` between its parts, for TOML on any platform.
fn slashed(path: &Path) -> String {
    let mut out = String::new();
    for component in path.components() {
        if component == Component::RootDir {
            out.push('/');
            continue;
        }
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&component.as_os_str().to_string_lossy());
    }
    out
}

/// What was made and what to do next.
pub(super) fn next_steps(c: &Crate<'_>, report: &Report, docs: &Path) -> String {
    let shown = c.path.display();
    let mut out = String::new();
    let _ = writeln!(out, "created the bindings crate `{}` in {shown}:", c.name);
    let _ = writeln!(out, "  Cargo.toml     bitrix24 = {}", c.dependency);
    let _ = writeln!(
        out,
        "  src/lib.rs     bitrix24::bitrix_api!({}, methods = [{}])",
        quoted(PAGES),
        list(c.globs)
    );
    let _ = writeln!(
        out,
        "  {PAGES}/    {} method(s), {} file(s), {MANIFEST}",
        report.methods().len(),
        report.files()
    );
    for method in report.methods() {
        let _ = writeln!(out, "    {method}");
    }
    let here = c
        .path
        .canonicalize()
        .unwrap_or_else(|_| c.path.to_path_buf());
    let (manifest, member, from_app) = match workspace_above(c.path) {
        Some(root) => {
            let relative = slashed(here.strip_prefix(&root).unwrap_or(&here));
            let from_app = format!("../{relative}");
            (
                format!("the workspace in {}", root.join("Cargo.toml").display()),
                relative,
                (from_app, " (from an app folder at the workspace's top)"),
            )
        }
        None => (
            "your workspace's Cargo.toml".to_string(),
            slashed(c.path),
            (slashed(&here), ""),
        ),
    };
    let _ = writeln!(
        out,
        "\nnext:\n  1. add it to {manifest}:\n       [workspace]\n       members = [..., {}]",
        quoted(&member)
    );
    let _ = writeln!(
        out,
        "  2. depend on it from the app{}:\n       [dependencies]\n       {} = {{ path = {} }}\n       bitrix24 = {}",
        from_app.1,
        c.name,
        quoted(&from_app.0),
        c.dependency
    );
    if let Some(first) = report.methods().first() {
        let module = bitrix24_codegen::tree::module_path(first).join("::");
        let _ = writeln!(
            out,
            "  3. call it: {}::{module}::call(&client, params).await?",
            c.name.replace('-', "_")
        );
    }
    let _ = writeln!(
        out,
        "later, newer pages: b24 vendor --update --docs {} --into {}",
        docs.display(),
        c.path.join(PAGES).display()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_slashed_once() {
        assert_eq!(slashed(Path::new("/tmp/a/b")), "/tmp/a/b");
        assert_eq!(slashed(Path::new("a/./b/")), "a/b");
        assert_eq!(slashed(Path::new("../a")), "../a");
    }
}
