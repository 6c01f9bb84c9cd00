//! Reading a page from disk and splicing its `{% include %}` directives in place.
//!
//! Every line keeps the file and line number it came from, so diagnostics can
//! point at the page the author edits, even when the line was included.

use std::path::{Path, PathBuf};

/// How deep includes may nest before we stop following them (guards cycles).
const MAX_INCLUDE_DEPTH: usize = 8;

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
}

/// A page could not be read at all.
#[derive(Debug)]
pub struct ReadError {
    /// The path that failed.
    pub path: PathBuf,
    /// What the OS said.
    pub error: std::io::Error,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read page: {}", self.error)
    }
}

impl std::error::Error for ReadError {}

impl Source {
    /// Reads `path` and every include it names, relative to the including file.
    /// A missing include is skipped, as the documentation site does.
    pub fn load(path: &Path) -> Result<Source, ReadError> {
        let text = std::fs::read_to_string(path).map_err(|error| ReadError {
            path: path.to_path_buf(),
            error,
        })?;
        let mut source = Source::default();
        source.splice(path.to_path_buf(), text, 0, &mut |p| {
            std::fs::read_to_string(p).ok()
        });
        source.reader = Some(|p| std::fs::read_to_string(p).ok());
        Ok(source)
    }

    /// Builds a source from text in memory; includes are looked up through `read`.
    pub fn from_text(
        path: impl Into<PathBuf>,
        text: &str,
        mut read: impl FnMut(&Path) -> Option<String>,
    ) -> Source {
        let mut source = Source::default();
        source.splice(path.into(), text.to_string(), 0, &mut read);
        source
    }

    /// [`Source::from_text`] for text the caller owns: it is kept, not copied.
    pub fn from_string(
        path: impl Into<PathBuf>,
        text: String,
        mut read: impl FnMut(&Path) -> Option<String>,
    ) -> Source {
        let mut source = Source::default();
        source.splice(path.into(), text, 0, &mut read);
        source
    }

    fn splice(
        &mut self,
        path: PathBuf,
        text: String,
        depth: usize,
        read: &mut dyn FnMut(&Path) -> Option<String>,
    ) {
        let file = self.files.len();
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        self.files.push(path);
        // Filled in below; lines only keep ranges into it.
        self.texts.push(String::new());
        self.lines.reserve(text.len() / 32);
        // Line ends found with one vectorised scan of the whole file: most
        // lines are short, and a search per line cost more than the line.
        let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
        let mut start = 0;
        for (index, end) in ends.enumerate() {
            let raw = &text[start..end];
            let span = start..end - usize::from(raw.ends_with('\r'));
            start = end + 1;
            if end == text.len() && raw.is_empty() && index > 0 {
                break;
            }
            // Only a line whose first non-blank bytes are `{%` can include.
            let indent = raw
                .bytes()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            if raw.as_bytes()[indent..].starts_with(b"{%") {
                if let Some(target) = include_target(raw) {
                    if depth < MAX_INCLUDE_DEPTH {
                        let target_path = normalize(&dir.join(target));
                        if let Some(included) = read(&target_path) {
                            self.splice(target_path, included, depth + 1, read);
                        }
                    }
                    continue;
                }
            }
            self.lines.push(Line {
                span,
                file,
                number: index + 1,
            });
        }
        self.texts[file] = text;
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
    let rest = line.trim().strip_prefix("{%")?.trim_start();
    let rest = rest.strip_prefix("include")?;
    let rest = rest.trim_end().strip_suffix("%}")?;
    let open = rest.rfind("](")?;
    let inner = &rest[open + 2..];
    let close = inner.rfind(')')?;
    let target = inner[..close].trim();
    // Drop an anchor: an include of `file.md#part` still reads the file.
    let target = target.split('#').next().unwrap_or(target);
    (!target.is_empty()).then_some(target)
}

/// Resolves `.` and `..` without touching the filesystem, so a missing
/// include never makes us fail and paths stay stable in messages.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn self_include_stops_at_the_depth_limit() {
        let source = Source::from_text("p.md", "x\n{% include [me](p.md) %}", |_| {
            Some("x\n{% include [me](p.md) %}".to_string())
        });
        assert_eq!(source.lines.len(), MAX_INCLUDE_DEPTH + 1);
    }
}
