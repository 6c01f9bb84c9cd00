//! A description as it is read: the plain text the parse rules read by its
//! words, and, only when the page writes it with markup, its Markdown for
//! the docs (`expand::markdown` renders it, links and all).
//!
//! Most descriptions have no markup, and then nothing but the plain text is
//! made: whether a line has markup is known from the plain text's length
//! ([`inline::plain_collapsed_marked`]), without a second look at its bytes.
//! The Markdown keeps the page's own words; its relative links stay
//! relative to the page, and a line read from another file (an include, a
//! linked dictionary) has its relative links rebased onto the page's folder
//! ([`rebase`]), so the renderer resolves every link from one place.

use std::path::Path;

use crate::inline;
use crate::source::Source;

/// A description being read, a line at a time.
#[derive(Debug, Default)]
pub struct Prose {
    /// The plain text: lines joined by their separators.
    plain: String,
    /// The Markdown, from the first line with markup on; the lines before
    /// it are their plain text, which is their Markdown too.
    markdown: Option<String>,
    /// How many lines were pushed.
    lines: usize,
}

impl Prose {
    /// An empty description.
    pub fn new() -> Prose {
        Prose::default()
    }

    /// Appends `prefix` and `text`'s plain text as a line, after
    /// `separator` when it is not the first; `text` is Markdown.
    pub fn push(&mut self, separator: &str, prefix: &str, text: &str) {
        let (plain, marked) = inline::plain_collapsed_marked(text);
        let start = self.plain.len();
        if self.lines > 0 {
            self.plain.push_str(separator);
        }
        self.lines += 1;
        if self.plain.is_empty() && prefix.is_empty() {
            // The first line is the whole text so far: moved, not copied.
            self.plain = plain;
        } else {
            self.plain.push_str(prefix);
            self.plain.push_str(&plain);
        }
        if marked {
            let markdown = self
                .markdown
                .get_or_insert_with(|| self.plain[..start].to_string());
            if self.lines > 1 {
                markdown.push_str(separator);
            }
            markdown.push_str(prefix);
            push_source(text, markdown);
        } else if let Some(markdown) = &mut self.markdown {
            markdown.push_str(&self.plain[start..]);
        }
    }

    /// The plain text and, when a line had markup, the Markdown.
    pub fn finish(self) -> (String, Option<String>) {
        (self.plain, self.markdown)
    }
}

/// The plain text and Markdown of one text (`None` when it has no markup).
pub fn of(text: &str) -> (String, Option<String>) {
    let mut prose = Prose::new();
    prose.push("", "", text);
    prose.finish()
}

/// Appends `text` with its whitespace collapsed, as the plain text is,
/// without the `^*^` marks of required names.
fn push_source(text: &str, out: &mut String) {
    let collapsed = inline::collapsed(text);
    if collapsed.contains("^*^") {
        out.push_str(&collapsed.replace("^*^", ""));
    } else {
        out.push_str(&collapsed);
    }
}

/// Whether a link destination names a place of its own (`https:`,
/// `mailto:`), the site's root (`/api-reference/...`) or this page
/// (`#anchor`), rather than a path relative to the file it is written in.
pub fn is_absolute(dest: &str) -> bool {
    dest.starts_with(['/', '#']) || scheme(dest).is_some()
}

/// The scheme of a URL (`https` of `https://...`), when `dest` has one: a
/// letter and then letters, digits, `+`, `-` or `.` up to a `:`.
pub fn scheme(dest: &str) -> Option<&str> {
    let colon = dest.find(':')?;
    let name = &dest[..colon];
    let mut bytes = name.bytes();
    let first = bytes.next()?;
    (first.is_ascii_alphabetic()
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
    .then_some(name)
}

/// `markdown` with `offset` (a folder relative to the page's, ending in
/// `/`) put before every relative link destination: for text read from a
/// file in another folder than the page's. One pass, each `](` looked at once.
pub fn rebase(markdown: &str, offset: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + offset.len() * 2);
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = markdown[from..].find("](") {
        let dest_at = from + found + 2;
        let rest = &markdown[dest_at..];
        let (dest_at, dest) = match rest.strip_prefix('<') {
            Some(inner) => (dest_at + 1, &inner[..inner.find('>').unwrap_or(0)]),
            None => {
                let trimmed = rest.trim_start_matches([' ', '\t']);
                let at = dest_at + (rest.len() - trimmed.len());
                let end = trimmed
                    .find(|c: char| c.is_whitespace() || "()[]<>".contains(c))
                    .unwrap_or(trimmed.len());
                (at, &trimmed[..end])
            }
        };
        if !dest.is_empty() && !is_absolute(dest) {
            out.push_str(&markdown[copied..dest_at]);
            out.push_str(offset);
            copied = dest_at;
        }
        from = dest_at + dest.len();
    }
    out.push_str(&markdown[copied..]);
    out
}

/// The folder of `file` relative to the folder of `page` (`../` ups, then
/// the file's own folders, ending in `/`); `None` when it is the same
/// folder, or when the paths cannot be related (one leaves the other's
/// root by more `..` than it has folders).
pub fn offset(page: &Path, file: &Path) -> Option<String> {
    let page = crate::source::normalize(page.parent()?);
    let file = crate::source::normalize(file.parent()?);
    if page == file {
        return None;
    }
    let (page, file): (Vec<_>, Vec<_>) = (page.components().collect(), file.components().collect());
    let common = page.iter().zip(&file).take_while(|(a, b)| a == b).count();
    let mut out = String::new();
    for component in &page[common..] {
        if !matches!(component, std::path::Component::Normal(_)) {
            return None;
        }
        out.push_str("../");
    }
    for component in &file[common..] {
        match component {
            std::path::Component::Normal(name) => {
                out.push_str(name.to_str()?);
                out.push('/');
            }
            std::path::Component::ParentDir => out.push_str("../"),
            _ => return None,
        }
    }
    Some(out)
}

/// The folder offset ([`offset`]) of the file of `source` that `text` (a
/// slice of one of its texts) was read from: `None` for the page's own
/// folder, a text of another source, or one that cannot be placed.
pub fn offset_in(source: &Source, text: &str) -> Option<String> {
    let at = text.as_ptr() as usize;
    let file = source.texts.iter().position(|t| {
        let start = t.as_ptr() as usize;
        (start..=start + t.len()).contains(&at)
    })?;
    if file == 0 {
        return None;
    }
    offset(source.files.first()?, source.files.get(file)?)
}

/// The page's path under its docs root, `/`-separated
/// (`api-reference/crm/leads/crm-lead-add.md`). A page read from disk has
/// its docs root; one built in memory is placed from its `api-reference`
/// folder on, and not at all without one.
pub fn page_path(source: &Source) -> Option<String> {
    if let (Some(root), Some(real)) = (&source.root, source.real.first()) {
        if let Ok(under) = real.strip_prefix(&root.path) {
            let under = under.to_str()?;
            return Some(if std::path::MAIN_SEPARATOR == '/' {
                under.to_string()
            } else {
                under.replace(std::path::MAIN_SEPARATOR, "/")
            });
        }
    }
    let page = source.files.first()?.to_str()?;
    let page = page.replace(std::path::MAIN_SEPARATOR, "/");
    let page = crate::source::normalize(Path::new(&page));
    let page = page.to_str()?;
    if let Some(rest) = page.strip_prefix("api-reference/") {
        return Some(format!("api-reference/{rest}"));
    }
    let at = page.rfind("/api-reference/")?;
    Some(page[at + 1..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_kept_only_from_the_first_line_with_markup() {
        let mut prose = Prose::new();
        prose.push("\n", "", "Plain  words");
        prose.push("\n", "- ", "an item");
        assert_eq!(prose.finish(), ("Plain words\n- an item".to_string(), None));

        let mut prose = Prose::new();
        prose.push("\n", "", "Plain words");
        prose.push("\n", "- ", "see [the list](x.md)");
        prose.push("\n", "- ", "NAME^*^ **bold**");
        prose.push("\n", "- ", "last");
        assert_eq!(
            prose.finish(),
            (
                "Plain words\n- see the list\n- NAME bold\n- last".to_string(),
                Some("Plain words\n- see [the list](x.md)\n- NAME **bold**\n- last".to_string())
            )
        );
        assert_eq!(of(""), (String::new(), None));
        assert_eq!(of("`Y`"), ("Y".to_string(), Some("`Y`".to_string())));
    }

    #[test]
    fn relative_destinations_are_rebased() {
        assert_eq!(
            rebase(
                "[a](x.md) [b](https://e.com/x) [c](/api/x.html) [d](#top) [e]( ../y.md#z ) [f](<s p.md>)",
                "../dir/"
            ),
            "[a](../dir/x.md) [b](https://e.com/x) [c](/api/x.html) [d](#top) [e]( ../dir/../y.md#z ) [f](<../dir/s p.md>)"
        );
        assert_eq!(rebase("]( ](](", "x/"), "]( ](](");
        assert_eq!(rebase("[a](", "x/"), "[a](");
    }

    #[test]
    fn offsets_relate_two_folders() {
        let page = Path::new("docs/api-reference/crm/leads/crm-lead-add.md");
        assert_eq!(
            offset(page, Path::new("docs/api-reference/crm/leads/x.md")),
            None
        );
        assert_eq!(
            offset(page, Path::new("docs/api-reference/crm/./data-types.md")).as_deref(),
            Some("../")
        );
        assert_eq!(
            offset(page, Path::new("docs/_includes/x.md")).as_deref(),
            Some("../../../_includes/")
        );
        assert_eq!(offset(Path::new("../a/p.md"), Path::new("b/x.md")), None);
        assert_eq!(scheme("mailto:x"), Some("mailto"));
        assert_eq!(scheme("a/b:c"), None);
        assert!(is_absolute("javascript:x") && !is_absolute("x.md#a:b"));
    }

    #[test]
    fn pages_in_memory_are_placed_from_api_reference_on() {
        let source = Source::from_text("/docs/api-reference/crm/x.md", "# T", |_| None);
        assert_eq!(
            page_path(&source).as_deref(),
            Some("api-reference/crm/x.md")
        );
        let source = Source::from_text("api-reference/../api-reference/x.md", "", |_| None);
        assert_eq!(page_path(&source).as_deref(), Some("api-reference/x.md"));
        let source = Source::from_text("page.md", "# T", |_| None);
        assert_eq!(page_path(&source), None);
    }
}
