//! Text and HTML of a description as rustdoc must read them: brackets
//! that are no link escaped (rustdoc would take `[ID]` for an intra-doc
//! link it cannot resolve), tag-like `<ID>` escaped (an unclosed HTML tag
//! to rustdoc), bare URLs made autolinks, a fence at a line's start
//! escaped (a code block rustdoc would run as a doctest).

/// `text` read wholly as text, every bracket, tag-like `<`, bare URL and
/// fence at a line's start escaped.
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_text(text, Place::WHOLE, &mut out);
    out
}

/// Where a text stands, for [`push_text`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Place {
    /// Its first character follows a `\` already written.
    pub escaped: bool,
    /// It is a link's label (a URL in it is already a link).
    pub in_link: bool,
    /// It is a whole text, read by no parser: its lines' starts are its
    /// own, and a fence there is escaped. (Text a parser read has no
    /// fence, and escaping a backtick would pair the others differently.)
    pub whole: bool,
}

impl Place {
    /// A whole text, read by no parser.
    pub const WHOLE: Place = Place {
        escaped: false,
        in_link: false,
        whole: true,
    };
}

/// Appends the source of a text: backslash escapes kept, brackets and
/// `<` escaped, bare URLs made autolinks (not inside a link's
/// label, where they are already a link), and, in a whole text, a fence
/// at a line's start escaped.
pub fn push_text(text: &str, place: Place, out: &mut String) {
    let bytes = text.as_bytes();
    let mut copied = 0;
    let mut k = usize::from(place.escaped && !text.is_empty());
    while k < bytes.len() {
        let escape = match bytes[k] {
            b'\\' if bytes.get(k + 1).is_some_and(u8::is_ascii_punctuation) => {
                k += 2;
                continue;
            }
            // A backtick in a text is one that paired with none: kept so
            // whatever the docs change around it.
            b'[' | b']' | b'`' => true,
            // Escaped whatever follows: a `>` met later, once a tag
            // between them is dropped, would make a tag or link of it.
            b'<' => true,
            b'~' if place.whole => {
                (k == 0 || bytes[k - 1] == b'\n')
                    && bytes.get(k + 1) == Some(&bytes[k])
                    && bytes.get(k + 2) == Some(&bytes[k])
            }
            b'h' | b'H' if !place.in_link => {
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

/// Appends `text` as literal text: every character that could be markup
/// escaped (an image's alternative text, made a link's label).
pub fn push_literal(text: &str, out: &mut String) {
    for c in text.chars() {
        if "\\`*_[]<>!&~|{}#".contains(c) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
}

/// Appends a block of raw HTML as literal text, line by line: its tags
/// and its text shown as written (as Markdown, its lines would open
/// fences and links that were none).
pub fn push_html_block(html: &str, out: &mut String) {
    for (k, line) in html.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        push_literal(line.trim_end_matches('\r'), out);
    }
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

/// Whether the line being written has a word already: something dropped
/// now leaves no new start of a line (where a fence or a marker would
/// open a block). Looks back only to the line's first letter or digit.
pub fn mid_line(out: &str) -> bool {
    out.bytes()
        .rev()
        .take_while(|&b| b != b'\n')
        .any(|b| b.is_ascii_alphanumeric())
}

/// Text around and in tags: its URLs are left as they are.
const IN_TAG: Place = Place {
    escaped: false,
    in_link: true,
    whole: false,
};

/// HTML from the page: in a line, a line break is kept (`<br>`) and the
/// other tags of HTML's own elements are dropped (rustdoc would check
/// they close); anything else tag-like (`<ID>`, `<string>`), and any tag
/// that starts a line, is text, escaped.
pub fn push_html(html: &str, out: &mut String) {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_text(&rest[..open], IN_TAG, out);
        let tag = &rest[open..];
        let Some(close) = tag.find('>') else {
            push_text(tag, IN_TAG, out);
            return;
        };
        let name = tag[1..close].trim_start_matches('/');
        let name = &name[..name
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name.len())];
        rest = &tag[close + 1..];
        let element = HTML_ELEMENTS.iter().any(|e| e.eq_ignore_ascii_case(name));
        if !element || !mid_line(out) {
            // Tag-like text; or a tag starting a line, where it would open
            // a block of raw HTML, and dropped would leave what follows it
            // starting the line (a fence, a list): written as text.
            push_text(&tag[..=close], IN_TAG, out);
        } else if name.eq_ignore_ascii_case("br") {
            out.push_str("<br>");
        } else {
            apart(out, rest.bytes().next());
        }
    }
    push_text(rest, IN_TAG, out);
}

/// HTML elements a page may write in prose; their tags are dropped.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "big",
    "br",
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

/// After something dropped: a space when the backticks before it would
/// run on into those after it (`next`, `None` when unknown), which would
/// pair the code spans differently.
pub fn apart(out: &mut String, next: Option<u8>) {
    if out.ends_with('`') && next.map_or(true, |b| b == b'`') {
        out.push(' ');
    }
}
