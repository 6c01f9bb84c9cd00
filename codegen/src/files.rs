//! Which files a page may read, and reading them safely.
//!
//! A page reads only regular files inside its docs root ([`DocsRoot`]): its
//! includes and the dictionaries its type links name. Anything else (an
//! absolute path elsewhere, `../` above the root, a symlink that leads out, a
//! FIFO, a device, `/proc/self/environ`) is refused before a byte of it is
//! read, so none of its text can reach generated code, docs or messages.
//! Reads are bounded: the file's metadata is checked before it is opened,
//! it is opened without blocking, and no more than the caller's limit is read.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diag::Kind;

/// A file whose presence in a folder makes that folder a docs root.
pub const ROOT_MARKER: &str = ".b24-docs-root";

/// The folder a page's includes and links must stay inside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocsRoot {
    /// The folder, canonical (symlinks resolved).
    pub path: PathBuf,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum Refused {
    /// The path leads outside the docs root.
    Outside,
    /// The path names a FIFO, a directory, a device or another non-file.
    NotRegular,
    /// The file holds more than the limit (in bytes).
    TooLarge(u64),
    /// The file could not be read (missing, no permission...).
    Io(std::io::Error),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Outside => f.write_str("it is outside the docs root"),
            Refused::NotRegular => f.write_str("it is not a regular file"),
            Refused::TooLarge(limit) => write!(f, "it is larger than {limit} bytes"),
            Refused::Io(error) => write!(f, "{error}"),
        }
    }
}

impl Refused {
    /// The kind of problem, and the words that finish "include `x` ..." or
    /// "link `x` ...".
    pub fn describe(&self) -> (Kind, String) {
        match self {
            Refused::Outside => (
                Kind::OutsideRoot,
                "is outside the docs root: a page reads only files below the folder that holds \
                 `api-reference/`, `_includes/` or a `.b24-docs-root` file"
                    .to_string(),
            ),
            Refused::NotRegular => (Kind::NotRegularFile, "is not a regular file".to_string()),
            Refused::TooLarge(limit) => (
                Kind::TooLarge,
                format!("is larger than {} MiB", limit >> 20),
            ),
            Refused::Io(error) => (Kind::Unreadable, format!("cannot be read: {error}")),
        }
    }
}

impl DocsRoot {
    /// The docs root of the page at `page`: the nearest folder above it
    /// (its own included) that holds a [`ROOT_MARKER`] file or an
    /// `api-reference/` folder; else the nearest that holds an `_includes/`
    /// folder; else `fallback` (the invoking crate's manifest folder) when
    /// the page is inside it; else the page's own folder.
    ///
    /// `_includes/` ranks below the others because the reference keeps
    /// `_includes/` folders inside sections too, next to pages that include
    /// from the shared one at the top.
    pub fn find(page: &Path, fallback: Option<&Path>) -> std::io::Result<DocsRoot> {
        let page = std::fs::canonicalize(page)?;
        let folder = page.parent().unwrap_or(Path::new("/"));
        let mut includes = None;
        for dir in folder.ancestors() {
            if dir.join(ROOT_MARKER).is_file() || dir.join("api-reference").is_dir() {
                return Ok(DocsRoot {
                    path: dir.to_path_buf(),
                });
            }
            if includes.is_none() && dir.join("_includes").is_dir() {
                includes = Some(dir.to_path_buf());
            }
        }
        let fallback = fallback
            .and_then(|f| std::fs::canonicalize(f).ok())
            .filter(|f| page.starts_with(f));
        Ok(DocsRoot {
            path: includes
                .or(fallback)
                .unwrap_or_else(|| folder.to_path_buf()),
        })
    }

    /// Whether `path` (absolute, normalized) is inside the root, by its words.
    pub fn holds(&self, path: &Path) -> bool {
        path.starts_with(&self.path)
    }

    /// Checks that `path` (absolute and normalized, so `..` cannot climb
    /// out) may be read: inside the root by its words and, with symlinks
    /// resolved, a regular file inside the root. `Ok(None)` when nothing is
    /// there, wherever it points: a missing include or link is skipped, as
    /// the site does (the reference has broken links that climb above it).
    pub fn admit(&self, path: &Path) -> Result<Option<PathBuf>, Refused> {
        if !path.is_absolute() || !self.holds(path) {
            // Only asked whether something is there; never opened.
            return match std::fs::symlink_metadata(path) {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                _ => Err(Refused::Outside),
            };
        }
        let real = match std::fs::canonicalize(path) {
            Ok(real) => real,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(Refused::Io(error)),
        };
        if !self.holds(&real) {
            return Err(Refused::Outside);
        }
        let meta = std::fs::metadata(&real).map_err(Refused::Io)?;
        if !meta.is_file() {
            return Err(Refused::NotRegular);
        }
        Ok(Some(real))
    }
}

/// Reads the regular file at `path`, at most `limit` bytes. Anything that is
/// not a regular file is refused before it is opened (a FIFO would block the
/// open), and it is opened without blocking in case it was swapped since.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, Refused> {
    let meta = std::fs::metadata(path).map_err(Refused::Io)?;
    if !meta.is_file() {
        return Err(Refused::NotRegular);
    }
    if meta.len() > limit {
        return Err(Refused::TooLarge(limit));
    }
    let file = open_nonblocking(path).map_err(Refused::Io)?;
    if !file.metadata().map_err(Refused::Io)?.is_file() {
        return Err(Refused::NotRegular);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // One byte past the limit tells a file that grew (or a file whose size
    // the system does not know, as in /proc) from one that fits.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Refused::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Refused::TooLarge(limit));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Bytes as UTF-8 text without a leading byte order mark, or the 1-based
/// line and column (in characters) of the first byte that is not UTF-8.
pub fn utf8_text(mut bytes: Vec<u8>) -> Result<String, (usize, usize)> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|error| {
        let bytes = error.as_bytes();
        let bad = error.utf8_error().valid_up_to();
        let before = &bytes[..bad];
        // Lines end at `\n`, `\r\n` or a lone `\r`, as the page's lines do.
        let mut line = 1;
        let mut start = 0;
        for (k, &b) in before.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && before.get(k + 1) != Some(&b'\n')) {
                line += 1;
                start = k + 1;
            }
        }
        // `before` is valid UTF-8 up to the bad byte.
        let col = std::str::from_utf8(&before[start..]).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    })
}

/// The linked-file reader of pages read from disk: a regular file of at
/// most [`crate::source::MAX_SPLICED_BYTES`], as UTF-8 text; `None` otherwise.
pub fn read_linked(path: &Path) -> Option<String> {
    let bytes = read_bounded(path, crate::source::MAX_SPLICED_BYTES as u64).ok()?;
    utf8_text(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bad_byte_is_located() {
        assert_eq!(utf8_text(b"ab\ncd\xFFe".to_vec()), Err((2, 3)));
        assert_eq!(utf8_text(b"a\rb\r\n\xC3(".to_vec()), Err((3, 1)));
        assert_eq!(utf8_text(b"\xEF\xBB\xBF# T".to_vec()).unwrap(), "# T");
    }
}
