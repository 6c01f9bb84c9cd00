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
            Credentials::Webhook { user, .. } => f
                .debug_struct("Webhook")
                .field("user", user)
                .field("key", &"***")
                .finish(),
            Credentials::OAuth { .. } => f
                .debug_struct("OAuth")
                .field("access_token", &"***")
                .finish(),
        }
    }
}

/// A boxed future, as returned by [`TokenStore`] methods.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// An OAuth token pair, as the authorization server issues it.
///
/// `Debug` shows no token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokens {
    /// The access token, sent as `auth` with every call (lives one hour).
    pub access_token: Secret,
    /// The refresh token, exchanged for a new pair (lives 180 days).
    pub refresh_token: Secret,
    /// When the access token expires, as Unix time, when known.
    pub expires: Option<i64>,
}

impl Tokens {
    /// A token pair.
    pub fn new(access_token: impl Into<String>, refresh_token: impl Into<String>) -> Tokens {
        Tokens {
            access_token: Secret::new(access_token),
            refresh_token: Secret::new(refresh_token),
            expires: None,
        }
    }
}

/// A token store failed to load or save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "token store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// Where an application keeps its OAuth tokens between runs.
///
/// The client calls [`TokenStore::save`] after every successful refresh,
/// before any call uses the new access token; the refresh token the server
/// issued replaces the old one, which stops working.
pub trait TokenStore: Send + Sync {
    /// The stored tokens, if any.
    fn load(&self) -> BoxFuture<'_, Result<Option<Tokens>, StoreError>>;
    /// Keeps a renewed pair.
    fn save<'a>(&'a self, tokens: &'a Tokens) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// A [`TokenStore`] in memory: for tests, and for apps that persist tokens
/// through the renewal callback instead.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: std::sync::Mutex<Option<Tokens>>,
}

impl MemoryTokenStore {
    /// A store holding `tokens`.
    pub fn new(tokens: Option<Tokens>) -> MemoryTokenStore {
        MemoryTokenStore {
            tokens: std::sync::Mutex::new(tokens),
        }
    }

    /// What the store holds now.
    pub fn get(&self) -> Option<Tokens> {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<Tokens>, StoreError>> {
        let tokens = self.get();
        Box::pin(async move { Ok(tokens) })
    }

    fn save<'a>(&'a self, tokens: &'a Tokens) -> BoxFuture<'a, Result<(), StoreError>> {
        *self.tokens.lock().unwrap_or_else(|e| e.into_inner()) = Some(tokens.clone());
        Box::pin(async { Ok(()) })
    }
}

/// The default token endpoint of the authorization server.
pub const DEFAULT_TOKEN_ENDPOINT: &str = "https://oauth.bitrix.info/oauth/token/";

/// What [`OAuth::on_renewal`] keeps.
type RenewalCallback = std::sync::Arc<dyn Fn(&Tokens) + Send + Sync>;

/// An OAuth application that can renew its tokens: `client_id`,
/// `client_secret`, the current token pair, and where to renew them.
#[derive(Clone)]
pub struct OAuth {
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    pub(crate) tokens: Tokens,
    pub(crate) endpoint: String,
    pub(crate) store: Option<std::sync::Arc<dyn TokenStore>>,
    pub(crate) on_renewal: Option<RenewalCallback>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("tokens", &self.tokens)
            .field("endpoint", &self.endpoint)
            .field("store", &self.store.is_some())
            .finish()
    }
}

impl OAuth {
    /// An application with its current token pair.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        tokens: Tokens,
    ) -> OAuth {
        OAuth {
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            tokens,
            endpoint: DEFAULT_TOKEN_ENDPOINT.to_string(),
            store: None,
            on_renewal: None,
        }
    }

    /// An application whose tokens come from `store`; renewed pairs are saved there.
    pub async fn from_store(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        store: std::sync::Arc<dyn TokenStore>,
    ) -> Result<OAuth, StoreError> {
        let tokens = store
            .load()
            .await?
            .ok_or_else(|| StoreError("the store holds no tokens".into()))?;
        Ok(OAuth::new(client_id, client_secret, tokens).store(store))
    }

    /// Renew tokens at another endpoint (default [`DEFAULT_TOKEN_ENDPOINT`]).
    /// Plain `http://` is accepted for loopback addresses only.
    pub fn token_endpoint(mut self, url: impl Into<String>) -> OAuth {
        self.endpoint = url.into();
        self
    }

    /// Save renewed pairs to `store`.
    pub fn store(mut self, store: std::sync::Arc<dyn TokenStore>) -> OAuth {
        self.store = Some(store);
        self
    }

    /// Call `callback` after every renewal, with the new pair.
    pub fn on_renewal(mut self, callback: impl Fn(&Tokens) + Send + Sync + 'static) -> OAuth {
        self.on_renewal = Some(std::sync::Arc::new(callback));
        self
    }
}
