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

mod read;
mod simple;
mod text;

use std::borrow::Cow;

pub use super::links::DocLinks;
pub use read::render;
pub use text::escaped;

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

/// The path without a Markdown parser alone ([`simple`]): what
/// [`doc_text`] writes for a text whose brackets are all plain inline
/// links; `None` for any other text. Where it gives a text, [`render`]
/// gives the same but for tags (each writes them its own safe way): the
/// tests compare the two.
pub fn render_simple(text: &str, links: &DocLinks<'_>) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 96);
    simple::render(text, links, &mut out).then_some(out)
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

/// Writes a link: `[label](dest)`; the label alone when the link leads
/// nowhere. A label that is empty (an image dropped) or `{#T}` (which the
/// site fills with the linked page's title) becomes the name of the file
/// the page's destination (`written`) names: nothing written may vanish,
/// or what follows would start the line (a fence, a code block).
fn link_written(label: &str, dest: Option<&str>, written: &str, out: &mut String) {
    let titled = matches!(label.trim(), "" | "{#T}");
    let Some(dest) = dest else {
        match titled {
            true => text::push_literal(title_of(written), out),
            false => out.push_str(label),
        }
        return;
    };
    out.reserve(label.len() + dest.len() + 5);
    open_link(out);
    match titled {
        true => text::push_literal(title_of(written), out),
        false => out.push_str(label),
    }
    out.push_str("](");
    out.push_str(dest);
    out.push(')');
}

/// [`link_written`] for a link whose destination is still to resolve:
/// written straight into `out`, no string of its own.
fn write_link(label: &str, dest: &str, links: &DocLinks<'_>, out: &mut String) {
    let titled = matches!(label.trim(), "" | "{#T}");
    let write_label = |out: &mut String| match titled {
        true => text::push_literal(title_of(dest), out),
        false => out.push_str(label),
    };
    let start = out.len();
    open_link(out);
    let at = out.len() - 1;
    write_label(out);
    out.push_str("](");
    if !links.write(dest, out) {
        // Leads nowhere: its label; at a line's start, in brackets
        // (escaped), or its label would start the line.
        out.truncate(at);
        let bracketed = !text::mid_line(&out[..start]);
        if bracketed {
            out.push_str("\\[");
        }
        write_label(out);
        if bracketed {
            out.push_str("\\]");
        }
        return;
    }
    out.push(')');
}

/// Writes a link's `[`, after escaping a `!` just before it (left there
/// by a tag or an image dropped): `![` would make the link an image.
fn open_link(out: &mut String) {
    if out.ends_with('!') {
        let slashes = out[..out.len() - 1]
            .bytes()
            .rev()
            .take_while(|&b| b == b'\\')
            .count();
        if slashes % 2 == 0 {
            out.insert(out.len() - 1, '\\');
        }
    }
    out.push('[');
}

/// What a `{#T}` label says: the name of the file the page's link
/// destination names (`crm-lead-list` of `../crm-lead-list.md#x`).
fn title_of(dest: &str) -> &str {
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    let name = path.rsplit('/').next().unwrap_or(path);
    let name = name
        .strip_suffix(".md")
        .or_else(|| name.strip_suffix(".html"))
        .unwrap_or(name);
    if name.is_empty() {
        "the page"
    } else {
        name
    }
}

#[cfg(test)]
mod tests;
