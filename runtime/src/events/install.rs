//! Installing an application on a portal: the install page's POST and the
//! `ONAPPINSTALL` event read into an [`Install`], turned into a renewing
//! [`Client`] with its tokens saved; and the authorization-code exchange.
//!
//! The application token first arrives with `ONAPPINSTALL`: nothing can be
//! checked against yet, so it is trusted on first use, and only then:
//! [`super::EventHandler::receive_install`] refuses an install from a portal
//! whose token is saved unless it carries that token.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::auth::{OAuth, Secret, StoreError, TokenStore, Tokens, DEFAULT_TOKEN_ENDPOINT};
use crate::client::Client;
use crate::error::{ApiError, CallError, Error, TransportError};

use super::form::{FormError, Limits};
use super::payload::{scalar_int, scalar_text, Payload};
use super::verify::ApplicationTokens;

/// An application's identity at the authorization server.
#[derive(Clone)]
pub struct AppCredentials {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: Secret,
    /// Where tokens are issued and renewed (default [`DEFAULT_TOKEN_ENDPOINT`]).
    pub token_endpoint: String,
}

impl AppCredentials {
    /// An application with the default token endpoint.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> AppCredentials {
        AppCredentials {
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            token_endpoint: DEFAULT_TOKEN_ENDPOINT.to_string(),
        }
    }

    /// Another token endpoint (an emulator's `/oauth/token/`).
    pub fn token_endpoint(mut self, url: impl Into<String>) -> AppCredentials {
        self.token_endpoint = url.into();
        self
    }
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("token_endpoint", &self.token_endpoint)
            .finish()
    }
}

/// An installation on one portal. `Debug` shows no token.
#[derive(Clone, Debug)]
pub struct Install {
    /// The portal's domain (`example.bitrix24.com`).
    pub domain: String,
    /// The portal's address for REST calls (`https://example.bitrix24.com/rest/`).
    pub client_endpoint: String,
    /// The portal's stable identifier.
    pub member_id: String,
    /// The OAuth pair the portal issued.
    pub tokens: Tokens,
    /// The application token (sent with `ONAPPINSTALL`, not with the page).
    pub application_token: Option<Secret>,
    /// Where the application was opened (`DEFAULT` for the install page).
    pub placement: Option<String>,
    /// `PLACEMENT_OPTIONS`, parsed from its JSON text (`null` when absent).
    pub placement_options: Value,
    /// The application's status on the portal (`L`, `F`, `P`...).
    pub status: Option<String>,
    /// The portal's language, when sent.
    pub language: Option<String>,
}

/// Why an installation could not be read or completed.
#[derive(Debug)]
pub enum InstallError {
    /// A required field is absent.
    Missing(&'static str),
    /// The event is not `ONAPPINSTALL` (its code).
    NotInstall(String),
    /// The install page's body could not be decoded.
    Decode(FormError),
    /// A token store failed.
    Store(StoreError),
    /// The client could not be built (a bad portal address).
    Client(Error),
    /// The authorization server refused or could not be reached.
    Exchange(CallError),
}

impl fmt::Display for InstallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstallError::Missing(field) => write!(f, "the install request has no {field}"),
            InstallError::NotInstall(event) => write!(f, "{event:?} is not ONAPPINSTALL"),
            InstallError::Decode(e) => e.fmt(f),
            InstallError::Store(e) => e.fmt(f),
            InstallError::Client(e) => write!(f, "cannot build the client: {e}"),
            InstallError::Exchange(e) => write!(f, "token exchange failed: {e}"),
        }
    }
}

impl std::error::Error for InstallError {}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Install {
    /// Reads the install page's POST (decoded with [`super::form::decode`]):
    /// `AUTH_ID`, `REFRESH_ID`, `AUTH_EXPIRES` (seconds from now),
    /// `member_id`, `DOMAIN`, `PROTOCOL`, `PLACEMENT`, `PLACEMENT_OPTIONS`,
    /// `status`, `LANG`. Keys are matched without regard to case.
    pub fn from_page(form: &Value) -> Result<Install, InstallError> {
        let get = |name: &str| {
            form.as_object()?
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| scalar_text(v))
                .filter(|s| !s.is_empty())
        };
        let domain = get("DOMAIN").ok_or(InstallError::Missing("DOMAIN"))?;
        let scheme = match get("PROTOCOL").as_deref() {
            Some("0") => "http",
            _ => "https",
        };
        let expires = get("AUTH_EXPIRES")
            .and_then(|s| s.trim().parse::<i64>().ok())
            .map(|ttl| unix_now() + ttl);
        Ok(Install {
            client_endpoint: format!("{scheme}://{domain}/rest/"),
            domain,
            member_id: get("member_id").ok_or(InstallError::Missing("member_id"))?,
            tokens: Tokens {
                access_token: Secret::new(get("AUTH_ID").ok_or(InstallError::Missing("AUTH_ID"))?),
                refresh_token: Secret::new(
                    get("REFRESH_ID").ok_or(InstallError::Missing("REFRESH_ID"))?,
                ),
                expires,
            },
            application_token: None,
            placement: get("PLACEMENT"),
            placement_options: get("PLACEMENT_OPTIONS")
                .and_then(|text| serde_json::from_str(&text).ok())
                .unwrap_or(Value::Null),
            status: get("status"),
            language: get("LANG"),
        })
    }

    /// Reads the install page's POST body (form-encoded, within `limits`).
    pub fn from_page_body(
        content_type: Option<&str>,
        body: &[u8],
        limits: Limits,
    ) -> Result<Install, InstallError> {
        let form = super::form::decode(content_type, body, limits).map_err(InstallError::Decode)?;
        Install::from_page(&form)
    }

    /// Reads an `ONAPPINSTALL` event (`data[LANGUAGE_ID]`, `auth[...]`).
    pub fn from_event(payload: &Payload<Value>) -> Result<Install, InstallError> {
        let auth = &payload.auth;
        let domain = auth
            .domain
            .clone()
            .ok_or(InstallError::Missing("auth[domain]"))?;
        Ok(Install {
            client_endpoint: auth
                .client_endpoint
                .clone()
                .unwrap_or_else(|| format!("https://{domain}/rest/")),
            domain,
            member_id: auth
                .member_id
                .clone()
                .ok_or(InstallError::Missing("auth[member_id]"))?,
            tokens: auth
                .tokens()
                .ok_or(InstallError::Missing("auth[access_token]"))?,
            application_token: Some(
                auth.application_token
                    .clone()
                    .ok_or(InstallError::Missing("auth[application_token]"))?,
            ),
            placement: None,
            placement_options: Value::Null,
            status: auth.status.clone(),
            language: payload.data.get("LANGUAGE_ID").and_then(scalar_text),
        })
    }

    /// Saves the tokens to `store` and the application token (when this
    /// install carries one) to `app_tokens`, and returns a client whose
    /// tokens renew through `app` and are saved to `store`.
    pub async fn activate(
        self,
        app: &AppCredentials,
        store: Arc<dyn TokenStore>,
        app_tokens: &dyn ApplicationTokens,
    ) -> Result<Client, InstallError> {
        store
            .save(&self.tokens)
            .await
            .map_err(InstallError::Store)?;
        if let Some(token) = &self.application_token {
            app_tokens
                .save(&self.member_id, token)
                .await
                .map_err(InstallError::Store)?;
        }
        let oauth = OAuth::new(
            app.client_id.clone(),
            app.client_secret.expose(),
            self.tokens,
        )
        .token_endpoint(app.token_endpoint.clone())
        .store(store);
        Client::oauth_app(&self.client_endpoint, oauth)
            .build()
            .map_err(InstallError::Client)
    }
}

/// Exchanges an authorization code (from the redirect after the user
/// approved the application) for a token pair:
/// `GET <token_endpoint>?grant_type=authorization_code&client_id&client_secret&code`.
pub async fn exchange_code(app: &AppCredentials, code: &str) -> Result<Tokens, InstallError> {
    let failed = |message: String| {
        InstallError::Exchange(CallError::Transport(TransportError::new(message)))
    };
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| failed(format!("cannot build an HTTP client: {e}")))?;
    let response = http
        .get(&app.token_endpoint)
        .query(&[
            ("grant_type", "authorization_code"),
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.expose()),
            ("code", code),
        ])
        .send()
        .await
        .map_err(|e| failed(format!("token exchange failed: {}", e.without_url())))?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| failed(format!("token exchange failed: {}", e.without_url())))?;
    if body.len() > 64 * 1024 {
        return Err(failed("token exchange answer is too large".into()));
    }
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let text = |key: &str| parsed.get(key).and_then(scalar_text);
    if let (true, Some(access), Some(refresh)) =
        (status < 400, text("access_token"), text("refresh_token"))
    {
        return Ok(Tokens {
            access_token: Secret::new(access),
            refresh_token: Secret::new(refresh),
            expires: parsed.get("expires").and_then(scalar_int),
        });
    }
    Err(InstallError::Exchange(CallError::Api(ApiError {
        code: text("error").unwrap_or_else(|| "TOKEN_EXCHANGE_FAILED".into()),
        description: text("error_description").unwrap_or_else(|| format!("HTTP {status}")),
        status,
        body: String::new(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::form::{decode, Limits};

    #[test]
    fn install_page() {
        let body = b"DOMAIN=portal.example&PROTOCOL=1&LANG=en&APP_SID=s&AUTH_ID=tok-acc-7&AUTH_EXPIRES=3600&REFRESH_ID=ref&member_id=m1&status=L&PLACEMENT=DEFAULT&PLACEMENT_OPTIONS=%7B%22any%22%3A%225%2F%22%7D";
        let install = Install::from_page_body(None, body, Limits::default()).unwrap();
        assert_eq!(install.client_endpoint, "https://portal.example/rest/");
        assert_eq!(install.member_id, "m1");
        assert_eq!(install.tokens.refresh_token.expose(), "ref");
        assert!(install.tokens.expires.unwrap() > unix_now() + 3000);
        assert_eq!(install.placement.as_deref(), Some("DEFAULT"));
        assert_eq!(install.placement_options["any"], "5/");
        assert!(!format!("{install:?}").contains("tok-acc-7"));
        let form = decode(None, b"DOMAIN=x&member_id=m", Limits::default()).unwrap();
        assert!(matches!(
            Install::from_page(&form),
            Err(InstallError::Missing("AUTH_ID"))
        ));
    }
}
