//! What a method call ends in: a result, or a portal error.

use serde_json::{json, Value};

/// A portal error: HTTP status, `error` code and `error_description`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fail {
    /// HTTP status.
    pub status: u16,
    /// The `error` value.
    pub code: String,
    /// The `error_description` value.
    pub description: String,
}

impl Fail {
    /// Any error.
    pub fn new(status: u16, code: &str, description: impl Into<String>) -> Fail {
        Fail {
            status,
            code: code.to_string(),
            description: description.into(),
        }
    }

    /// `400 INVALID_ARG_VALUE`: a parameter is missing or malformed.
    pub fn arg(description: impl Into<String>) -> Fail {
        Fail::new(400, "INVALID_ARG_VALUE", description)
    }

    /// `400 NOT_FOUND`.
    pub fn not_found() -> Fail {
        Fail::new(400, "NOT_FOUND", "Not found")
    }

    /// `404 ERROR_METHOD_NOT_FOUND`.
    pub fn no_method(method: &str) -> Fail {
        Fail::new(
            404,
            "ERROR_METHOD_NOT_FOUND",
            format!("Method not found! ({method})"),
        )
    }

    /// `{"error": ..., "error_description": ...}`.
    pub fn body(&self) -> Value {
        json!({"error": self.code, "error_description": self.description})
    }
}

/// A successful call.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    /// The `result` value.
    pub result: Value,
    /// `total`, for counted list pages.
    pub total: Option<u64>,
    /// `next`, for list pages with more after them.
    pub next: Option<u64>,
}

impl Done {
    /// A result without paging.
    pub fn of(result: Value) -> Done {
        Done {
            result,
            total: None,
            next: None,
        }
    }
}
