//! Errors of the runtime: what the portal said, what went wrong on the way,
//! and what could not be read. Every error that came with a body keeps it.

use std::fmt;

/// An error the portal answered with (`error` / `error_description`, or the
/// REST 3.0 `error.code` / `error.message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The `error` code, e.g. `NOT_FOUND`.
    pub code: String,
    /// The `error_description` text.
    pub description: String,
    /// The HTTP status of the response.
    pub status: u16,
    /// The raw response body.
    pub body: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {})", self.code, self.status)?;
        if !self.description.is_empty() {
            write!(f, ": {}", self.description)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The system errors any method may return, from the documentation's list of
/// statuses and system error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SystemErrorKind {
    /// `INTERNAL_SERVER_ERROR` (500).
    InternalServerError,
    /// `ERROR_UNEXPECTED_ANSWER` (500).
    UnexpectedAnswer,
    /// `QUERY_LIMIT_EXCEEDED` (503): the request was refused by the rate limit and did not run.
    QueryLimitExceeded,
    /// `OPERATION_TIME_LIMIT` (429): the method's time budget is spent until its reset time.
    OperationTimeLimit,
    /// `ERROR_BATCH_METHOD_NOT_ALLOWED` (405).
    BatchMethodNotAllowed,
    /// `ERROR_BATCH_LENGTH_EXCEEDED` (400).
    BatchLengthExceeded,
    /// `NO_AUTH_FOUND` (401): wrong webhook code or access token.
    NoAuthFound,
    /// `INVALID_REQUEST` (400): HTTPS required.
    InvalidRequest,
    /// `OVERLOAD_LIMIT` (503): REST is blocked for this portal by hand.
    OverloadLimit,
    /// `ACCESS_DENIED` (403): REST is available on commercial plans only.
    AccessDenied,
    /// `INVALID_CREDENTIALS` (403): the user lacks permissions.
    InvalidCredentials,
    /// `ERROR_MANIFEST_IS_NOT_AVAILABLE` (404).
    ManifestIsNotAvailable,
    /// `insufficient_scope` (403).
    InsufficientScope,
    /// `expired_token` (401): the OAuth access token has expired.
    ExpiredToken,
    /// `invalid_token` (401): the OAuth access token is not valid.
    InvalidToken,
    /// `user_access_error` (403).
    UserAccessError,
    /// `PORTAL_DELETED` (500).
    PortalDeleted,
    /// `ERROR_METHOD_NOT_FOUND` (404): no such method.
    MethodNotFound,
}

impl SystemErrorKind {
    /// Every kind with its code.
    pub const ALL: &'static [(&'static str, SystemErrorKind)] = &[
        (
            "INTERNAL_SERVER_ERROR",
            SystemErrorKind::InternalServerError,
        ),
        ("ERROR_UNEXPECTED_ANSWER", SystemErrorKind::UnexpectedAnswer),
        ("QUERY_LIMIT_EXCEEDED", SystemErrorKind::QueryLimitExceeded),
        ("OPERATION_TIME_LIMIT", SystemErrorKind::OperationTimeLimit),
        (
            "ERROR_BATCH_METHOD_NOT_ALLOWED",
            SystemErrorKind::BatchMethodNotAllowed,
        ),
        (
            "ERROR_BATCH_LENGTH_EXCEEDED",
            SystemErrorKind::BatchLengthExceeded,
        ),
        ("NO_AUTH_FOUND", SystemErrorKind::NoAuthFound),
        ("INVALID_REQUEST", SystemErrorKind::InvalidRequest),
        ("OVERLOAD_LIMIT", SystemErrorKind::OverloadLimit),
        ("ACCESS_DENIED", SystemErrorKind::AccessDenied),
        ("INVALID_CREDENTIALS", SystemErrorKind::InvalidCredentials),
        (
            "ERROR_MANIFEST_IS_NOT_AVAILABLE",
            SystemErrorKind::ManifestIsNotAvailable,
        ),
        ("insufficient_scope", SystemErrorKind::InsufficientScope),
        ("expired_token", SystemErrorKind::ExpiredToken),
        ("invalid_token", SystemErrorKind::InvalidToken),
        ("user_access_error", SystemErrorKind::UserAccessError),
        ("PORTAL_DELETED", SystemErrorKind::PortalDeleted),
        ("ERROR_METHOD_NOT_FOUND", SystemErrorKind::MethodNotFound),
    ];

    /// The kind of a system error code.
    pub fn of(code: &str) -> Option<SystemErrorKind> {
        SystemErrorKind::ALL
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, kind)| *kind)
    }

    /// The code the portal sends.
    pub fn code(self) -> &'static str {
        SystemErrorKind::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(c, _)| *c)
            .unwrap_or("")
    }
}

/// A system error: its kind and the portal's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemError {
    /// Which system error.
    pub kind: SystemErrorKind,
    /// The portal's answer.
    pub api: ApiError,
}

impl SystemError {
    /// A system error if `api` carries a system code, else `api` back.
    pub fn classify(api: ApiError) -> Result<SystemError, ApiError> {
        match SystemErrorKind::of(&api.code) {
            Some(kind) => Ok(SystemError { kind, api }),
            None => Err(api),
        }
    }
}

impl fmt::Display for SystemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "system error {}", self.api)
    }
}

impl std::error::Error for SystemError {}

/// The request failed on the way: connection, TLS, timeout, an answer that
/// was cut, too large or not the portal's, or a redirect not followed. The
/// message never holds the URL (it may carry the webhook key), and no text
/// holds a secret the client knows.
#[derive(Debug, Clone)]
pub struct TransportError {
    /// What happened.
    pub message: String,
    /// Whether the failure came from a timeout (of an attempt or of the call).
    pub timeout: bool,
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// The body, when a response arrived: whole when it was read, its first
    /// bytes ([`EXCERPT_BYTES`](crate::EXCERPT_BYTES)) when it was too large.
    pub body: Option<String>,
    /// What kind of failure it was.
    pub kind: TransportKind,
    /// Requests the call sent before it gave up (0 when not counted).
    pub attempts: u32,
}

/// What kind of failure a [`TransportError`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be made: nothing was sent.
    Connect,
    /// No complete answer came within an attempt's timeout.
    Timeout,
    /// The call's deadline passed; it was not tried again.
    Deadline,
    /// The connection failed or closed before the whole answer came.
    Interrupted,
    /// The answer's body was longer than the client accepts.
    BodyTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// A redirect to another origin, not followed (the request carries credentials).
    Redirect {
        /// Where it pointed: host and port, never the path or user info.
        host: String,
    },
    /// An HTTP error status without a JSON body: not the portal's answer.
    Status,
    /// Anything else.
    Other,
}

impl TransportError {
    /// A transport error with only a message.
    pub fn new(message: impl Into<String>) -> TransportError {
        TransportError::of(TransportKind::Other, message)
    }

    /// A transport error of a kind, with a message.
    pub fn of(kind: TransportKind, message: impl Into<String>) -> TransportError {
        TransportError {
            message: message.into(),
            timeout: matches!(kind, TransportKind::Timeout | TransportKind::Deadline),
            status: None,
            body: None,
            kind,
            attempts: 0,
        }
    }

    pub(crate) fn from_reqwest(error: reqwest::Error) -> TransportError {
        let timeout = error.is_timeout();
        let kind = if timeout {
            TransportKind::Timeout
        } else if error.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Interrupted
        };
        let status = error.status().map(|s| s.as_u16());
        // `without_url` keeps the webhook key out of the message.
        let error = error.without_url();
        let mut message = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(inner) = source {
            message.push_str(": ");
            message.push_str(&inner.to_string());
            source = inner.source();
        }
        TransportError {
            message,
            timeout,
            status,
            body: None,
            kind,
            attempts: 0,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.status, &self.kind) {
            (Some(status), TransportKind::Status) => {
                let reason = reqwest::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason());
                write!(f, "HTTP {status}")?;
                if let Some(reason) = reason {
                    write!(f, " {reason}")?;
                }
                write!(f, ": {}", self.message)?;
            }
            (Some(status), _) => write!(f, "transport error (HTTP {status}): {}", self.message)?,
            (None, _) => write!(f, "transport error: {}", self.message)?,
        }
        match self.attempts {
            0 => Ok(()),
            1 => f.write_str(" (1 attempt)"),
            n => write!(f, " (gave up after {n} attempts)"),
        }
    }
}

impl std::error::Error for TransportError {}

/// A response that could not be read as the method's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What did not fit.
    pub message: String,
    /// The HTTP status.
    pub status: u16,
    /// The raw response body.
    pub body: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the response (HTTP {}): {}",
            self.status, self.message
        )
    }
}

impl std::error::Error for DecodeError {}

/// What a call can fail with before the method's own error type sorts it.
#[derive(Debug, Clone)]
pub enum CallError {
    /// The portal answered with an error.
    Api(ApiError),
    /// The request failed on the way and was not applied.
    Transport(TransportError),
    /// The response could not be read.
    Decode(DecodeError),
    /// The request may have been applied; it was not repeated.
    OutcomeUnknown(TransportError),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Api(e) => e.fmt(f),
            CallError::Transport(e) => e.fmt(f),
            CallError::Decode(e) => e.fmt(f),
            CallError::OutcomeUnknown(e) => write!(f, "outcome unknown: {e}"),
        }
    }
}

impl std::error::Error for CallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CallError::Api(e) => Some(e),
            CallError::Transport(e) | CallError::OutcomeUnknown(e) => Some(e),
            CallError::Decode(e) => Some(e),
        }
    }
}

impl CallError {
    /// The API error, when the portal answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            CallError::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// A client could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The address is not a usable portal or webhook URL.
    InvalidUrl(String),
    /// Plain `http://` to a host that is not a loopback address.
    InsecureUrl(String),
    /// The HTTP stack could not be set up.
    Http(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidUrl(why) => write!(f, "invalid portal URL: {why}"),
            Error::InsecureUrl(host) => write!(
                f,
                "refusing plain http:// to {host}: use https:// (http is allowed for loopback addresses only)"
            ),
            Error::Http(why) => write!(f, "cannot set up HTTP: {why}"),
        }
    }
}

impl std::error::Error for Error {}
