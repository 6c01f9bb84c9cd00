//! Text and HTML of a description as rustdoc must read them: brackets
//! that are no link escaped (rustdoc would take `[ID]` for an intra-doc
//! link it cannot resolve), tag-like `<ID>` escaped (an unclosed HTML tag
//! to rustdoc), bare URLs made autolinks, a fence at a line's start
//! escaped (a code block rustdoc would run as a doctest).

/// `text` read wholly as text, every bracket, tag-like `<`, bare URL and
/// fence escaped.
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_text(text, false, false, &mut out);
    out
}

/// Appends the source of a text: backslash escapes kept, brackets and
/// tag-like `<` escaped, a fence at a line's start escaped, bare URLs made
/// autolinks (not inside a link's label, where they are already a link).
/// `escaped`: the first character follows a `\` already written.
pub fn push_text(text: &str, escaped: bool, in_link: bool, out: &mut String) {
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
pub fn push_html(html: &str, out: &mut String) {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_text(&rest[..open], false, true, out);
        let tag = &rest[open..];
        let Some(close) = tag.find('>') else {
            push_text(tag, false, true, out);
            return;
        };
        let name = tag[1..close].trim_start_matches('/');
        let name = &name[..name
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name.len())];
        if name.eq_ignore_ascii_case("br") {
            out.push_str("<br>");
        } else if !HTML_ELEMENTS.iter().any(|e| e.eq_ignore_ascii_case(name)) {
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
