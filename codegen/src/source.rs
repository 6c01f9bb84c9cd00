//! Reading a page from disk and splicing its `{% include %}` directives in place.
//!
//! Every line keeps the file and line number it came from, so diagnostics can
//! point at the page the author edits, even when the line was included.
//!
//! A page read from disk reads only regular files inside its docs root
//! ([`crate::files::DocsRoot`]). An include that leaves the root, names a
//! FIFO or another non-file, closes a cycle, nests too deep or makes the
//! page too large is not spliced: it is a located problem in
//! [`Source::problems`], and nothing of the file it names is read. Lines end
//! at `\n`, `\r\n` or a lone `\r`, and a byte order mark is not text.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostics, Kind};
use crate::files::{self, DocsRoot, Refused};

mod splice;

use crate::ws::Trim;
use splice::{Reader, Splice};

/// How deep includes may nest.
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// How many bytes a page with its includes spliced in may hold (16 MiB).
pub const MAX_SPLICED_BYTES: usize = 16 << 20;

/// One line of the page after includes were spliced in. Its text is a
/// range of its file's text: [`Source::text`] gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Byte range of the text (without the line terminator) in its file.
    pub span: std::ops::Range<usize>,
    /// Index into [`Source::files`] of the file this line was read from.
    pub file: usize,
    /// 1-based line number inside that file.
    pub number: usize,
}

/// A page with its includes resolved.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// Every file read: the page first, then each include that existed.
    pub files: Vec<PathBuf>,
    /// The text of each file in [`Source::files`], same order.
    pub texts: Vec<String>,
    /// Reads files the page links to (type dictionaries such as
    /// `../data-types.md#catalog_product`); `None` for pages built in memory.
    pub reader: Option<fn(&Path) -> Option<String>>,

    /// The spliced lines.
    pub lines: Vec<Line>,
    /// The docs root of a page read from disk: its includes and links stay
    /// inside it. `None` for pages built in memory, whose reader decides.
    pub root: Option<DocsRoot>,
    /// For a page read from disk, each file's absolute path from the
    /// canonical folder of the file that named it, same order as
    /// [`Source::files`]: links are resolved and checked from it.
    pub real: Vec<PathBuf>,
    /// Problems met while reading: includes refused, cycles, sizes.
    pub problems: Diagnostics,
}

/// A page could not be read at all.
#[derive(Debug)]
pub struct ReadError {
    /// The path that failed.
    pub path: PathBuf,
    /// What the OS said, or what is wrong with the bytes.
    pub error: std::io::Error,
    /// What kind of failure this is.
    pub kind: Kind,
    /// The 1-based line and column of the problem, when it has one (the
    /// first byte that is not UTF-8).
    pub place: Option<(usize, usize)>,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read page: {}", self.error)
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    fn refused(path: &Path, refused: Refused) -> ReadError {
        let (kind, error) = match refused {
            Refused::Io(error) => (Kind::Unreadable, error),
            Refused::NotRegular => (Kind::NotRegularFile, other("it is not a regular file")),
            Refused::TooLarge(limit) => (
                Kind::TooLarge,
                other(&format!("it is larger than {} MiB", limit >> 20)),
            ),
            Refused::Outside => (Kind::OutsideRoot, other("it is outside the docs root")),
        };
        ReadError {
            path: path.to_path_buf(),
            error,
            kind,
            place: None,
        }
    }

    /// `shown:line:col: cannot read page: ...`, or `shown: ...` without a place.
    pub fn render(&self, shown: &str) -> String {
        match self.place {
            Some((line, col)) => format!("{shown}:{line}:{col}: {self}"),
            None => format!("{shown}: {self}"),
        }
    }
}

fn other(message: &str) -> std::io::Error {
    std::io::Error::other(message.to_string())
}

impl Source {
    /// Reads `path` and every include it names, relative to the including file.
    /// A missing include is skipped, as the documentation site does.
    pub fn load(path: &Path) -> Result<Source, ReadError> {
        Source::load_in(path, None)
    }

    /// [`Source::load`] with the folder to use as the docs root when no
    /// folder above the page marks one (the invoking crate's manifest folder).
    pub fn load_in(path: &Path, fallback_root: Option<&Path>) -> Result<Source, ReadError> {
        let bytes = files::read_bounded(path, MAX_SPLICED_BYTES as u64)
            .map_err(|refused| ReadError::refused(path, refused))?;
        let text = files::utf8_text(bytes).map_err(|(line, col)| ReadError {
            path: path.to_path_buf(),
            error: std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8"),
            kind: Kind::InvalidUtf8,
            place: Some((line, col)),
        })?;
        let root = DocsRoot::find(path, fallback_root).map_err(|error| ReadError {
            path: path.to_path_buf(),
            error,
            kind: Kind::Unreadable,
            place: None,
        })?;
        let real = std::fs::canonicalize(path).map_err(|error| ReadError {
            path: path.to_path_buf(),
            error,
            kind: Kind::Unreadable,
            place: None,
        })?;
        let mut source = Source::default();
        let mut splice = Splice {
            reader: Reader::Disk(&root),
            stack: Vec::new(),
            spliced: 0,
        };
        source.splice(path.to_path_buf(), real, text, 0, &mut splice);
        source.reader = Some(files::read_linked);
        source.root = Some(root);
        Ok(source)
    }

    /// Builds a source from text in memory; includes are looked up through `read`.
    pub fn from_text(
        path: impl Into<PathBuf>,
        text: &str,
        read: impl FnMut(&Path) -> Option<String>,
    ) -> Source {
        Source::from_string(path, text.to_string(), read)
    }

    /// [`Source::from_text`] for text the caller owns: it is kept, not copied.
    pub fn from_string(
        path: impl Into<PathBuf>,
        text: String,
        mut read: impl FnMut(&Path) -> Option<String>,
    ) -> Source {
        let mut source = Source::default();
        let path = path.into();
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let mut splice = Splice {
            reader: Reader::Memory(&mut read),
            stack: Vec::new(),
            spliced: 0,
        };
        let real = normalize(&path);
        source.splice(path, real, text, 0, &mut splice);
        source
    }

    /// The text of a line.
    pub fn text(&self, line: &Line) -> &str {
        self.texts
            .get(line.file)
            .and_then(|t| t.get(line.span.clone()))
            .unwrap_or("")
    }

    /// The file a line came from.
    pub fn file_of(&self, line: &Line) -> &Path {
        &self.files[line.file]
    }
}

/// Every `.md` file under `dir` (or `dir` itself when it is a file), sorted so
/// that whatever is built from them comes out in the same order every time.
pub fn markdown_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        if current.is_file() {
            out.push(current);
            continue;
        }
        for entry in std::fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The path named by an `{% include [title](path) %}` line, if this is one.
pub fn include_target(line: &str) -> Option<&str> {
    let rest = line.trim_ws().strip_prefix("{%")?.trim_start_ws();
    let rest = rest.strip_prefix("include")?;
    let rest = rest.trim_end_ws().strip_suffix("%}")?;
    let open = rest.rfind("](")?;
    let inner = &rest[open + 2..];
    let close = inner.rfind(')')?;
    let target = inner[..close].trim_ws();
    // Drop an anchor: an include of `file.md#part` still reads the file.
    let target = target.split('#').next().unwrap_or(target);
    (!target.is_empty()).then_some(target)
}

/// Resolves `.` and `..` without touching the filesystem, so a missing
/// include never makes us fail and paths stay stable in messages.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    #[cfg(unix)]
    return normalize_unix(path);
    #[cfg(not(unix))]
    normalize_components(path)
}

/// [`normalize`] by [`Path::components`], for any platform.
#[cfg_attr(unix, allow(dead_code))]
fn normalize_components(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut parts: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                // Above the root is the root, as the system reads it.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(component),
            },
            other => parts.push(other),
        }
    }
    parts.iter().map(|c| c.as_os_str()).collect()
}

/// [`normalize`] for a Unix path, by its bytes: every page of a corpus
/// splices and links through it, and going by [`Path::components`] cost a
/// fortieth of reading one. The same rules: `.` goes, `..` takes the name
/// before it (never the root), repeated and trailing `/` go.
#[cfg(unix)]
fn normalize_unix(path: &Path) -> PathBuf {
    use std::ffi::OsString;
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let bytes = path.as_os_str().as_bytes();
    let absolute = bytes.first() == Some(&b'/');
    let mut parts: Vec<&[u8]> = Vec::with_capacity(16);
    // Names pushed on the path, as opposed to leading `..` of a relative one.
    let mut names = 0usize;
    for part in bytes.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." if names > 0 => {
                parts.pop();
                names -= 1;
            }
            // Above the root is the root.
            b".." if absolute => {}
            b".." => parts.push(part),
            _ => {
                parts.push(part);
                names += 1;
            }
        }
    }
    let mut out = Vec::with_capacity(bytes.len());
    if absolute {
        out.push(b'/');
    }
    for (k, part) in parts.iter().enumerate() {
        if k > 0 {
            out.push(b'/');
        }
        out.extend_from_slice(part);
    }
    PathBuf::from(OsString::from_vec(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn normalizing_by_bytes_agrees_with_components() {
        for path in [
            "/a/b/../c/./d.md",
            "a/../../b.md",
            "../x/./../y.md",
            "/../a.md",
            "/a//b/",
            "./a.md",
            ".",
            "",
            "a/b/..",
            "../../_includes/x.md",
            "/work/docs/crm/../_includes/../../y.md",
        ] {
            let by_bytes = normalize_unix(Path::new(path));
            let by_components = normalize_components(Path::new(path));
            assert_eq!(by_bytes, by_components, "{path:?}");
        }
    }

    #[test]
    fn include_line_is_recognised_with_or_without_notitle() {
        assert_eq!(
            include_target("{% include [Note](../../_includes/required.md) %}"),
            Some("../../_includes/required.md")
        );
        assert_eq!(
            include_target("  {% include notitle [x](a/b.md) %} "),
            Some("a/b.md")
        );
        assert_eq!(include_target("{% note info %}"), None);
        assert_eq!(include_target("text with {% include"), None);
    }

    #[test]
    fn includes_are_spliced_with_their_origin_and_missing_ones_are_skipped() {
        let source = Source::from_text(
            "docs/a/page.md",
            "one\n{% include [x](../inc/part.md) %}\n{% include [y](gone.md) %}\nfour",
            |path| (path == Path::new("docs/inc/part.md")).then(|| "inc1\ninc2".to_string()),
        );
        let texts: Vec<_> = source.lines.iter().map(|l| source.text(l)).collect();
        assert_eq!(texts, ["one", "inc1", "inc2", "four"]);
        assert_eq!(source.lines[1].file, 1);
        assert_eq!(source.lines[2].number, 2);
        assert_eq!(source.lines[3].number, 4);
        assert_eq!(source.files[1], PathBuf::from("docs/inc/part.md"));
    }

    #[test]
    fn paths_normalize_by_their_words() {
        assert_eq!(normalize(Path::new("../../x")), PathBuf::from("../../x"));
        assert_eq!(
            normalize(Path::new("a/./b/../../../x")),
            PathBuf::from("../x")
        );
        assert_eq!(normalize(Path::new("/a/../../x")), PathBuf::from("/x"));
    }
}
