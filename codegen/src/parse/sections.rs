//! The page's frame: title, scope, who may call, introduction, and the
//! second-level sections of both page generations.

use super::origin;
use super::prose::{self, Prose};
use crate::blocks::Block;
use crate::inline;
use crate::source::Source;
use crate::ws::Trim;

/// What a second-level section documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// "Method Parameters", "Parameters"...
    Params,
    /// "Response Handling", "Successful Response", "Returned Data"...
    Response,
    /// "Error Handling", "Errors"...
    Errors,
    /// "Code Examples", "Examples".
    Examples,
    /// Anything else.
    Other,
}

/// A section: its heading and the blocks up to the next heading of its level.
#[derive(Debug)]
pub struct Section<'b> {
    /// What it documents.
    pub kind: SectionKind,
    /// Blocks after the heading.
    pub blocks: &'b [Block<'b>],
    /// Index of the first of [`Section::blocks`] among all the page's blocks.
    pub start: usize,
}

/// The frame of a page.
#[derive(Debug, Default)]
pub struct Page<'b> {
    /// The `#` title and its line index.
    pub title: Option<(String, usize)>,
    /// Scopes named in the `> Scope:` quote.
    pub scope: Vec<String>,
    /// The `Who can execute` line.
    pub who_can_execute: Option<String>,
    /// The label of the `Who can ...` line, lowercased (`who can execute the method`).
    pub who_label: Option<String>,
    /// Every heading's text, lowercased, with its level.
    pub headings: Vec<(usize, String)>,
    /// Introduction paragraphs before the first section.
    pub description: String,
    /// Their Markdown, when they have markup ([`super::prose`]).
    pub markdown: Option<String>,
    /// Second-level sections in order.
    pub sections: Vec<Section<'b>>,
    /// What a deprecation note in the introduction says, if there is one.
    pub deprecated: Option<String>,
    /// All blocks of the page.
    pub blocks: &'b [Block<'b>],
}

impl<'b> Page<'b> {
    /// The first section of a kind.
    pub fn section(&self, kind: SectionKind) -> Option<&Section<'b>> {
        self.sections.iter().find(|s| s.kind == kind)
    }

    /// Every section of a kind.
    pub fn sections_of(&self, kind: SectionKind) -> impl Iterator<Item = &Section<'b>> {
        self.sections.iter().filter(move |s| s.kind == kind)
    }
}

/// The words that classify a heading, most telling first: the first one
/// found decides.
const SECTION_WORDS: [(&str, SectionKind); 9] = [
    ("error", SectionKind::Errors),
    ("mistake", SectionKind::Errors),
    ("example", SectionKind::Examples),
    ("response", SectionKind::Response),
    ("returned", SectionKind::Response),
    ("result", SectionKind::Response),
    ("parameter", SectionKind::Params),
    ("arguments", SectionKind::Params),
    ("fields of the request", SectionKind::Params),
];

/// For each byte, the [`SECTION_WORDS`] that start with it (in either
/// case), as bits.
static SECTION_WORD_STARTS: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut k = 0;
    while k < SECTION_WORDS.len() {
        let first = SECTION_WORDS[k].0.as_bytes()[0];
        table[first as usize] |= 1 << k;
        table[first.to_ascii_uppercase() as usize] |= 1 << k;
        k += 1;
    }
    table
};

/// Classifies a heading's text.
///
/// The words are looked for in any ASCII case, in the heading as written:
/// the same as in its lowercase (lowercasing makes ASCII letters only of
/// ASCII letters, and of `İ` an `i` and a combining dot, and the Kelvin
/// sign a `k`, neither of which can complete one of these words). One pass
/// over the heading finds them all: only where a byte starts some word is
/// that word compared.
pub fn classify(heading: &str) -> SectionKind {
    let bytes = heading.as_bytes();
    let mut found = 0u16;
    for at in 0..bytes.len() {
        let mut starts = SECTION_WORD_STARTS[usize::from(bytes[at])] & !found;
        while starts != 0 {
            let k = starts.trailing_zeros() as usize;
            starts &= starts - 1;
            let word = SECTION_WORDS[k].0.as_bytes();
            if bytes[at..]
                .get(..word.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
            {
                found |= 1 << k;
            }
        }
    }
    match found {
        0 => SectionKind::Other,
        _ => SECTION_WORDS[found.trailing_zeros() as usize].1,
    }
}

/// Splits the page into its frame and sections.
pub fn split<'b>(source: &Source, blocks: &'b [Block]) -> Page<'b> {
    // Sections open at the shallowest heading level below the title (`##` on
    // every current page); a page written with `###` sections still works.
    let section_level = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, .. } if *level >= 2 => Some(*level),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    // Lines inside `{% note %}` blocks: asides (tips, warnings), not the
    // method's introduction. Only the introduction asks, so only the lines
    // before the first section are looked at.
    let intro_end = blocks
        .iter()
        .find_map(|b| match b {
            Block::Heading { level, at, .. } if (2..=section_level).contains(level) => Some(*at),
            _ => None,
        })
        .unwrap_or(source.lines.len())
        .min(source.lines.len());
    let mut in_note = vec![false; intro_end];
    let mut depth = 0usize;
    // The note being read, when it may say the method is deprecated: its
    // title, then its lines.
    let mut note: Option<(String, Vec<&str>)> = None;
    let mut deprecated = None;
    for (index, line) in source.lines[..intro_end].iter().enumerate() {
        let raw = source.text(line);
        // Most lines open with a plain ASCII character other than `{`: no
        // directive, and no need to trim.
        let plain_start = raw
            .as_bytes()
            .first()
            .is_some_and(|&b| b != b'{' && b.is_ascii() && !b.is_ascii_whitespace());
        let text = if plain_start { "" } else { raw.trim_start_ws() };
        if text.starts_with("{%") {
            let inner = text.trim_start_matches("{%").trim_start_ws();
            if inner.starts_with("note") {
                depth += 1;
                if depth == 1 {
                    note = Some((note_title(inner), Vec::new()));
                }
            } else if inner.starts_with("endnote") {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some((title, lines)) = note.take() {
                        deprecated = deprecated.or_else(|| deprecation(&title, &lines));
                    }
                }
            }
        } else if let Some((_, lines)) = note.as_mut() {
            lines.push(raw);
        }
        in_note[index] = depth > 0;
    }
    let mut page = Page {
        blocks,
        deprecated,
        ..Page::default()
    };
    let mut current: Option<(SectionKind, usize)> = None;
    let mut intro_done = false;
    let mut description = Prose::new();
    for (index, block) in blocks.iter().enumerate() {
        if let Block::Heading { level, text, .. } = block {
            page.headings
                .push((*level, inline::into_lowercase(inline::plain(text))));
        }
        match block {
            Block::Heading {
                level: 1, text, at, ..
            } if page.title.is_none() => {
                page.title = Some((text.clone(), *at));
            }
            Block::Heading { level, text, .. } if *level <= section_level => {
                if let Some((kind, start)) = current.take() {
                    page.sections.push(Section {
                        kind,
                        blocks: &blocks[start..index],
                        start,
                    });
                }
                intro_done = true;
                current = Some((classify(text), index + 1));
            }
            Block::Quote(lines) if !intro_done => read_quote(&mut page, lines),
            Block::Paragraph(lines)
                if !intro_done
                    && page.title.is_some()
                    && !lines
                        .first()
                        .is_some_and(|p| in_note.get(p.at) == Some(&true)) =>
            {
                let text: Vec<&str> = lines.iter().map(|p| p.text.trim_ws()).collect();
                let text = text.join(" ");
                // A paragraph of an include (rare) has links relative to the
                // include's folder: rebased onto the page's before reading.
                let offset = match lines.first() {
                    Some(first) if prose::has_link(&text) => origin::offset_in(source, first.text),
                    _ => None,
                };
                match offset {
                    Some(offset) => description.push("\n\n", "", &origin::rebase(&text, &offset)),
                    None => description.push("\n\n", "", &text),
                }
            }
            _ => {}
        }
    }
    if let Some((kind, start)) = current {
        page.sections.push(Section {
            kind,
            blocks: &blocks[start..],
            start,
        });
    }
    (page.description, page.markdown) = description.finish();
    page
}

/// The quoted title of a `note warning "Title" %}` directive (after `{%`).
fn note_title(directive: &str) -> String {
    directive
        .split('"')
        .nth(1)
        .map(str::trim)
        .unwrap_or_default()
        .to_string()
}

/// The text of a note that says the method is deprecated: a note titled so,
/// or one that says development of the method was halted or discontinued.
fn deprecation(title: &str, lines: &[&str]) -> Option<String> {
    // Every page opens with a tip note; most notes are not about this.
    let mentions = |text: &str| {
        ["deprecated", "halted", "discontinued"]
            .iter()
            .any(|word| inline::contains_ignoring_case(text, word))
    };
    if !mentions(title) && !lines.iter().any(|l| mentions(l)) {
        return None;
    }
    let text = inline::plain_collapsed(&lines.join(" "));
    let lower_title = title.to_lowercase();
    let lower = text.to_lowercase();
    let says = lower_title.contains("deprecated")
        || lower.starts_with("deprecated")
        || ["halted", "discontinued"]
            .iter()
            .any(|w| lower_title.contains(w) || lower.contains(&format!("has been {w}")));
    if !says {
        return None;
    }
    // A body that only repeats the title's word says nothing more.
    let text = text
        .strip_prefix("DEPRECATED")
        .map(str::trim_start)
        .unwrap_or(&text)
        .to_string();
    Some(if text.is_empty() {
        "deprecated".to_string()
    } else {
        text
    })
}

fn read_quote(page: &mut Page<'_>, lines: &[crate::blocks::Piece]) {
    for piece in lines {
        let text = piece.text.trim_ws();
        // Only the start is compared: the line is not lowercased whole.
        let opens = |word: &str| {
            text.as_bytes()
                .get(..word.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(word.as_bytes()))
        };
        if opens("scope") {
            for scope in inline::code_spans(text)
                .into_iter()
                .flat_map(|s| s.split(','))
            {
                let scope = scope.trim_ws().to_string();
                if !scope.is_empty() && !page.scope.contains(&scope) {
                    page.scope.push(scope);
                }
            }
            if page.scope.is_empty() {
                if let Some((_, rest)) = text.split_once(':') {
                    page.scope.extend(
                        inline::plain(rest)
                            .split([',', ' '])
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string),
                    );
                }
            }
        } else if opens("who can") || opens("**who can") {
            if let Some((label, rest)) = text.split_once(':') {
                let label = inline::into_lowercase(inline::plain_collapsed(label));
                if page.who_label.is_none() {
                    page.who_label = Some(label.clone());
                }
                if !label.contains("subscribe") {
                    page.who_can_execute = Some(inline::plain_collapsed(rest));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_of_both_generations() {
        for (h, k) in [
            ("Method Parameters", SectionKind::Params),
            ("Parameters", SectionKind::Params),
            ("Response Handling", SectionKind::Response),
            ("Successful Response", SectionKind::Response),
            ("Response on Success", SectionKind::Response),
            ("Error Handling", SectionKind::Errors),
            ("Errors", SectionKind::Errors),
            ("Code Examples", SectionKind::Examples),
            ("Examples", SectionKind::Examples),
            ("Continue Learning", SectionKind::Other),
        ] {
            assert_eq!(classify(h), k, "{h}");
        }
    }

    #[test]
    fn headings_classify_as_their_lowercase_would() {
        let by_lowercase = |heading: &str| {
            let h = heading.to_lowercase();
            if h.contains("error") || h.contains("mistake") {
                SectionKind::Errors
            } else if h.contains("example") {
                SectionKind::Examples
            } else if h.contains("response") || h.contains("returned") || h.contains("result") {
                SectionKind::Response
            } else if h.contains("parameter")
                || h.contains("arguments")
                || h.contains("fields of the request")
            {
                SectionKind::Params
            } else {
                SectionKind::Other
            }
        };
        for heading in [
            "",
            "E",
            "ERRORS and Examples",
            "Examples of a Result",
            "Returned Data",
            "RESULTS",
            "Fields Of The Request",
            "fields of the reques",
            "Parameter errors",
            "Mistakes",
            "Arguments",
            "İnput parameters",
            "Erro",
            "resultresponse",
            "Überblick",
            "Пример ответа",
        ] {
            assert_eq!(classify(heading), by_lowercase(heading), "{heading:?}");
        }
    }
}
