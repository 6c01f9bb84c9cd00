//! `b24 vendor NAME... --docs DOCS [--into DIR] [--update] [--json]`: copies
//! the pages of the named methods (globs on method names,
//! [`bitrix24_codegen::glob`]) and every file they read (includes, linked
//! dictionaries, fields pages) into a crate, at the same paths relative to
//! the docs tree, with a manifest. The vendored tree is a docs root of its
//! own: the crate builds with no docs tree anywhere else.
//!
//! `--update` reads the manifest, vendors its methods (and any names given)
//! again from `DOCS`, removes files no longer read, and reports what changed
//! per method, breaking or not ([`bitrix24_codegen::diff`]), and per file.
//!
//! [`vendor`] does the work without printing; `b24 new-bindings` vendors
//! the pages of a new crate through it.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bitrix24_codegen::model::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::pages::{read_tree, Page};
use super::{output, Outcome};

/// The manifest's file name, in the vendored folder.
pub use bitrix24_codegen::locate::MANIFEST;

/// A file of the docs tree is read whole; none of the reference is near this.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// Copy the pages of methods (globs on names) and all they read into a crate.
///
/// Each page is copied with every file it reads (includes, linked
/// dictionaries, fields pages) at the same path relative to the docs tree.
/// The folder gets a `b24-vendor.json` manifest and reads as a docs root of
/// its own, so the crate builds with no docs tree anywhere else. Names are
/// method names or globs: `*` any run of characters (dots too), `?` one,
/// ASCII case ignored. An unknown name is an error naming the closest.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Method names or globs, e.g. crm.lead.add 'crm.deal.*' (none with --update: the manifest's)
    #[arg(value_name = "NAME", required_unless_present = "update")]
    pub names: Vec<String>,
    /// The docs tree to copy from (else $B24_DOCS)
    #[arg(long, value_name = "DIR")]
    pub docs: Option<PathBuf>,
    /// The crate's folder of pages; it becomes a docs root
    #[arg(long, value_name = "DIR", default_value = "docs-input")]
    pub into: PathBuf,
    /// Vendor the manifest's methods again from DOCS and report what changed
    #[arg(long)]
    pub update: bool,
    /// One JSON document: methods, files and, with --update, the changes
    #[arg(long)]
    pub json: bool,
}

/// What to vendor, from where, into where.
#[derive(Debug, Clone)]
pub struct Request {
    /// Method names or globs.
    pub names: Vec<String>,
    /// The docs tree to copy from.
    pub docs: PathBuf,
    /// The folder the pages go to.
    pub into: PathBuf,
    /// Vendor the manifest's methods again (and `names`), replacing what is there.
    pub update: bool,
}

/// The docs tree `--docs` names, else [`DOCS_ENV`](super::remote::DOCS_ENV):
/// it must be a directory.
pub fn docs_dir(given: Option<&Path>) -> Result<PathBuf, String> {
    let docs = match given {
        Some(dir) => dir.to_path_buf(),
        None => std::env::var_os(super::remote::DOCS_ENV)
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .ok_or("expected `--docs DIR` (or $B24_DOCS): the docs tree to copy from")?,
    };
    if !docs.is_dir() {
        return Err(format!("{}: not a directory", docs.display()));
    }
    Ok(docs)
}

/// The vendored state a manifest records.
#[derive(Default)]
struct Manifest {
    revision: Option<String>,
    /// Method name → its page, relative to the vendored folder.
    methods: BTreeMap<String, String>,
    /// Relative path → `sha256:` hex of its bytes.
    files: BTreeMap<String, String>,
}

impl Manifest {
    fn read(dir: &Path) -> Result<Option<Manifest>, String> {
        let path = dir.join(MANIFEST);
        if !path.exists() {
            return Ok(None);
        }
        let bytes = bitrix24_codegen::files::read_bounded(&path, MAX_FILE_BYTES)
            .map_err(|e| format!("{}: {}", path.display(), e))?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{}: not a vendor manifest: {e}", path.display()))?;
        let strings = |key: &str| -> BTreeMap<String, String> {
            value[key]
                .as_object()
                .map(|map| {
                    map.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default()
        };
        Ok(Some(Manifest {
            revision: value["docs_revision"].as_str().map(str::to_string),
            methods: strings("methods"),
            files: strings("files"),
        }))
    }

    fn json(&self) -> Value {
        json!({
            "about": "Pages vendored by `b24 vendor`; `b24 vendor --update --docs DIR` refreshes them.",
            "docs_revision": self.revision,
            "methods": self.methods,
            "files": self.files,
        })
    }
}

/// `sha256:` and the hex digest of `bytes`.
fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Runs the command.
pub fn run(args: Args) -> Outcome {
    let request = Request {
        docs: docs_dir(args.docs.as_deref())?,
        names: args.names,
        into: args.into,
        update: args.update,
    };
    let report = vendor(&request)?;
    if args.json {
        let text = serde_json::to_string_pretty(&report.json()).map_err(|e| e.to_string())?;
        output::println(&text)?;
    } else {
        output::print(&report.text())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Vendors what `args` asks for and says what it did. Nothing is written
/// when a name matches no method page.
pub fn vendor(args: &Request) -> Result<Report, String> {
    if args.names.is_empty() && !args.update {
        return Err("expected method names or globs, e.g. crm.lead.add 'crm.deal.*'".into());
    }
    let old = Manifest::read(&args.into)?;
    if args.update && old.is_none() {
        return Err(format!(
            "{}: no {MANIFEST} to update (vendor some methods first)",
            args.into.display()
        ));
    }
    let mut wanted = args.names.clone();
    if args.update {
        if let Some(old) = &old {
            wanted.extend(old.methods.keys().cloned());
        }
    }
    // Only pages that read nothing outside the tree can be vendored with it.
    let tree: BTreeMap<String, Page> = read_tree(&args.docs)?
        .into_iter()
        .filter(|(_, page)| page.files.is_some())
        .collect();
    let mut chosen: BTreeSet<&str> = BTreeSet::new();
    for name in &wanted {
        let found: Vec<&str> = tree
            .keys()
            .filter(|key| bitrix24_codegen::glob::matches(name, key))
            .map(String::as_str)
            .collect();
        if found.is_empty() {
            let close = bitrix24_codegen::glob::closest(name, tree.keys().map(String::as_str), 5);
            return Err(format!(
                "no method page under {} names `{name}`; closest: {}",
                args.docs.display(),
                close.join(", ")
            ));
        }
        chosen.extend(found);
    }

    // The methods as vendored before, for the report of an update.
    let before: BTreeMap<String, Method> = match (&old, args.update) {
        (Some(old), true) => old
            .methods
            .iter()
            .filter_map(|(name, page)| {
                let path = args.into.join(page);
                let shown = path.display().to_string();
                let loaded = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    bitrix24_codegen::load(&path, &shown)
                }));
                match loaded {
                    Ok(Ok(loaded)) => Some((name.clone(), loaded.method)),
                    _ => None,
                }
            })
            .collect(),
        _ => BTreeMap::new(),
    };

    let mut manifest = Manifest {
        revision: read_revision(&args.docs),
        ..Manifest::default()
    };
    // A fresh vendoring adds to what is there; an update replaces it.
    if let (Some(old), false) = (&old, args.update) {
        manifest.methods = old.methods.clone();
        manifest.files = old.files.clone();
    }
    let mut files: BTreeSet<&Path> = BTreeSet::new();
    for key in &chosen {
        let page = &tree[*key];
        manifest
            .methods
            .insert(page.method.method.clone(), slashed(&page.relative));
        files.extend(page.files.iter().flatten().map(PathBuf::as_path));
    }
    for file in &files {
        let from = args.docs.join(file);
        let bytes = bitrix24_codegen::files::read_bounded(&from, MAX_FILE_BYTES)
            .map_err(|e| format!("{}: {}", from.display(), e))?;
        let to = args.into.join(file);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&to, &bytes).map_err(|e| format!("{}: {e}", to.display()))?;
        manifest.files.insert(slashed(file), digest(&bytes));
    }
    // The vendored folder is a docs root: its pages read nothing above it.
    let marker = args.into.join(bitrix24_codegen::files::ROOT_MARKER);
    std::fs::write(
        &marker,
        "Vendored Bitrix24 REST pages (b24 vendor): includes and links stay inside this folder.\n",
    )
    .map_err(|e| format!("{}: {e}", marker.display()))?;

    let mut removed = Vec::new();
    if let (Some(old), true) = (&old, args.update) {
        for stale in old
            .files
            .keys()
            .filter(|f| !manifest.files.contains_key(*f))
        {
            let path = args.into.join(stale);
            // Only files this command wrote (named by the manifest) are removed.
            match std::fs::remove_file(&path) {
                Ok(()) => removed.push(stale.clone()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("{}: {e}", path.display())),
            }
        }
    }
    let manifest_path = args.into.join(MANIFEST);
    let text = serde_json::to_string_pretty(&manifest.json()).map_err(|e| e.to_string())?;
    std::fs::write(&manifest_path, text + "\n")
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;

    Ok(Report::of(
        args,
        old.as_ref(),
        &manifest,
        &before,
        &tree,
        &chosen,
        removed,
    ))
}

/// The docs tree's revision, from its `REVISION` file when it has one.
fn read_revision(docs: &Path) -> Option<String> {
    let bytes = bitrix24_codegen::files::read_bounded(&docs.join("REVISION"), 4096).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.to_string())
}

/// A relative path with `/` between its parts, whatever the platform.
fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// What one run did.
#[derive(Debug, Clone)]
pub struct Report {
    into: PathBuf,
    revision: Option<String>,
    methods: Vec<String>,
    files: usize,
    /// Per method vendored before: its changes (path, what, breaking).
    changed: Vec<(String, Vec<bitrix24_codegen::diff::Change>)>,
    /// Methods the update vendored that were not there before.
    added: Vec<String>,
    files_changed: Vec<String>,
    files_added: Vec<String>,
    files_removed: Vec<String>,
    update: bool,
}

impl Report {
    fn of(
        args: &Request,
        old: Option<&Manifest>,
        manifest: &Manifest,
        before: &BTreeMap<String, Method>,
        tree: &BTreeMap<String, Page>,
        chosen: &BTreeSet<&str>,
        removed: Vec<String>,
    ) -> Report {
        let methods: Vec<String> = chosen
            .iter()
            .map(|key| tree[*key].method.method.clone())
            .collect();
        let mut changed = Vec::new();
        let mut added = Vec::new();
        if args.update {
            for key in chosen {
                let now = &tree[*key].method;
                match before.get(&now.method) {
                    Some(then) => {
                        let changes = bitrix24_codegen::diff::changes(then, now);
                        if !changes.is_empty() {
                            changed.push((now.method.clone(), changes));
                        }
                    }
                    None => added.push(now.method.clone()),
                }
            }
        }
        let (mut files_changed, mut files_added) = (Vec::new(), Vec::new());
        if let (Some(old), true) = (old, args.update) {
            for (file, hash) in &manifest.files {
                match old.files.get(file) {
                    Some(was) if was != hash => files_changed.push(file.clone()),
                    Some(_) => {}
                    None => files_added.push(file.clone()),
                }
            }
        }
        Report {
            into: args.into.clone(),
            revision: manifest.revision.clone(),
            methods,
            files: manifest.files.len(),
            changed,
            added,
            files_changed,
            files_added,
            files_removed: removed,
            update: args.update,
        }
    }

    /// The methods vendored by this run, by name.
    pub fn methods(&self) -> &[String] {
        &self.methods
    }

    /// How many files the folder holds now.
    pub fn files(&self) -> usize {
        self.files
    }

    /// The report as text, a line per method (and change, for an update).
    pub fn text(&self) -> String {
        let mut out = format!(
            "vendored {} method(s), {} file(s) in all, into {}{}\n",
            self.methods.len(),
            self.files,
            self.into.display(),
            self.revision
                .as_deref()
                .map(|r| format!(" (docs revision {r})"))
                .unwrap_or_default()
        );
        if !self.update {
            for method in &self.methods {
                out.push_str(&format!("  {method}\n"));
            }
            return out;
        }
        for method in &self.added {
            out.push_str(&format!("  + {method} (new)\n"));
        }
        let mut breaking = 0;
        for (method, changes) in &self.changed {
            out.push_str(&format!("  ~ {method}\n"));
            for change in changes {
                breaking += usize::from(change.breaking);
                let mark = if change.breaking {
                    "breaking"
                } else {
                    "compatible"
                };
                out.push_str(&format!(
                    "      {}: {} [{mark}]\n",
                    change.path, change.what
                ));
            }
        }
        for (sign, list) in [
            ("changed", &self.files_changed),
            ("added", &self.files_added),
            ("removed", &self.files_removed),
        ] {
            for file in list {
                out.push_str(&format!("  file {sign}: {file}\n"));
            }
        }
        out.push_str(&format!(
            "update: {} method(s) changed ({breaking} breaking change(s)), {} new; files: {} changed, {} added, {} removed\n",
            self.changed.len(),
            self.added.len(),
            self.files_changed.len(),
            self.files_added.len(),
            self.files_removed.len()
        ));
        out
    }

    /// The report as one JSON document.
    pub fn json(&self) -> Value {
        json!({
            "into": self.into.display().to_string(),
            "docs_revision": self.revision,
            "methods": self.methods,
            "files": self.files,
            "update": self.update.then(|| json!({
                "added": self.added,
                "changed": self.changed.iter().map(|(method, changes)| json!({
                    "method": method,
                    "changes": changes.iter().map(|c| json!({
                        "path": c.path, "what": c.what, "breaking": c.breaking,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "files_changed": self.files_changed,
                "files_added": self.files_added,
                "files_removed": self.files_removed,
            })),
        })
    }
}
