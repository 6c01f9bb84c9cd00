//! Whitespace trimming with the same result as `str::trim` and friends,
//! faster on the text pages are made of.
//!
//! `str::trim` decodes a char at a time from each end and asks
//! `char::is_whitespace` about it; the parser trims every line of every
//! page and most of them start with spaces of indentation, so that decoding
//! was about a twentieth of parsing. Here ASCII bytes are tested as bytes,
//! and only a byte beyond ASCII at an end goes through `str`'s own rule
//! (so Unicode spaces such as U+00A0 or U+3000 are trimmed exactly as
//! before).

/// Whether an ASCII byte is whitespace as `char::is_whitespace` says: space,
/// `\t`, `\n`, vertical tab, form feed and `\r` (`u8::is_ascii_whitespace`
/// leaves out the vertical tab, so it is not used).
#[inline]
fn is_ascii_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// `text.trim_start()`.
#[inline]
pub fn trim_start(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut k = 0;
    while k < bytes.len() && is_ascii_space(bytes[k]) {
        k += 1;
    }
    // Every byte skipped is ASCII, so `k` is a char boundary.
    let rest = &text[k..];
    match rest.as_bytes().first() {
        Some(&b) if b >= 0x80 => rest.trim_start(),
        _ => rest,
    }
}

/// `text.trim_end()`.
#[inline]
pub fn trim_end(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut k = bytes.len();
    while k > 0 && is_ascii_space(bytes[k - 1]) {
        k -= 1;
    }
    let rest = &text[..k];
    match rest.as_bytes().last() {
        Some(&b) if b >= 0x80 => rest.trim_end(),
        _ => rest,
    }
}

/// `text.trim()`.
#[inline]
pub fn trim(text: &str) -> &str {
    trim_end(trim_start(text))
}

/// The three functions above as methods, so a call reads like `str`'s own.
pub trait Trim {
    /// [`trim`].
    fn trim_ws(&self) -> &str;
    /// [`trim_start`].
    fn trim_start_ws(&self) -> &str;
    /// [`trim_end`].
    fn trim_end_ws(&self) -> &str;
}

impl Trim for str {
    #[inline]
    fn trim_ws(&self) -> &str {
        trim(self)
    }

    #[inline]
    fn trim_start_ws(&self) -> &str {
        trim_start(self)
    }

    #[inline]
    fn trim_end_ws(&self) -> &str {
        trim_end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_as_std_does() {
        let samples = [
            "",
            " ",
            "a",
            "  a b  ",
            "\t\n\u{b}\u{c}\r a \r\n",
            "\u{a0}a\u{a0}",
            " \u{3000} a \u{2003} ",
            "\u{85}x\u{85}",
            "é",
            " é ",
            "a\u{200b}",
            "\u{1c}a\u{1f}",
            "x\u{0}",
            "  ``` ",
        ];
        for s in samples {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(trim_start(s), s.trim_start(), "{s:?}");
            assert_eq!(trim_end(s), s.trim_end(), "{s:?}");
        }
        // Every char from U+0000 to U+3000 on either side.
        for c in (0u32..0x3001).filter_map(char::from_u32) {
            let s = format!("{c}a {c}");
            assert_eq!(trim(&s), s.trim(), "U+{:04X}", c as u32);
        }
    }
}
