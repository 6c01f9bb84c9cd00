//! Problems found in a page: what kind of problem ([`Kind`]), where it is
//! (a page line, or an explicit file, line and column) and what is wrong in
//! words a doc author understands.
//!
//! A page is read to the end even when something is wrong, and every problem
//! is kept ([`Diagnostics`], in the spirit of serde_derive's `Ctxt`), so the
//! author sees all of them at once rather than one per build.

use std::path::{Component, Path, PathBuf};

use crate::source::Source;

/// How many problems of one page are reported; the rest are counted.
pub const MAX_REPORTED: usize = 32;

/// What kind of problem a [`Diagnostic`] reports. Front ends decide on the
/// kind (skip a page that is not a method page, fail on anything else),
/// never on the message's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// The page documents no callable method: an overview, an event, a
    /// guide, an include fragment.
    NotMethodPage,
    /// The page documents an event the portal sends, not a method: it binds
    /// with `bitrix_event!` (and `bitrix_api!` binds it among the events).
    EventPage,
    /// Read as an event page, the page names no event (no `onCrmLeadAdd`
    /// in its title or payload example): a widget placement or a guide.
    NotEventPage,
    /// The parameter table, or the parameter section, cannot be read: rows
    /// without a name, text outside any row, table rows with no table.
    UnreadableTable,
    /// A file could not be read at all (missing page, no permission).
    Unreadable,
    /// A file is not valid UTF-8.
    InvalidUtf8,
    /// An include or a type link names a file outside the docs root.
    OutsideRoot,
    /// An include names a file that is already being included.
    IncludeCycle,
    /// Includes nest deeper than [`crate::source::MAX_INCLUDE_DEPTH`].
    IncludeTooDeep,
    /// A file, or the page with its includes spliced in, is larger than
    /// [`crate::source::MAX_SPLICED_BYTES`].
    TooLarge,
    /// An include or a type link names something other than a regular file
    /// (a FIFO, a directory, a device).
    NotRegularFile,
    /// Anything else.
    Other,
}

/// An explicit place in one of the source's files, for problems on lines
/// that are not part of the spliced page (an include directive, a byte that
/// is not UTF-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Index into [`Source::files`].
    pub file: usize,
    /// 1-based line number in that file.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
}

/// A problem with a page, at a line of the spliced source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem this is.
    pub kind: Kind,
    /// Index into [`Source::lines`]; ignored when [`Diagnostic::place`] is set.
    pub at: usize,
    /// Where the problem is, when it is not a line of the spliced page.
    pub place: Option<Place>,
    /// What is wrong, in words a doc author understands.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic of kind [`Kind::Other`] at a page line index.
    pub fn new(at: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::of(Kind::Other, at, message)
    }

    /// A diagnostic of `kind` at a page line index.
    pub fn of(kind: Kind, at: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            kind,
            at,
            place: None,
            message: message.into(),
        }
    }

    /// A diagnostic of `kind` at an explicit place.
    pub fn placed(kind: Kind, place: Place, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            kind,
            at: 0,
            place: Some(place),
            message: message.into(),
        }
    }

    /// The same diagnostic with `kind` when it had none ([`Kind::Other`]).
    pub fn or_kind(mut self, kind: Kind) -> Diagnostic {
        if self.kind == Kind::Other {
            self.kind = kind;
        }
        self
    }

    /// The file index, line number and column this diagnostic points at,
    /// when the source has that line.
    pub fn location(&self, source: &Source) -> Option<Place> {
        if let Some(place) = self.place {
            return Some(place);
        }
        let line = source.lines.get(self.at)?;
        let text = source.text(line);
        let col = text[..text.len() - text.trim_start().len()].chars().count() + 1;
        Some(Place {
            file: line.file,
            line: line.number,
            col,
        })
    }

    /// `path:line:col: message`, with `shown` as the page's path and an
    /// included file named by its path from there (`fixtures/page.md`
    /// including `../_includes/x.md` shows as `_includes/x.md`).
    pub fn render(&self, source: &Source, shown: &str) -> String {
        let Some(place) = self.location(source) else {
            return format!("{shown}: {}", self.message);
        };
        format!(
            "{}:{}:{}: {}",
            shown_file(source, shown, place.file),
            place.line,
            place.col,
            self.message
        )
    }
}

/// How messages name file `file` of `source`: the page as `shown`, any
/// other file by its path relative to the page, joined to `shown`'s folder.
pub fn shown_file(source: &Source, shown: &str, file: usize) -> String {
    let (Some(page), Some(path)) = (source.files.first(), source.files.get(file)) else {
        return shown.to_string();
    };
    if file == 0 {
        return shown.to_string();
    }
    let from = crate::source::normalize(page.parent().unwrap_or(Path::new("")));
    let to = crate::source::normalize(path);
    let relative = relative_path(&from, &to);
    let base = Path::new(shown).parent().unwrap_or(Path::new(""));
    crate::source::normalize(&base.join(relative))
        .display()
        .to_string()
}

/// The path that leads from folder `from` to `to`, both normalized.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part.as_os_str());
    }
    out
}

/// Every problem of one page, collected as the page is read.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    dropped: usize,
}

impl Diagnostics {
    /// Keeps a problem (the first [`MAX_REPORTED`]; later ones are
    /// counted). The same problem at the same place is kept once: a file
    /// included many times is one file to fix.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        if self.list.contains(&diagnostic) {
            return;
        }
        if self.list.len() < MAX_REPORTED {
            self.list.push(diagnostic);
        } else {
            self.dropped += 1;
        }
    }

    /// Keeps every problem of `more`.
    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        for diagnostic in more {
            self.push(diagnostic);
        }
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The problems kept, in the order they were found.
    pub fn list(&self) -> &[Diagnostic] {
        &self.list
    }

    /// How many problems were found beyond the ones kept.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// The problems kept.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn included_files_are_named_from_the_page_as_shown() {
        let source = Source::from_text(
            "/abs/docs/fixtures/page.md",
            "# T\n{% include [x](../_includes/x.md) %}",
            |_| Some("text".to_string()),
        );
        assert_eq!(
            shown_file(&source, "fixtures/page.md", 0),
            "fixtures/page.md"
        );
        assert_eq!(shown_file(&source, "fixtures/page.md", 1), "_includes/x.md");
        assert_eq!(shown_file(&source, "page", 1), "../_includes/x.md");
        let diagnostic = Diagnostic::of(Kind::Other, 1, "here");
        assert_eq!(
            diagnostic.render(&source, "fixtures/page.md"),
            "_includes/x.md:1:1: here"
        );
    }

    #[test]
    fn only_the_first_problems_are_kept() {
        let mut all = Diagnostics::default();
        for at in 0..MAX_REPORTED + 3 {
            all.push(Diagnostic::new(at, "x"));
        }
        assert_eq!(all.list().len(), MAX_REPORTED);
        assert_eq!(all.dropped(), 3);
    }
}
