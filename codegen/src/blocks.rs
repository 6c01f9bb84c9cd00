//! The block structure of a YFM page: headings, `#| |#` tables, lists, code
//! fences, quotes and paragraphs. Directives such as `{% list tabs %}` or
//! `{% note %}` only wrap other blocks, so their own lines are dropped.
//!
//! The scanner works on [`Piece`]s (a line of text plus the index of the page
//! line it came from) so the same code reads a whole page and the inside of a
//! table cell, which may hold lists, code and tables of its own.

use crate::marks::Marks;
use crate::ws::Trim;

/// A line of text and the index of the [`crate::source::Line`] it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece<'a> {
    /// The text of this line (for a cell, only the part inside the cell).
    pub text: &'a str,
    /// Index into the page's spliced lines.
    pub at: usize,
}

/// One cell of a YFM table row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell<'a> {
    /// The cell's lines; the first one holds the text right after the `|`.
    pub lines: Lines<'a>,
}

/// The lines of a cell, read as a slice. Most cells are one line, and a
/// vector for each of them was a tenth of reading a page, so one line is
/// kept in place.
#[derive(Clone, Default)]
pub enum Lines<'a> {
    /// No line yet.
    #[default]
    Empty,
    /// One line.
    One(Piece<'a>),
    /// Two or more.
    Many(Vec<Piece<'a>>),
}

impl<'a> Lines<'a> {
    /// Adds a line at the end.
    pub fn push(&mut self, piece: Piece<'a>) {
        match std::mem::take(self) {
            Lines::Empty => *self = Lines::One(piece),
            Lines::One(first) => {
                // A cell of two lines mostly has more (a list, code): room
                // for four spares it the first regrowth.
                let mut all = Vec::with_capacity(4);
                all.push(first);
                all.push(piece);
                *self = Lines::Many(all);
            }
            Lines::Many(mut all) => {
                all.push(piece);
                *self = Lines::Many(all);
            }
        }
    }
}

impl<'a> std::ops::Deref for Lines<'a> {
    type Target = [Piece<'a>];

    fn deref(&self) -> &[Piece<'a>] {
        match self {
            Lines::Empty => &[],
            Lines::One(piece) => std::slice::from_ref(piece),
            Lines::Many(all) => all,
        }
    }
}

impl PartialEq for Lines<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Lines<'_> {}

impl std::fmt::Debug for Lines<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl<'a> FromIterator<Piece<'a>> for Lines<'a> {
    fn from_iter<I: IntoIterator<Item = Piece<'a>>>(iter: I) -> Self {
        let mut lines = Lines::Empty;
        for piece in iter {
            lines.push(piece);
        }
        lines
    }
}

impl<'a> Cell<'a> {
    /// The cell's text with lines joined by `\n` and outer blank lines removed.
    pub fn text(&self) -> String {
        if let [only] = &*self.lines {
            return only.text.trim_ws().to_string();
        }
        let mut joined = String::with_capacity(self.lines.iter().map(|p| p.text.len() + 1).sum());
        for (k, piece) in self.lines.iter().enumerate() {
            if k > 0 {
                joined.push('\n');
            }
            joined.push_str(piece.text);
        }
        let trimmed = joined.trim_ws();
        if trimmed.len() == joined.len() {
            joined
        } else {
            trimmed.to_string()
        }
    }

    /// Whether [`Cell::text`] would be empty, without joining the lines.
    pub fn is_blank(&self) -> bool {
        self.lines.iter().all(|p| p.text.trim_ws().is_empty())
    }

    /// Whether [`Cell::text`] contains `needle` (which holds no line break
    /// and no outer whitespace), without joining the lines.
    pub fn contains(&self, needle: &str) -> bool {
        self.lines.iter().any(|p| p.text.contains(needle))
    }

    /// The page line index of the first non-blank line of the cell.
    pub fn at(&self) -> Option<usize> {
        self.lines
            .iter()
            .find(|p| !p.text.trim_ws().is_empty())
            .or(self.lines.first())
            .map(|p| p.at)
    }

    /// The cell's non-blank lines, trimmed.
    pub fn nonblank_lines(&self) -> impl Iterator<Item = &Piece<'a>> {
        self.lines.iter().filter(|p| !p.text.trim_ws().is_empty())
    }
}

/// A table: its rows, each a list of cells. The header row is `rows[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table<'a> {
    /// Rows in document order.
    pub rows: Vec<Vec<Cell<'a>>>,
    /// Page line index of the `#|` line.
    pub at: usize,
    /// Whether the closing `|#` was found.
    pub closed: bool,
    /// Page line index of the first text outside any `|| ... ||` row (a
    /// row whose `||` was lost), if there is one. Such text is dropped from
    /// [`Table::rows`], so a reader that needs every row must refuse it.
    pub stray: Option<usize>,
}

/// One item of a bullet or numbered list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Columns of indentation before the marker.
    pub indent: usize,
    /// The item's text: the first line after the marker plus its continuation lines.
    pub text: String,
    /// Page line index of the marker line.
    pub at: usize,
}

/// A block of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block<'a> {
    /// `## Text {#anchor}`
    Heading {
        /// 1 for `#`, 2 for `##`...
        level: usize,
        /// Heading text without the anchor.
        text: String,
        /// The `{#anchor}` id, if any.
        anchor: Option<String>,
        /// Page line index.
        at: usize,
    },
    /// A `#| ... |#` table.
    Table(Table<'a>),
    /// A standard Markdown pipe table (`| a | b |`), converted to the same shape.
    PipeTable(Table<'a>),
    /// Consecutive list items.
    List(Vec<Item>),
    /// A fenced code block.
    Code {
        /// The info string (`json`, `bash`...), lowercased.
        lang: String,
        /// The code, lines joined by `\n`, common indentation kept.
        text: String,
        /// Page line index of the opening fence.
        at: usize,
    },
    /// `>` lines, markers removed.
    Quote(Vec<Piece<'a>>),
    /// Consecutive text lines.
    Paragraph(Vec<Piece<'a>>),
}

impl Block<'_> {
    /// The page line index where this block starts.
    pub fn at(&self) -> usize {
        match self {
            Block::Heading { at, .. } | Block::Code { at, .. } => *at,
            Block::Table(t) | Block::PipeTable(t) => t.at,
            Block::List(items) => items.first().map_or(0, |i| i.at),
            Block::Quote(p) | Block::Paragraph(p) => p.first().map_or(0, |p| p.at),
        }
    }
}

/// Splits pieces into blocks.
pub fn scan<'a>(pieces: &[Piece<'a>]) -> Vec<Block<'a>> {
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let line = &pieces[i];
        let trimmed = line.text.trim_ws();
        if starts_prose(trimmed) {
            i = scan_paragraph(pieces, i, &mut blocks);
        } else if trimmed.is_empty() || is_directive(trimmed) {
            i += 1;
        } else if let Some(fence) = fence_marker(trimmed) {
            i = scan_code(pieces, i, fence, &mut blocks);
        } else if trimmed.starts_with("#|") {
            let (table, next) = scan_table(pieces, i);
            blocks.push(Block::Table(table));
            i = next;
        } else if let Some((level, text, anchor)) = heading(trimmed) {
            blocks.push(Block::Heading {
                level,
                text,
                anchor,
                at: line.at,
            });
            i += 1;
        } else if list_marker(line.text).is_some() {
            i = scan_list(pieces, i, &mut blocks);
        } else if trimmed.starts_with('>') {
            let mut quote = Vec::new();
            while i < pieces.len() && pieces[i].text.trim_ws().starts_with('>') {
                let text = pieces[i].text.trim_ws().trim_start_matches('>').trim_ws();
                quote.push(Piece {
                    text,
                    at: pieces[i].at,
                });
                i += 1;
            }
            blocks.push(Block::Quote(quote));
        } else if is_pipe_row(trimmed)
            && pieces
                .get(i + 1)
                .is_some_and(|next| is_pipe_delimiter(next.text.trim_ws()))
        {
            i = scan_pipe_table(pieces, i, &mut blocks);
        } else {
            i = scan_paragraph(pieces, i, &mut blocks);
        }
    }
    blocks
}

/// Whether a (trimmed) line starts with a letter: then it starts no block
/// other than a paragraph, and goes on one. Most lines of prose do, and
/// are then spared every other rule.
pub(crate) fn starts_prose(trimmed: &str) -> bool {
    trimmed
        .as_bytes()
        .first()
        .is_some_and(|&b| b.is_ascii_alphabetic() || b >= 0x80)
}

/// The paragraph that starts at `start`: lines up to a blank line or the
/// start of another block.
fn scan_paragraph<'a>(pieces: &[Piece<'a>], start: usize, blocks: &mut Vec<Block<'a>>) -> usize {
    // The paragraph's lines are found first and copied at once: most
    // paragraphs are a line or two, and growing a vector for them cost more.
    let mut i = start;
    while i < pieces.len() {
        let t = pieces[i].text.trim_ws();
        if !starts_prose(t)
            && (t.is_empty()
                || is_directive(t)
                || fence_marker(t).is_some()
                || t.starts_with("#|")
                || heading(t).is_some()
                || (list_marker(pieces[i].text).is_some() && i > start))
        {
            break;
        }
        i += 1;
    }
    if i == start {
        // A line no other rule took: keep it as text so we always advance.
        i += 1;
    }
    blocks.push(Block::Paragraph(pieces[start..i].to_vec()));
    i
}

fn is_directive(trimmed: &str) -> bool {
    trimmed.starts_with("{%") && trimmed.ends_with("%}")
}

/// Returns the fence string (```` ``` ```` or `~~~` of any length) if the line opens one.
fn fence_marker(trimmed: &str) -> Option<&str> {
    // Asked of most lines: the first byte rules out nearly all of them.
    let ch = *trimmed.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let n = trimmed.bytes().take_while(|&b| b == ch).count();
    if n < 3 {
        return None;
    }
    // A code span such as ```a | b``` on one line is not a fence.
    if ch == b'`' && trimmed[n..].contains('`') {
        return None;
    }
    Some(&trimmed[..n])
}

fn scan_code<'a>(
    pieces: &[Piece<'a>],
    start: usize,
    fence: &str,
    blocks: &mut Vec<Block<'a>>,
) -> usize {
    let open = pieces[start].text.trim_ws();
    let lang = open[fence.len()..].trim_ws().to_lowercase();
    let indent = leading_spaces(pieces[start].text);
    let fence_char = fence.as_bytes()[0];
    let closes = |text: &str| {
        // Code is most of a page's bytes: a line is only trimmed when it
        // may close the block.
        let t = &text[leading_spaces(text)..];
        t.as_bytes().first() == Some(&fence_char)
            && t.starts_with(fence)
            && t.trim_start_matches(char::from(fence_char))
                .trim_end_ws()
                .is_empty()
    };
    // The block's lines first, so its text is allocated once at its size.
    let first = start + 1;
    let end = pieces[first.min(pieces.len())..]
        .iter()
        .position(|p| closes(p.text))
        .map_or(pieces.len(), |k| first + k);
    let lines = &pieces[first.min(end)..end];
    let size = lines.iter().map(|p| p.text.len() + 1).sum::<usize>();
    let mut body = String::with_capacity(size);
    for (k, piece) in lines.iter().enumerate() {
        if k > 0 {
            body.push('\n');
        }
        // Only cut when the fence was indented (most are not, and then no
        // line's indentation is counted).
        let text = piece.text;
        let cut = if indent == 0 {
            0
        } else {
            leading_spaces(text).min(indent)
        };
        body.push_str(&text[cut..]);
    }
    // After the closing fence, if there was one.
    let i = if end < pieces.len() { end + 1 } else { end };
    blocks.push(Block::Code {
        lang,
        text: body,
        at: pieces[start].at,
    });
    i
}

/// How many spaces and tabs `text` starts with. Every line of code is asked
/// (whether it closes its block), and code is indented: spaces are skipped
/// eight at a time, and the rest (a tab, the last few) a byte at a time.
fn leading_spaces(text: &str) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    let bytes = text.as_bytes();
    let mut k = 0;
    while let Some(chunk) = bytes.get(k..k + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // The first byte that is not a space is the lowest one set here.
        let other = u64::from_le_bytes(word) ^ SPACES;
        if other != 0 {
            k += (other.trailing_zeros() / 8) as usize;
            break;
        }
        k += 8;
    }
    k + bytes[k..]
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(bytes.len() - k)
}

/// `## Title {#anchor}` → (2, "Title", Some("anchor")).
pub fn heading(trimmed: &str) -> Option<(usize, String, Option<String>)> {
    let level = trimmed.chars().take_while(|&c| c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &trimmed[level..];
    if !rest.starts_with(' ') && !rest.is_empty() {
        return None;
    }
    let mut text = rest.trim_ws().to_string();
    let mut anchor = None;
    if text.ends_with('}') {
        if let Some(open) = text.rfind("{#") {
            anchor = Some(text[open + 2..text.len() - 1].trim_ws().to_string());
            text = text[..open].trim_ws().to_string();
        }
    }
    Some((level, text, anchor))
}

/// The marker width if the line starts a list item (`- `, `* `, `+ `, `1. `).
fn list_marker(text: &str) -> Option<usize> {
    let trimmed = text.trim_start_ws();
    let indent = text.len() - trimmed.len();
    let bytes = trimmed.as_bytes();
    if bytes.len() >= 2 && matches!(bytes[0], b'-' | b'*' | b'+') && bytes[1] == b' ' {
        // `**bold**` and `* ` differ by the space; `---` rules are not items.
        return Some(indent + 2);
    }
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0
        && digits < 4
        && bytes.len() > digits + 1
        && matches!(bytes[digits], b'.' | b')')
        && bytes[digits + 1] == b' '
    {
        return Some(indent + digits + 2);
    }
    None
}

fn scan_list<'a>(pieces: &[Piece<'a>], start: usize, blocks: &mut Vec<Block<'a>>) -> usize {
    let mut items: Vec<Item> = Vec::new();
    let mut i = start;
    while i < pieces.len() {
        let text = pieces[i].text;
        let trimmed = text.trim_ws();
        if let Some(width) = list_marker(text) {
            items.push(Item {
                indent: leading_spaces(text),
                text: text[width..].trim_ws().to_string(),
                at: pieces[i].at,
            });
            i += 1;
            continue;
        }
        if trimmed.is_empty() {
            // A blank line ends the list unless an indented continuation or item follows.
            let next = pieces[i + 1..]
                .iter()
                .position(|p| !p.text.trim_ws().is_empty())
                .map(|k| i + 1 + k);
            match next.map(|n| (n, &pieces[n])) {
                Some((n, p)) if list_marker(p.text).is_some() || leading_spaces(p.text) >= 2 => {
                    if fence_marker(p.text.trim_ws()).is_some()
                        || p.text.trim_ws().starts_with("#|")
                    {
                        break;
                    }
                    // The rest of the blank run would find the same line:
                    // go straight to it (a run of blank lines costs its length once).
                    i = n;
                    continue;
                }
                _ => break,
            }
        }
        if is_directive(trimmed)
            || fence_marker(trimmed).is_some()
            || trimmed.starts_with("#|")
            || heading(trimmed).is_some()
        {
            break;
        }
        if let Some(last) = items.last_mut() {
            last.text.push('\n');
            last.text.push_str(trimmed);
        }
        i += 1;
    }
    blocks.push(Block::List(items));
    i
}

/// Reads a `#| ... |#` table starting at `start`; returns it and the index after `|#`.
pub fn scan_table<'a>(pieces: &[Piece<'a>], start: usize) -> (Table<'a>, usize) {
    let mut rows: Vec<Vec<Cell<'a>>> = Vec::new();
    let mut row: Option<Vec<Cell<'a>>> = None;
    let mut cell = Cell::default();
    let mut depth = 0usize;
    let mut fence: Option<String> = None;
    let mut closed = false;
    let mut stray = None;
    let mut i = start;
    while i < pieces.len() {
        let piece = &pieces[i];
        let trimmed = piece.text.trim_ws();
        i += 1;
        // Inside a fence or a nested table every line belongs to the current cell.
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str()) {
                // The closing fence may carry the row's end: "``` ||".
                let lead = piece.text.len() - piece.text.trim_start_ws().len();
                let cut = lead + trimmed[..].len()
                    - trimmed
                        .trim_start_matches(open.chars().next().unwrap_or('`'))
                        .len();
                fence = None;
                let rest = &piece.text[cut..];
                if rest.trim_ws().is_empty() {
                    cell.lines.push(piece.clone());
                } else {
                    cell.lines.push(Piece {
                        text: &piece.text[..cut],
                        at: piece.at,
                    });
                    let tail = Piece {
                        text: rest,
                        at: piece.at,
                    };
                    split_row_line(&tail, 0, &mut rows, &mut row, &mut cell, &mut stray);
                }
                continue;
            }
            cell.lines.push(piece.clone());
            continue;
        }
        if depth >= 1 && trimmed.starts_with("#|") {
            depth += 1;
            if depth == 2 && row.is_none() {
                continue;
            }
            cell.lines.push(piece.clone());
            continue;
        }
        // Where text outside a row starts to count: after an opening `#|`.
        let mut outside_from = 0;
        if depth == 0 && trimmed.starts_with("#|") {
            depth = 1;
            let rest = trimmed[2..].trim_ws();
            if rest.is_empty() {
                continue;
            }
            outside_from = piece.text.find("#|").map_or(0, |k| k + 2);
        }
        if depth > 1 {
            if trimmed.starts_with("|#") {
                depth -= 1;
            }
            cell.lines.push(piece.clone());
            continue;
        }
        if trimmed.starts_with("|#") {
            if let Some(mut r) = row.take() {
                r.push(std::mem::take(&mut cell));
                rows.push(r);
            }
            closed = true;
            break;
        }
        if row.is_some() {
            if let Some(f) = fence_marker(trimmed) {
                fence = Some(f.to_string());
                cell.lines.push(piece.clone());
                continue;
            }
        }
        split_row_line(
            piece,
            outside_from,
            &mut rows,
            &mut row,
            &mut cell,
            &mut stray,
        );
    }
    (
        Table {
            rows,
            at: pieces[start].at,
            closed,
            stray,
        },
        i,
    )
}

/// Feeds one table line through the row/cell state machine. Text outside
/// any row (from byte `outside_from` on) sets `stray` to the line's index.
fn split_row_line<'a>(
    piece: &Piece<'a>,
    outside_from: usize,
    rows: &mut Vec<Vec<Cell<'a>>>,
    row: &mut Option<Vec<Cell<'a>>>,
    cell: &mut Cell<'a>,
    stray: &mut Option<usize>,
) {
    let text: &'a str = piece.text;
    let bytes = text.as_bytes();
    // The current cell's part of this line is always `text[start..k]`.
    let mut start = 0;
    let mut k = 0;
    let mut touched = false;
    // Where the text outside a row began, while there is no row.
    let mut outside = row.is_none().then_some(outside_from.min(text.len()));
    let mut marks: Option<Marks<'a>> = None;
    let mut check_outside = |from: Option<usize>, to: usize| {
        if let Some(from) = from {
            if stray.is_none() && !text.get(from..to).unwrap_or("").trim_ws().is_empty() {
                *stray = Some(piece.at);
            }
        }
    };
    let flush = |cell: &mut Cell<'a>, start: usize, end: usize| {
        cell.lines.push(Piece {
            text: &text[start..end],
            at: piece.at,
        });
    };
    loop {
        k = next_cell_mark(bytes, k);
        if k >= bytes.len() {
            break;
        }
        let b = bytes[k];
        if b == b'\\' && k + 1 < bytes.len() {
            k += 1 + text[k + 1..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        if b == b'`' {
            let run = bytes[k..].iter().take_while(|&&c| c == b'`').count();
            let close = if run == 1 {
                // A lone backtick that finds no closer is the line's last.
                memchr::memchr(b'`', &bytes[k + 1..]).map(|at| k + 1 + at)
            } else {
                // Through `Marks`: a line of many longer runs that never
                // close would otherwise be searched to its end from each.
                marks
                    .get_or_insert_with(|| Marks::new(text))
                    .closer(run, k + run, text.len())
            };
            if let Some(close) = close {
                k = close + run;
                continue;
            }
            k += run;
            continue;
        }
        if b == b'|' {
            touched = true;
            let double = bytes.get(k + 1) == Some(&b'|');
            if row.is_none() {
                if double {
                    check_outside(outside.take(), k);
                    // Rows of a table have as many cells as the one before.
                    *row = Some(Vec::with_capacity(rows.last().map_or(4, Vec::len)));
                    k += 2;
                } else {
                    k += 1;
                }
                start = k;
                continue;
            }
            flush(cell, start, k);
            let done = std::mem::take(cell);
            if let Some(r) = row.as_mut() {
                r.push(done);
            }
            if double {
                if let Some(r) = row.take() {
                    rows.push(r);
                }
                k += 2;
                outside = Some(k);
            } else {
                k += 1;
            }
            start = k;
            continue;
        }
        k += 1;
    }
    let k = k.min(text.len());
    if row.is_none() {
        check_outside(outside, text.len());
    }
    if row.is_some() && (start < k || !touched || !cell.lines.is_empty()) {
        flush(cell, start.min(k), k);
    }
}

/// The index of the first `\\`, `` ` `` or `|` at or after `k`, else the
/// length. Table lines are long and these bytes rare: one vectorised
/// search for any of the three.
fn next_cell_mark(bytes: &[u8], k: usize) -> usize {
    match bytes.get(k..) {
        Some(rest) => memchr::memchr3(b'\\', b'`', b'|', rest).map_or(bytes.len(), |at| k + at),
        None => bytes.len(),
    }
}

fn is_pipe_row(trimmed: &str) -> bool {
    trimmed.starts_with('|')
        && trimmed.len() > 1
        && !trimmed.starts_with("||")
        && !trimmed.starts_with("|#")
}

fn is_pipe_delimiter(trimmed: &str) -> bool {
    trimmed.starts_with('|')
        && trimmed.contains('-')
        && trimmed.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

fn scan_pipe_table<'a>(pieces: &[Piece<'a>], start: usize, blocks: &mut Vec<Block<'a>>) -> usize {
    let mut rows = Vec::new();
    let mut i = start;
    while i < pieces.len() && is_pipe_row(pieces[i].text.trim_ws()) {
        let trimmed = pieces[i].text.trim_ws();
        if i != start + 1 {
            let inner = trimmed.trim_start_matches('|');
            let inner = inner.strip_suffix('|').unwrap_or(inner);
            let cells = split_unescaped(inner)
                .into_iter()
                .map(|text| Cell {
                    lines: Lines::One(Piece {
                        text,
                        at: pieces[i].at,
                    }),
                })
                .collect();
            rows.push(cells);
        }
        i += 1;
    }
    blocks.push(Block::PipeTable(Table {
        rows,
        at: pieces[start].at,
        closed: true,
        stray: None,
    }));
    i
}

/// Splits on `|` that is neither escaped nor inside a code span.
fn split_unescaped(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_code = false;
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut k = 0;
    while k < bytes.len() {
        match bytes[k] {
            b'\\' if bytes.get(k + 1) == Some(&b'|') => k += 1,
            b'`' => in_code = !in_code,
            b'|' if !in_code => {
                out.push(text[start..k].trim_ws());
                start = k + 1;
            }
            _ => {}
        }
        k += 1;
    }
    out.push(text[start..].trim_ws());
    out
}

/// Pieces for every line of a source, in order.
pub fn pieces_of(source: &crate::source::Source) -> Vec<Piece<'_>> {
    source
        .lines
        .iter()
        .enumerate()
        .map(|(at, line)| Piece {
            text: source.text(line),
            at,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<Piece<'_>> {
        text.lines()
            .enumerate()
            .map(|(at, t)| Piece { text: t, at })
            .collect()
    }

    fn cells(table: &Table) -> Vec<Vec<String>> {
        table
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::text).collect())
            .collect()
    }

    #[test]
    fn yfm_table_rows_may_span_lines_and_close_late() {
        let blocks = scan(&pieces(
            "#|\n|| **Name**\n`type` | **Description** ||\n|| **id***\n[`integer`](x.md) | The id\n||\n|#",
        ));
        let Block::Table(t) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(
            cells(t),
            [
                vec!["**Name**\n`type`", "**Description**"],
                vec!["**id***\n[`integer`](x.md)", "The id"]
            ]
        );
        assert_eq!(t.rows[1][0].at(), Some(3));
    }

    #[test]
    fn pipes_in_code_spans_and_escapes_do_not_split_cells() {
        let blocks = scan(&pieces(
            "#|\n|| a | `x | y` and ```b | c``` and d \\| e ||\n|#",
        ));
        let Block::Table(t) = &blocks[0] else {
            panic!()
        };
        assert_eq!(cells(t), [vec!["a", "`x | y` and ```b | c``` and d \\| e"]]);
    }

    #[test]
    fn nested_tables_and_fences_stay_inside_their_cell() {
        let text = "#|\n|| **a** | outer\n#|\n|| x | y ||\n|#\n||\n|| **b** | code\n```json\n{\"a\": \"|\"}\n```\n||\n|#\nafter";
        let blocks = scan(&pieces(text));
        let Block::Table(t) = &blocks[0] else {
            panic!()
        };
        assert_eq!(t.rows.len(), 2);
        let inner = scan(&t.rows[0][1].lines);
        assert!(matches!(&inner[1], Block::Table(n) if cells(n) == [vec!["x", "y"]]));
        assert!(t.rows[1][1].text().contains("{\"a\": \"|\"}"));
        assert!(matches!(&blocks[1], Block::Paragraph(p) if p[0].text == "after"));
    }

    #[test]
    fn headings_lists_code_and_quotes() {
        let text = "# Title a.b\n> Scope: `crm`\n>\n> Who: x\n\n## Params {#p}\n\n- **A^*^** — one\n- **B** — two\n  more\n\n    ```json\n    {\"a\": 1}\n    ```\n{% list tabs %}\ntext";
        let blocks = scan(&pieces(text));
        assert!(matches!(&blocks[0], Block::Heading { level: 1, text, .. } if text == "Title a.b"));
        assert!(matches!(&blocks[1], Block::Quote(q) if q.len() == 3));
        assert!(matches!(&blocks[2], Block::Heading { anchor: Some(a), .. } if a == "p"));
        let Block::List(items) = &blocks[3] else {
            panic!("{:?}", blocks[3])
        };
        assert_eq!(items[1].text, "**B** — two\nmore");
        assert!(
            matches!(&blocks[4], Block::Code { lang, text, .. } if lang == "json" && text == "{\"a\": 1}")
        );
        assert!(matches!(&blocks[5], Block::Paragraph(p) if p[0].text == "text"));
    }

    #[test]
    fn a_closing_fence_may_end_the_row() {
        let text = "#|\n|| **a** | code:\n```js\n{'x': 1}\n``` ||\n|| **b** | two ||\n|#";
        let blocks = scan(&pieces(text));
        let Block::Table(t) = &blocks[0] else {
            panic!()
        };
        assert_eq!(t.rows.len(), 2, "{:?}", cells(t));
        assert_eq!(t.rows[1][0].text(), "**b**");
    }

    #[test]
    fn leading_spaces_and_tabs_are_counted() {
        for text in [
            "",
            " ",
            "x",
            "  x",
            "\t x",
            "        ",
            "         x",
            "        \tx",
            "                  \t\t  y",
            "  \t",
            "\u{a0}x",
            " \u{2003}",
        ] {
            let expected = text
                .bytes()
                .take_while(|&b| b == b' ' || b == b'\t')
                .count();
            assert_eq!(leading_spaces(text), expected, "{text:?}");
        }
    }

    #[test]
    fn pipe_tables_are_read_too() {
        let blocks = scan(&pieces("| Code | Text |\n|---|---|\n| `A` | x \\| y |"));
        let Block::PipeTable(t) = &blocks[0] else {
            panic!()
        };
        assert_eq!(cells(t), [vec!["Code", "Text"], vec!["`A`", "x \\| y"]]);
    }
}
