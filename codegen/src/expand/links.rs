//! Where the links of a page's Markdown lead in rustdoc.
//!
//! A link to a page bound in the same expansion (a `bitrix_api!` tree) is
//! an intra-doc link to that page's module (`mod@super::list`); any other
//! page of the docs (a method not bound, a dictionary, a guide) is linked
//! on the public documentation site, anchor and all; links to the web are
//! kept. A link that cannot lead anywhere (a relative path with no page to
//! resolve it from, or one above the docs root, a `javascript:` URL) is
//! dropped and its label kept: no relative link is left dangling.

use std::collections::HashMap;

use crate::parse::origin;

/// The public documentation site. A page `api-reference/crm/x.md` of the
/// docs repository is published at `SITE` + `api-reference/crm/x.html`: the
/// pages' own absolute links (`/api-reference/data-types.html`) are of
/// that form, and the repository's README names the site.
pub const SITE: &str = "https://apidocs.bitrix24.com/";

/// The pages one expansion binds, each with its module.
#[derive(Debug, Clone, Default)]
pub struct BoundPages {
    /// Page path under the docs root → module path from the tree's top.
    pages: HashMap<String, Vec<String>>,
}

impl BoundPages {
    /// An empty set.
    pub fn new() -> BoundPages {
        BoundPages::default()
    }

    /// Records that `page` (a path under the docs root) is bound in `module`.
    pub fn insert(&mut self, page: &str, module: Vec<String>) {
        self.pages.insert(page.to_string(), module);
    }

    /// The module of `page`, when it is bound.
    pub fn module(&self, page: &str) -> Option<&[String]> {
        self.pages.get(page).map(Vec::as_slice)
    }
}

/// What a doc's links are resolved against.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocLinks<'a> {
    /// The page the text is from, under its docs root (`Method::page`,
    /// which a URL holds as it is).
    pub page: Option<&'a str>,
    /// The pages bound in the same tree, when the text's page is bound in one.
    pub bound: Option<&'a BoundPages>,
    /// The module, from the tree's top, that intra-doc links resolve in: a
    /// module's own items resolve in the module, its doc in its parent.
    pub scope: &'a [String],
}

impl<'a> DocLinks<'a> {
    /// Links of a text of `page` with no tree around it (`bitrix_method!`).
    pub fn page(page: Option<&'a str>) -> DocLinks<'a> {
        DocLinks {
            page,
            bound: None,
            scope: &[],
        }
    }

    /// The same links, resolved in the module `scope`.
    pub fn in_scope(self, scope: &'a [String]) -> DocLinks<'a> {
        DocLinks { scope, ..self }
    }

    /// Where a link to `dest` leads: an intra-doc path or an absolute URL,
    /// written as a link destination may hold it; `None` when it leads
    /// nowhere rustdoc can follow.
    pub fn resolve(&self, dest: &str) -> Option<String> {
        let mut out = String::new();
        self.write(dest, &mut out).then_some(out)
    }

    /// [`DocLinks::resolve`], appended to `out`; `false`, with `out` as it
    /// was, when the link leads nowhere.
    pub fn write(&self, dest: &str, out: &mut String) -> bool {
        let start = out.len();
        let dest = dest.trim();
        let written = self.write_unencoded(dest, out);
        if !written {
            out.truncate(start);
        } else if dest.bytes().any(|b| origin::NOT_URL[usize::from(b)]) {
            // The site and the page's path (`Method::page`) need no encoding.
            let url = out.split_off(start);
            encode_into(&url, out);
        }
        written
    }

    fn write_unencoded(&self, dest: &str, out: &mut String) -> bool {
        if dest.is_empty() {
            return false;
        }
        if let Some(scheme) = origin::scheme(dest) {
            let web = ["http", "https", "mailto"]
                .iter()
                .any(|s| scheme.eq_ignore_ascii_case(s));
            if web {
                out.push_str(dest);
            }
            return web;
        }
        if dest.starts_with("//") {
            out.push_str("https:");
            out.push_str(dest);
            return true;
        }
        let bytes = dest.as_bytes();
        let (path, anchor) = match memchr::memchr2(b'#', b'?', bytes) {
            None => (dest, ""),
            Some(k) => {
                let anchor = memchr::memchr(b'#', &bytes[k..]).map_or("", |a| &dest[k + a + 1..]);
                (&dest[..k], anchor)
            }
        };
        // The site's URL, built in place: the path under the root first.
        out.reserve(SITE.len() + self.page.map_or(0, str::len) + dest.len() + 8);
        out.push_str(SITE);
        let root = out.len();
        match (path.strip_prefix('/'), self.page) {
            (Some(from_root), _) => {
                if !push_path(out, root, from_root) {
                    return false;
                }
            }
            (None, None) => return false,
            (None, Some(page)) if path.is_empty() => out.push_str(page),
            (None, Some(page)) => {
                let dir = memchr::memrchr(b'/', page.as_bytes()).map_or("", |k| &page[..k]);
                out.push_str(dir);
                if !push_path(out, root, path) {
                    return false;
                }
            }
        }
        if out.len() == root || out.ends_with('/') {
            out.push_str("index.md");
        } else if out.ends_with(".html") {
            out.truncate(out.len() - ".html".len());
            out.push_str(".md");
        }
        if let Some(module) = self.bound.and_then(|b| b.module(&out[root..])) {
            out.truncate(root - SITE.len());
            intra_doc(self.scope, module, out);
            return true;
        }
        if out.ends_with(".md") {
            out.truncate(out.len() - ".md".len());
            out.push_str(".html");
        }
        if !anchor.is_empty() {
            out.push('#');
            out.push_str(anchor);
        }
        true
    }
}

/// Appends the relative `path` to `url`, whose part after `root` is a
/// folder under the docs root: `.` and `..` resolved, `/` between
/// segments. `false` when it climbs above the root.
fn push_path(url: &mut String, root: usize, path: &str) -> bool {
    let mut rest = path;
    loop {
        let (segment, more) = match memchr::memchr(b'/', rest.as_bytes()) {
            Some(k) => (&rest[..k], Some(&rest[k + 1..])),
            None => (rest, None),
        };
        match segment {
            "" | "." => {}
            ".." => {
                if url.len() == root {
                    return false;
                }
                let parent =
                    memchr::memrchr(b'/', &url.as_bytes()[root..]).map_or(root, |k| root + k);
                url.truncate(parent);
            }
            name => {
                if url.len() > root {
                    url.push('/');
                }
                url.push_str(name);
            }
        }
        match more {
            Some(more) => rest = more,
            None => break,
        }
    }
    if path.ends_with('/') && url.len() > root {
        url.push('/');
    }
    true
}

/// Appends the intra-doc destination of the module `target` from the
/// module `scope` (both from the tree's top): up by `super` to their
/// common ancestor, then down. `mod@` says a module is meant, never a
/// function or a type of the same name.
fn intra_doc(scope: &[String], target: &[String], out: &mut String) {
    let common = scope.iter().zip(target).take_while(|(a, b)| a == b).count();
    out.push_str("mod@");
    let ups = scope.len() - common;
    if ups == 0 {
        out.push_str("self");
    }
    for k in 0..ups {
        out.push_str(if k == 0 { "super" } else { "::super" });
    }
    for segment in &target[common..] {
        out.push_str("::");
        out.push_str(segment);
    }
}

/// Appends `url` with the bytes of [`origin::NOT_URL`] percent-encoded.
fn encode_into(url: &str, out: &mut String) {
    for c in url.chars() {
        match u8::try_from(c) {
            Ok(b) if origin::NOT_URL[usize::from(b)] => out.push_str(&format!("%{b:02X}")),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(segments: &[&str]) -> Vec<String> {
        segments.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn pages_not_bound_are_linked_on_the_site() {
        let links = DocLinks::page(Some("api-reference/crm/leads/crm-lead-add.md"));
        let site = |dest: &str| links.resolve(dest);
        assert_eq!(
            site("./crm-lead-list.md").as_deref(),
            Some("https://apidocs.bitrix24.com/api-reference/crm/leads/crm-lead-list.html")
        );
        assert_eq!(
            site("../../data-types.md#crm_status").as_deref(),
            Some("https://apidocs.bitrix24.com/api-reference/data-types.html#crm_status")
        );
        assert_eq!(
            site("#fields").as_deref(),
            Some("https://apidocs.bitrix24.com/api-reference/crm/leads/crm-lead-add.html#fields")
        );
        assert_eq!(
            site("/api-reference/data-types.html").as_deref(),
            Some("https://apidocs.bitrix24.com/api-reference/data-types.html")
        );
        assert_eq!(
            site("_images/a b.png").as_deref(),
            Some("https://apidocs.bitrix24.com/api-reference/crm/leads/_images/a%20b.png")
        );
        assert_eq!(
            site("https://example.com/a_(b)").as_deref(),
            Some("https://example.com/a_%28b%29")
        );
        assert_eq!(site("../../../../../x.md"), None);
        assert_eq!(site("javascript:alert(1)"), None);
        assert_eq!(site(" "), None);
        assert_eq!(DocLinks::default().resolve("x.md"), None);
        assert_eq!(
            DocLinks::default().resolve("mailto:a@b.c").as_deref(),
            Some("mailto:a@b.c")
        );
    }

    #[test]
    fn bound_pages_are_intra_doc_links_to_their_modules() {
        let mut bound = BoundPages::new();
        bound.insert("api/crm/lead/list.md", path(&["crm", "lead", "list"]));
        bound.insert("api/crm/lead/add.md", path(&["crm", "lead", "add"]));
        bound.insert("api/crm/deal/index.md", path(&["crm", "deal"]));
        let items = path(&["crm", "lead", "add"]);
        let links = DocLinks {
            page: Some("api/crm/lead/add.md"),
            bound: Some(&bound),
            scope: &items,
        };
        assert_eq!(
            links.resolve("list.md#x").as_deref(),
            Some("mod@super::list")
        );
        assert_eq!(links.resolve("add.md").as_deref(), Some("mod@self"));
        assert_eq!(
            links.resolve("/api/crm/deal/").as_deref(),
            Some("mod@super::super::deal")
        );
        let module_doc = links.in_scope(&items[..2]);
        assert_eq!(
            module_doc.resolve("list.md").as_deref(),
            Some("mod@self::list")
        );
        let top = links.in_scope(&[]);
        assert_eq!(
            top.resolve("../deal/index.html").as_deref(),
            Some("mod@self::crm::deal")
        );
    }
}
