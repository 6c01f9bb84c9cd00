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

impl Method {
    /// How the runtime may retry the method, by the last segment of its name
    /// (and REST 3.0, whose writes are idempotent): the class the generated
    /// `Call` impl and `b24 call`/`import` both use.
    pub fn retry_class(&self) -> RetryClass {
        let last = self
            .method
            .rsplit('.')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if READ_VERBS.contains(&last.as_str())
            || last.starts_with("get")
            || last.starts_with("list")
        {
            RetryClass::Read
        } else if IDEMPOTENT_VERBS.contains(&last.as_str()) || self.rest_v3 {
            RetryClass::Idempotent
        } else {
            RetryClass::Unsafe
        }
    }
}

impl RetryClass {
    /// The name of the `bitrix24::Retry` variant of this class.
    pub fn variant(self) -> &'static str {
        match self {
            RetryClass::Read => "Read",
            RetryClass::Idempotent => "Idempotent",
            RetryClass::Unsafe => "Unsafe",
        }
    }
}
