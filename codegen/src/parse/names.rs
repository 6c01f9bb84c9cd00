//! The name cell of a row: the field's name, its required mark and what
//! follows the name on the same line.

use crate::inline;
use crate::ws::Trim;

/// The name and required mark from a name cell's first line:
/// `**id***`, `**id^*^**`, `**id**^*^`, `id*`, `` `id` ``.
pub fn field_name(line: &str) -> Option<(String, bool)> {
    split_name(line).map(|(name, required, _)| (name, required))
}

/// The name, its required mark and what follows the name on the same line
/// (a type written after the bold name, glued or after a space).
/// A second name after an escaped pipe (`**A*** \| **B***`) is an alias and is dropped.
pub fn split_name(line: &str) -> Option<(String, bool, &str)> {
    // `strip_prefix` in a loop is `trim_start_matches("- ")` without a
    // substring searcher prepared for each name.
    let mut line = line.trim_ws();
    while let Some(rest) = line.strip_prefix("- ") {
        line = rest;
    }
    let line = line.trim_start_ws();
    let (raw, after) = match memchr::memmem::find(line.as_bytes(), b"**") {
        Some(start) => {
            let rest = &line[start + 2..];
            let end = closing_bold(rest)?;
            (&rest[..end], &rest[end + 2..])
        }
        None => match line.find(['[', ' ']) {
            // `name [`type`](...)` without bold.
            Some(cut) if line.starts_with(|c: char| c.is_alphanumeric() || c == '_') => {
                (&line[..cut], &line[cut..])
            }
            _ => (line, ""),
        },
    };
    let mut after = after;
    let mut required = false;
    loop {
        let trimmed = after.trim_start_ws();
        if let Some(rest) = trimmed.strip_prefix("^*^") {
            required = true;
            after = rest;
        } else if let Some(rest) = trimmed.strip_prefix('*') {
            required = true;
            after = rest;
        } else if let Some(rest) = trimmed.strip_prefix(',') {
            after = rest;
        } else {
            break;
        }
    }
    // An alias name: `\| **ID***`.
    let trimmed = after.trim_start_ws();
    if let Some(rest) = trimmed
        .strip_prefix("\\|")
        .or_else(|| trimmed.strip_prefix('|'))
    {
        let rest_trimmed = rest.trim_start_ws();
        if rest_trimmed.starts_with("**") {
            after = split_name(rest_trimmed).map_or("", |(_, _, tail)| tail);
        }
    }
    // The name is cut as a slice and made a string once, by `plain`: most
    // names have no backslash to drop and nothing left to trim.
    let mut name = raw.trim_ws();
    if let Some(stripped) = name.strip_suffix("^*^") {
        name = stripped;
        required = true;
    }
    if name.ends_with('*') && !name.ends_with("\\*") {
        name = name.trim_end_matches('*');
        required = true;
    }
    let plain = inline::plain(name);
    let plain = if plain.contains('\\') {
        plain.replace('\\', "")
    } else {
        plain
    };
    let trimmed = plain.trim_ws().trim_matches('`').trim_ws();
    let name = if trimmed.len() == plain.len() {
        plain
    } else {
        trimmed.to_string()
    };
    (!name.is_empty()).then_some((name, required, after))
}

/// The index of the `**` that closes a bold run, skipping escaped characters
/// (`**UF_\***` is the name `UF_*`).
fn closing_bold(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut k = 0;
    while k + 1 < bytes.len() {
        if bytes[k] == b'\\' {
            k += 2;
            continue;
        }
        if bytes[k] == b'*' && bytes[k + 1] == b'*' {
            // `**id***`: the closing run is the last two stars of a run of three.
            let run = bytes[k..].iter().take_while(|&&b| b == b'*').count();
            return Some(if run >= 3 && k > 0 { k + run - 2 } else { k });
        }
        k += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_marks_of_every_generation() {
        assert_eq!(field_name("**id***"), Some(("id".into(), true)));
        assert_eq!(field_name("**id*** "), Some(("id".into(), true)));
        assert_eq!(
            field_name("**CONTACT_ID^*^**"),
            Some(("CONTACT_ID".into(), true))
        );
        assert_eq!(
            field_name("**CONTACT_ID**^*^"),
            Some(("CONTACT_ID".into(), true))
        );
        assert_eq!(field_name("**SORT**"), Some(("SORT".into(), false)));
        assert_eq!(field_name("`filter`"), Some(("filter".into(), false)));
        assert_eq!(
            field_name("**UF\\_CRM\\_1**"),
            Some(("UF_CRM_1".into(), false))
        );
        assert_eq!(field_name("****"), None);
    }
}
