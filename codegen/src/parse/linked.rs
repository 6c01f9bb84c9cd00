//! Type dictionaries in other files: a type link such as
//! ``[`catalog_product`](../data-types.md#catalog_product)`` names a table in
//! another page. Those files are read when a field asks for one, so their
//! tables can give members to fields the page itself leaves open.
//!
//! A few dictionary files serve hundreds of pages, and each is far larger than
//! a method page. Binding a whole scope (`bitrix_api!`, `b24 check`) reads the
//! same dictionaries for page after page, so a file is split into blocks once
//! per process and kept, together with the text it was made from: a file that
//! reads differently the next time (edited while rust-analyzer's proc-macro
//! server runs) is split again, so a kept file is never stale.
//!
//! [`Links`] is one page's view of them: the files its fields asked for, and
//! those that were read. A page read from disk follows a link only to a
//! regular file inside its docs root ([`crate::files::DocsRoot`]); any other
//! target is a located problem ([`Links::problems`]) and is never opened.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use super::subtable::{subtables, SubTable};
use crate::blocks::{self, Block};
use crate::diag::{Diagnostic, Place};
use crate::files::Refused;
use crate::source::Source;

/// Anchors that name shared reference sections, not member tables.
const NOT_MEMBERS: &[&str] = &[
    "time",
    "standart-types",
    "standard-types",
    "compound-types",
    "lang-ids",
    "object_type",
    "activity-enums",
];

/// How many linked files one page may read: pages link a handful of
/// dictionaries at most, and this bounds what a page full of links costs.
pub const MAX_FILES_PER_PAGE: usize = 4;

/// A linked file, split into blocks, with its sub-tables found.
pub struct Dictionary {
    /// The file, as the link resolved it.
    pub path: PathBuf,
    /// The file's text with nothing spliced in; its lines are what the blocks borrow.
    source: &'static Source,
    /// Tables under headings, for anchors and type names.
    pub subtables: Vec<SubTable<'static>>,
}

/// Every dictionary split so far, by path. An entry is made once per
/// distinct text of a file and lives as long as the process: the blocks
/// borrow the text, and a later page may need them again. Only a file that
/// changes while the process runs makes a second entry.
fn kept() -> &'static Mutex<HashMap<PathBuf, &'static Dictionary>> {
    static KEPT: OnceLock<Mutex<HashMap<PathBuf, &'static Dictionary>>> = OnceLock::new();
    KEPT.get_or_init(Default::default)
}

/// The linked file `path` (already resolved), read through the page's
/// reader from `from` (the same file, as checked against the docs root).
pub fn open(source: &Source, path: &PathBuf, from: &Path) -> Option<&'static Dictionary> {
    let read = source.reader?;
    Some(dictionary(path, read(from)?))
}

/// The kept dictionary of `path` if it was made from `text`, else a new one.
fn dictionary(path: &PathBuf, text: String) -> &'static Dictionary {
    // A poisoned lock only means another page panicked mid-insert; the map
    // itself is always whole, so it stays usable.
    let mut kept = kept().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(found) = kept.get(path) {
        if found.source.texts.first().is_some_and(|t| *t == text) {
            return found;
        }
    }
    let source: &'static Source =
        Box::leak(Box::new(Source::from_string(path.clone(), text, |_| None)));
    let blocks: &'static [Block<'static>] =
        Box::leak(blocks::scan(&blocks::pieces_of(source)).into_boxed_slice());
    let made: &'static Dictionary = Box::leak(Box::new(Dictionary {
        path: path.clone(),
        source,
        subtables: subtables(blocks),
    }));
    kept.insert(path.clone(), made);
    made
}

/// Member tables of other files the page's type links point to
/// (`[`catalog_product`](../data-types.md#catalog_product)`). A file is read
/// the first time a field asks for it.
pub struct Links<'b> {
    source: Option<&'b Source>,
    /// Every file fields asked for, in order, whether or not it could be read.
    asked: RefCell<Vec<PathBuf>>,
    /// The files that were read.
    docs: RefCell<Vec<&'static Dictionary>>,
    /// Links that were refused: outside the docs root, not a regular file.
    problems: RefCell<Vec<Diagnostic>>,
    /// The folder offsets found so far ([`Links::offset_of`]), by the
    /// address of their file's text.
    offsets: RefCell<Vec<(usize, Option<String>)>>,
}

impl<'b> Links<'b> {
    /// The linked files of `source`, read through its reader when asked for.
    pub fn new(source: &'b Source) -> Links<'b> {
        Links {
            source: Some(source),
            asked: RefCell::default(),
            docs: RefCell::default(),
            problems: RefCell::default(),
            offsets: RefCell::default(),
        }
    }

    /// The links that were refused, each located at its target's text.
    pub fn problems(&self) -> Vec<Diagnostic> {
        self.problems.borrow().clone()
    }

    /// The folder of the file `text` (a slice of a line) was read from,
    /// relative to the page's folder ([`super::origin::offset`]): the page
    /// itself or an include of it, or a linked dictionary. `None` for the
    /// page's own folder and for text of no file this page read.
    pub fn offset_of(&self, text: &str) -> Option<String> {
        let source = self.source?;
        let at = text.as_ptr() as usize;
        let within = |t: &str| {
            let start = t.as_ptr() as usize;
            (start..=start + t.len()).contains(&at)
        };
        // Each file's offset is found once: a page's cells are many, its files few.
        let (key, path) = match source.texts.iter().position(|t| within(t)) {
            Some(0) => return None,
            Some(file) => (
                source.texts[file].as_ptr() as usize,
                source.files.get(file)?,
            ),
            None => {
                let docs = self.docs.borrow();
                let doc = docs
                    .iter()
                    .find(|doc| doc.source.texts.first().is_some_and(|t| within(t)))?;
                (doc.source.texts[0].as_ptr() as usize, &doc.path)
            }
        };
        let mut offsets = self.offsets.borrow_mut();
        if let Some((_, offset)) = offsets.iter().find(|(k, _)| *k == key) {
            return offset.clone();
        }
        let offset = super::origin::offset(source.files.first()?, path);
        offsets.push((key, offset.clone()));
        offset
    }

    /// The linked files that were read.
    pub fn read(&self) -> Vec<PathBuf> {
        self.docs.borrow().iter().map(|d| d.path.clone()).collect()
    }

    /// The tables of the file `target` names, relative to the file of page line `at`.
    pub fn tables(&self, at: usize, target: &str) -> Option<&'static [SubTable<'static>]> {
        let source = self.source?;
        let line = source.lines.get(at)?;
        let dir = source.files.get(line.file)?.parent()?;
        let path = crate::source::normalize(&dir.join(target));
        if let Some(doc) = self.docs.borrow().iter().find(|doc| doc.path == path) {
            return Some(&doc.subtables);
        }
        let mut asked = self.asked.borrow_mut();
        if asked.contains(&path) {
            return None;
        }
        asked.push(path);
        let path = asked.last()?;
        // A page links a handful of dictionaries at most; this bounds what a
        // page full of links costs.
        if asked.len() > MAX_FILES_PER_PAGE || source.files.contains(path) {
            return None;
        }
        let from = match &source.root {
            // A page from disk: resolved from the canonical folder of the
            // file the link is in, and checked before anything is opened.
            Some(root) => {
                let real_dir = source.real.get(line.file)?.parent()?;
                let real = crate::source::normalize(&real_dir.join(target));
                match root.admit(&real) {
                    Ok(Some(real)) => real,
                    Ok(None) => return None,
                    Err(refused) => {
                        self.refuse(source, at, target, refused);
                        return None;
                    }
                }
            }
            None => path.clone(),
        };
        let doc = open(source, path, &from)?;
        self.docs.borrow_mut().push(doc);
        Some(&doc.subtables)
    }
}

impl Links<'_> {
    /// Records a refused link, located at the first of the few lines from
    /// `at` on that writes `target` (the type may be below the name).
    fn refuse(&self, source: &Source, at: usize, target: &str, refused: Refused) {
        let found = (at..source.lines.len().min(at + 8)).find_map(|index| {
            let line = &source.lines[index];
            let text = source.text(line);
            let k = text.find(target)?;
            Some(Place {
                file: line.file,
                line: line.number,
                col: text[..k].chars().count() + 1,
            })
        });
        let (kind, why) = refused.describe();
        let message = format!("link `{target}` {why}");
        self.problems.borrow_mut().push(match found {
            Some(place) => Diagnostic::placed(kind, place, message),
            None => Diagnostic::of(kind, at, message),
        });
    }
}

/// Whether an anchor of a dictionary page can name a member table.
pub fn member_anchor(anchor: &str) -> bool {
    !NOT_MEMBERS.contains(&anchor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_split_once_and_again_only_when_its_text_changes() {
        let path = PathBuf::from("kept-test/dictionary.md");
        let first = dictionary(&path, "## a {#a}\n\n#|\n|| x | y ||\n|#\n".to_string());
        let again = dictionary(&path, "## a {#a}\n\n#|\n|| x | y ||\n|#\n".to_string());
        assert!(std::ptr::eq(first, again));
        assert_eq!(first.subtables.len(), 1);

        let edited = dictionary(&path, "## a {#a}\n\ntext only\n".to_string());
        assert!(!std::ptr::eq(first, edited));
        assert!(edited.subtables.is_empty());
    }
}
