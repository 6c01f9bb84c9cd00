//! Inline Markdown: turning cell and paragraph text into plain prose, and
//! picking out code spans and bold runs.

/// The contents of every code span in `text`, in order (backticks of any run length).
pub fn code_spans(text: &str) -> Vec<&str> {
    let mut spans = Vec::new();
    let bytes = text.as_bytes();
    let mut k = 0;
    while k < bytes.len() {
        if bytes[k] == b'\\' {
            k += 2;
            continue;
        }
        if bytes[k] == b'`' {
            let run = bytes[k..].iter().take_while(|&&c| c == b'`').count();
            let closer = &text[k..k + run];
            if let Some(end) = text[k + run..].find(closer) {
                spans.push(&text[k + run..k + run + end]);
                k += run + end + run;
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
    let start = text.find("**")?;
    let rest = &text[start + 2..];
    let end = rest.find("**")?;
    Some(&rest[..end])
}

/// Markdown/HTML inline markup removed: links keep their text, code keeps its
/// content, emphasis and `^*^` marks vanish, `<br>` becomes a line break.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        // Runs of ordinary text are copied whole; every byte the match below
        // treats specially is ASCII, so the cut is always a char boundary.
        let run = rest
            .bytes()
            .position(|b| {
                matches!(
                    b,
                    b'\\' | b'`' | b'*' | b'_' | b'^' | b'!' | b'[' | b'<' | b'{'
                )
            })
            .unwrap_or(rest.len());
        out.push_str(&rest[..run]);
        rest = &rest[run..];
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
                        rest = &rest[1 + n.len_utf8()..];
                    }
                    _ => {
                        out.push('\\');
                        rest = &rest[1..];
                    }
                }
            }
            '`' => {
                let run = rest.bytes().take_while(|&b| b == b'`').count();
                let closer = &rest[..run];
                if let Some(end) = rest[run..].find(closer) {
                    out.push_str(rest[run..run + end].trim());
                    rest = &rest[run + end + run..];
                } else {
                    rest = &rest[run..];
                }
            }
            '*' | '_' if rest.starts_with("**") || rest.starts_with("__") => rest = &rest[2..],
            '^' if rest.starts_with("^*^") => rest = &rest[3..],
            '!' if rest.starts_with("![") => {
                // Images say nothing a type or a doc comment can use.
                match link_end(&rest[1..]) {
                    Some((_, used)) => rest = &rest[1 + used..],
                    None => {
                        out.push('!');
                        rest = &rest[1..];
                    }
                }
            }
            '[' => match link_end(rest) {
                Some((label, used)) => {
                    out.push_str(&plain(label));
                    rest = &rest[used..];
                }
                None => {
                    out.push('[');
                    rest = &rest[1..];
                }
            },
            '<' => {
                if let Some(end) = rest.find('>') {
                    let tag = rest[1..end].trim().to_ascii_lowercase();
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
                        rest = &rest[end + 1..];
                        continue;
                    }
                }
                out.push('<');
                rest = &rest[1..];
            }
            '{' if rest.starts_with("{#T}") => rest = &rest[4..],
            _ => {
                out.push(c);
                rest = &rest[len..];
            }
        }
    }
    out
}

/// For `[label](target)` at the start of `text`: the label and the bytes used.
fn link_end(text: &str) -> Option<(&str, usize)> {
    let mut depth = 0usize;
    let mut close = None;
    for (i, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            '\n' => return None,
            _ => {}
        }
    }
    let close = close?;
    let after = &text[close + 1..];
    if !after.starts_with('(') {
        return None;
    }
    let end = after.find(')')?;
    Some((&text[1..close], close + 1 + end + 1))
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

/// Whether [`collapse`] would give `text` back unchanged.
fn is_collapsed(text: &str) -> bool {
    let mut after_space = true;
    for (at, &b) in text.as_bytes().iter().enumerate() {
        if b == b' ' {
            if after_space {
                return false;
            }
            after_space = true;
        } else if b.is_ascii() {
            if b.is_ascii_whitespace() || b == 0x0b {
                return false;
            }
            after_space = false;
        } else if b >= 0xc0 {
            // The first byte of a character beyond ASCII: some are spaces.
            if text[at..].chars().next().is_some_and(char::is_whitespace) {
                return false;
            }
            after_space = false;
        }
    }
    !after_space || text.is_empty()
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
