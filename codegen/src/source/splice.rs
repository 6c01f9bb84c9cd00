//! Splicing a page's `{% include %}` directives in place, and every check
//! an include passes first: no cycle, no deeper than
//! [`MAX_INCLUDE_DEPTH`], no more than [`MAX_SPLICED_BYTES`] in all, and for
//! a page from disk a regular file inside its docs root.

use std::path::{Path, PathBuf};

use super::{include_target, normalize, Line, Source, MAX_INCLUDE_DEPTH, MAX_SPLICED_BYTES};
use crate::diag::{Diagnostic, Kind, Place};
use crate::files::{self, DocsRoot, Refused};

/// How a splice gets the text of an include.
pub(super) enum Reader<'r> {
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
pub(super) struct Splice<'r> {
    pub(super) reader: Reader<'r>,
    pub(super) stack: Vec<PathBuf>,
    pub(super) spliced: usize,
}

/// The positions of `\n` and `\r` in a file. Most files have no `\r`,
/// and one search for a byte is faster than one for either of two.
enum LineEnds<'t> {
    Lf(memchr::Memchr<'t>),
    Any(std::iter::Peekable<memchr::Memchr2<'t>>),
}

impl<'t> LineEnds<'t> {
    fn of(bytes: &'t [u8]) -> LineEnds<'t> {
        if memchr::memchr(b'\r', bytes).is_some() {
            LineEnds::Any(memchr::memchr2_iter(b'\n', b'\r', bytes).peekable())
        } else {
            LineEnds::Lf(memchr::memchr_iter(b'\n', bytes))
        }
    }

    /// Skips the end at `at` (the `\n` of a `\r\n`).
    fn skip_lf_at(&mut self, at: usize) {
        if let LineEnds::Any(ends) = self {
            ends.next_if_eq(&at);
        }
    }
}

impl Iterator for LineEnds<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            LineEnds::Lf(ends) => ends.next(),
            LineEnds::Any(ends) => ends.next(),
        }
    }
}

impl Source {
    pub(super) fn splice(
        &mut self,
        path: PathBuf,
        real: PathBuf,
        text: String,
        depth: usize,
        splice: &mut Splice<'_>,
    ) {
        let file = self.files.len();
        // The folders includes are resolved from, made when the first
        // include is met: most files include nothing.
        let mut dirs: Option<(PathBuf, PathBuf)> = None;
        splice.spliced += text.len();
        splice.stack.push(real.clone());
        self.files.push(path);
        self.real.push(real);
        // Filled in below; lines only keep ranges into it.
        self.texts.push(String::new());
        // Lines average 33 bytes; reserving for 20 spares most pages a
        // regrowth. An include's lines are left to grow the vector as they
        // come: reserving for each include moved the page's lines for some
        // that were far shorter than reserved for.
        if depth == 0 {
            self.lines.reserve(text.len() / 20);
        }
        let bytes = text.as_bytes();
        // Line ends found with one vectorised scan of the whole file: most
        // lines are short, and a search per line cost more than the line.
        let mut ends = LineEnds::of(bytes);
        // Only a line holding `{%` can include, and few do: their places are
        // found in one search of the file, so other lines are not looked at.
        let mut directives = memchr::memmem::find_iter(bytes, b"{%");
        let mut next_directive = directives.next().unwrap_or(usize::MAX);
        let mut start = 0;
        let mut number = 0;
        while start < bytes.len() || (start == 0 && number == 0) {
            let (end, next) = match ends.next() {
                // `\r\n` is one line end: its `\n` is skipped.
                Some(k) if bytes[k] == b'\r' && bytes.get(k + 1) == Some(&b'\n') => {
                    ends.skip_lf_at(k + 1);
                    (k, k + 2)
                }
                Some(k) => (k, k + 1),
                None => (bytes.len(), bytes.len()),
            };
            number += 1;
            let span = start..end;
            start = next;
            if next_directive < end {
                while next_directive < end {
                    next_directive = directives.next().unwrap_or(usize::MAX);
                }
                let raw = &text[span.clone()];
                if let Some(target) = directive_target(raw) {
                    let (dir, real_dir) = dirs.get_or_insert_with(|| {
                        let parent =
                            |p: &Path| p.parent().map(Path::to_path_buf).unwrap_or_default();
                        (parent(&self.files[file]), parent(&self.real[file]))
                    });
                    self.splice_directive(
                        raw,
                        target,
                        (file, number),
                        (dir, real_dir),
                        depth,
                        splice,
                    );
                    continue;
                }
            }
            self.lines.push(Line { span, file, number });
        }
        self.texts[file] = text;
        splice.stack.pop();
    }

    /// For an include line `raw` (see [`directive_target`]) naming
    /// `target`: splices the file it names, or records why not.
    fn splice_directive(
        &mut self,
        raw: &str,
        target: &str,
        (file, number): (usize, usize),
        (dir, real_dir): (&Path, &Path),
        depth: usize,
        splice: &mut Splice<'_>,
    ) {
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
        // Pages in memory have one path for each file.
        let real_target = match splice.reader {
            Reader::Disk(_) => normalize(&real_dir.join(target)),
            Reader::Memory(_) => target_path.clone(),
        };
        if let Err(refusal) = self.include(target_path, real_target, depth, splice) {
            self.problems.push(Diagnostic::placed(
                refusal.kind,
                place,
                format!("include `{target}` {}", refusal.why),
            ));
        }
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
}

/// For a line holding `{%`: the target of the include it is, if it is
/// one (the `{%` first on the line).
fn directive_target(raw: &str) -> Option<&str> {
    let indent = raw
        .bytes()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    if !raw.as_bytes()[indent..].starts_with(b"{%") {
        return None;
    }
    include_target(raw)
}

/// A refusal of the docs root, in the words of an include's problem.
fn refusal(refused: Refused) -> Refusal {
    let (kind, why) = refused.describe();
    Refusal { kind, why }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let source = Source::from_text("p.md", "\u{feff}# a\rb\r\nc\n\rd\r\r\r\ne", |_| None);
        let texts: Vec<_> = source.lines.iter().map(|l| source.text(l)).collect();
        assert_eq!(texts, ["# a", "b", "c", "", "d", "", "", "e"]);
        let numbers: Vec<_> = source.lines.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7, 8]);
    }
}
