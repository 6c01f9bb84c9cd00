//! The method pages of a docs tree, by method name: what `b24 diff` and
//! `b24 vendor` read. Every page is parsed (nothing is built); a parser bug
//! on one page does not stop the others.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use bitrix24_codegen::model::Method;

/// One method as one tree documents it.
pub struct Page {
    /// The page, relative to the tree's root.
    pub relative: PathBuf,
    /// What the page documents.
    pub method: Method,
    /// Every file the page read (the page first, then its includes and
    /// linked pages), relative to the tree's root; `None` when one of them
    /// lies outside the tree.
    pub files: Option<Vec<PathBuf>>,
}

/// The method pages under `root`, by lowercase method name; where several
/// pages name one method, the first in path order.
pub fn read_tree(root: &Path) -> Result<BTreeMap<String, Page>, String> {
    let canonical_root = root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", root.display()))?;
    let files = bitrix24_codegen::source::markdown_files(root)
        .map_err(|e| format!("{}: {e}", root.display()))?;
    let mut methods = BTreeMap::new();
    for file in files {
        let shown = file.display().to_string();
        let parsed =
            std::panic::catch_unwind(AssertUnwindSafe(|| bitrix24_codegen::load(&file, &shown)));
        let Ok(Ok(loaded)) = parsed else { continue };
        let relative = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
        let read = loaded
            .files
            .iter()
            .map(|f| relative_to(&canonical_root, f))
            .collect::<Option<Vec<_>>>();
        methods
            .entry(loaded.method.method.to_ascii_lowercase())
            .or_insert(Page {
                relative,
                method: loaded.method,
                files: read,
            });
    }
    Ok(methods)
}

/// `file` relative to the (canonical) `root`, if it is inside it.
fn relative_to(root: &Path, file: &Path) -> Option<PathBuf> {
    let canonical = file.canonicalize().ok()?;
    canonical.strip_prefix(root).ok().map(Path::to_path_buf)
}

/// What `b24 inspect` and `b24 expand` share: reads the method page at
/// `page` and prints what `render` makes of its method. Exit status 0 when
/// the page documents a method, 1 with the reason on stderr when it does
/// not; a closed pipe or a full disk is an error, never a panic.
pub fn show_method(
    page: &Path,
    render: impl FnOnce(&Method) -> Result<String, String>,
) -> super::Outcome {
    let shown = page.display().to_string();
    match bitrix24_codegen::load(page, &shown) {
        Ok(loaded) => {
            super::output::print(&render(&loaded.method)?)?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Err(error) => {
            super::output::note(&error.to_string());
            Ok(std::process::ExitCode::FAILURE)
        }
    }
}
