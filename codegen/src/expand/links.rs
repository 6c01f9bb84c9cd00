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

use crate::parse::prose;

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
    /// The page the text is from, under its docs root (`Method::page`).
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
        let dest = dest.trim();
        if dest.is_empty() {
            return None;
        }
        if let Some(scheme) = prose::scheme(dest) {
            let web = ["http", "https", "mailto"]
                .iter()
                .any(|s| scheme.eq_ignore_ascii_case(s));
            return web.then(|| encoded(dest));
        }
        if dest.starts_with("//") {
            return Some(encoded(&format!("https:{dest}")));
        }
        let (path, anchor) = dest.split_once('#').unwrap_or((dest, ""));
        let path = path.split('?').next().unwrap_or(path);
        let under_root = if path.is_empty() {
            self.page?.to_string()
        } else if let Some(from_root) = path.strip_prefix('/') {
            joined("", from_root)?
        } else {
            let page = self.page?;
            joined(page.rsplit_once('/').map_or("", |(dir, _)| dir), path)?
        };
        let page = page_of(&under_root);
        if let Some(module) = self.bound.and_then(|b| b.module(&page)) {
            return Some(intra_doc(self.scope, module));
        }
        let mut url = String::with_capacity(SITE.len() + page.len() + anchor.len() + 6);
        url.push_str(SITE);
        match page.strip_suffix(".md") {
            Some(stem) => {
                url.push_str(stem);
                url.push_str(".html");
            }
            None => url.push_str(&under_root),
        }
        if !anchor.is_empty() {
            url.push('#');
            url.push_str(anchor);
        }
        Some(encoded(&url))
    }
}

/// `dir` and the relative `path` joined, `.` and `..` resolved, as a path
/// under the docs root; `None` when it climbs above the root.
fn joined(dir: &str, path: &str) -> Option<String> {
    let mut segments: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let last = path.split('/').count() - 1;
    let mut trailing_slash = false;
    for (k, segment) in path.split('/').enumerate() {
        match segment {
            "" | "." => trailing_slash = k == last,
            ".." => {
                segments.pop()?;
                trailing_slash = k == last;
            }
            other => {
                segments.push(other);
                trailing_slash = false;
            }
        }
    }
    let mut joined = segments.join("/");
    if trailing_slash && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// The page a path under the root names: `.html` read as the `.md` it is
/// published from, a folder as its `index.md`.
fn page_of(under_root: &str) -> String {
    if let Some(stem) = under_root.strip_suffix(".html") {
        format!("{stem}.md")
    } else if under_root.is_empty() || under_root.ends_with('/') {
        format!("{under_root}index.md")
    } else {
        under_root.to_string()
    }
}

/// The intra-doc destination of the module `target` from the module
/// `scope` (both from the tree's top): up by `super` to their common
/// ancestor, then down. `mod@` says a module is meant, never a function or
/// a type of the same name.
fn intra_doc(scope: &[String], target: &[String]) -> String {
    let common = scope.iter().zip(target).take_while(|(a, b)| a == b).count();
    let ups = scope.len() - common;
    let mut path = String::from("mod@");
    let mut segments: Vec<&str> = if ups == 0 {
        vec!["self"]
    } else {
        vec!["super"; ups]
    };
    segments.extend(target[common..].iter().map(String::as_str));
    path.push_str(&segments.join("::"));
    path
}

/// `url` as a link destination holds it: what would end it or read as
/// markup (spaces, parentheses, angle brackets, quotes, backslashes,
/// controls) percent-encoded.
fn encoded(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' | '(' | ')' | '<' | '>' | '"' | '\\' | '`' | '[' | ']' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c if c.is_control() => {
                let mut bytes = [0; 4];
                for b in c.encode_utf8(&mut bytes).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
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
