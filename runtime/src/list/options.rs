//! How a traversal runs and how far it has come: [`ExportOptions`],
//! [`Checkpoint`], [`Progress`].

use serde::{Deserialize, Serialize};

/// Where a traversal by ID stands: the last ID handed out. Start a new
/// export from it to resume.
///
/// One ID is the whole state even when ranges are traversed concurrently:
/// items are handed out in ID order, so every item at or below `last_id`
/// was handed out and none above it was (items a later range fetched ahead
/// are fetched again). The serde form is `{"last_id": N}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The ID of the last item yielded.
    pub last_id: i64,
}

/// ID ranges traversed at once by default: as many requests as the client
/// first allows in flight.
pub const DEFAULT_RANGES: usize = 8;

/// The most ID ranges traversed at once.
pub const MAX_RANGES: usize = 64;

/// How a traversal by ID runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    /// Resume after this checkpoint (items with greater IDs only).
    pub after: Option<Checkpoint>,
    /// Pages per `batch` request, 1 to 50 (default 50: 2,500 items a request).
    pub pages_per_request: usize,
    /// ID ranges traversed at once, 1 to [`MAX_RANGES`] (default
    /// [`DEFAULT_RANGES`]). With more than one, the export first asks for
    /// the lowest and highest ID (one `batch` of two pages, the first of
    /// which is already the export's first page), then splits the IDs
    /// between them into ranges of at most one request's worth of items
    /// and fetches that many at once, in ID order; the client's limit on
    /// requests in flight and its rate limit apply as to any call. Items are
    /// still handed out once each and in ID order. 1 is the plain
    /// traversal, one request after another (also what REST 3.0 methods
    /// get, having no `batch`).
    pub ranges: usize,
}

impl Default for ExportOptions {
    fn default() -> ExportOptions {
        ExportOptions {
            after: None,
            pages_per_request: 50,
            ranges: DEFAULT_RANGES,
        }
    }
}

/// How far a traversal has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Items yielded so far.
    pub items: u64,
    /// The total, when the portal counted it (paging by `start`).
    pub total: Option<u64>,
    /// Requests made so far (every range's, retries not included).
    pub requests: u64,
    /// The ID of the last item yielded, when items carry the ID field.
    pub last_id: Option<i64>,
    /// Whether the traversal has ended.
    pub done: bool,
}
