//! What a table reader sees beyond the table it reads: the sub-tables of the
//! page (or of a linked file), the linked files, and the reader itself, which
//! nested tables (in cells, behind links, under headings) are read with.

use super::linked::Links;
use super::subtable::SubTable;
use crate::blocks::Table;
use crate::diag::Diagnostic;
use crate::model::Field;

/// How deep nested members are followed (sub-tables may link in a cycle).
pub const MAX_DEPTH: usize = 6;

/// Reads a table's rows into fields: `(table, context, depth, strict)`.
/// It is `rows::read_table`, set by `fields`. Reading a row reads its cells
/// and links (`cells`, `anchors`), which read nested tables again; they do so
/// through this pointer, so the recursion is a call and not an import cycle.
pub type ReadTable = fn(&Table, &Context<'_>, usize, bool) -> Result<Vec<Field>, Diagnostic>;

/// Where the members of a table's fields may come from.
pub struct Context<'b> {
    /// Tables under headings anywhere below, for `#anchor` links.
    pub subtables: Vec<SubTable<'b>>,
    /// Tables under headings of the same part of the page, matched by name.
    pub named: Vec<SubTable<'b>>,
    /// Tables of the files the page links to.
    pub links: &'b Links<'b>,
    /// The reader of nested tables ([`ReadTable`]).
    pub read: ReadTable,
}

impl Context<'_> {
    /// Reads `table` with this context's reader (a nested table, a linked
    /// sub-table or one named by a heading).
    pub fn read_table(
        &self,
        table: &Table,
        depth: usize,
        strict: bool,
    ) -> Result<Vec<Field>, Diagnostic> {
        // A table that links back to itself, or to a table being read
        // further up (a task whose `parent` is a task), gives no members
        // the second time: the member is then a free-form object. Without
        // this, each level of a self-referencing type repeats the whole
        // type until the depth limit, and the bindings grow with its power.
        let Some(_reading) = Reading::enter(table) else {
            return Ok(Vec::new());
        };
        (self.read)(table, self, depth, strict)
    }
}

impl<'b> Context<'b> {
    /// The context of a table in a linked file: links inside that file
    /// point into that file.
    pub fn in_file(&self, tables: &'b [SubTable<'b>]) -> Context<'b> {
        Context {
            subtables: tables.to_vec(),
            named: Vec::new(),
            links: self.links,
            read: self.read,
        }
    }

    /// The members of a sub-table and of the tables of the same columns
    /// that follow it under its heading (the tabs of `{% list tabs %}`), in
    /// order, each name once.
    pub fn read_sub(&self, sub: &SubTable<'_>, depth: usize) -> Result<Vec<Field>, Diagnostic> {
        let mut members = self.read_table(sub.table, depth, false)?;
        for table in &sub.more {
            for member in self.read_table(table, depth, false).unwrap_or_default() {
                if !members.iter().any(|m| m.name == member.name) {
                    members.push(member);
                }
            }
        }
        Ok(members)
    }
}

/// A table on the stack of tables being read; leaving it (also by a panic,
/// which `b24 check` survives page by page) takes it off.
struct Reading(usize);

impl Reading {
    fn enter(table: &Table) -> Option<Reading> {
        let key = table as *const Table as usize;
        READING.with(|stack| {
            let mut stack = stack.borrow_mut();
            if stack.contains(&key) {
                return None;
            }
            stack.push(key);
            Some(Reading(key))
        })
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        READING.with(|stack| {
            let mut stack = stack.borrow_mut();
            if let Some(at) = stack.iter().rposition(|k| *k == self.0) {
                stack.remove(at);
            }
        });
    }
}

thread_local! {
    /// The tables being read, innermost last.
    static READING: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}
