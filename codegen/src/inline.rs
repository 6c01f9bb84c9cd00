//! Inline Markdown: turning cell and paragraph text into plain prose, and
//! picking out code spans and bold runs. Every opener's closing mark is
//! found through [`Marks`], so no text costs more than linear time.

use crate::marks::Marks;
use crate::ws::Trim;

/// Whether `text` contains the lowercase ASCII `word`, in any case.
pub fn contains_ignoring_case(text: &str, word: &str) -> bool {
    let (text, word) = (text.as_bytes(), word.as_bytes());
    let Some(&first) = word.first() else {
        return true;
    };
    // Only where the first letter stands (in either case) is the word compared.
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), text).any(|at| {
        text.get(at..at + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    })
}

/// Where the two bytes `pair` first stand side by side in `text` (`](`,
/// `**`): `text.find` of them, without the substring searcher it prepares
/// on every call, which costs more than the short texts it is asked about.
pub fn find_pair(text: &str, pair: [u8; 2]) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(pair[0], bytes).find(|&at| bytes.get(at + 1) == Some(&pair[1]))
}

/// `text.to_lowercase()` for a string that is given up: ASCII text, as
/// most is, is lowercased in place rather than copied.
pub fn into_lowercase(mut text: String) -> String {
    if text.is_ascii() {
        text.make_ascii_lowercase();
        text
    } else {
        text.to_lowercase()
    }
}

/// The contents of every code span in `text`, in order (backticks of any run length).
pub fn code_spans(text: &str) -> Vec<&str> {
    let mut spans = Vec::new();
    let mut marks = Marks::new(text);
    let bytes = text.as_bytes();
    let mut k = 0;
    while k < bytes.len() {
        if bytes[k] == b'\\' {
            k += 2;
            continue;
        }
        if bytes[k] == b'`' {
            let run = bytes[k..].iter().take_while(|&&c| c == b'`').count();
            if let Some(end) = marks.closer(run, k + run, text.len()) {
                spans.push(&text[k + run..end]);
                k = end + run;
                continue;
            }
            k += run;
            continue;
        }
        k += 1;
    }
    spans
}

/// The text of the first `**bold**` run, if any.
pub fn first_bold(text: &str) -> Option<&str> {
    let start = find_pair(text, *b"**")?;
    let rest = &text[start + 2..];
    let end = find_pair(rest, *b"**")?;
    Some(&rest[..end])
}

/// The bytes [`plain`] treats specially, as a table: one load per byte of
/// the prose between them (`:` for the `://` of a URL, which it keeps but
/// tells of).
static MARKUP: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    let bytes = b"\\`*_^![<{:";
    while k < bytes.len() {
        table[bytes[k] as usize] = true;
        k += 1;
    }
    table
};

/// Links nested deeper than this keep their labels as written: each level
/// is a call, and a page could nest thousands.
const MAX_LINK_NESTING: usize = 32;

/// Markdown/HTML inline markup removed: links keep their text, code keeps its
/// content, emphasis and `^*^` marks vanish, `<br>` becomes a line break.
pub fn plain(text: &str) -> String {
    plain_telling(text).0
}

/// [`plain`], and whether it kept text rustdoc would read as markup: a
/// bracket, a tag-like `<`, a URL (`://`).
fn plain_telling(text: &str) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut kept = false;
    let marks = &mut Marks::new(text);
    plain_into(text, 0, text.len(), marks, 0, &mut out, &mut kept);
    (out, kept)
}

/// [`plain`] of `text[from..end]`, appended to `out`; `marks` are those of
/// the whole `text`, so a label's own links are found without a new search.
/// `kept` is set when it keeps a bracket, a tag-like `<` or a URL.
fn plain_into(
    text: &str,
    from: usize,
    end: usize,
    marks: &mut Marks<'_>,
    nesting: usize,
    out: &mut String,
    kept: &mut bool,
) {
    let mut at = from;
    loop {
        let rest = &text[at..end];
        // Runs of ordinary text are copied whole; every byte the match below
        // treats specially is ASCII, so the cut is always a char boundary.
        let run = rest
            .bytes()
            .position(|b| MARKUP[usize::from(b)])
            .unwrap_or(rest.len());
        out.push_str(&rest[..run]);
        at += run;
        let rest = &text[at..end];
        let Some(c) = rest.chars().next() else {
            break;
        };
        let len = c.len_utf8();
        match c {
            '\\' => {
                let next = rest[1..].chars().next();
                match next {
                    Some(n) if n.is_ascii_punctuation() => {
                        out.push(n);
                        at += 1 + n.len_utf8();
                    }
                    _ => {
                        out.push('\\');
                        at += 1;
                    }
                }
            }
            '`' => {
                let run = rest.bytes().take_while(|&b| b == b'`').count();
                match marks.closer(run, at + run, end) {
                    Some(close) => {
                        out.push_str(text[at + run..close].trim_ws());
                        at = close + run;
                    }
                    None => at += run,
                }
            }
            '*' | '_' if rest.starts_with("**") || rest.starts_with("__") => at += 2,
            '^' if rest.starts_with("^*^") => at += 3,
            '!' if rest.starts_with("![") => {
                // Images say nothing a type or a doc comment can use.
                match link_end(marks, at + 1, end) {
                    Some((_, next)) => at = next,
                    None => {
                        out.push('!');
                        at += 1;
                    }
                }
            }
            '[' => match link_end(marks, at, end) {
                Some((label_end, next)) => {
                    if nesting < MAX_LINK_NESTING {
                        plain_into(text, at + 1, label_end, marks, nesting + 1, out, kept);
                    } else {
                        out.push_str(&text[at + 1..label_end]);
                    }
                    at = next;
                }
                None => {
                    out.push('[');
                    *kept = true;
                    at += 1;
                }
            },
            '<' => {
                if let Some(close) = marks.next(b'>', at, end) {
                    let tag = text[at + 1..close].trim_ws().to_ascii_lowercase();
                    let is_tag = tag
                        .trim_start_matches('/')
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic())
                        && !tag.contains(' ')
                        || tag.starts_with("br")
                        || tag.starts_with("a ");
                    if is_tag {
                        if tag.starts_with("br") || tag == "/p" || tag == "li" {
                            out.push('\n');
                        }
                        at = close + 1;
                        continue;
                    }
                }
                *kept |=
                    rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || "/!?".contains(c));
                out.push('<');
                at += 1;
            }
            ':' => {
                *kept |= rest.starts_with("://");
                out.push(':');
                at += 1;
            }
            '{' if rest.starts_with("{#T}") => at += 4,
            _ => {
                out.push(c);
                at += len;
            }
        }
    }
}

/// For `[label](target)` at `open`: where the label ends (its `]`) and the
/// position after the `)`, all before `end`.
fn link_end(marks: &mut Marks<'_>, open: usize, end: usize) -> Option<(usize, usize)> {
    let close = marks.bracket_close(open, end)?;
    let paren = close + 1;
    if marks.text_byte(paren) != Some(b'(') || paren >= end {
        return None;
    }
    let after = marks.next(b')', paren, end)?;
    Some((close, after + 1))
}

/// [`plain`] then [`collapse`]; most texts are already collapsed once plain,
/// and then the plain text is returned as it is.
pub fn plain_collapsed(text: &str) -> String {
    let plain = plain(text);
    if is_collapsed(&plain) {
        plain
    } else {
        collapse(&plain)
    }
}

/// [`plain_collapsed`], and whether `text` is more than its plain text to
/// rustdoc: it has markup [`plain`] read (every markup it reads, a code
/// span, bold, a link, an escape, a tag, shortens the text, so a plain
/// text as long as `text` is `text` itself), or text it kept that rustdoc
/// would read as markup (a bracket, a tag-like `<`, a URL). Telling costs
/// no second look at the bytes.
pub fn plain_collapsed_marked(text: &str) -> (String, bool) {
    let (plain, kept) = plain_telling(text);
    let marked = kept || plain.len() != text.len();
    if is_collapsed(&plain) {
        (plain, marked)
    } else {
        (collapse(&plain), marked)
    }
}

/// The bytes [`is_collapsed`] must look at, as a table: the space, the
/// other ASCII whitespace (`\t` to `\r`), and the first bytes of the
/// characters beyond ASCII that are whitespace (U+0085 and U+00A0 start
/// with `0xC2`, U+1680 with `0xE1`, U+2000 to U+205F with `0xE2`, U+3000
/// with `0xE3`). Every other byte only ends a run of spaces.
static SPACE_LIKE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = b'\t';
    while b <= b'\r' {
        table[b as usize] = true;
        b += 1;
    }
    table[b' ' as usize] = true;
    table[0xc2] = true;
    table[0xe1] = true;
    table[0xe2] = true;
    table[0xe3] = true;
    table
};

/// Whether [`collapse`] would give `text` back unchanged: no whitespace but
/// single spaces between words. Most texts are ASCII prose, read eight
/// bytes at a time: a chunk with no control byte and none beyond ASCII only
/// needs its spaces found, all at once. Any other chunk is read a byte at
/// a time ([`collapsed_byte`]).
fn is_collapsed(text: &str) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    const LOW: u64 = ONES * 0x7f;
    const SPACES: u64 = ONES * 0x20;
    let bytes = text.as_bytes();
    // Whether the byte before is a space (or there is none: a leading space
    // is not collapsed).
    let mut after_space = true;
    let mut k = 0;
    while let Some(chunk) = bytes.get(k..k + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // Some byte is below `0x20` or has its high bit set.
        let unusual = ((x.wrapping_sub(SPACES) & !x) | x) & HIGH;
        if unusual == 0 {
            // The high bit of each byte that is a space, exactly.
            let y = x ^ SPACES;
            let spaces = !(((y & LOW) + LOW) | y) & HIGH;
            if spaces & (spaces << 8) != 0 || (after_space && spaces & 0x80 != 0) {
                return false;
            }
            after_space = spaces >> 63 != 0;
        } else {
            for at in k..k + 8 {
                if !collapsed_byte(text, at, &mut after_space) {
                    return false;
                }
            }
        }
        k += 8;
    }
    for at in k..bytes.len() {
        if !collapsed_byte(text, at, &mut after_space) {
            return false;
        }
    }
    !after_space || text.is_empty()
}

/// One byte of [`is_collapsed`]: false when it shows `text` is not
/// collapsed; `after_space` says whether it is a space.
#[inline]
fn collapsed_byte(text: &str, at: usize, after_space: &mut bool) -> bool {
    let b = text.as_bytes()[at];
    if !SPACE_LIKE[usize::from(b)] {
        *after_space = false;
    } else if b == b' ' {
        if *after_space {
            return false;
        }
        *after_space = true;
    } else if b.is_ascii() {
        return false;
    } else {
        // A first byte some whitespace characters start with.
        if text[at..].chars().next().is_some_and(char::is_whitespace) {
            return false;
        }
        *after_space = false;
    }
    true
}

/// Collapses runs of whitespace to one space and trims.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_markup_but_keeps_words() {
        assert_eq!(
            plain("**id*** is [the `lead`](../x.md) id<br>see ^*^ \\| `a | b`"),
            "id* is the lead id\nsee  | a | b"
        );
        assert_eq!(plain("a < b and x<y"), "a < b and x<y");
        assert_eq!(plain("[{#T}](./x.md)"), "");
    }

    #[test]
    fn markup_is_told_by_the_plain_text_being_shorter() {
        for (text, marked) in [
            ("plain words, a < b, x_y, 2 * 3, a: b", false),
            ("*one* or _two_", false),
            ("[not a link]", true),
            ("<ID> is kept", true),
            ("see https://example.com", true),
            ("a lone ` backtick", true),
            ("`code`", true),
            ("**bold**", true),
            ("[a link](x.md)", true),
            ("a\\_b", true),
            ("line<br>break", true),
            ("![image](x.png)", true),
            ("NAME^*^", true),
        ] {
            assert_eq!(plain_collapsed_marked(text).1, marked, "{text:?}");
            assert_eq!(plain_collapsed_marked(text).0, plain_collapsed(text));
        }
    }

    #[test]
    fn collapsed_texts_are_recognised() {
        for text in [
            "",
            "a",
            "a b",
            " a",
            "a ",
            "a  b",
            "a\nb",
            "a\u{a0}b",
            " ",
            "a b c",
            "a\u{b}b",
            "\u{2003}a",
            "é b",
            "a\u{85}",
        ] {
            assert_eq!(is_collapsed(text), collapse(text) == text, "{text:?}");
        }
        // Spaces at every place of the eight-byte chunks, and across them.
        for n in 0..20 {
            for m in 0..20 {
                for text in [
                    format!("{}{}", "a".repeat(n), " ".repeat(m)),
                    format!("{} {}", "a".repeat(n), "b".repeat(m)),
                    format!("{}  {}", "a".repeat(n), "b".repeat(m)),
                    format!("{}\t{}", "a".repeat(n), "b".repeat(m)),
                    format!("{}\u{a0}{}", "a".repeat(n), "b".repeat(m)),
                    format!("{}é {}", "a".repeat(n), "b".repeat(m)),
                    format!("{} a b {}", " ".repeat(n), "b ".repeat(m)),
                ] {
                    assert_eq!(is_collapsed(&text), collapse(&text) == text, "{text:?}");
                }
            }
        }
        // Every character, alone and between words.
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            for text in [format!("{c}"), format!("a{c}b"), format!("a {c}")] {
                assert_eq!(is_collapsed(&text), collapse(&text) == text, "{text:?}");
            }
        }
    }

    #[test]
    fn code_spans_of_any_run_length() {
        assert_eq!(
            code_spans("[`integer`](a) | ```x | y``` `z`"),
            ["integer", "x | y", "z"]
        );
        assert_eq!(first_bold("x **CONTACT_ID^*^** — y"), Some("CONTACT_ID^*^"));
    }
}
