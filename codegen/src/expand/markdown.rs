//! Rustdoc Markdown from a description: the page's own Markdown (bold,
//! code spans, lists kept as written) with its links made to lead
//! somewhere from rustdoc ([`DocLinks`]), and whatever rustdoc would
//! misread escaped: brackets that are no link (an unresolved intra-doc
//! link to rustdoc), tag-like text such as `<ID>` (an unclosed HTML tag),
//! bare URLs (made links), images dropped, code blocks fenced as `text`
//! (never a doctest).
//!
//! Most texts need none of it, and are used as they are: only a text with
//! `[`, `<`, `://` or a fence is read, with pulldown-cmark, and then edited
//! in place: every event's source range is copied but for links, images,
//! HTML, code blocks and the text that needs escapes.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::links::DocLinks;

/// Texts longer than this are not read as Markdown: their brackets and
/// tag-like text are escaped, their links not followed. No description of
/// the reference comes near it; a hostile page's cost stays linear.
const MAX_READ: usize = 64 << 10;

/// The doc text of a description: `markdown` when the page wrote it with
/// markup, else `plain`, made safe for rustdoc. Borrowed when nothing had
/// to change, which is almost always.
pub fn doc_text<'t>(
    plain: &'t str,
    markdown: Option<&'t str>,
    links: &DocLinks<'_>,
) -> Cow<'t, str> {
    match markdown {
        Some(text) if text.len() > MAX_READ => Cow::Owned(escaped(text)),
        Some(text) if needs_reading(text) => Cow::Owned(render(text, links)),
        Some(text) => Cow::Borrowed(text),
        // A plain text is its own Markdown (it has no markup the plain
        // reading would drop), and links none: escapes are all it may need.
        None if needs_reading(plain) => Cow::Owned(escaped(plain)),
        None => Cow::Borrowed(plain),
    }
}

/// Whether `text` has a link, bracket, tag, URL or fence for [`render`].
fn needs_reading(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2(b'[', b'<', bytes).is_some()
        || memchr::memmem::find(bytes, b"://").is_some()
        || memchr::memmem::find(bytes, b"```").is_some()
        || memchr::memmem::find(bytes, b"~~~").is_some()
}

/// `text` with every bracket, tag-like `<`, bare URL and fence escaped:
/// the whole of it read as text.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_text(text, false, false, &mut out);
    out
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

/// Ends a link: the marks closing its label are copied, then `](dest)`;
/// its `](...)` in the source is passed over. A label left empty (an
/// image dropped) drops the link; `{#T}`, which the site fills with the
/// linked page's title, becomes the page's file name.
fn close_link(text: &str, link: OpenLink, copied: &mut usize, out: &mut String) {
    let end = link.range.end.min(text.len());
    let close = memchr::memchr(b']', &text.as_bytes()[(*copied).min(end)..end])
        .map_or(end, |k| *copied + k);
    copy_gap(text, copied, close, out);
    *copied = (*copied).max(end);
    let Some(dest) = link.dest else { return };
    let label = out[link.label_at..].trim();
    if label.is_empty() {
        out.truncate(link.label_at - 1);
        return;
    }
    if label == "{#T}" {
        out.truncate(link.label_at);
        out.push_str(title_of(&dest));
    }
    out.push_str("](");
    out.push_str(&dest);
    out.push(')');
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

/// Appends the source of a text: backslash escapes kept, brackets and
/// tag-like `<` escaped, a fence at a line's start escaped, bare URLs made
/// autolinks (not inside a link's label, where they are already a link).
/// `escaped`: the first character follows a `\` already written.
fn push_text(text: &str, escaped: bool, in_link: bool, out: &mut String) {
    let bytes = text.as_bytes();
    let mut copied = 0;
    let mut k = usize::from(escaped && !text.is_empty());
    while k < bytes.len() {
        let escape = match bytes[k] {
            b'\\' if bytes.get(k + 1).is_some_and(u8::is_ascii_punctuation) => {
                k += 2;
                continue;
            }
            b'[' | b']' => true,
            b'<' => bytes
                .get(k + 1)
                .is_some_and(|&b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?')),
            b'`' | b'~' => {
                (k == 0 || bytes[k - 1] == b'\n')
                    && bytes.get(k + 1) == Some(&bytes[k])
                    && bytes.get(k + 2) == Some(&bytes[k])
            }
            b'h' | b'H' if !in_link => {
                if let Some(len) = url_at(&text[k..]) {
                    out.push_str(&text[copied..k]);
                    out.push('<');
                    out.push_str(&text[k..k + len]);
                    out.push('>');
                    k += len;
                    copied = k;
                    continue;
                }
                false
            }
            _ => false,
        };
        if escape {
            out.push_str(&text[copied..k]);
            out.push('\\');
            copied = k;
        }
        k += 1;
    }
    out.push_str(&text[copied..]);
}

/// The length of the URL `text` starts with (`http://` or `https://` and
/// what follows up to a space or a character a URL does not end with),
/// when it starts with one.
fn url_at(text: &str) -> Option<usize> {
    let scheme = ["https://", "http://"].into_iter().find(|s| {
        text.get(..s.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(s))
    })?;
    let end = text
        .find(|c: char| c.is_whitespace() || "<>\"'`[]{}|\\^".contains(c))
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '*', '_']);
    (url.len() > scheme.len()).then_some(url.len())
}

/// HTML from the page: a line break is kept (`<br>`); tags of HTML's own
/// elements are dropped (rustdoc would check they close); anything else
/// tag-like (`<ID>`, `<string>`) is text, escaped.
fn push_html(html: &str, out: &mut String) {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_text(&rest[..open], false, true, out);
        let tag = &rest[open..];
        let Some(close) = tag.find('>') else {
            push_text(tag, false, true, out);
            return;
        };
        let name: String = tag[1..close]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name == "br" {
            out.push_str("<br>");
        } else if !HTML_ELEMENTS.contains(&name.as_str()) {
            push_text(&tag[..=close], false, true, out);
        }
        rest = &tag[close + 1..];
    }
    push_text(rest, false, true, out);
}

/// HTML elements a page may write in prose; their tags are dropped.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "big",
    "blockquote",
    "center",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "nobr",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

#[cfg(test)]
mod tests {
    use super::super::links::BoundPages;
    use super::*;

    const PAGE: &str = "api-reference/crm/leads/crm-lead-add.md";

    fn doc(markdown: &str) -> String {
        render(markdown, &DocLinks::page(Some(PAGE)))
    }

    #[test]
    fn bold_code_spans_and_lists_are_kept() {
        let text = "The **lead**: `ID` is `[int]`\n- `Y` — yes\n- `N` — no";
        assert_eq!(doc_text("", Some(text), &DocLinks::default()), text);
        assert_eq!(doc(text), text);
    }

    #[test]
    fn links_lead_to_the_site_or_stay_on_the_web() {
        assert_eq!(
            doc("See [the list](./crm-lead-list.md) and [**fields**](../data-types.md#crm_status \"t\")."),
            "See [the list](https://apidocs.bitrix24.com/api-reference/crm/leads/crm-lead-list.html) \
             and [**fields**](https://apidocs.bitrix24.com/api-reference/crm/data-types.html#crm_status)."
        );
        assert_eq!(
            doc("[site](https://example.com/x) <https://example.com/y>"),
            "[site](https://example.com/x) <https://example.com/y>"
        );
        assert_eq!(
            doc("[up](../../../../../x.md) [js](javascript:x())"),
            "up js"
        );
        assert_eq!(
            doc("[{#T}](./crm-lead-list.md)"),
            "[crm-lead-list](https://apidocs.bitrix24.com/api-reference/crm/leads/crm-lead-list.html)"
        );
    }

    #[test]
    fn bound_pages_are_intra_doc_links() {
        let mut bound = BoundPages::new();
        let list = vec!["crm".to_string(), "lead".to_string(), "list".to_string()];
        let add = vec!["crm".to_string(), "lead".to_string(), "add".to_string()];
        bound.insert("api-reference/crm/leads/crm-lead-list.md", list);
        let links = DocLinks {
            page: Some(PAGE),
            bound: Some(&bound),
            scope: &add,
        };
        assert_eq!(
            render(
                "the [`crm.lead.list`](crm-lead-list.md#filter) method",
                &links
            ),
            "the [`crm.lead.list`](mod@super::list) method"
        );
    }

    #[test]
    fn what_rustdoc_would_misread_is_escaped() {
        assert_eq!(
            doc("filter[>ID] and [ID]: x"),
            "filter\\[>ID\\] and \\[ID\\]: x"
        );
        assert_eq!(doc("a \\[b\\] `[c]`"), "a \\[b\\] `[c]`");
        assert_eq!(
            doc("the <ID> of <string> and a < b"),
            "the \\<ID> of \\<string> and a < b"
        );
        assert_eq!(
            doc("x<br>y <b>bold</b> <span class=\"a\">z</span>"),
            "x<br>y bold z"
        );
        assert_eq!(
            doc("see https://example.com/a_b. Or (http://x.y/z)"),
            "see <https://example.com/a_b>. Or (<http://x.y/z>)"
        );
        assert_eq!(
            doc_text("a [b] https://x.y <c d>", None, &DocLinks::default()),
            "a \\[b\\] <https://x.y> \\<c d>"
        );
    }

    #[test]
    fn images_are_dropped_and_code_blocks_never_run() {
        assert_eq!(doc("a ![pic](_images/x.png) b"), "a  b");
        assert_eq!(doc("[![pic](x.png)](y.md) c"), " c");
        assert_eq!(
            doc("x\n```\nfn main() {}\n```"),
            "x\n```text\nfn main() {}\n```\n"
        );
        assert_eq!(doc("~~~\nunclosed"), "```text\nunclosed\n```\n");
    }

    #[test]
    fn hostile_texts_stay_text() {
        for text in [
            "[[[[[[[[[[",
            "]]]]](((((",
            "[a](",
            "[a](<b",
            "<<<<>>>>",
            "`[`]",
            "\\",
            "[x]\n\n[x]: y.md",
            "héllo [wörld](ü.md) «[»",
        ] {
            let out = doc(text);
            assert!(!out.is_empty() || text.is_empty(), "{text:?}");
        }
        assert_eq!(
            doc("[x]\n\n[x]: y.md"),
            "[x](https://apidocs.bitrix24.com/api-reference/crm/leads/y.html)\n\n[x]: y.md"
        );
    }
}
