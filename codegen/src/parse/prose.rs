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
//! ([`super::origin::rebase`]), so the renderer resolves every link from one place.

use crate::inline;

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
        let (at, _) = content_start(&line.as_bytes()[indent..]);
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
}
