//! Where a page's Markdown points from: the page's path under its docs
//! root (what the docs' links resolve against and where the site shows
//! the page), and the folder of a text read from another file than the
//! page (an include, a linked dictionary), whose relative links are
//! rebased onto the page's folder ([`rebase`]), so that every link of a
//! page's Markdown is relative to the page.

use std::path::Path;

use crate::source::Source;

/// Whether a link destination names a place of its own (`https:`,
/// `mailto:`), the site's root (`/api-reference/...`) or this page
/// (`#anchor`), rather than a path relative to the file it is written in.
pub fn is_absolute(dest: &str) -> bool {
    dest.starts_with(['/', '#']) || scheme(dest).is_some()
}

/// The scheme of a URL (`https` of `https://...`), when `dest` has one: a
/// letter and then letters, digits, `+`, `-` or `.` up to a `:`.
pub fn scheme(dest: &str) -> Option<&str> {
    let bytes = dest.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    // Most destinations are paths: the first byte no scheme has ends the look.
    let colon = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))?;
    (bytes[colon] == b':').then_some(&dest[..colon])
}

/// `markdown` with `offset` (a folder relative to the page's, ending in
/// `/`) put before every relative link destination: for text read from a
/// file in another folder than the page's. One pass, each `](` looked at once.
pub fn rebase(markdown: &str, offset: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + offset.len() * 2);
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = markdown[from..].find("](") {
        let dest_at = from + found + 2;
        let rest = &markdown[dest_at..];
        let (dest_at, dest) = match rest.strip_prefix('<') {
            Some(inner) => (dest_at + 1, &inner[..inner.find('>').unwrap_or(0)]),
            None => {
                let trimmed = rest.trim_start_matches([' ', '\t']);
                let at = dest_at + (rest.len() - trimmed.len());
                let end = trimmed
                    .find(|c: char| c.is_whitespace() || "()[]<>".contains(c))
                    .unwrap_or(trimmed.len());
                (at, &trimmed[..end])
            }
        };
        if !dest.is_empty() && !is_absolute(dest) {
            out.push_str(&markdown[copied..dest_at]);
            out.push_str(offset);
            copied = dest_at;
        }
        from = dest_at + dest.len();
    }
    out.push_str(&markdown[copied..]);
    out
}

/// The folder of `file` relative to the folder of `page` (`../` ups, then
/// the file's own folders, ending in `/`); `None` when it is the same
/// folder, or when the paths cannot be related (one leaves the other's
/// root by more `..` than it has folders).
pub fn offset(page: &Path, file: &Path) -> Option<String> {
    let page = crate::source::normalize(page.parent()?);
    let file = crate::source::normalize(file.parent()?);
    if page == file {
        return None;
    }
    let (page, file): (Vec<_>, Vec<_>) = (page.components().collect(), file.components().collect());
    let common = page.iter().zip(&file).take_while(|(a, b)| a == b).count();
    let mut out = String::new();
    for component in &page[common..] {
        if !matches!(component, std::path::Component::Normal(_)) {
            return None;
        }
        out.push_str("../");
    }
    for component in &file[common..] {
        match component {
            std::path::Component::Normal(name) => {
                out.push_str(name.to_str()?);
                out.push('/');
            }
            std::path::Component::ParentDir => out.push_str("../"),
            _ => return None,
        }
    }
    Some(out)
}

/// The folder offset ([`offset`]) of the file of `source` that `text` (a
/// slice of one of its texts) was read from: `None` for the page's own
/// folder, a text of another source, or one that cannot be placed.
pub fn offset_in(source: &Source, text: &str) -> Option<String> {
    let at = text.as_ptr() as usize;
    let file = source.texts.iter().position(|t| {
        let start = t.as_ptr() as usize;
        (start..=start + t.len()).contains(&at)
    })?;
    if file == 0 {
        return None;
    }
    offset(source.files.first()?, source.files.get(file)?)
}

/// The page's path under its docs root, `/`-separated
/// (`api-reference/crm/leads/crm-lead-add.md`). A page read from disk has
/// its docs root; one built in memory is placed from its `api-reference`
/// folder on, and not at all without one.
pub fn page_path(source: &Source) -> Option<String> {
    if let (Some(root), Some(real)) = (&source.root, source.real.first()) {
        if let Ok(under) = real.strip_prefix(&root.path) {
            return Some(url_path(
                &under.to_str()?.replace(std::path::MAIN_SEPARATOR, "/"),
            ));
        }
    }
    let page = source.files.first()?;
    // Normalized only when it has `.` or `..` segments to resolve.
    let text = page.to_str()?;
    let bytes = text.as_bytes();
    let dotted = memchr::memchr_iter(b'.', bytes).any(|k| k == 0 || bytes[k - 1] == b'/');
    let normal;
    let text = if dotted {
        normal = crate::source::normalize(page);
        normal.to_str()?
    } else {
        text
    };
    let slashed;
    let text = if std::path::MAIN_SEPARATOR == '/' {
        text
    } else {
        slashed = text.replace(std::path::MAIN_SEPARATOR, "/");
        &slashed
    };
    let at = match text.strip_prefix("api-reference/") {
        Some(_) => 0,
        None => {
            memchr::memrchr_iter(b'/', text.as_bytes())
                .find(|&k| text[k..].starts_with("/api-reference/"))?
                + 1
        }
    };
    Some(url_path(&text[at..]))
}

/// Bytes a URL's path may not hold as they are in a link destination:
/// spaces, parentheses, brackets, quotes, backslashes, controls.
pub(crate) static NOT_URL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b <= 0x20 {
        table[b] = true;
        b += 1;
    }
    table[0x7f] = true;
    let special = b"()<>\"\\`[]";
    let mut k = 0;
    while k < special.len() {
        table[special[k] as usize] = true;
        k += 1;
    }
    table
};

/// A path as a URL holds it: the bytes a link destination may not hold
/// (spaces, parentheses, brackets, quotes, controls) percent-encoded, so
/// that the docs can put it in a link as it is.
fn url_path(path: &str) -> String {
    let bad = |b: u8| NOT_URL[usize::from(b)];
    if !path.bytes().any(bad) {
        return path.to_string();
    }
    let mut out = String::with_capacity(path.len() + 8);
    for c in path.chars() {
        match u8::try_from(c) {
            Ok(b) if bad(b) => out.push_str(&format!("%{b:02X}")),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_destinations_are_rebased() {
        assert_eq!(
            rebase(
                "[a](x.md) [b](https://e.com/x) [c](/api/x.html) [d](#top) [e]( ../y.md#z ) [f](<s p.md>)",
                "../dir/"
            ),
            "[a](../dir/x.md) [b](https://e.com/x) [c](/api/x.html) [d](#top) [e]( ../dir/../y.md#z ) [f](<../dir/s p.md>)"
        );
        assert_eq!(rebase("]( ](](", "x/"), "]( ](](");
        assert_eq!(rebase("[a](", "x/"), "[a](");
    }

    #[test]
    fn offsets_relate_two_folders() {
        let page = Path::new("docs/api-reference/crm/leads/crm-lead-add.md");
        assert_eq!(
            offset(page, Path::new("docs/api-reference/crm/leads/x.md")),
            None
        );
        assert_eq!(
            offset(page, Path::new("docs/api-reference/crm/./data-types.md")).as_deref(),
            Some("../")
        );
        assert_eq!(
            offset(page, Path::new("docs/_includes/x.md")).as_deref(),
            Some("../../../_includes/")
        );
        assert_eq!(offset(Path::new("../a/p.md"), Path::new("b/x.md")), None);
        assert_eq!(scheme("mailto:x"), Some("mailto"));
        assert_eq!(scheme("a/b:c"), None);
        assert!(is_absolute("javascript:x") && !is_absolute("x.md#a:b"));
    }

    #[test]
    fn pages_in_memory_are_placed_from_api_reference_on() {
        let source = Source::from_text("/docs/api-reference/crm/x.md", "# T", |_| None);
        assert_eq!(
            page_path(&source).as_deref(),
            Some("api-reference/crm/x.md")
        );
        let source = Source::from_text("api-reference/../api-reference/x.md", "", |_| None);
        assert_eq!(page_path(&source).as_deref(), Some("api-reference/x.md"));
        let source = Source::from_text("page.md", "# T", |_| None);
        assert_eq!(page_path(&source), None);
        let source = Source::from_text("api-reference/a (b).md", "# T", |_| None);
        assert_eq!(
            page_path(&source).as_deref(),
            Some("api-reference/a%20%28b%29.md")
        );
    }
}
