//! Finding a method's page by the method's name under a docs folder, so a
//! binding names `crm.lead.add` rather than a path, and a page that moved
//! inside the folder keeps binding.
//!
//! In order: the folder's vendor manifest (`b24-vendor.json`, written by
//! `b24 vendor`); pages named for the method (`crm-lead-add.md`) anywhere
//! below; then every page whose text names the method, read in full only
//! when it does. A candidate counts when its parsed method is the name
//! (ASCII case ignored). No page is an error listing the closest names the
//! folder documents; two pages for one method is an error naming both.

use std::path::{Path, PathBuf};

/// The vendor manifest's file name (see `b24 vendor`).
pub const MANIFEST: &str = "b24-vendor.json";

/// The largest manifest read.
const MAX_MANIFEST_BYTES: u64 = 4 << 20;

/// A name that names no page, or more than one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    /// What to tell the user, with the closest names or the pages found.
    pub message: String,
}

/// The page under `root` that documents `name`; `shown` is how messages
/// name the folder (as the user wrote it).
pub fn method_page(root: &Path, shown: &str, name: &str) -> Result<PathBuf, NotFound> {
    if let Some(page) = from_manifest(root, name) {
        return Ok(page);
    }
    let files = crate::source::markdown_files(root).map_err(|e| NotFound {
        message: format!("cannot list the docs folder `{shown}`: {e}"),
    })?;
    let file_name = format!("{}.md", name.replace('.', "-")).to_ascii_lowercase();
    let named: Vec<&PathBuf> = files
        .iter()
        .filter(|f| {
            f.file_name()
                .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase() == file_name)
        })
        .collect();
    let found = documenting(named.iter().copied(), name);
    if let [one] = found.as_slice() {
        return Ok(one.clone());
    }
    if found.len() > 1 {
        return Err(ambiguous(name, &found));
    }
    // Pages named otherwise: only those whose text names the method are parsed.
    let needle = name.to_ascii_lowercase();
    let mentioning = files.iter().filter(|f| {
        !named.contains(f)
            && crate::files::read_bounded(f, crate::source::MAX_SPLICED_BYTES as u64)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .is_some_and(|text| text.to_ascii_lowercase().contains(&needle))
    });
    let found = documenting(mentioning, name);
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(unknown(root, shown, name, &files)),
        _ => Err(ambiguous(name, &found)),
    }
}

/// The page the manifest gives for `name`, when the manifest has it and
/// the page is there.
fn from_manifest(root: &Path, name: &str) -> Option<PathBuf> {
    let bytes = crate::files::read_bounded(&root.join(MANIFEST), MAX_MANIFEST_BYTES).ok()?;
    let manifest: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let (_, page) = manifest
        .get("methods")?
        .as_object()?
        .iter()
        .find(|(method, _)| method.eq_ignore_ascii_case(name))?;
    let page = root.join(page.as_str()?);
    page.is_file().then_some(page)
}

/// The candidates whose page parses as the method `name`.
fn documenting<'p>(candidates: impl Iterator<Item = &'p PathBuf>, name: &str) -> Vec<PathBuf> {
    candidates
        .filter(|file| {
            crate::load(file, &file.display().to_string())
                .is_ok_and(|loaded| loaded.method.method.eq_ignore_ascii_case(name))
        })
        .cloned()
        .collect()
}

fn ambiguous(name: &str, pages: &[PathBuf]) -> NotFound {
    let list: Vec<String> = pages.iter().map(|p| p.display().to_string()).collect();
    NotFound {
        message: format!(
            "`{name}` is documented by more than one page: {}; name the page by its path",
            list.join(", ")
        ),
    }
}

/// No page documents `name`: the closest method names, from the manifest
/// when there is one, else from the pages' file names.
fn unknown(root: &Path, shown: &str, name: &str, files: &[PathBuf]) -> NotFound {
    let mut names: Vec<String> = files
        .iter()
        .filter_map(|f| f.file_stem())
        .map(|stem| stem.to_string_lossy().replace('-', "."))
        .collect();
    if let Some(methods) = crate::files::read_bounded(&root.join(MANIFEST), MAX_MANIFEST_BYTES)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|m| m.get("methods")?.as_object().cloned())
    {
        names.extend(methods.keys().cloned());
    }
    let closest = crate::glob::closest(name, names.iter().map(String::as_str), 5);
    NotFound {
        message: format!(
            "no page under `{shown}` documents `{name}`{}",
            if closest.is_empty() {
                String::new()
            } else {
                format!("; closest: {}", closest.join(", "))
            }
        ),
    }
}
