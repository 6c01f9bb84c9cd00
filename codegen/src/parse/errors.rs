//! Method-specific error codes from the error tables.

use super::sections::{Page, SectionKind};
use crate::blocks::{Block, Cell};
use crate::inline;
use crate::model::ErrorCode;

/// Reads every error table of the error sections, skipping the shared
/// system-error table (the runtime knows those codes).
pub fn read(page: &Page<'_>) -> Vec<ErrorCode> {
    let mut errors: Vec<ErrorCode> = Vec::new();
    for section in page.sections_of(SectionKind::Errors) {
        let mut heading = String::new();
        for block in section.blocks {
            match block {
                Block::Heading { text, .. } => heading = text.to_lowercase(),
                Block::Table(table) | Block::PipeTable(table) if !heading.contains("system") => {
                    let Some((header, rows)) = table.rows.split_first() else {
                        continue;
                    };
                    let labels: Vec<String> = header
                        .iter()
                        .map(|c| inline::plain(&c.text()).to_lowercase())
                        .collect();
                    let Some(code_col) = labels.iter().position(|l| l.trim().starts_with("code"))
                    else {
                        continue;
                    };
                    let status_col = labels
                        .iter()
                        .position(|l| l.contains("status") || l.contains("http"));
                    let desc_col = labels
                        .iter()
                        .position(|l| l.contains("description") || l.contains("message"))
                        .filter(|&i| i != code_col)
                        .or_else(|| {
                            (0..labels.len())
                                .rev()
                                .find(|&i| i != code_col && Some(i) != status_col)
                        });
                    for row in rows {
                        let Some(code) = row.get(code_col).and_then(code_of) else {
                            continue;
                        };
                        if errors.iter().any(|e| e.code == code) {
                            continue;
                        }
                        let description = desc_col
                            .and_then(|c| row.get(c))
                            .map(|c| inline::collapse(&inline::plain(&c.text())))
                            .unwrap_or_default();
                        let status = status_col
                            .and_then(|c| row.get(c))
                            .and_then(|c| inline::plain(&c.text()).trim().get(..3)?.parse().ok());
                        errors.push(ErrorCode {
                            code,
                            description,
                            status,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    errors
}

/// The code in a code cell: its first code span, else its bold text, else its
/// first line. Blank codes and "empty value" placeholders are not codes.
fn code_of(cell: &Cell) -> Option<String> {
    let text = cell.text();
    let first_line = text.lines().next().unwrap_or("");
    let raw = inline::code_spans(first_line)
        .first()
        .map(|s| s.to_string())
        .or_else(|| inline::first_bold(first_line).map(str::to_string))
        .unwrap_or_else(|| inline::plain(first_line));
    let code = raw.trim().trim_matches(['"', '\'']).trim().to_string();
    let lower = code.to_lowercase();
    if code.is_empty()
        || lower.contains("empty")
        || lower == "-"
        || lower == "—"
        || code.contains(' ')
    {
        return None;
    }
    Some(code)
}
