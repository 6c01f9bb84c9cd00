//! Rustdoc Markdown from a description: the page's own Markdown (bold,
//! code spans, lists kept as written) with its links made to lead
//! somewhere from rustdoc ([`DocLinks`]), and whatever rustdoc would
//! misread escaped ([`text`]): brackets that are no link, tag-like text
//! such as `<ID>`, bare URLs (made links), code blocks (fenced as `text`,
//! never a doctest); images are dropped.
//!
//! Most texts need none of it and are used as they are: one scan tells.
//! Text whose brackets are all plain inline links is rewritten in one
//! more pass ([`simple`]); only the rest (HTML, escapes, stray brackets,
//! bare URLs) is read with pulldown-cmark, and then edited in place:
//! every event's source range is copied but for links, images, HTML, code
//! blocks and the text that needs escapes.

mod simple;
mod text;

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

pub use super::links::DocLinks;
pub use text::escaped;
use text::{push_html, push_text};

/// Texts longer than this are not read as Markdown: their brackets and
/// tag-like text are escaped, their links not followed. No description of
/// the reference comes near it; a hostile page's cost stays linear.
const MAX_READ: usize = 64 << 10;

/// The doc text of a description: `markdown` when the page wrote it with
/// markup (or with text rustdoc would read as markup), made safe for
/// rustdoc; else `plain`, which is safe as it is (see
/// `parse::prose`). Borrowed when nothing had to change, which is almost
/// always.
pub fn doc_text<'t>(
    plain: &'t str,
    markdown: Option<&'t str>,
    links: &DocLinks<'_>,
) -> Cow<'t, str> {
    let Some(text) = markdown else {
        return Cow::Borrowed(plain);
    };
    match reading(text) {
        Reading::None => Cow::Borrowed(text),
        _ if text.len() > MAX_READ => Cow::Owned(escaped(text)),
        Reading::Simple(brackets) => {
            // Room for the links' destinations, which grow to URLs.
            let mut out = String::with_capacity(text.len() + brackets * 96);
            if simple::render(text, links, &mut out) {
                Cow::Owned(out)
            } else {
                Cow::Owned(render(text, links))
            }
        }
        Reading::Full => Cow::Owned(render(text, links)),
    }
}

/// What a text needs before rustdoc reads it.
#[derive(Debug, PartialEq, Eq)]
enum Reading {
    /// Nothing: it is used as it is.
    None,
    /// Its brackets (so many) and tags looked at ([`simple`]).
    Simple(usize),
    /// A Markdown reading: it has a URL.
    Full,
}

/// What `text` needs: one scan for the rare bytes that start a link, a tag
/// or a URL (`:` is common, and `://` checked where it stands). No line of
/// a description's Markdown opens a code block (`parse::prose` escapes
/// fences), so none is looked for.
fn reading(text: &str) -> Reading {
    let bytes = text.as_bytes();
    let mut brackets = 0;
    let mut tags = false;
    for k in memchr::memchr3_iter(b'[', b'<', b':', bytes) {
        match bytes[k] {
            b'[' => brackets += 1,
            b'<' => tags = true,
            _ if bytes[k..].starts_with(b"://") => return Reading::Full,
            _ => {}
        }
    }
    if brackets > 0 || tags {
        Reading::Simple(brackets)
    } else {
        Reading::None
    }
}

/// A link being written: what it leads to, and where its label starts.
struct OpenLink {
    /// The new destination; `None`: the label is written as text.
    dest: Option<String>,
    /// Where the label's text starts in the output.
    label_at: usize,
    /// The source range of the whole link.
    range: Range<usize>,
}

/// Reads `text` as Markdown and writes it back for rustdoc (see the module doc).
pub fn render(text: &str, links: &DocLinks<'_>) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    // Source before `copied` is written; a gap up to the next event is
    // markup (emphasis marks, list markers, code spans) and is copied.
    let mut copied = 0;
    let mut open: Vec<OpenLink> = Vec::new();
    // Inside an image, an autolink or a code block: (the kind, its end).
    let mut skip: Option<(TagEnd, usize)> = None;
    let mut code: Option<String> = None;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        if let Some((end, at)) = &skip {
            if matches!(&event, Event::End(e) if e == end) {
                copied = copied.max(*at);
                skip = None;
            }
            continue;
        }
        if let Some(body) = &mut code {
            match event {
                Event::Text(t) => body.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    fence(body, &mut out);
                    copied = range.end;
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Text(_) => {
                copy_gap(text, &mut copied, range.start, &mut out);
                let from = copied.max(range.start);
                // A text after `\` starts with the character it escapes.
                let escaped = text[..from]
                    .bytes()
                    .rev()
                    .take_while(|&b| b == b'\\')
                    .count()
                    % 2
                    == 1;
                push_text(&text[from..range.end], escaped, !open.is_empty(), &mut out);
                copied = copied.max(range.end);
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                copy_gap(text, &mut copied, range.start, &mut out);
                push_html(&text[copied.max(range.start)..range.end], &mut out);
                copied = copied.max(range.end);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                copy_gap(text, &mut copied, range.start, &mut out);
                code = Some(String::new());
            }
            Event::Start(Tag::Image { .. }) => {
                copy_gap(text, &mut copied, range.start, &mut out);
                skip = Some((TagEnd::Image, range.end));
            }
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                // `<https://...>` is already what rustdoc wants.
                copy_gap(text, &mut copied, range.end, &mut out);
                skip = Some((TagEnd::Link, range.end));
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                copy_gap(text, &mut copied, range.start, &mut out);
                let dest = links.resolve(&dest_url);
                if dest.is_some() {
                    out.push('[');
                }
                open.push(OpenLink {
                    dest,
                    label_at: out.len(),
                    range: range.clone(),
                });
                copied = copied.max(range.start + 1);
            }
            Event::End(TagEnd::Link) => {
                let Some(link) = open.pop() else { continue };
                close_link(text, link, &mut copied, &mut out);
            }
            _ => {}
        }
    }
    if let Some(body) = &code {
        fence(body, &mut out);
        copied = text.len();
    }
    copy_gap(text, &mut copied, text.len(), &mut out);
    out
}

/// Copies the source from `copied` up to `to`, when it is ahead.
fn copy_gap(text: &str, copied: &mut usize, to: usize, out: &mut String) {
    if to > *copied {
        out.push_str(&text[*copied..to]);
        *copied = to;
    }
}

/// Ends a link: the marks closing its label are copied, then its
/// destination ([`link_written`]); its `](...)` in the source is passed over.
fn close_link(text: &str, link: OpenLink, copied: &mut usize, out: &mut String) {
    let end = link.range.end.min(text.len());
    let close = memchr::memchr(b']', &text.as_bytes()[(*copied).min(end)..end])
        .map_or(end, |k| *copied + k);
    copy_gap(text, copied, close, out);
    *copied = (*copied).max(end);
    if link.dest.is_some() {
        // The label as written out, now closed.
        let label = out.split_off(link.label_at);
        out.pop();
        link_written(&label, link.dest.as_deref(), out);
    }
}

/// Writes a link: `[label](dest)`; the label alone when the link leads
/// nowhere; nothing when the label is empty (an image dropped). `{#T}`,
/// which the site fills with the linked page's title, becomes the page's
/// file name.
fn link_written(label: &str, dest: Option<&str>, out: &mut String) {
    let Some(dest) = dest else {
        out.push_str(label);
        return;
    };
    let label = match label.trim() {
        "" => return,
        "{#T}" => title_of(dest),
        _ => label,
    };
    out.reserve(label.len() + dest.len() + 4);
    out.push('[');
    out.push_str(label);
    out.push_str("](");
    out.push_str(dest);
    out.push(')');
}

/// [`link_written`] for a link whose destination is still to resolve:
/// written straight into `out`, no string of its own.
fn write_link(label: &str, dest: &str, links: &DocLinks<'_>, out: &mut String) {
    let trimmed = label.trim();
    let titled = trimmed == "{#T}";
    if trimmed.is_empty() {
        return;
    }
    let at = out.len();
    out.push('[');
    if !titled {
        out.push_str(label);
    }
    out.push_str("](");
    let dest_at = out.len();
    if !links.write(dest, out) {
        out.truncate(at);
        if !titled {
            out.push_str(label);
        }
        return;
    }
    out.push(')');
    if titled {
        let title = title_of(&out[dest_at..out.len() - 1]).to_string();
        out.insert_str(at + 1, &title);
    }
}

/// What a `{#T}` label says: the linked page's file name, or the module.
fn title_of(dest: &str) -> &str {
    let path = dest.split('#').next().unwrap_or(dest);
    let name = path.rsplit(['/', ':']).next().unwrap_or(path);
    let name = name.strip_suffix(".html").unwrap_or(name);
    if name.is_empty() {
        "the page"
    } else {
        name
    }
}

/// A code block as rustdoc shows it and never runs: fenced as `text`.
fn fence(body: &str, out: &mut String) {
    let ticks = longest_run(body, b'`').max(2) + 1;
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.extend(std::iter::repeat('`').take(ticks));
    out.push_str("text\n");
    out.push_str(body);
    if !body.ends_with('\n') {
        out.push('\n');
    }
    out.extend(std::iter::repeat('`').take(ticks));
    out.push('\n');
}

/// The longest run of `byte` in `text`.
fn longest_run(text: &str, byte: u8) -> usize {
    let (mut longest, mut run) = (0, 0);
    for &b in text.as_bytes() {
        run = if b == byte { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

#[cfg(test)]
mod tests;
