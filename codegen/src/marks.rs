//! Where an opening mark of inline Markdown closes: the `]` of a `[`, the
//! `)` or `>` after a position, the closing run of a backtick run.
//!
//! Searching the rest of the text from each opener is what a reader does,
//! and what it should do for ordinary text. But a text of n openers that
//! never close (200,000 `[` in a cell) then costs n² steps. So a text
//! answers its first few questions by searching, and after that indexes
//! itself in one pass: every later answer is a lookup.

/// How many questions a text answers by searching before it is indexed.
const SEARCHES_BEFORE_INDEX: usize = 32;

/// The closing marks of one text.
pub struct Marks<'t> {
    text: &'t str,
    asked: usize,
    index: Option<Index>,
}

/// Every mark of a text, found in one pass.
struct Index {
    /// Each `[`, with the `]` that closes it on its own line, by position.
    brackets: Vec<(usize, Option<usize>)>,
    /// Positions of `)`.
    parens: Vec<usize>,
    /// Positions of `>`.
    angles: Vec<usize>,
    /// Runs of backticks: start and length, in order.
    runs: Vec<(usize, usize)>,
    /// The longest run in each node's span ([`first_run_at_least`]).
    longest: Vec<usize>,
}

impl<'t> Marks<'t> {
    /// The marks of `text`; nothing is indexed yet.
    pub fn new(text: &'t str) -> Marks<'t> {
        Marks {
            text,
            asked: 0,
            index: None,
        }
    }

    /// The byte at `at`, if the text is that long.
    pub fn text_byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn index(&mut self) -> Option<&Index> {
        self.asked += 1;
        if self.index.is_none() && self.asked > SEARCHES_BEFORE_INDEX {
            self.index = Some(Index::of(self.text));
        }
        self.index.as_ref()
    }

    /// For the `[` at `open`: where the `]` that closes it is (brackets
    /// nest), when that is on the same line and before `end`.
    pub fn bracket_close(&mut self, open: usize, end: usize) -> Option<usize> {
        let text = self.text;
        let close = match self.index() {
            Some(index) => {
                let at = index.brackets.partition_point(|&(o, _)| o < open);
                match index.brackets.get(at) {
                    Some(&(o, close)) if o == open => close,
                    _ => None,
                }
            }
            None => {
                let mut depth = 0usize;
                let mut found = None;
                for (k, &b) in text.as_bytes()[open..end].iter().enumerate() {
                    match b {
                        b'[' => depth += 1,
                        b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                found = Some(open + k);
                                break;
                            }
                        }
                        b'\n' => return None,
                        _ => {}
                    }
                }
                found
            }
        };
        close.filter(|&c| c < end)
    }

    /// The first `)` (or `>`, as `byte` says) at or after `from`, before `end`.
    pub fn next(&mut self, byte: u8, from: usize, end: usize) -> Option<usize> {
        let text = self.text;
        let found = match self.index() {
            Some(index) => {
                let list = if byte == b')' {
                    &index.parens
                } else {
                    &index.angles
                };
                list.get(list.partition_point(|&p| p < from)).copied()
            }
            None => memchr::memchr(byte, &text.as_bytes()[from..end]).map(|k| from + k),
        };
        found.filter(|&p| p < end)
    }

    /// Where `len` backticks in a row first occur at or after `from`,
    /// wholly before `end`.
    pub fn closer(&mut self, len: usize, from: usize, end: usize) -> Option<usize> {
        let text = self.text;
        let found = match self.index() {
            Some(index) => index.first_run_at_least(len, from),
            None => {
                let hay = &text.as_bytes()[from..end];
                let needle = &"``````````````````````````````````"[..len.min(34)];
                if len == 1 {
                    // Most code spans are single backticks: a byte search.
                    memchr::memchr(b'`', hay).map(|k| from + k)
                } else if len > needle.len() {
                    // Runs this long are rare: build the needle. Longer
                    // needles of one repeated byte go through std's two-way
                    // search, linear however many backticks the text holds.
                    text[from..end].find(&"`".repeat(len)).map(|k| from + k)
                } else {
                    text[from..end].find(needle).map(|k| from + k)
                }
            }
        };
        found.filter(|&p| p + len <= end)
    }
}

impl Index {
    fn of(text: &str) -> Index {
        let bytes = text.as_bytes();
        let mut brackets = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        let mut parens = Vec::new();
        let mut angles = Vec::new();
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for (k, &b) in bytes.iter().enumerate() {
            match b {
                b'[' => {
                    open.push(brackets.len());
                    brackets.push((k, None));
                }
                b']' => {
                    if let Some(at) = open.pop() {
                        brackets[at].1 = Some(k);
                    }
                }
                // A bracket never closes on a later line.
                b'\n' => open.clear(),
                b')' => parens.push(k),
                b'>' => angles.push(k),
                b'`' => match runs.last_mut() {
                    Some((start, len)) if *start + *len == k => *len += 1,
                    _ => runs.push((k, 1)),
                },
                _ => {}
            }
        }
        // A tree of maxima over the runs' lengths, leaves from `size` on.
        let size = runs.len().next_power_of_two().max(1);
        let mut longest = vec![0; 2 * size];
        for (i, &(_, len)) in runs.iter().enumerate() {
            longest[size + i] = len;
        }
        for node in (1..size).rev() {
            longest[node] = longest[2 * node].max(longest[2 * node + 1]);
        }
        Index {
            brackets,
            parens,
            angles,
            runs,
            longest,
        }
    }

    /// Where `len` backticks first occur at or after `from`: in the first
    /// run that reaches past `from` with that many, found through the tree.
    fn first_run_at_least(&self, len: usize, from: usize) -> Option<usize> {
        let first = self.runs.partition_point(|&(s, l)| s + l <= from);
        let &(start, run) = self.runs.get(first)?;
        // The run `from` may be inside of counts only from `from` on.
        let start = start.max(from);
        if run - (start - self.runs[first].0) >= len {
            return Some(start);
        }
        let size = self.longest.len() / 2;
        // The leftmost leaf after `first` whose run is long enough.
        let mut node = size + first + 1;
        if node >= 2 * size {
            return None;
        }
        loop {
            if self.longest[node] >= len {
                break;
            }
            // Climb while `node` is a right child, then step right.
            while node % 2 == 1 {
                node /= 2;
                if node == 0 {
                    return None;
                }
            }
            node += 1;
        }
        while node < size {
            node = if self.longest[2 * node] >= len {
                2 * node
            } else {
                2 * node + 1
            };
        }
        self.runs.get(node - size).map(|&(s, _)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every question asked of a text with and without its index agrees.
    #[test]
    fn indexed_answers_equal_searched_ones() {
        let text = "[a [b] c](x) ``y` `` [z\n] ``` q`` ` > ) [[]] `````";
        let mut searched = Marks::new(text);
        let mut indexed = Marks::new(text);
        indexed.index = Some(Index::of(text));
        for from in 0..text.len() {
            for end in from..=text.len() {
                searched.asked = 0;
                if text.as_bytes()[from] == b'[' {
                    assert_eq!(
                        searched.bracket_close(from, end),
                        indexed.bracket_close(from, end),
                        "[ at {from}..{end}"
                    );
                }
                for byte in [b')', b'>'] {
                    searched.asked = 0;
                    assert_eq!(
                        searched.next(byte, from, end),
                        indexed.next(byte, from, end)
                    );
                }
                for len in 1..7 {
                    searched.asked = 0;
                    assert_eq!(
                        searched.closer(len, from, end),
                        indexed.closer(len, from, end),
                        "{len} backticks in {from}..{end}"
                    );
                }
            }
        }
    }
}
