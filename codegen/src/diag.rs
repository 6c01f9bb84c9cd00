//! Problems found in a page, located by page line.

use crate::source::Source;

/// A problem with a page, at a line of the spliced source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Index into [`Source::lines`].
    pub at: usize,
    /// What is wrong, in words a doc author understands.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at a page line index.
    pub fn new(at: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            at,
            message: message.into(),
        }
    }

    /// `path:line:col: message`, with `shown` as the page's path and the
    /// included file's path when the line came from an include.
    pub fn render(&self, source: &Source, shown: &str) -> String {
        let Some(line) = source.lines.get(self.at) else {
            return format!("{shown}: {}", self.message);
        };
        let text = source.text(line);
        let col = text.len() - text.trim_start().len() + 1;
        let file = if line.file == 0 {
            shown.to_string()
        } else {
            source.files[line.file].display().to_string()
        };
        format!("{file}:{}:{col}: {}", line.number, self.message)
    }
}
