//! Page → [`Method`]: finds the title, scope and the sections of both page
//! generations, then hands each section to its own reader.

mod anchors;
mod cells;
mod columns;
mod context;
mod decide;
mod errors;
pub mod event;
mod examples;
mod fields;
mod fields_pages;
mod guard;
mod linked;
mod names;
pub mod origin;
mod outcome;
pub mod prose;
mod reconcile;
mod result;
mod rows;
mod sampled;
mod sections;
mod shapes;
mod subtable;
mod typescript;

use crate::blocks;
use crate::diag::{Diagnostic, Diagnostics, Kind};
use crate::inline;
use crate::model::Method;
use crate::source::Source;
use crate::ws::Trim;

pub use outcome::{read, Parsed};
pub use sections::SectionKind;

/// Reads a method page. Fails only when the page is not a method page or its
/// parameter table cannot be read; everything unclear gets a safe type.
pub fn parse(source: &Source) -> Result<Method, Diagnostic> {
    parse_with_links(source).map(|(method, _)| method)
}

/// [`parse`], also naming the linked files (type dictionaries) it read.
pub fn parse_with_links(source: &Source) -> Result<(Method, Vec<std::path::PathBuf>), Diagnostic> {
    parse_all(source).map(|(method, linked, _)| (method, linked))
}

/// [`parse_with_links`], also giving the page's own examples. Fails with
/// the first of the page's problems ([`read`] gives them all).
pub fn parse_all(
    source: &Source,
) -> Result<(Method, Vec<std::path::PathBuf>, crate::Examples), Diagnostic> {
    let parsed = read(source);
    match (parsed.problems.into_vec().into_iter().next(), parsed.method) {
        (None, Some(method)) => Ok((method, parsed.linked, parsed.examples)),
        (Some(first), _) => Err(first),
        (None, None) => Err(Diagnostic::of(Kind::Other, 0, "the page could not be read")),
    }
}

/// The method of a page, or why the page is not a method page. Problems
/// that leave it a method page are added to `problems`.
fn read_method(
    source: &Source,
    problems: &mut Diagnostics,
) -> Result<(Method, Vec<std::path::PathBuf>, crate::Examples), Diagnostic> {
    let blocks = blocks::scan(&blocks::pieces_of(source));
    let page = sections::split(source, &blocks);

    let (title, title_at) = page.title.clone().unwrap_or_default();
    let not_method = |why: String| {
        Diagnostic::of(
            Kind::NotMethodPage,
            title_at,
            format!("not a method page: {why}"),
        )
    };
    let from_title = method_name(&title);
    if let Some((kind, why)) = not_a_method_page(source, &page, &title, from_title.is_some()) {
        return Err(Diagnostic::of(
            kind,
            title_at,
            format!("not a method page: {why}"),
        ));
    }
    let title_in_code = from_title.as_deref().map(|name| in_code(&blocks, name));
    let title_name = from_title.clone();
    let executes = page
        .who_label
        .as_deref()
        .is_some_and(|l| l.contains("execute") || l.contains("perform") || l.contains("call"));
    let method = match from_title {
        Some(name) => agreed_name(&name, &blocks, title_in_code.unwrap_or_default()).unwrap_or(name),
        None if executes || page.section(SectionKind::Params).is_some() => {
            examples::method_in_text(&intro_text(&blocks))
                .or_else(|| examples::method_in_code(&blocks))
                .or_else(|| examples::bare_method_in_code(&blocks))
                .ok_or_else(|| {
                    not_method(if let Some(family) = wildcard_name(&title) {
                        format!("the title names a family of methods (`{family}`), not one method, and no code example calls one")
                    } else if page.title.is_none() {
                        "it has no `#` title and names no REST method".to_string()
                    } else {
                        format!(
                            "no REST method name (like `crm.lead.add`) in the title {:?} or in a code example",
                            inline::plain_collapsed(&title)
                        )
                    })
                })
                .and_then(|called| {
                    if file_names_method(source, &called) {
                        Ok(called)
                    } else {
                        Err(not_method(format!(
                            "a guide: the title {:?} names no method and the file name is not `{called}`, the method its code calls",
                            inline::plain_collapsed(&title)
                        )))
                    }
                })?
        }
        None => {
            let plain = inline::plain_collapsed(&title);
            return Err(not_method(match examples::method_in_code(&blocks) {
                None => format!(
                    "no REST method name (like `crm.lead.add`) in the title {plain:?} or in a code example"
                ),
                Some(called) => format!(
                    "the title {plain:?} names no REST method and no \"Who can execute\" line or parameters section says the page documents one (its code only calls `{called}`)"
                ),
            }));
        }
    };

    let has_params = page.section(SectionKind::Params).is_some();
    // The title's search serves when the method is the title's name.
    let method_in_code = match (title_name, title_in_code) {
        (Some(name), Some(found)) if name == method => found,
        _ => in_code(&blocks, &method),
    };
    if let Some(why) = names_a_family(
        &method,
        &blocks,
        has_params,
        source.texts.first().map_or("", String::as_str),
        method_in_code,
    ) {
        return Err(not_method(why));
    }
    if method.starts_with("BX24.") || method_in_code.declared {
        return Err(not_method(format!(
            "`{method}` is a function of the JavaScript SDK, not a REST method"
        )));
    }
    let samples = examples::Samples::collect(&page);
    // Fields whose type is defined in another file read that file when they
    // ask for it.
    let links = linked::Links::new(source);
    let (params, whole) = match fields::read_params(&page, &samples, &links) {
        Ok(params) => (params, true),
        Err(problem) => {
            problems.push(problem.or_kind(Kind::UnreadableTable));
            (Vec::new(), false)
        }
    };
    for problem in guard::params(&page, &params, whole) {
        // The table reader reports the first nameless row itself.
        if !problems
            .list()
            .iter()
            .any(|p| p.at == problem.at && p.kind == problem.kind)
        {
            problems.push(problem);
        }
    }
    let (result, paged) = result::read(&method, &page, &samples, &links);
    let errors = errors::read(&page);
    problems.extend(links.problems());

    let linked_paths = links.read();
    let params_open = samples
        .requests
        .iter()
        .any(|request| decide::sends_unnamed(request, &params));
    let method = Method {
        title: title_without(&title, &method),
        // `samples.rest_v3` already tells whether any code block of the
        // page calls a REST 3.0 URL.
        rest_v3: samples.rest_v3 || method.starts_with("/"),
        method,
        scope: page.scope.clone(),
        who_can_execute: page.who_can_execute.clone(),
        description: page.description.clone(),
        markdown: page.markdown.clone(),
        page: origin::page_path(source),
        params,
        result,
        errors,
        paged,
        deprecated: page.deprecated.clone(),
        params_open,
    };
    Ok((method, linked_paths, samples.into_examples()))
}

/// A page naming a family of methods (`imbot.v2`) rather than one: the
/// page's code calls methods below that name (`imbot.v2.Bot.register`) and
/// never the name itself, as guides do; or, with no code calling methods
/// and no parameters, its links and text name only methods below it, as
/// change logs and overviews do.
fn names_a_family(
    name: &str,
    blocks: &[blocks::Block],
    has_params: bool,
    text: &str,
    in_code: InCode,
) -> Option<String> {
    let prefix = format!("{name}.");
    // Most pages never name a method below their own: then there is no
    // family to find.
    if !in_code.below && memchr::memmem::find(text.as_bytes(), prefix.as_bytes()).is_none() {
        return None;
    }
    let mut names = examples::methods_in_code(blocks);
    let itself = names.iter().any(|c| c.eq_ignore_ascii_case(name));
    if !has_params {
        names.extend(
            text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
                .map(|w| w.trim_end_matches('.'))
                .filter(|w| w.starts_with(&prefix) && is_method_name(w))
                .map(str::to_string),
        );
    }
    let below = names.iter().find(|c| c.starts_with(&prefix))?;
    (!itself).then(|| {
        format!("the page names `{name}`, a family of methods: it calls or links only methods below it, such as `{below}`")
    })
}

/// Whether the page's file is named for `method`: its words end the
/// method's (`crm-status-fields.md`, `thing-fields.md` for
/// `demo.thing.fields`, `rpa-fields-get-settings.md` for
/// `rpa.fields.getSettings`, `template/fields.md` with its folder for
/// `tasks.template.fields`). That is how a reference page whose title names
/// no method still says which one it documents; guides and examples that
/// call methods are named for their task instead.
fn file_names_method(source: &Source, method: &str) -> bool {
    let Some(file) = source.files.first() else {
        return false;
    };
    let method = words(method);
    let stem = file
        .file_stem()
        .map(|s| words(&s.to_string_lossy()))
        .unwrap_or_default();
    let ends_method = |tail: &[String]| tail.len() >= 2 && method.ends_with(tail);
    if stem.is_empty() {
        return false;
    }
    if stem == method || ends_method(&stem) {
        return true;
    }
    let mut with_folder = file
        .parent()
        .and_then(|d| d.file_name())
        .map(|d| words(&d.to_string_lossy()))
        .unwrap_or_default();
    with_folder.extend(stem);
    ends_method(&with_folder)
}

/// Lowercase words of a name: split at anything not a letter or digit and
/// where camel case starts a word (`getSettings` → `get`, `settings`).
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            previous_lower = false;
            out.push(String::new());
            continue;
        }
        if c.is_uppercase() && previous_lower || out.is_empty() {
            out.push(String::new());
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        if let Some(word) = out.last_mut() {
            word.extend(c.to_lowercase());
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

/// The name the page's text and code agree on when the title names another
/// (`department.department.delete` in a title, `department.delete` in the
/// introduction and every cURL URL): a typo in the title. `None` when the
/// code names the title's method or the two do not agree.
fn agreed_name(title_name: &str, blocks: &[blocks::Block], in_code: InCode) -> Option<String> {
    if in_code.named {
        return None;
    }
    let said = examples::method_in_text(&intro_text(blocks))?;
    if said.eq_ignore_ascii_case(title_name) {
        return None;
    }
    let called = examples::methods_in_code(blocks);
    let agree = !called.is_empty() && called.iter().all(|c| c.eq_ignore_ascii_case(&said));
    agree.then_some(said)
}

/// What the code blocks say of a name, found in one search of each block
/// for it (the title's name and the method are mostly the same, and then
/// searched for once).
#[derive(Debug, Clone, Copy, Default)]
struct InCode {
    /// Some block names it.
    named: bool,
    /// Some block names a method below it (`name.` and more).
    below: bool,
    /// A code line declares it as a function with its signature
    /// (`Promise Messenger.openChat([String dialogId])`): a page of the
    /// JavaScript SDK. REST methods are named in strings, never called so.
    declared: bool,
}

/// [`InCode`] of `name` in `blocks`. Every place a block names it is
/// visited (also where two overlap, for `name.`); whether a line declares
/// it is asked of the places a left-to-right search that skips past each
/// match finds.
fn in_code(blocks: &[blocks::Block], name: &str) -> InCode {
    let finder = memchr::memmem::Finder::new(name.as_bytes());
    let mut found = InCode::default();
    for block in blocks {
        let blocks::Block::Code { text, .. } = block else {
            continue;
        };
        let bytes = text.as_bytes();
        let mut from = 0;
        // Where the next match that does not overlap the one before may start.
        let mut next_apart = 0;
        while let Some(offset) = bytes.get(from..).and_then(|rest| finder.find(rest)) {
            let at = from + offset;
            found.named = true;
            found.below |= bytes.get(at + name.len()) == Some(&b'.');
            if at >= next_apart {
                next_apart = at + name.len();
                found.declared |= declares(text, at, name);
            }
            if found.below && found.declared {
                return found;
            }
            from = at + 1;
        }
    }
    found
}

/// Whether the code names `name` at `at` as a function it declares: called
/// right after it, and only a type name (or nothing) before it on its line.
fn declares(text: &str, at: usize, name: &str) -> bool {
    let called = text[at + name.len()..].trim_start_ws().starts_with('(');
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let before = text[line_start..at].trim_ws();
    called && before.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A dotted name ending in `.*` in a title (`user.option.*`).
fn wildcard_name(title: &str) -> Option<String> {
    inline::plain(title)
        .split_whitespace()
        .find(|w| {
            w.ends_with(".*") && is_method_name(&w[..w.len() - 2])
                || w.ends_with(".*") && w.matches('.').count() >= 2
        })
        .map(str::to_string)
}

/// The raw text of the paragraphs and quotes before the first section.
fn intro_text(blocks: &[blocks::Block]) -> String {
    let mut text = String::new();
    for block in blocks {
        match block {
            blocks::Block::Heading { level, .. } if *level >= 2 => break,
            blocks::Block::Paragraph(lines) | blocks::Block::Quote(lines) => {
                for line in lines {
                    text.push_str(line.text);
                    text.push('\n');
                }
            }
            _ => {}
        }
    }
    text
}

/// Why a page is an overview, an event ([`Kind::EventPage`]) or another
/// page that documents no callable method ([`Kind::NotMethodPage`]), or
/// `None` for a method page. `title_names_method`: whether [`method_name`]
/// finds one in the title (read once for the page).
fn not_a_method_page(
    source: &Source,
    page: &sections::Page<'_>,
    title: &str,
    title_names_method: bool,
) -> Option<(Kind, String)> {
    let plain_title = inline::plain_collapsed(title);
    let other = |why: String| Some((Kind::NotMethodPage, why));
    let event = || {
        Some((
            Kind::EventPage,
            format!("{plain_title:?} documents an event, not a method"),
        ))
    };
    let lower_title = plain_title.to_lowercase();
    let file_name = source
        .files
        .first()
        .and_then(|f| f.file_name())
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if page.title.is_none() {
        return other("it has no `#` title (an include fragment or a stub)".to_string());
    }
    if file_name == "index.md"
        || lower_title
            .split_whitespace()
            .any(|w| w.starts_with("overview"))
    {
        return other(format!("{plain_title:?} is an overview"));
    }
    if lower_title.contains("change log") || lower_title.contains("changelog") {
        return other(format!("{plain_title:?} is a change log"));
    }
    // Older pages of methods say "who can subscribe" too: a title naming a
    // dotted method over a parameters or response section is a method page.
    let method_sections = title_names_method
        && (page.section(SectionKind::Params).is_some()
            || page.section(SectionKind::Response).is_some());
    if page
        .who_label
        .as_deref()
        .is_some_and(|l| l.contains("subscribe"))
        && !method_sections
        || page
            .headings
            .iter()
            .any(|(_, h)| h.contains("handler receives"))
    {
        return event();
    }
    if !title_names_method && title_names_event(&plain_title) {
        return event();
    }
    None
}

/// `onCrmLeadAdd`, `ONIMBOTMESSAGEADD`, `CallCard::BeforeClose` in a title.
fn title_names_event(title: &str) -> bool {
    title.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != ':');
        let camel_on = w.len() > 3
            && w.starts_with("on")
            && w[2..].starts_with(|c: char| c.is_ascii_uppercase());
        let upper_on =
            w.len() > 4 && w.starts_with("ON") && w.chars().all(|c| c.is_ascii_uppercase());
        camel_on || upper_on || (w.contains("::") && w.len() > 4)
    })
}

/// The last dotted identifier of the title (`crm.lead.contact.items.set`).
pub fn method_name(title: &str) -> Option<String> {
    let plain = inline::plain(title);
    plain
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | ':' | ';' | '"' | '\''))
        .map(|w| w.trim_end_matches('.'))
        .rfind(|w| is_method_name(w))
        .map(str::to_string)
}

/// `word.word[.word...]`, starting with a letter, only letters, digits, `_` and dots.
pub fn is_method_name(word: &str) -> bool {
    let mut parts = 0;
    for part in word.split('.') {
        let mut chars = part.chars();
        match chars.next() {
            Some(c) if c.is_ascii_alphabetic() => {}
            _ => return false,
        }
        if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return false;
        }
        parts += 1;
    }
    // All-caps dotted names (`CATALOG.PRODUCT.ON.UPDATE`) are events.
    if !word.chars().any(|c| c.is_ascii_lowercase()) {
        return false;
    }
    // File names such as `index.md` are not methods.
    parts >= 2 && !word.ends_with(".md") && !word.ends_with(".php") && !word.ends_with(".html")
}

fn title_without(title: &str, method: &str) -> String {
    let plain = inline::plain_collapsed(title);
    let stripped = plain.replace(method, "");
    let trimmed = stripped
        .trim_ws()
        .trim_end_matches([':', '-', '—'])
        .trim_ws();
    if trimmed.is_empty() {
        plain
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_in_titles() {
        assert_eq!(
            method_name("Attach a list crm.lead.contact.items.set").as_deref(),
            Some("crm.lead.contact.items.set")
        );
        assert_eq!(
            method_name("Get `tasks.task.get`.").as_deref(),
            Some("tasks.task.get")
        );
        assert_eq!(method_name("Overview of index.md methods"), None);
        assert_eq!(method_name("Lead Contacts: Overview"), None);
    }

    #[test]
    fn a_title_typo_yields_to_the_name_text_and_code_agree_on() {
        let page = "# Delete a Thing demo.demo.thing.delete\n\n> Who can execute the method: any user\n\n                    The method `demo.thing.delete` deletes a thing.\n\n## Method Parameters\n\n#|\n                    || **Name**\n`type` | **Description** ||\n|| **id***\n`integer` | The thing ||\n|#\n\n                    ```bash\ncurl -X POST -d '{\"id\":1}' https://x.bitrix24.com/rest/1/k/demo.thing.delete\n```\n";
        let source = Source::from_text("thing-delete.md", page, |_| None);
        assert_eq!(parse(&source).unwrap().method, "demo.thing.delete");
    }

    #[test]
    fn a_method_page_that_says_who_can_subscribe_is_still_a_method_page() {
        let page = "# Get a Thing demo.thing.get\n\n> Who can subscribe: any user\n\n                    ## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n                    || **id***\n`integer` | The thing ||\n|#\n";
        let source = Source::from_text("thing-get.md", page, |_| None);
        assert_eq!(parse(&source).unwrap().method, "demo.thing.get");
        // An event page says so without method sections.
        let event = "# Thing Added\n\n> Who can subscribe: any user\n\nThe event fires when a thing is added.\n";
        let source = Source::from_text("on-thing-add.md", event, |_| None);
        assert!(parse(&source).unwrap_err().message.contains("event"));
    }

    #[test]
    fn a_page_is_named_for_its_method_by_its_file() {
        let named = |path: &str, method: &str| {
            file_names_method(&Source::from_text(path, "", |_| None), method)
        };
        assert!(named("a/crm-status-fields.md", "crm.status.fields"));
        assert!(named(
            "a/rpa-fields-get-settings.md",
            "rpa.fields.getSettings"
        ));
        assert!(named("tasks/template/fields.md", "tasks.template.fields"));
        assert!(named("x/thing-fields.md", "demo.thing.fields"));
        // Guides are named for their task, or by one word.
        assert!(!named(
            "tutorials/how-to-get-deal-funnels.md",
            "crm.category.list"
        ));
        assert!(!named("settings/batch.md", "user.current"));
        assert!(!named("x/fields.md", "crm.deal.fields"));
    }

    #[test]
    fn code_is_searched_once_for_what_it_says_of_a_name() {
        let code = |text: &str| blocks::Block::Code {
            lang: String::new(),
            text: text.to_string(),
            at: 0,
        };
        let found = in_code(
            &[
                code("BX24.callMethod('a.b.c')"),
                code("Promise Messenger.openChat([String dialogId])"),
            ],
            "Messenger.openChat",
        );
        assert!(found.named && found.declared && !found.below);
        // `name.` where two places of the name overlap.
        let found = in_code(&[code("x aaa.")], "aa");
        assert!(found.named && found.below);
        // Declarations are asked of the places a search skipping past each
        // match finds, as `find_iter` gives them.
        assert!(!in_code(&[code("aaa(")], "aa").declared);
        assert!(in_code(&[code("aa(")], "aa").declared);
        assert!(!in_code(&[code("call('aa')")], "aa").declared);
    }

    #[test]
    fn a_page_without_a_method_name_is_rejected_at_its_title() {
        let source = Source::from_text("p.md", "intro\n# Lead contacts\n\nSome text.", |_| None);
        let err = parse(&source).unwrap_err();
        assert_eq!(err.at, 1);
        assert!(
            err.message.starts_with("not a method page"),
            "{}",
            err.message
        );
    }
}
