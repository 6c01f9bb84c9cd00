//! Page → [`Method`]: finds the title, scope and the sections of both page
//! generations, then hands each section to its own reader.

mod decide;
mod errors;
mod examples;
mod fields;
mod result;
mod sections;

use crate::blocks;
use crate::diag::Diagnostic;
use crate::inline;
use crate::model::Method;
use crate::source::Source;

pub use sections::SectionKind;

/// Reads a method page. Fails only when the page is not a method page or its
/// parameter table cannot be read; everything unclear gets a safe type.
pub fn parse(source: &Source) -> Result<Method, Diagnostic> {
    let blocks = blocks::scan(&blocks::pieces_of(&source.lines));
    let page = sections::split(source, &blocks);

    let (title, title_at) = page.title.clone().unwrap_or_default();
    let method = method_name(&title)
        .or_else(|| examples::method_in_code(&blocks))
        .ok_or_else(|| {
            Diagnostic::new(
                title_at,
                if page.title.is_none() {
                    "not a method page: it has no `#` title and names no REST method".to_string()
                } else {
                    format!(
                        "not a method page: no REST method name (like `crm.lead.add`) in the title {:?} or in a code example",
                        inline::collapse(&inline::plain(&title))
                    )
                },
            )
        })?;

    let samples = examples::Samples::collect(&page);
    let params = match page.section(SectionKind::Params) {
        Some(section) => fields::read_params(source, section, &samples)?,
        None => Vec::new(),
    };
    let (result, paged) = result::read(&page, &samples);
    let errors = errors::read(&page);

    Ok(Method {
        title: title_without(&title, &method),
        rest_v3: samples.rest_v3 || method.starts_with("/") || examples::mentions_rest_v3(&blocks),
        method,
        scope: page.scope.clone(),
        who_can_execute: page.who_can_execute.clone(),
        description: page.description.clone(),
        params,
        result,
        errors,
        paged,
    })
}

/// The last dotted identifier of the title (`crm.lead.contact.items.set`).
pub fn method_name(title: &str) -> Option<String> {
    let plain = inline::plain(title);
    plain
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | ':' | ';' | '"' | '\''))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| is_method_name(w))
        .last()
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
    // File names such as `index.md` are not methods.
    parts >= 2 && !word.ends_with(".md") && !word.ends_with(".php") && !word.ends_with(".html")
}

fn title_without(title: &str, method: &str) -> String {
    let plain = inline::collapse(&inline::plain(title));
    let stripped = plain.replace(method, "");
    let trimmed = stripped.trim().trim_end_matches([':', '-', '—']).trim();
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
        assert_eq!(method_name("Get `tasks.task.get`.").as_deref(), Some("tasks.task.get"));
        assert_eq!(method_name("Overview of index.md methods"), None);
        assert_eq!(method_name("Lead Contacts: Overview"), None);
    }

    #[test]
    fn a_page_without_a_method_name_is_rejected_at_its_title() {
        let source = Source::from_text("p.md", "intro\n# Lead contacts\n\nSome text.", |_| None);
        let err = parse(&source).unwrap_err();
        assert_eq!(err.at, 1);
        assert!(err.message.starts_with("not a method page"), "{}", err.message);
    }
}
