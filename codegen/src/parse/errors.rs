//! Method-specific error codes from the error tables and from the
//! `Error code: `CODE`` lines of REST 3.0 pages.

use super::sections::{Page, SectionKind};
use crate::blocks::{Block, Cell, Table};
use crate::inline;
use crate::model::ErrorCode;
use crate::ws::Trim;

/// Reads every error table and code line of the error sections, skipping the
/// shared system-error table (the runtime knows those codes).
pub fn read(page: &Page<'_>) -> Vec<ErrorCode> {
    let mut errors: Vec<ErrorCode> = Vec::new();
    for section in page.sections_of(SectionKind::Errors) {
        let mut heading = String::new();
        let mut heading_text = String::new();
        for block in section.blocks {
            match block {
                Block::Heading { text, .. } => {
                    heading = text.to_lowercase();
                    heading_text = inline::plain_collapsed(text);
                }
                Block::Paragraph(lines) | Block::Quote(lines) => {
                    for line in lines {
                        code_line(line.text, &heading_text, &mut errors);
                    }
                }
                Block::Table(table) | Block::PipeTable(table) if !heading.contains("system") => {
                    read_table(table, &mut errors);
                }
                _ => {}
            }
        }
    }
    errors
}

/// `Error code: `CODE`` (REST 3.0): the code of the table that follows, which
/// describes fields rather than codes; the heading above says what it means.
fn code_line(text: &str, heading: &str, errors: &mut Vec<ErrorCode>) {
    let text = text.trim_ws();
    let lower = inline::into_lowercase(inline::plain(text));
    if !lower.trim_start_ws().starts_with("error code") {
        return;
    }
    for code in inline::code_spans(text) {
        let code = code.trim_ws().to_string();
        if code.is_empty() || code.contains(' ') || errors.iter().any(|e| e.code == code) {
            continue;
        }
        errors.push(ErrorCode {
            code,
            description: heading.to_string(),
            markdown: None,
            status: None,
        });
    }
}

fn read_table(table: &Table, errors: &mut Vec<ErrorCode>) {
    let Some((header, rows)) = table.rows.split_first() else {
        return;
    };
    let labels: Vec<String> = header
        .iter()
        .map(|c| inline::into_lowercase(inline::plain(&c.text())))
        .collect();
    let Some(code_col) = labels.iter().position(|l| {
        let l = l.trim_ws();
        l.starts_with("code") || l.starts_with("error code")
    }) else {
        return;
    };
    let status_col = labels
        .iter()
        .position(|l| l.contains("status") || l.contains("http"))
        .filter(|&i| i != code_col);
    let desc_col = labels
        .iter()
        .position(|l| l.contains("description") || l.contains("message") || l.contains("text"))
        .filter(|&i| i != code_col)
        .or_else(|| {
            (0..labels.len())
                .rev()
                .find(|&i| i != code_col && Some(i) != status_col)
        });
    for row in rows {
        let Some(cell) = row.get(code_col) else {
            continue;
        };
        let (description, markdown) = desc_col
            .and_then(|c| row.get(c))
            .map(|c| super::prose::of(&c.text()))
            .unwrap_or_default();
        let status = status_col
            .and_then(|c| row.get(c))
            .and_then(|c| inline::plain(&c.text()).trim_ws().get(..3)?.parse().ok());
        for code in codes_of(cell) {
            if errors.iter().any(|e| e.code == code) {
                continue;
            }
            errors.push(ErrorCode {
                code,
                description: description.clone(),
                markdown: markdown.clone(),
                status,
            });
        }
    }
}

/// The codes in a code cell: one, or several when every line (or list item)
/// of the cell is a code span of its own.
fn codes_of(cell: &Cell) -> Vec<String> {
    let text = cell.text();
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_ws().trim_start_matches(['-', '*']).trim_ws())
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > 1 && lines.iter().all(|l| l.starts_with('`') && l.ends_with('`')) {
        return lines
            .iter()
            .filter_map(|l| {
                inline::code_spans(l)
                    .first()
                    .map(|c| c.trim_ws().to_string())
            })
            .filter(|c| !c.is_empty() && !c.contains(' '))
            .collect();
    }
    code_of(&text).into_iter().collect()
}

/// The code in a code cell: its first code span, else its bold text, else its
/// first line. Blank codes and "empty value" placeholders are not codes.
fn code_of(text: &str) -> Option<String> {
    let first_line = text.lines().next().unwrap_or("");
    let raw = inline::code_spans(first_line)
        .first()
        .map(|s| s.to_string())
        .or_else(|| inline::first_bold(first_line).map(str::to_string))
        .unwrap_or_else(|| inline::plain(first_line));
    let code = raw
        .trim_ws()
        .trim_matches(['"', '\''])
        .trim_ws()
        .to_string();
    let lower = code.to_lowercase();
    if code.is_empty() || lower == "empty" || lower == "-" || lower == "—" || code.contains(' ') {
        return None;
    }
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> Cell<'_> {
        Cell {
            lines: text
                .lines()
                .map(|t| crate::blocks::Piece { text: t, at: 0 })
                .collect(),
        }
    }

    #[test]
    fn code_cells_of_every_shape() {
        assert_eq!(codes_of(&cell("`ACCESS_DENIED`")), ["ACCESS_DENIED"]);
        assert_eq!(codes_of(&cell("**NOT_FOUND**")), ["NOT_FOUND"]);
        assert_eq!(codes_of(&cell("`0x000001`")), ["0x000001"]);
        assert_eq!(codes_of(&cell("`400`\nBad request")), ["400"]);
        assert_eq!(codes_of(&cell("- `A`\n- `B`")), ["A", "B"]);
        assert!(codes_of(&cell("Empty value")).is_empty());
        assert_eq!(codes_of(&cell("`CHAT_ID_EMPTY`")), ["CHAT_ID_EMPTY"]);
        assert!(codes_of(&cell("` `")).is_empty());
        assert!(codes_of(&cell("—")).is_empty());
    }

    #[test]
    fn error_code_lines() {
        let mut errors = Vec::new();
        code_line(
            "Error Code: `BITRIX_REST_V3_X`",
            "Access Errors",
            &mut errors,
        );
        code_line("Nothing here `Y`", "", &mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "BITRIX_REST_V3_X");
        assert_eq!(errors[0].description, "Access Errors");
    }
}
