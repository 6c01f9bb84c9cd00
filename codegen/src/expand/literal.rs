//! String literals for docs outside a proc macro: text escaped as
//! `Literal::string` would, by runs of plain bytes rather than char by
//! char, and docs written straight into their escaped form ([`DocOut`]).

use proc_macro2::Literal;

/// A string literal for a doc attribute, the same token `Literal::string`
/// makes. Outside a proc macro, `Literal::string` escapes char by char through
/// `char::escape_debug`, a fifth of generating a module; here runs of plain
/// ASCII are copied whole and the literal is read back from its text.
pub fn literal(text: &str) -> Literal {
    if proc_macro::is_available() {
        // The compiler's own constructor: no cheaper route through it.
        return Literal::string(text);
    }
    let mut repr = Escaped::with_capacity(text.len() + 8);
    repr.push(text, false);
    repr.literal().unwrap_or_else(|| Literal::string(text))
}

/// Appends `text` to `repr` escaped as `Literal::string` escapes it, and
/// with `indent` its lines prefixed by a space as [`indent_into`] does
/// (but for the first line's, which the caller writes); returns whether it
/// ended in a NUL written `\0`.
///
/// Doc text is plain ASCII but for a few newlines and quotes (under 3% of
/// the corpus's literal bytes): the scan is by byte and the common escapes
/// are written directly; only non-ASCII chars go through `escape_debug`,
/// which keeps printable ones as they are.
fn escape_into(text: &str, indent: bool, repr: &mut String) -> bool {
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    let mut at = 0;
    // Where `repr` ended after the last NUL written `\0`.
    let mut nul_end = None;
    while let Some(skip) = first_not_plain(&bytes[at..]) {
        at += skip;
        let escape = match bytes[at] {
            // A final `\n` ends the last line; others start one.
            b'\n' if indent && at + 1 == bytes.len() => "",
            b'\n' if indent => "\\n ",
            b'\n' => "\\n",
            // `\r\n` ends a line as `\n` does.
            b'\r' if indent && bytes.get(at + 1) == Some(&b'\n') => "",
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\t' => "\\t",
            b'\r' => "\\r",
            _ => {
                let Some(ch) = text[at..].chars().next() else {
                    break;
                };
                let next = at + ch.len_utf8();
                if plainly_printable(ch) {
                    at = next;
                    continue;
                }
                let escaped = ch.escape_debug();
                if !ch.is_ascii() && escaped.len() == 1 {
                    at = next;
                    continue;
                }
                repr.push_str(&text[plain_from..at]);
                match ch {
                    // What proc_macro2 writes, so the token is the same.
                    '\0' if text[next..].starts_with(|c: char| c.is_digit(8)) => {
                        repr.push_str("\\x00")
                    }
                    '\0' => {
                        repr.push_str("\\0");
                        nul_end = Some(repr.len());
                    }
                    _ => repr.extend(escaped),
                }
                at = next;
                plain_from = at;
                continue;
            }
        };
        repr.push_str(&text[plain_from..at]);
        repr.push_str(escape);
        at += 1;
        plain_from = at;
    }
    repr.push_str(&text[plain_from..]);
    nul_end == Some(repr.len())
}

/// Where a doc is written: its text as it is, or escaped as a literal's.
pub(super) trait DocOut {
    /// Appends `text`.
    fn push(&mut self, text: &str);
    /// Appends `text`, which has nothing to escape but newlines, given
    /// as it is and as escaped (a fixed piece of a doc, not scanned). It
    /// does not start with a digit (see [`Escaped::nul_last`]).
    fn push_fixed(&mut self, text: &'static str, escaped: &'static str);
    /// Appends `text` with each line prefixed by a space ([`indent_into`]).
    fn push_indented(&mut self, text: &str);
}

impl DocOut for String {
    fn push(&mut self, text: &str) {
        self.push_str(text);
    }

    fn push_fixed(&mut self, text: &'static str, _: &'static str) {
        self.push_str(text);
    }

    fn push_indented(&mut self, text: &str) {
        indent_into(text, self);
    }
}

/// The text of a string literal, escaped as it is written: a doc made of
/// pieces becomes its literal with no unescaped copy of it made first
/// (outside a proc macro, where [`literal`] reads the text back).
pub(super) struct Escaped {
    /// `"` and the escaped text so far.
    repr: String,
    /// Whether `repr` ends in a NUL written `\0`: `Literal::string` writes
    /// `\x00` for one before an octal digit, which the next piece may start with.
    nul_last: bool,
}

impl Escaped {
    pub(super) fn with_capacity(capacity: usize) -> Escaped {
        let mut repr = String::with_capacity(capacity + 2);
        repr.push('"');
        Escaped {
            repr,
            nul_last: false,
        }
    }

    fn push(&mut self, text: &str, indent: bool) {
        if text.is_empty() {
            return;
        }
        if self.nul_last && text.starts_with(|c: char| c.is_digit(8)) {
            self.repr.truncate(self.repr.len() - "\\0".len());
            self.repr.push_str("\\x00");
        }
        self.nul_last = escape_into(text, indent, &mut self.repr);
    }

    /// The literal; `None` if proc_macro2 does not read it back as one.
    pub(super) fn literal(mut self) -> Option<Literal> {
        self.repr.push('"');
        // proc_macro2 validates the text again, now the larger part of
        // making a literal; its public API has no constructor that takes
        // it as it is.
        self.repr.parse().ok()
    }
}

impl DocOut for Escaped {
    fn push(&mut self, text: &str) {
        Escaped::push(self, text, false);
    }

    fn push_fixed(&mut self, _: &'static str, escaped: &'static str) {
        self.repr.push_str(escaped);
        self.nul_last = false;
    }

    fn push_indented(&mut self, text: &str) {
        if !text.is_empty() {
            self.push_fixed(" ", " ");
            Escaped::push(self, text, true);
        }
    }
}

/// The index of the first [`NOT_PLAIN`] byte of `bytes`, eight bytes at a
/// time: runs of plain text between escapes are long (a line of a doc),
/// and looking them up byte by byte was half of this function.
fn first_not_plain(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut offset = 0;
    while let Some(word) = bytes[offset..].first_chunk::<8>() {
        let x = u64::from_le_bytes(*word);
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        // The top bit of a byte is set where it is below 0x20, 0x7f or above,
        // `"` or `\`: the classic SWAR tests. A borrow or carry can mark a
        // byte after one that holds, never before, so the lowest mark is
        // the first such byte (little-endian: the lowest address).
        let found = ((x.wrapping_sub(ONES * 0x20) & !x)
            | x.wrapping_add(ONES)
            | x
            | (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash))
            & HIGH;
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    bytes[offset..]
        .iter()
        .position(|&b| NOT_PLAIN[usize::from(b)])
        .map(|skip| offset + skip)
}

/// Bytes a string literal may not hold as they are: controls, `"`, `\`,
/// DEL, and every byte of a non-ASCII char (which may need an escape).
static NOT_PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b < 0x20 || b >= 0x7f || b == b'"' as usize || b == b'\\' as usize;
        b += 1;
    }
    table
};

/// Non-ASCII chars `escape_debug` is known to keep as they are, told
/// without its Unicode tables (which cost some 2,000 instructions for an
/// em dash, the commonest non-ASCII char of the corpus): Latin, Cyrillic,
/// punctuation, arrows and math signs. A test checks every char of them;
/// any other char takes the general route.
fn plainly_printable(ch: char) -> bool {
    matches!(
        ch,
        '\u{a1}'..='\u{ac}'
            | '\u{ae}'..='\u{2ff}'
            | '\u{400}'..='\u{482}'
            | '\u{48a}'..='\u{52f}'
            | '\u{2010}'..='\u{2027}'
            | '\u{2030}'..='\u{205e}'
            | '\u{20a0}'..='\u{20c0}'
            | '\u{2100}'..='\u{218b}'
            | '\u{2190}'..='\u{23ff}'
    )
}

/// The literal of the doc `write` writes, of about `capacity` bytes:
/// outside a proc macro escaped as it is written, with no copy of the
/// text made to be escaped; inside one, `Literal::string` of the text.
pub(super) fn doc_literal(capacity: usize, write: impl Fn(&mut dyn DocOut)) -> Literal {
    if !proc_macro::is_available() {
        let mut repr = Escaped::with_capacity(capacity + capacity / 8 + 8);
        write(&mut repr);
        if let Some(literal) = repr.literal() {
            return literal;
        }
    }
    let mut text = String::with_capacity(capacity);
    write(&mut text);
    Literal::string(&text)
}

/// Appends `text` to `out` with each line prefixed by a space, as `///`
/// comments have. The lines are those of `str::lines` (a final
/// `\n` ends the last line, `\r\n` counts as `\n`), found with `memchr`:
/// every field's description passes here, and `lines` looks for each `\n`
/// with a slower, general char search.
fn indent_into(text: &str, out: &mut String) {
    let mut rest = text;
    let mut first = true;
    while !rest.is_empty() {
        let line = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(end) => {
                let line = &rest[..end];
                rest = &rest[end + 1..];
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => std::mem::take(&mut rest),
        };
        if !first {
            out.push('\n');
        }
        first = false;
        out.push(' ');
        out.push_str(line);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn indented_lines_are_those_of_str_lines() {
        for text in [
            "",
            "\n",
            "\n\n",
            "one",
            "one\n",
            "one\ntwo",
            "one\r\ntwo\r\n",
            "one\r",
            "a\rb\n\r\n",
            "\r\n",
            "\r",
            " lead\n\ntrail \n",
        ] {
            let expected: Vec<String> = text.lines().map(|l| format!(" {l}")).collect();
            let mut indented = String::new();
            super::indent_into(text, &mut indented);
            assert_eq!(indented, expected.join("\n"), "{text:?}");
        }
    }

    #[test]
    fn not_plain_bytes_are_found_first_at_any_offset() {
        let by_table = |bytes: &[u8]| bytes.iter().position(|&b| super::NOT_PLAIN[usize::from(b)]);
        let plain: Vec<u8> = (0..=255_u8)
            .filter(|&b| !super::NOT_PLAIN[usize::from(b)])
            .collect();
        for special in (0..=255_u8).filter(|&b| super::NOT_PLAIN[usize::from(b)]) {
            for len in 0..20 {
                for at in 0..len {
                    // Plain bytes of every kind before it.
                    let mut bytes: Vec<u8> = (0..len)
                        .map(|i| plain[(i * 7 + usize::from(special)) % plain.len()])
                        .collect();
                    bytes[at] = special;
                    // And special bytes after it, which may carry or borrow.
                    for later in (at + 1..len).step_by(3) {
                        bytes[later] = 0xff - later as u8;
                    }
                    assert_eq!(
                        super::first_not_plain(&bytes),
                        by_table(&bytes),
                        "{bytes:?}"
                    );
                }
            }
        }
        for &b in &plain {
            assert_eq!(super::first_not_plain(&[b; 17]), None, "{b}");
        }
    }

    #[test]
    fn plainly_printable_chars_are_kept_by_escape_debug() {
        for ch in (0..=0x2fff_u32).filter_map(char::from_u32) {
            if super::plainly_printable(ch) {
                assert!(!ch.is_ascii(), "{ch:?}");
                assert_eq!(ch.escape_debug().to_string(), ch.to_string(), "{ch:?}");
            }
        }
    }

    #[test]
    fn doc_literals_of_pieces_are_those_of_their_text() {
        for pieces in [
            &["", "a"][..],
            &["nul\0", "7"],
            &["nul\0", "", "8"],
            &["nul\0", "x", "7"],
            &["\\", "0"],
            &["quote\"", "\n", "—"],
        ] {
            let literal = super::doc_literal(8, |doc| pieces.iter().for_each(|p| doc.push(p)));
            assert_eq!(
                literal.to_string(),
                proc_macro2::Literal::string(&pieces.concat()).to_string(),
                "{pieces:?}"
            );
        }
    }

    #[test]
    fn doc_literals_are_the_tokens_literal_string_makes() {
        for text in [
            "",
            " plain `code` — dash",
            "quote \" backslash \\ apostrophe ' tab\t\r\nnew line",
            "nul\0 and nul\x007 \u{7f} \u{301}combining \u{200b}",
            "\u{301}\u{1}\u{1b}[0m Привет 😀 «ü»\u{a0}\u{ad}\u{2028}\u{feff}",
            "dash — quotes “‘’” arrow → times × euro € numero № ± ellipsis …",
            "ends with an escape\\",
        ] {
            assert_eq!(
                super::literal(text).to_string(),
                proc_macro2::Literal::string(text).to_string(),
                "{text:?}"
            );
        }
    }
}
