//! Credentials: webhook keys and OAuth tokens, kept out of every `Debug`,
//! `Display` and log line.

use std::fmt;

/// A secret string. Its `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for putting on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How calls prove who they are.
#[derive(Clone)]
pub enum Credentials {
    /// An inbound webhook: `/rest/<user>/<key>/` in the URL.
    Webhook {
        /// The user the webhook acts as.
        user: String,
        /// The webhook key.
        key: Secret,
    },
    /// An OAuth access token, sent as the `auth` parameter.
    OAuth {
        /// The access token.
        access_token: Secret,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Webhook { user, .. } => {
                f.debug_struct("Webhook").field("user", user).field("key", &"***").finish()
            }
            Credentials::OAuth { .. } => f.debug_struct("OAuth").field("access_token", &"***").finish(),
        }
    }
}
