//! Whether a method may be repeated after an unknown outcome, judged from
//! its name and page: reads and idempotent writes may, other writes may not.

use crate::model::Method;

/// How the runtime may retry a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryClass {
    /// Reads: `get`, `list`, `fields`...
    Read,
    /// Writes that give the same state when repeated: `set`, `update`, `delete`.
    Idempotent,
    /// Anything else: repeating may duplicate the write.
    Unsafe,
}

const READ_VERBS: &[&str] = &[
    "get",
    "list",
    "fields",
    "search",
    "count",
    "info",
    "tail",
    "find",
    "getlist",
    "getfields",
    "items",
    "describe",
    "status",
    "version",
    "check",
    "export",
    "history",
];
const IDEMPOTENT_VERBS: &[&str] = &[
    "set", "update", "delete", "remove", "unbind", "bind", "clear", "reset",
];

/// The class of a method by its last name segment.
pub fn retry_class(method: &Method) -> RetryClass {
    let last = method
        .method
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if READ_VERBS.contains(&last.as_str()) || last.starts_with("get") || last.starts_with("list") {
        RetryClass::Read
    } else if IDEMPOTENT_VERBS.contains(&last.as_str()) || method.rest_v3 {
        RetryClass::Idempotent
    } else {
        RetryClass::Unsafe
    }
}

/// The `::bitrix24::Retry` variant of a method, by name.
pub fn retry_variant(method: &Method) -> &'static str {
    match retry_class(method) {
        RetryClass::Read => "Read",
        RetryClass::Idempotent => "Idempotent",
        RetryClass::Unsafe => "Unsafe",
    }
}
