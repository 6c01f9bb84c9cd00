//! The common case without a Markdown parser: text whose only brackets are
//! plain inline links (`[label](dest)`, the label with no brackets of its
//! own, the destination with no spaces, parentheses or escapes), and with
//! no escaped brackets, bare URLs, images or fences. Such text reads the
//! same to any CommonMark reader (code spans are passed over whole, as
//! they bind before brackets do), so only the destinations change, and
//! tags (`<br>`, `<ID>`) are written as [`push_html`] writes them.
//! Anything else gives up, and the text is read with pulldown-cmark.

use super::text::push_html;
use super::{write_link, DocLinks};

/// Writes `text` with its links resolved into `out`; `false` (with `out`
/// left partly written) when the text is not of the simple kind. The text
/// has no `<`, bare URL or fence (the caller looked): only brackets and
/// code spans, found by `memchr`, are looked at.
pub fn render(text: &str, links: &DocLinks<'_>, out: &mut String) -> bool {
    let bytes = text.as_bytes();
    let mut copied = 0;
    let mut k = 0;
    // The next `<` (rare: looked for again only once passed), beside the
    // brackets and backticks, which `memchr3` finds.
    let mut next_tag = memchr::memchr(b'<', bytes).unwrap_or(bytes.len());
    loop {
        if next_tag < k {
            next_tag = memchr::memchr(b'<', &bytes[k..]).map_or(bytes.len(), |n| k + n);
        }
        let found = memchr::memchr3(b'[', b']', b'`', &bytes[k..next_tag]).map(|n| k + n);
        k = match found {
            Some(at) => at,
            None if next_tag < bytes.len() => next_tag,
            None => break,
        };
        let before = k.checked_sub(1).map(|p| bytes[p]);
        if before == Some(b'\\') {
            return false;
        }
        match bytes[k] {
            b'<' => {
                out.push_str(&text[copied..k]);
                match tag_at(bytes, k) {
                    Some(tag_end) => {
                        push_html(&text[k..tag_end], out);
                        k = tag_end;
                    }
                    None => {
                        // Text: escaped, so that no `>` met later (once a
                        // tag between them is dropped) makes a tag of it.
                        out.push_str("\\<");
                        k += 1;
                    }
                }
                copied = k;
            }
            b'`' => match code_span_end(bytes, k) {
                Some(end) => k = end,
                None => return false,
            },
            // A `]` that closes no link: the reader's path escapes it.
            b']' => return false,
            _ => {
                if before == Some(b'!') {
                    return false;
                }
                let Some((label_end, dest_end)) = link_at(bytes, k) else {
                    return false;
                };
                out.push_str(&text[copied..k]);
                let (label, dest) = (&text[k + 1..label_end], &text[label_end + 2..dest_end]);
                write_link(label, dest, links, out);
                k = dest_end + 1;
                copied = k;
            }
        }
    }
    out.push_str(&text[copied..]);
    true
}

/// For a `<` at `at` that may open a tag (a letter, `/`, `!` or `?`
/// follows): where the tag ends (after its `>`, on the same line).
/// `None` for a `<` that is text (`a < b`) or opens no tag on its line.
fn tag_at(bytes: &[u8], at: usize) -> Option<usize> {
    let next = *bytes.get(at + 1)?;
    if !(next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?')) {
        return None;
    }
    let close = at + memchr::memchr3(b'>', b'\n', b'<', &bytes[at + 1..])? + 1;
    (bytes[close] == b'>').then_some(close + 1)
}

/// Where the code span opened by the backtick run at `at` ends (after its
/// closing run of the same length), when it is closed on the same line
/// (the lines of a description may be items of a list, which a code span
/// cannot cross).
fn code_span_end(bytes: &[u8], at: usize) -> Option<usize> {
    let run = bytes[at..].iter().take_while(|&&b| b == b'`').count();
    let mut k = at + run;
    while let Some(found) = memchr::memchr2(b'`', b'\n', &bytes[k..]) {
        let start = k + found;
        if bytes[start] == b'\n' {
            return None;
        }
        let len = bytes[start..].iter().take_while(|&&b| b == b'`').count();
        if len == run {
            return Some(start + len);
        }
        k = start + len;
    }
    None
}

/// For a simple inline link opening at `at`: where its label ends (the
/// `]`) and where its destination ends (the `)`).
fn link_at(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let mut k = at + 1;
    let label_end = loop {
        match *bytes.get(k)? {
            b']' => break k,
            b'`' => k = code_span_end(bytes, k)?,
            b'[' | b'\\' | b'<' | b'\n' | b'&' => return None,
            b'!' if bytes.get(k + 1) == Some(&b'[') => return None,
            _ => k += 1,
        }
    };
    if bytes.get(label_end + 1) != Some(&b'(') {
        return None;
    }
    let dest_start = label_end + 2;
    let dest_len = bytes[dest_start..]
        .iter()
        .position(|&b| matches!(b, b')' | b'(' | b' ' | b'\t' | b'\n' | b'\\' | b'<' | b'&'))?;
    let dest_end = dest_start + dest_len;
    (bytes[dest_end] == b')' && dest_len > 0).then_some((label_end, dest_end))
}
