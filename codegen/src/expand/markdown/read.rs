//! The path with a Markdown reader: the text read with pulldown-cmark and
//! written back as it was but for what rustdoc must not meet. Every
//! event's source range is copied; links get their new destinations,
//! images become links to where the site shows them (their text, in a
//! link's label), tags are written as
//! [`push_html`] writes them and blocks of HTML as text, code blocks are
//! fenced as `text`, and text
//! has its brackets, tag-like `<` and bare URLs escaped ([`push_text`]).

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::text::{apart, mid_line, push_html, push_html_block, push_literal, push_text, Place};
use super::{link_written, open_link, DocLinks};

/// A link being written: what it leads to, and where its label starts.
struct OpenLink {
    /// The new destination; `None`: the label is written as text.
    dest: Option<String>,
    /// The destination as the page wrote it.
    written: String,
    /// Where the label's text starts in the output.
    label_at: usize,
    /// It leads nowhere and its label is written in escaped brackets.
    bracketed: bool,
    /// Where the label's last event so far ends in the source.
    inner_end: usize,
    /// The source range of the whole link.
    range: Range<usize>,
}

/// An element read whole and written as one: an image, an autolink.
struct Whole {
    /// The event that ends it.
    end: TagEnd,
    /// Where it ends in the source.
    at: usize,
    /// For an image: its destination as written (`None` in a link's
    /// label, where links do not nest), and its alternative text so far.
    image: Option<(Option<String>, String)>,
}

/// Reads `text` as Markdown and writes it back for rustdoc (see the module doc).
pub fn render(text: &str, links: &DocLinks<'_>) -> String {
    // The parser's Markdown opens no code block; any other text is made so
    // first: what the docs change in a line (an image made a link, a tag
    // dropped) could otherwise make a fence of its start.
    let text = &*crate::parse::prose::without_fences(text);
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    // Source before `copied` is written; a gap up to the next event is
    // markup (emphasis marks, list markers, code spans) and is copied.
    let mut copied = 0;
    let mut open: Vec<OpenLink> = Vec::new();
    let mut whole: Option<Whole> = None;
    let mut code: Option<String> = None;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        if let (Some(link), false) = (open.last_mut(), event == Event::End(TagEnd::Link)) {
            link.inner_end = link.inner_end.max(range.end);
        }
        if let Some(element) = &mut whole {
            match (&event, &mut element.image) {
                (Event::End(end), _) if *end == element.end => {
                    copied = copied.max(element.at);
                    if let Some((dest, alt)) = element.image.take() {
                        // Never nothing: what follows must not start the line.
                        let label = if alt.trim().is_empty() { "image" } else { &alt };
                        match dest {
                            Some(dest) => {
                                let to = links.resolve(&dest);
                                link_written(label, to.as_deref(), &dest, &mut out);
                            }
                            None => out.push_str(label),
                        }
                    }
                    apart(&mut out, text.as_bytes().get(copied).copied());
                    whole = None;
                }
                (Event::Text(t) | Event::Code(t), Some((_, alt))) => push_literal(t, alt),
                _ => {}
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
                // A text right after a `\` of the markup between events
                // starts with the character that `\` escapes.
                let escaped = range.start > copied && text.as_bytes()[range.start - 1] == b'\\';
                copy_gap(text, &mut copied, range.start, &mut out);
                let place = Place {
                    escaped,
                    in_link: !open.is_empty(),
                    whole: false,
                };
                push_text(unwritten(text, copied, &range), place, &mut out);
                copied = copied.max(range.end);
            }
            Event::InlineHtml(_) => {
                copy_gap(text, &mut copied, range.start, &mut out);
                push_html(unwritten(text, copied, &range), &mut out);
                copied = copied.max(range.end);
            }
            Event::Html(_) => {
                copy_gap(text, &mut copied, range.start, &mut out);
                push_html_block(unwritten(text, copied, &range), &mut out);
                copied = copied.max(range.end);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                copy_gap(text, &mut copied, range.start, &mut out);
                // Its indentation is not written: the fence starts the line.
                out.truncate(out.trim_end_matches([' ', '\t']).len());
                code = Some(String::new());
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                copy_gap(text, &mut copied, range.start, &mut out);
                // In a link's label, an image is its text: links do not nest.
                let dest = open.is_empty().then(|| dest_url.to_string());
                whole = Some(Whole {
                    end: TagEnd::Image,
                    at: range.end,
                    image: Some((dest, String::new())),
                });
            }
            Event::Start(Tag::Link {
                link_type: link_type @ (LinkType::Autolink | LinkType::Email),
                dest_url,
                ..
            }) => {
                // `<https://...>` is already what rustdoc wants; one of
                // another scheme (`<x:y>`) is text.
                let web = link_type == LinkType::Email
                    || links.resolve(&dest_url).is_some_and(|d| d.contains("://"));
                copy_gap(text, &mut copied, range.start, &mut out);
                if web {
                    copy_gap(text, &mut copied, range.end, &mut out);
                } else {
                    push_text(unwritten(text, copied, &range), Place::default(), &mut out);
                    copied = copied.max(range.end);
                }
                whole = Some(Whole {
                    end: TagEnd::Link,
                    at: range.end,
                    image: None,
                });
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                copy_gap(text, &mut copied, range.start, &mut out);
                let dest = links.resolve(&dest_url);
                // A link that leads nowhere is its label; at a line's start,
                // in brackets (escaped), or its label would start the line.
                let bracketed = dest.is_none() && !mid_line(&out);
                if dest.is_some() {
                    open_link(&mut out);
                } else if bracketed {
                    out.push_str("\\[");
                }
                open.push(OpenLink {
                    dest,
                    written: dest_url.to_string(),
                    label_at: out.len(),
                    bracketed,
                    inner_end: range.start + 1,
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

/// The part of an event's source `range` not yet written (none when an
/// element read whole, an image, went past it).
fn unwritten<'t>(text: &'t str, copied: usize, range: &Range<usize>) -> &'t str {
    text.get(copied.max(range.start)..range.end).unwrap_or("")
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
    // The label's `]` is the first after its last event (a `]` in a code
    // span of the label is not it).
    let from = (*copied).max(link.inner_end).min(end);
    let close = memchr::memchr(b']', &text.as_bytes()[from..end]).map_or(end, |k| from + k);
    copy_gap(text, copied, close, out);
    *copied = (*copied).max(end);
    if link.dest.is_some() {
        // The label as written out, now closed; its `[` is written again.
        let label = out.split_off(link.label_at);
        out.pop();
        link_written(&label, link.dest.as_deref(), &link.written, out);
    } else if out.len() == link.label_at {
        // A label left empty leads nowhere: its page's name stands for it.
        link_written("", None, &link.written, out);
    }
    if link.bracketed {
        out.push_str("\\]");
    }
    apart(out, text.as_bytes().get(*copied).copied());
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
