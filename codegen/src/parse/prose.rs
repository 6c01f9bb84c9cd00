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
    /// How many bytes the whole text is expected to take (0: unknown).
    capacity: usize,
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

    /// An empty description of about `capacity` bytes (its source's
    /// length): its strings are made that large once, not grown line by line.
    pub fn with_capacity(capacity: usize) -> Prose {
        Prose {
            capacity,
            ..Prose::default()
        }
    }

    /// Appends `prefix` and `text`'s plain text as a line, after
    /// `separator` when it is not the first; `text` is Markdown.
    pub fn push(&mut self, separator: &str, prefix: &str, text: &str) {
        let (plain, marked) = inline::plain_collapsed_marked(text);
        // A line that opens a code block (rustdoc would run it as a
        // doctest) is Markdown to be written with care.
        let marked = marked || opens_code(trimmed_start(text));
        let start = self.plain.len();
        let first = self.lines == 0;
        if !first {
            self.plain.push_str(separator);
        }
        self.lines += 1;
        if first && prefix.is_empty() && self.capacity <= plain.len() {
            // The first line is the whole text so far: moved, not copied.
            self.plain = plain;
        } else {
            if first {
                self.plain
                    .reserve(self.capacity.max(prefix.len() + plain.len()));
            }
            self.plain.push_str(prefix);
            self.plain.push_str(&plain);
        }
        if marked {
            let markdown = self.markdown.get_or_insert_with(|| {
                let needed = start + separator.len() + prefix.len() + text.len();
                let mut markdown = String::with_capacity(needed.max(self.capacity));
                markdown.push_str(&self.plain[..start]);
                markdown
            });
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

/// Appends `text` as one line of Markdown: trimmed (four spaces would
/// open a code block), its line breaks made spaces (a line of a list item
/// would end the item), without the `^*^` marks of required names, and a
/// fence at its start escaped (a code block rustdoc would run as a
/// doctest). Markdown needs no more: runs of spaces read as one. No line
/// of a description's Markdown can open a code block, so the docs need
/// not look for one.
fn push_source(text: &str, out: &mut String) {
    let text = trimmed_start(text);
    let text = match text.as_bytes().last() {
        Some(b) if b.is_ascii_whitespace() || *b >= 0x80 => text.trim_end(),
        _ => text,
    };
    if opens_code(text) {
        // Spaces made one (no indented code after a list's marker), and
        // the fence escaped where the line's content starts.
        let line = inline::collapse(text).replace("^*^", "");
        let (at, _) = content_start(line.as_bytes());
        out.push_str(&line[..at]);
        if is_fence(&line[at..]) {
            out.push('\\');
        }
        out.push_str(&line[at..]);
    } else if memchr::memchr3(b'\n', b'\r', b'^', text.as_bytes()).is_none() {
        out.push_str(text);
    } else {
        out.push_str(&inline::collapse(text).replace("^*^", ""));
    }
}

/// Whether a line (trimmed at its start) opens a code block: a fence
/// where its content starts, after the markers of lists and quotes that
/// may open it (`- `, `1. `, `> `), or content indented by spaces after a
/// marker (`-     code`). Only the line's start is looked at.
fn opens_code(line: &str) -> bool {
    let (at, spaced) = content_start(line.as_bytes());
    spaced || is_fence(&line[at..])
}

/// Where a line's content starts after the markers of lists and quotes
/// that open it, and whether more than one space follows a marker there.
fn content_start(bytes: &[u8]) -> (usize, bool) {
    let mut at = 0;
    let mut spaced = false;
    loop {
        let marker = match bytes.get(at) {
            Some(b'>') => 1,
            Some(b'-' | b'*' | b'+') if matches!(bytes.get(at + 1), Some(b' ') | None) => 1,
            Some(b'0'..=b'9') => {
                let digits = bytes[at..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                let after = bytes.get(at + digits);
                let spaced_after = matches!(bytes.get(at + digits + 1), Some(b' ') | None);
                match after {
                    Some(b'.' | b')') if digits <= 9 && spaced_after => digits + 1,
                    _ => return (at, spaced),
                }
            }
            _ => return (at, spaced),
        };
        at += marker;
        let spaces = bytes[at..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        spaced |= spaces > 1;
        at += spaces;
    }
}

/// `text` without leading whitespace (looked for only when it starts with some).
fn trimmed_start(text: &str) -> &str {
    match text.as_bytes().first() {
        Some(b) if b.is_ascii_whitespace() || *b >= 0x80 => text.trim_start(),
        _ => text,
    }
}

/// `text` with a `\\` before every fence where a line's content starts
/// ([`opens_code`]): Markdown whose lines open no code block. Borrowed
/// when no line does.
pub fn without_fences(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', bytes).map(|k| k + 1));
    let fence_at = |start: usize| {
        let line = &text[start..];
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let (at, _) = content_start(line[indent..].as_bytes());
        is_fence(&line[indent + at..]).then_some(start + indent + at)
    };
    let fences: Vec<usize> = starts.filter_map(fence_at).collect();
    if fences.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + fences.len());
    let mut copied = 0;
    for at in fences {
        out.push_str(&text[copied..at]);
        out.push('\\');
        copied = at;
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

/// Whether a line starting with `text` may open a fenced code block:
/// three `~` or backticks. (A backtick fence whose line has more
/// backticks opens none, but the docs may drop some of them, an image's
/// or a tag's neighbours: such a line is escaped all the same.)
fn is_fence(text: &str) -> bool {
    text.starts_with("```") || text.starts_with("~~~")
}

/// Whether `markdown` may hold a link (a `](`): a look at each `]`.
pub fn has_link(markdown: &str) -> bool {
    let bytes = markdown.as_bytes();
    memchr::memchr_iter(b']', bytes).any(|k| bytes.get(k + 1) == Some(&b'('))
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
    let bytes = dest.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    // Most destinations are paths: the first byte no scheme has ends the look.
    let colon = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))?;
    (bytes[colon] == b':').then_some(&dest[..colon])
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
            return Some(url_path(
                &under.to_str()?.replace(std::path::MAIN_SEPARATOR, "/"),
            ));
        }
    }
    let page = source.files.first()?;
    // Normalized only when it has `.` or `..` segments to resolve.
    let text = page.to_str()?;
    let bytes = text.as_bytes();
    let dotted = memchr::memchr_iter(b'.', bytes).any(|k| k == 0 || bytes[k - 1] == b'/');
    let normal;
    let text = if dotted {
        normal = crate::source::normalize(page);
        normal.to_str()?
    } else {
        text
    };
    let slashed;
    let text = if std::path::MAIN_SEPARATOR == '/' {
        text
    } else {
        slashed = text.replace(std::path::MAIN_SEPARATOR, "/");
        &slashed
    };
    let at = match text.strip_prefix("api-reference/") {
        Some(_) => 0,
        None => {
            memchr::memrchr_iter(b'/', text.as_bytes())
                .find(|&k| text[k..].starts_with("/api-reference/"))?
                + 1
        }
    };
    Some(url_path(&text[at..]))
}

/// Bytes a URL's path may not hold as they are in a link destination:
/// spaces, parentheses, brackets, quotes, backslashes, controls.
static NOT_URL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b <= 0x20 {
        table[b] = true;
        b += 1;
    }
    table[0x7f] = true;
    let special = b"()<>\"\\`[]";
    let mut k = 0;
    while k < special.len() {
        table[special[k] as usize] = true;
        k += 1;
    }
    table
};

/// A path as a URL holds it: the bytes a link destination may not hold
/// (spaces, parentheses, brackets, quotes, controls) percent-encoded, so
/// that the docs can put it in a link as it is.
fn url_path(path: &str) -> String {
    let bad = |b: u8| NOT_URL[usize::from(b)];
    if !path.bytes().any(bad) {
        return path.to_string();
    }
    let mut out = String::with_capacity(path.len() + 8);
    for c in path.chars() {
        match u8::try_from(c) {
            Ok(b) if bad(b) => out.push_str(&format!("%{b:02X}")),
            _ => out.push(c),
        }
    }
    out
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
        for kept in ["a [b]", "<ID>", "see https://x.y"] {
            assert_eq!(of(kept).1.as_deref(), Some(kept), "{kept:?}");
        }
        assert_eq!(of("a < b: c").1, None);
        assert_eq!(of("```a```, `b`").1.as_deref(), Some("\\```a```, `b`"));
        assert_eq!(of("``` fence").1.as_deref(), Some("\\``` fence"));
        assert_eq!(of(" ~~~ ").1.as_deref(), Some("\\~~~"));
        assert_eq!(of("- ~~~ x").1.as_deref(), Some("- \\~~~ x"));
        assert_eq!(of("> 1.  `a`").1.as_deref(), Some("> 1. `a`"));
        assert_eq!(of("- a - ~~~").1, None);
        assert_eq!(without_fences("a\n  - ```x\n~~~"), "a\n  - \\```x\n\\~~~");
        assert_eq!(without_fences("a ```"), "a ```");
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
        let source = Source::from_text("api-reference/a (b).md", "# T", |_| None);
        assert_eq!(
            page_path(&source).as_deref(),
            Some("api-reference/a%20%28b%29.md")
        );
    }
}
