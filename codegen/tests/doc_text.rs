//! The docs' Markdown on text of every shape: random runs of markup
//! (brackets, parentheses, backticks, tags, escapes, URLs, line breaks)
//! and hostile text (deep nesting, unclosed links, huge strings). Whatever
//! the text, the doc never panics, and rustdoc reading it (as pulldown-cmark
//! with rustdoc's options) meets no link it would try to resolve and fail,
//! no relative link, no tag but `<br>`, no code block it would run; and the
//! path without a parser writes what the parser's path writes.

use bitrix24_codegen::expand::links::{BoundPages, DocLinks};
use bitrix24_codegen::expand::markdown::{doc_text, render, render_simple};
use bitrix24_codegen::parse::prose::Prose;
use pulldown_cmark::{BrokenLink, CodeBlockKind, CowStr, Event, Options, Parser, Tag};

const PAGE: &str = "api-reference/crm/leads/crm-lead-add.md";

/// Pieces random texts are made of.
const PIECES: &[&str] = &[
    "[",
    "]",
    "(",
    ")",
    "`",
    "``",
    "<",
    ">",
    "\\",
    "!",
    "*",
    "_",
    "a",
    " ",
    "\n",
    "- ",
    "x.md",
    "../y.md#z",
    "https://e.com/p",
    "<br>",
    "<ID>",
    "{#T}",
    "&amp;",
    ":",
    "#",
    "~~~",
    "```",
    "[a](b.md)",
    "[`c`](../d.md)",
    "![i](j.png)",
    "<b>",
    "</b>",
    "crm-lead-list.md",
];

/// A small deterministic generator (no dependency for randomness).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % below as u64) as usize
    }

    fn text(&mut self) -> String {
        let len = 1 + self.next(24);
        (0..len).map(|_| PIECES[self.next(PIECES.len())]).collect()
    }
}

/// What rustdoc would object to in `doc`, read as rustdoc reads it.
fn objections(doc: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut broken = |link: BrokenLink<'_>| -> Option<(CowStr<'_>, CowStr<'_>)> {
        found.push(format!("unresolved `{}`", link.reference));
        None
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION;
    let events: Vec<Event<'_>> =
        Parser::new_with_broken_link_callback(doc, options, Some(&mut broken)).collect();
    for event in events {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                let dest = dest_url.as_ref();
                let fine = dest.starts_with("https://")
                    || dest.starts_with("http://")
                    || dest.starts_with("mailto:")
                    || dest.starts_with("mod@");
                if !fine {
                    found.push(format!("link to `{dest}`"));
                }
            }
            Event::Start(Tag::Image { .. }) => found.push("image".into()),
            // A `text` block is shown, never run as a doctest.
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) if &*lang == "text" => {}
            Event::Start(Tag::CodeBlock(_)) => found.push("code block".into()),
            Event::Html(html) | Event::InlineHtml(html) if html.trim() != "<br>" => {
                found.push(format!("HTML `{html}`"))
            }
            _ => {}
        }
    }
    found
}

#[test]
fn random_markup_gives_docs_rustdoc_reads_without_objection() {
    let mut bound = BoundPages::new();
    let list = vec!["crm".to_string(), "lead".to_string(), "list".to_string()];
    bound.insert("api-reference/crm/leads/crm-lead-list.md", list);
    let scope = vec!["crm".to_string(), "lead".to_string(), "add".to_string()];
    let tree = DocLinks {
        page: Some(PAGE),
        bound: Some(&bound),
        scope: &scope,
    };
    // `DOC_SEED` and `DOC_ROUNDS` look further (millions pass in release).
    let number = |name: &str| std::env::var(name).ok().and_then(|s| s.parse().ok());
    let mut random = Lcg(number("DOC_SEED").unwrap_or(7));
    let mut simple = 0;
    for round in 0..number("DOC_ROUNDS").unwrap_or(40_000) {
        let text = random.text();
        let links = if round % 2 == 0 {
            tree
        } else {
            DocLinks::page(Some(PAGE))
        };
        // The description as the parser makes it: its lines paragraphs or
        // list items, each read for its plain text and Markdown.
        let mut prose = Prose::new();
        for (k, line) in text.split('\n').enumerate() {
            let prefix = if k % 2 == 1 { "- " } else { "" };
            prose.push("\n", prefix, line);
        }
        let (plain, markdown) = prose.finish();
        let doc = doc_text(&plain, markdown.as_deref(), &links);
        let found = objections(&doc);
        assert!(found.is_empty(), "{text:?} -> {doc:?}: {found:?}");
        // Any text at all, read with the parser.
        let doc = render(&text, &links);
        let found = objections(&doc);
        assert!(found.is_empty(), "{text:?} -> {doc:?}: {found:?}");
        // On the parser's Markdown (no fence starts its lines), the path
        // without a Markdown reader writes links and text as the reader's
        // path does. Tags are told each path's own way, and a text with a
        // URL is never given that path.
        let Some(markdown) = markdown else { continue };
        let plain_links = !markdown.contains('<') && !markdown.contains("://");
        if let (Some(fast), true) = (render_simple(&markdown, &links), plain_links) {
            simple += 1;
            let read = render(&markdown, &links);
            assert_eq!(fast, read, "{markdown:?}");
        }
    }
    assert!(
        simple > 1000,
        "only {simple} texts took the path without a parser"
    );
}

#[test]
fn hostile_text_stays_text_in_linear_time() {
    let links = DocLinks::page(Some(PAGE));
    let n = 50_000;
    for text in [
        "[".repeat(n),
        "]".repeat(n),
        "[a](".repeat(n / 4),
        "[a](b.md".repeat(n / 8),
        format!("{}x{}", "[".repeat(n / 2), "](y.md)".repeat(n / 2)),
        format!("https://e.com {}", "[".repeat(n)),
        "<a".repeat(n / 2),
        "<".repeat(n),
        "`".repeat(n),
        "`a".repeat(n / 2),
        "\\".repeat(n),
        "![".repeat(n / 2),
        "[`a`](b.md) ".repeat(n / 12),
        "- [a](b.md)\n".repeat(n / 12),
        "{#T}".repeat(n / 4),
    ] {
        for shown in [Some(text.as_str()), None] {
            let started = std::time::Instant::now();
            let doc = doc_text(&text, shown, &links);
            let took = started.elapsed();
            assert!(took.as_secs() < 5, "{} bytes took {took:?}", text.len());
            // Links grow to URLs; nothing else grows more than escapes do.
            assert!(doc.len() <= text.len() * 8 + 64);
        }
        let started = std::time::Instant::now();
        let _ = render(&text[..text.len().min(60_000)], &links);
        assert!(started.elapsed().as_secs() < 5);
    }
}

#[test]
fn the_reference_gives_docs_rustdoc_reads_without_objection() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/b24restdocs/api-reference");
    if !dir.is_dir() {
        eprintln!("skipped: no reference at {}", dir.display());
        return;
    }
    let files = bitrix24_codegen::source::markdown_files(&dir).expect("the reference lists");
    let (mut texts, mut marked, mut linked) = (0, 0, 0);
    let mut check = |plain: &str, markdown: Option<&str>, page: Option<&str>| {
        texts += 1;
        marked += usize::from(markdown.is_some());
        let doc = doc_text(plain, markdown, &DocLinks::page(page));
        linked += doc.matches("](https://apidocs.bitrix24.com/").count();
        let found = objections(&doc);
        assert!(
            found.is_empty(),
            "{page:?}: {markdown:?} -> {doc:?}: {found:?}"
        );
    };
    for file in &files {
        let Ok(loaded) = bitrix24_codegen::load(file, "page") else {
            continue;
        };
        let method = &loaded.method;
        let page = method.page.as_deref();
        check(&method.description, method.markdown.as_deref(), page);
        let mut fields: Vec<&bitrix24_codegen::model::Field> = method.params.iter().collect();
        fields.extend(&method.result.fields);
        while let Some(field) = fields.pop() {
            check(&field.description, field.markdown.as_deref(), page);
            for value in &field.values {
                check(&value.description, value.markdown.as_deref(), page);
            }
            fields.extend(&field.fields);
        }
        for error in &method.errors {
            check(&error.description, error.markdown.as_deref(), page);
        }
    }
    eprintln!("{texts} texts, {marked} with Markdown, {linked} links to the site");
    assert!(
        marked > 5000 && linked > 2000,
        "{marked} marked, {linked} linked"
    );
}
