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

use crate::diag::{Diagnostic, Diagnostics, Kind, Place};
use crate::files::{self, DocsRoot, Refused};

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

/// How a splice gets the text of an include.
enum Reader<'r> {
    /// From disk, inside a docs root.
    Disk(&'r DocsRoot),
    /// Through the caller's function (pages built in memory).
    Memory(&'r mut dyn FnMut(&Path) -> Option<String>),
}

/// An include the splice refused, and why.
struct Refusal {
    kind: Kind,
    why: String,
}

/// The state of one page's splice: the files being included (to find
/// cycles) and the bytes spliced so far (to bound the total).
struct Splice<'r> {
    reader: Reader<'r>,
    stack: Vec<PathBuf>,
    spliced: usize,
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

    fn splice(
        &mut self,
        path: PathBuf,
        real: PathBuf,
        text: String,
        depth: usize,
        splice: &mut Splice<'_>,
    ) {
        let file = self.files.len();
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let real_dir = real.parent().map(Path::to_path_buf).unwrap_or_default();
        splice.spliced += text.len();
        splice.stack.push(real.clone());
        self.files.push(path);
        self.real.push(real);
        // Filled in below; lines only keep ranges into it.
        self.texts.push(String::new());
        self.lines.reserve(text.len() / 32);
        let bytes = text.as_bytes();
        let mut start = 0;
        let mut number = 0;
        while start < bytes.len() || (start == 0 && number == 0) {
            // Line ends found with one vectorised scan: most lines are
            // short, and a search per line cost more than the line.
            let (end, next) = match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
                Some(k)
                    if bytes[start + k] == b'\r' && bytes.get(start + k + 1) == Some(&b'\n') =>
                {
                    (start + k, start + k + 2)
                }
                Some(k) => (start + k, start + k + 1),
                None => (bytes.len(), bytes.len()),
            };
            number += 1;
            let raw = &text[start..end];
            let span = start..end;
            start = next;
            // Only a line whose first non-blank bytes are `{%` can include.
            let indent = raw
                .bytes()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            if raw.as_bytes()[indent..].starts_with(b"{%") {
                if let Some(target) = include_target(raw) {
                    let col = raw[..target.as_ptr() as usize - raw.as_ptr() as usize]
                        .chars()
                        .count()
                        + 1;
                    let place = Place {
                        file,
                        line: number,
                        col,
                    };
                    let target_path = normalize(&dir.join(target));
                    let real_target = normalize(&real_dir.join(target));
                    if let Err(refusal) = self.include(target_path, real_target, depth, splice) {
                        self.problems.push(Diagnostic::placed(
                            refusal.kind,
                            place,
                            format!("include `{target}` {}", refusal.why),
                        ));
                    }
                    continue;
                }
            }
            self.lines.push(Line { span, file, number });
        }
        self.texts[file] = text;
        splice.stack.pop();
    }

    /// Reads and splices one include, or says why it was refused.
    fn include(
        &mut self,
        path: PathBuf,
        real: PathBuf,
        depth: usize,
        splice: &mut Splice<'_>,
    ) -> Result<(), Refusal> {
        let refuse = |kind, why: &str| Refusal {
            kind,
            why: why.to_string(),
        };
        if splice.stack.contains(&real) {
            return Err(refuse(
                Kind::IncludeCycle,
                "is already being included: an include cycle",
            ));
        }
        if depth + 1 > MAX_INCLUDE_DEPTH {
            return Err(Refusal {
                kind: Kind::IncludeTooDeep,
                why: format!("nests includes more than {MAX_INCLUDE_DEPTH} deep"),
            });
        }
        let budget = MAX_SPLICED_BYTES.saturating_sub(splice.spliced);
        let too_large = || Refusal {
            kind: Kind::TooLarge,
            why: format!(
                "makes the page with its includes larger than {} MiB",
                MAX_SPLICED_BYTES >> 20
            ),
        };
        let (real, text) = match &mut splice.reader {
            Reader::Memory(read) => match read(&path) {
                None => return Ok(()),
                Some(text) if text.len() > budget => return Err(too_large()),
                Some(text) => (real, text),
            },
            Reader::Disk(root) => {
                let canonical = match root.admit(&real) {
                    Ok(None) => return Ok(()),
                    Ok(Some(canonical)) => canonical,
                    Err(refused) => return Err(refusal(refused)),
                };
                if splice.stack.contains(&canonical) {
                    return Err(refuse(
                        Kind::IncludeCycle,
                        "is already being included: an include cycle",
                    ));
                }
                let bytes = match files::read_bounded(&canonical, budget as u64) {
                    Ok(bytes) => bytes,
                    Err(Refused::TooLarge(_)) => return Err(too_large()),
                    Err(refused) => return Err(refusal(refused)),
                };
                match files::utf8_text(bytes) {
                    Ok(text) => (canonical, text),
                    Err((line, col)) => {
                        // Located in the include itself, which splices no lines.
                        let file = self.files.len();
                        self.files.push(path);
                        self.real.push(canonical);
                        self.texts.push(String::new());
                        self.problems.push(Diagnostic::placed(
                            Kind::InvalidUtf8,
                            Place { file, line, col },
                            "not valid UTF-8",
                        ));
                        return Ok(());
                    }
                }
            }
        };
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        self.splice(path, real, text, depth + 1, splice);
        Ok(())
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

/// A refusal of the docs root, in the words of an include's problem.
fn refusal(refused: Refused) -> Refusal {
    let (kind, why) = refused.describe();
    Refusal { kind, why }
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
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // Above the root is the root, as the system reads it.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
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
    fn a_self_include_is_a_cycle_located_at_its_directive() {
        let source = Source::from_text("p.md", "x\n  {% include [me](p.md) %}", |_| {
            Some("x\n{% include [me](p.md) %}".to_string())
        });
        assert_eq!(source.lines.len(), 1);
        let [problem] = source.problems.list() else {
            panic!("{:?}", source.problems)
        };
        assert_eq!(problem.kind, Kind::IncludeCycle);
        assert_eq!(
            problem.render(&source, "p.md"),
            "p.md:2:19: include `p.md` is already being included: an include cycle"
        );
    }

    #[test]
    fn a_diamond_is_spliced_twice_and_an_explosion_stops_at_the_size_cap() {
        let source = Source::from_text(
            "p.md",
            "{% include [a](a.md) %}\n{% include [a](a.md) %}",
            |_| Some("a".to_string()),
        );
        assert_eq!(source.lines.len(), 2);
        assert!(source.problems.is_empty());
        // Each file includes the next one eight times: 8^8 copies without a cap.
        let fan = |next: &str| {
            format!(
                "{}{}",
                format!("{{% include [n]({next}) %}}\n").repeat(8),
                "x".repeat(1 << 16)
            )
        };
        let source = Source::from_text("f0.md", &fan("f1.md"), |p| {
            let n: usize = p
                .to_str()?
                .trim_start_matches('f')
                .trim_end_matches(".md")
                .parse()
                .ok()?;
            Some(fan(&format!("f{}.md", n + 1)))
        });
        let spliced: usize = source.texts.iter().map(String::len).sum();
        assert!(spliced <= MAX_SPLICED_BYTES, "{spliced}");
        assert!(source
            .problems
            .list()
            .iter()
            .all(|p| p.kind == Kind::TooLarge || p.kind == Kind::IncludeTooDeep));
        assert!(!source.problems.is_empty());
    }

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr_and_a_bom_is_not_text() {
        let source = Source::from_text("p.md", "\u{feff}# a\rb\r\nc\n\rd", |_| None);
        let texts: Vec<_> = source.lines.iter().map(|l| source.text(l)).collect();
        assert_eq!(texts, ["# a", "b", "c", "", "d"]);
        let numbers: Vec<_> = source.lines.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5]);
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
