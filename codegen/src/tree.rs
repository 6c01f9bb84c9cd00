//! One module tree for every method page under a directory, named by the
//! method path: `crm.lead.contact.items.set` becomes
//! `crm::lead::contact::items::set`.
//!
//! A segment can be both a method and a prefix of other methods (`im.chat.get`
//! and `im.chat.get.list`). Its module then holds both: the method's items
//! (`Params`, `Output`, `Error`, nested types, `METHOD`, `call`) and the child
//! modules. They never collide, because child modules are snake_case while the
//! method's types are UpperCamelCase and its `call`/`METHOD` live in the value
//! namespace. When two pages bind the same method path, the first page in path
//! order wins and the other is listed as skipped in the doc of the top modules.
//!
//! Event pages under the directory (those the method parser says document an
//! event) are bound too, all in one top-level `events` module (`events_2`
//! if a method tree is named `events`): a module per event named by the
//! event (`onCrmLeadAdd` → `events::on_crm_lead_add`, with `EVENT`, `Data`
//! and `Payload`), in name order, and `events::Event`, an enum with a variant
//! per event (`Event::CrmLeadAdd(on_crm_lead_add::Payload)`: the code the
//! portal sends, in the words of the page's name, without `on`) and `Other`
//! for codes not bound, which implements
//! `bitrix24::events::EventSet`. Two pages of one event code (compared
//! without regard to case) or one module name: the first in path order wins.
//! Event pages that fail are listed with the method pages that do.
//!
//! A [`Select`] binds part of a directory: methods whose name matches one of
//! its globs, events whose code does ([`crate::glob`]: `*` any run of
//! characters, dots included; `?` one character; ASCII case ignored). A list
//! left out binds all of its kind; an empty list binds none. A glob that
//! matches nothing is reported in [`ApiTree::unmatched`], so the macro can
//! put the error on it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::expand::event::{self as event_expand, Variant};
use crate::expand::links::{BoundPages, DocLinks};
use crate::model::{Event, Method};
use crate::naming;
use crate::PageError;

/// The bindings of a directory of pages.
#[derive(Debug, Clone)]
pub struct ApiTree {
    /// The module tree as tokens (top-level `pub mod`s).
    pub tokens: TokenStream,
    /// Every file read: pages, included files, in a stable order, no duplicates.
    pub files: Vec<PathBuf>,
    /// Method and event pages that were left out, each with the reason
    /// (`path:line:col: ...`).
    pub skipped: Vec<String>,
    /// How many methods are bound.
    pub methods: usize,
    /// How many events are bound (in the `events` module).
    pub events: usize,
    /// Globs of the [`Select`] that matched no page, each with its message.
    pub unmatched: Vec<Unmatched>,
}

/// Which methods and events of a directory to bind (see the module doc).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Select {
    /// Globs on method names (`crm.lead.*`); `None`: every method.
    pub methods: Option<Vec<String>>,
    /// Globs on event codes (`onCrmLead*`); `None`: every event.
    pub events: Option<Vec<String>>,
}

impl Select {
    /// Whether the method `name` is bound.
    pub fn method(&self, name: &str) -> bool {
        Self::any(&self.methods, name)
    }

    /// Whether the event `code` is bound.
    pub fn event(&self, code: &str) -> bool {
        Self::any(&self.events, code)
    }

    fn any(globs: &Option<Vec<String>>, name: &str) -> bool {
        match globs {
            Some(globs) => globs.iter().any(|g| crate::glob::matches(g, name)),
            None => true,
        }
    }
}

/// A glob of a [`Select`] that matched no page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// `true` for [`Select::events`], `false` for [`Select::methods`].
    pub event: bool,
    /// Its position in its list.
    pub index: usize,
    /// `` `crm.lead.ad*` matches no method under `dir` ``, with the closest names.
    pub message: String,
}

#[derive(Default)]
struct Node {
    method: Option<Method>,
    children: BTreeMap<String, Node>,
}

/// Reads every `.md` file under `dir` (shown in messages as `shown`) and
/// builds the tree. Fails only when the directory cannot be read.
pub fn api_tree(dir: &Path, shown: &str) -> Result<ApiTree, PageError> {
    api_tree_in(dir, shown, None)
}

/// [`api_tree`] with the folder that is a page's docs root when no folder
/// above it marks one ([`crate::load_in`]).
pub fn api_tree_in(
    dir: &Path,
    shown: &str,
    fallback_root: Option<&Path>,
) -> Result<ApiTree, PageError> {
    api_tree_select(dir, shown, fallback_root, &Select::default())
}

/// [`api_tree_in`] binding only what `select` picks.
pub fn api_tree_select(
    dir: &Path,
    shown: &str,
    fallback_root: Option<&Path>,
    select: &Select,
) -> Result<ApiTree, PageError> {
    let files = crate::source::markdown_files(dir).map_err(|e| {
        PageError::new(
            crate::Kind::Unreadable,
            format!("{shown}: cannot read the directory: {e}"),
        )
    })?;
    let mut root = Node::default();
    let mut read = Vec::new();
    let mut skipped = Vec::new();
    let mut owners: BTreeMap<Vec<String>, String> = BTreeMap::new();
    let mut methods = 0;
    let mut events = Events::default();
    // Every method name and event code seen, for globs that match none.
    let mut method_names = Vec::new();
    let mut event_codes = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(dir).unwrap_or(file);
        let page_shown = Path::new(shown).join(relative).display().to_string();
        read.push(file.clone());
        let loaded = match crate::load_in(file, &page_shown, fallback_root) {
            Ok(loaded) => loaded,
            Err(error) if error.not_a_method() => {
                if error.documents_event() {
                    let bound = Bound {
                        select,
                        events: &mut events,
                        read: &mut read,
                        codes: &mut event_codes,
                    };
                    bind_event(file, &page_shown, fallback_root, bound)
                        .unwrap_or_else(|why| skipped.extend(why));
                } else if error.problems.len() > 1 {
                    // A page that binds nothing is passed over, but not its
                    // other problems (a refused include may be why it reads
                    // as no method).
                    skipped.push(error.message);
                }
                continue;
            }
            Err(error) => {
                skipped.push(error.message);
                continue;
            }
        };
        read.extend(loaded.files.iter().cloned());
        method_names.push(loaded.method.method.clone());
        if !select.method(&loaded.method.method) {
            continue;
        }
        let path = module_path(&loaded.method.method);
        if let Some(first) = owners.get(&path) {
            skipped.push(format!(
                "{page_shown}: binds `{}` at the same path as {first}",
                loaded.method.method
            ));
            continue;
        }
        owners.insert(path.clone(), page_shown);
        let mut node = &mut root;
        for segment in &path {
            node = node.children.entry(segment.clone()).or_default();
        }
        node.method = Some(loaded.method);
        methods += 1;
    }
    let mut seen = std::collections::HashSet::new();
    read.retain(|f| seen.insert(f.clone()));
    let note = skipped_note(&skipped);
    let taken: Vec<&str> = root.children.keys().map(String::as_str).collect();
    let events_module = naming::Names::with(&taken).claim("events");
    // Every page bound here, so that links between them are intra-doc links.
    let mut bound = BoundPages::new();
    bound_pages(&root, &mut Vec::new(), &mut bound);
    for (module, (event, _)) in &events.by_module {
        if let Some(page) = &event.page {
            bound.insert(page, vec![events_module.clone(), module.clone()]);
        }
    }
    let mut tokens: TokenStream = root
        .children
        .iter()
        .map(|(name, node)| emit(name, node, std::slice::from_ref(name), &note, &bound))
        .collect();
    if !events.by_module.is_empty() {
        tokens.extend(emit_events(&events_module, &events, shown, &note, &bound));
    }
    let mut unmatched = unmatched_globs(&select.methods, &method_names, false, shown);
    unmatched.extend(unmatched_globs(&select.events, &event_codes, true, shown));
    Ok(ApiTree {
        tokens,
        files: read,
        skipped,
        methods,
        events: events.by_module.len(),
        unmatched,
    })
}

/// The globs of `globs` that match none of `names`, with the closest names.
fn unmatched_globs(
    globs: &Option<Vec<String>>,
    names: &[String],
    event: bool,
    shown: &str,
) -> Vec<Unmatched> {
    let what = if event { "event" } else { "method" };
    let Some(globs) = globs else {
        return Vec::new();
    };
    globs
        .iter()
        .enumerate()
        .filter(|(_, glob)| !names.iter().any(|name| crate::glob::matches(glob, name)))
        .map(|(index, glob)| {
            let close = crate::glob::closest(glob, names.iter().map(String::as_str), 3);
            let hint = if close.is_empty() {
                format!(" (no {what} pages there)")
            } else {
                let close: Vec<String> = close.iter().map(|n| format!("`{n}`")).collect();
                format!("; the closest: {}", close.join(", "))
            };
            Unmatched {
                event,
                index,
                message: format!("`{glob}` matches no {what} under `{shown}`{hint}"),
            }
        })
        .collect()
}

/// What binding an event page adds to.
struct Bound<'a> {
    select: &'a Select,
    events: &'a mut Events,
    read: &'a mut Vec<PathBuf>,
    codes: &'a mut Vec<String>,
}

/// The events bound so far: by module name, and which page owns each code.
#[derive(Default)]
struct Events {
    by_module: BTreeMap<String, (Event, String)>,
    /// Upper-case code → the page that bound it.
    codes: BTreeMap<String, String>,
}

/// Binds one event page into `events`; `Err` holds why it is not bound
/// (nothing when the page names no event at all: widget placements say who
/// can subscribe too, and are not listed as failures, as in `b24 check`).
fn bind_event(
    file: &Path,
    shown: &str,
    fallback_root: Option<&Path>,
    bound: Bound<'_>,
) -> Result<(), Vec<String>> {
    let Bound {
        select,
        events,
        read,
        codes,
    } = bound;
    let loaded = match crate::load_event_in(file, shown, fallback_root) {
        Ok(loaded) => loaded,
        Err(error) if error.names_no_event() => return Err(Vec::new()),
        Err(error) => return Err(vec![error.message]),
    };
    read.extend(loaded.files);
    let event = loaded.event;
    codes.push(event.code.clone());
    if !select.event(&event.code) {
        return Ok(());
    }
    let code = event.code.to_ascii_uppercase();
    let module = event_expand::module_name(&event);
    let first = events
        .codes
        .get(&code)
        .or_else(|| events.by_module.get(&module).map(|(_, page)| page));
    if let Some(first) = first {
        return Err(vec![format!(
            "{shown}: binds the event `{}` (module `{module}`) as {first} does",
            event.code
        )]);
    }
    events.codes.insert(code, shown.to_string());
    events.by_module.insert(module, (event, shown.to_string()));
    Ok(())
}

/// Records the page of every method under `node` (at `path`) in `bound`.
fn bound_pages(node: &Node, path: &mut Vec<String>, bound: &mut BoundPages) {
    if let Some(page) = node.method.as_ref().and_then(|m| m.page.as_deref()) {
        bound.insert(page, path.clone());
    }
    for (name, child) in &node.children {
        path.push(name.clone());
        bound_pages(child, path, bound);
        path.pop();
    }
}

/// `pub mod events { pub enum Event; impl EventSet; pub mod on_...; }`.
fn emit_events(
    module: &str,
    events: &Events,
    shown: &str,
    note: &str,
    bound: &BoundPages,
) -> TokenStream {
    let ident = format_ident!("{}", module);
    let mut names = naming::Names::with(&["Other"]);
    let claimed: Vec<(String, &String, &Event)> = events
        .by_module
        .iter()
        .map(|(module, (event, _))| {
            (
                names.claim(&event_expand::variant_name(event)),
                module,
                event,
            )
        })
        .collect();
    let variants: Vec<Variant<'_>> = claimed
        .iter()
        .map(|(name, module, event)| Variant {
            name,
            module,
            event,
        })
        .collect();
    let enumeration = event_expand::event_enum(&variants, shown);
    let scope = [module.to_string()];
    let modules = events.by_module.iter().map(|(name, (event, _))| {
        let links = DocLinks {
            page: event.page.as_deref(),
            bound: Some(bound),
            scope: &scope,
        };
        let inside = [module.to_string(), name.clone()];
        event_expand::event_module_in(event, &links, links.in_scope(&inside))
    });
    let doc = format!(
        " Events under `{shown}`: a module per event (`EVENT`, `Data`, `Payload`) and \
         [`Event`], all of them as one enum.{note}"
    );
    quote! {
        #[doc = #doc]
        #[allow(clippy::all, non_camel_case_types, dead_code)]
        pub mod #ident {
            #enumeration
            #(#modules)*
        }
    }
}

/// The module path of a method: its dotted segments in snake_case.
pub fn module_path(method: &str) -> Vec<String> {
    method
        .split('.')
        .filter(|s| !s.is_empty())
        .map(naming::snake)
        .collect()
}

fn skipped_note(skipped: &[String]) -> String {
    if skipped.is_empty() {
        return String::new();
    }
    let mut note = String::from("\n\n Pages under this directory that are not bound:\n");
    for line in skipped {
        note.push_str(&format!("\n - {}", line.replace('`', "'")));
    }
    note
}

fn emit(name: &str, node: &Node, path: &[String], note: &str, bound: &BoundPages) -> TokenStream {
    let ident = format_ident!("{}", name);
    let children: Vec<TokenStream> = node
        .children
        .iter()
        .map(|(child, sub)| {
            let mut sub_path = path.to_vec();
            sub_path.push(child.clone());
            emit(child, sub, &sub_path, "", bound)
        })
        .collect();
    let (doc, body) = match &node.method {
        Some(method) => {
            // A module's outer doc is read in its parent's scope; its items in its own.
            let links = DocLinks {
                page: method.page.as_deref(),
                bound: Some(bound),
                scope: path,
            };
            let parent = links.in_scope(&path[..path.len() - 1]);
            (
                crate::expand::module_doc_in(method, &parent),
                crate::expand::module_body_in(method, links),
            )
        }
        None => (
            format!(" Methods under `{}`.", path.join(".")),
            TokenStream::new(),
        ),
    };
    let doc = format!("{doc}{note}");
    // As in a single method's module: its own items may use its deprecated ones.
    let allow_deprecated = node
        .method
        .as_ref()
        .filter(|m| m.deprecated.is_some())
        .map(|_| quote! { #[allow(deprecated)] });
    quote! {
        #[doc = #doc]
        #[allow(clippy::all, non_camel_case_types, dead_code)]
        #allow_deprecated
        pub mod #ident {
            #body
            #(#children)*
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_paths_are_snake_case_segments() {
        assert_eq!(
            module_path("crm.lead.contact.items.set"),
            ["crm", "lead", "contact", "items", "set"]
        );
        assert_eq!(
            module_path("im.v2.Chat.Message.send"),
            ["im", "v2", "chat", "message", "send"]
        );
        assert_eq!(module_path("crm.type.list"), ["crm", "type_", "list"]);
    }

    #[test]
    fn a_left_out_list_binds_all_and_an_empty_one_none() {
        let select = Select {
            methods: Some(vec!["crm.lead.*".into(), "crm.deal.list".into()]),
            events: Some(Vec::new()),
        };
        assert!(select.method("crm.lead.contact.items.set"));
        assert!(select.method("CRM.DEAL.LIST"));
        assert!(!select.method("crm.deal.get"));
        assert!(!select.event("onCrmLeadAdd"));
        assert!(Select::default().event("onCrmLeadAdd"));
    }

    #[test]
    fn globs_that_match_nothing_are_named_with_the_closest_names() {
        let names = vec!["crm.lead.add".to_string(), "crm.lead.get".to_string()];
        let globs = Some(vec!["crm.lead.*".to_string(), "crm.lead.ad".to_string()]);
        let unmatched = unmatched_globs(&globs, &names, false, "docs");
        assert_eq!(unmatched.len(), 1);
        assert_eq!(unmatched[0].index, 1);
        assert_eq!(
            unmatched[0].message,
            "`crm.lead.ad` matches no method under `docs`; the closest: `crm.lead.add`, `crm.lead.get`"
        );
        let none = unmatched_globs(&Some(vec!["on*".into()]), &[], true, "docs");
        assert_eq!(
            none[0].message,
            "`on*` matches no event under `docs` (no event pages there)"
        );
    }
}
