//! Portal addresses: parsing webhook URLs, refusing plain HTTP off loopback,
//! and building each method's endpoint.

use reqwest::Url;

use crate::auth::{Credentials, Secret};
use crate::error::Error;
use crate::ApiVersion;

/// Where a portal is and how calls authenticate.
#[derive(Clone, Debug)]
pub struct Portal {
    /// Scheme, host, port and any path prefix before `/rest/`.
    pub(crate) origin: Url,
    pub(crate) credentials: Credentials,
}

impl Portal {
    /// From `https://<portal>/rest/<user>/<key>/`.
    pub fn webhook(url: &str) -> Result<Portal, Error> {
        let parsed = parse_secure(url)?;
        let segments: Vec<&str> = parsed
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        let rest = segments.iter().rposition(|s| *s == "rest").ok_or_else(|| {
            Error::InvalidUrl("a webhook URL looks like https://<portal>/rest/<user>/<key>/".into())
        })?;
        let tail: Vec<&str> = segments[rest + 1..]
            .iter()
            .copied()
            .filter(|s| *s != "api")
            .collect();
        let [user, key] = tail[..] else {
            return Err(Error::InvalidUrl(
                "a webhook URL looks like https://<portal>/rest/<user>/<key>/ (user and key missing or extra segments)".into(),
            ));
        };
        let mut origin = parsed.clone();
        origin.set_path(&format!("{}/", segments[..rest].join("/")));
        origin.set_query(None);
        origin.set_fragment(None);
        Ok(Portal {
            origin,
            credentials: Credentials::Webhook {
                user: user.to_string(),
                key: Secret::new(key),
            },
        })
    }

    /// From a portal address (`https://<portal>/`) and an OAuth access token.
    pub fn oauth(portal: &str, access_token: impl Into<String>) -> Result<Portal, Error> {
        let mut origin = parse_secure(portal)?;
        let path = origin
            .path()
            .trim_end_matches('/')
            .trim_end_matches("/rest")
            .to_string();
        origin.set_path(&format!("{path}/"));
        origin.set_query(None);
        origin.set_fragment(None);
        Ok(Portal {
            origin,
            credentials: Credentials::OAuth {
                access_token: Secret::new(access_token),
            },
        })
    }

    /// The URL a method is posted to.
    pub fn endpoint(&self, method: &str, api: ApiVersion) -> Url {
        self.endpoint_at(&self.origin, method, api)
    }

    /// The URL a method is posted to on the portal at `origin` (after a move).
    pub(crate) fn endpoint_at(&self, origin: &Url, method: &str, api: ApiVersion) -> Url {
        let version = match api {
            ApiVersion::V2 => "rest/",
            ApiVersion::V3 => "rest/api/",
        };
        let path = match &self.credentials {
            Credentials::Webhook { user, key } => {
                format!("{version}{user}/{}/{method}", key.expose())
            }
            Credentials::OAuth { .. } => format!("{version}{method}"),
        };
        let mut url = origin.clone();
        let base = url.path().to_string();
        url.set_path(&format!("{base}{path}"));
        url
    }

    /// The portal's new origin, when `from` (an endpoint) was redirected to
    /// `to` with the same path below the origin.
    pub(crate) fn moved(origin: &Url, from: &Url, to: &Url) -> Option<Url> {
        let tail = from.path().strip_prefix(origin.path())?;
        let base = to.path().strip_suffix(tail)?;
        let mut moved = to.clone();
        moved.set_path(base);
        moved.set_query(None);
        moved.set_fragment(None);
        Some(moved)
    }

    /// Who the portal counts requests for: the address and the credential
    /// (an OAuth application by its client id), hashed.
    pub(crate) fn identity(&self, oauth_client: Option<&str>) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.origin.as_str().hash(&mut hasher);
        match (&self.credentials, oauth_client) {
            (Credentials::Webhook { user, key }, _) => {
                ("webhook", user, key.expose()).hash(&mut hasher)
            }
            (Credentials::OAuth { .. }, Some(client)) => ("app", client).hash(&mut hasher),
            (Credentials::OAuth { access_token }, None) => {
                ("token", access_token.expose()).hash(&mut hasher)
            }
        }
        hasher.finish()
    }

    /// The portal's address without credentials, for messages.
    pub fn host(&self) -> String {
        let mut shown = self.origin.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        shown.to_string()
    }
}

pub(crate) fn parse_secure(text: &str) -> Result<Url, Error> {
    let url = Url::parse(text.trim()).map_err(|e| Error::InvalidUrl(e.to_string()))?;
    let host = url
        .host_str()
        .ok_or_else(|| Error::InvalidUrl("the URL has no host".into()))?
        .to_string();
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&host) => Ok(url),
        "http" => Err(Error::InsecureUrl(host)),
        other => Err(Error::InvalidUrl(format!("unsupported scheme {other}://"))),
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_give_endpoints_for_both_api_versions() {
        let portal = Portal::webhook("https://b24.example.com/rest/1/abc123/").unwrap();
        assert_eq!(
            portal.endpoint("crm.lead.add", ApiVersion::V2).as_str(),
            "https://b24.example.com/rest/1/abc123/crm.lead.add"
        );
        assert_eq!(
            portal.endpoint("tasks.task.get", ApiVersion::V3).as_str(),
            "https://b24.example.com/rest/api/1/abc123/tasks.task.get"
        );
        let no_slash = Portal::webhook("https://b24.example.com/rest/7/k").unwrap();
        assert_eq!(
            no_slash.endpoint("x.y", ApiVersion::V2).path(),
            "/rest/7/k/x.y"
        );
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(Portal::webhook("http://127.0.0.1:8080/rest/1/k/").is_ok());
        assert!(Portal::webhook("http://[::1]:8080/rest/1/k/").is_ok());
        assert!(Portal::webhook("http://localhost/rest/1/k/").is_ok());
        assert_eq!(
            Portal::webhook("http://b24.example.com/rest/1/k/").unwrap_err(),
            Error::InsecureUrl("b24.example.com".into())
        );
        assert!(matches!(
            Portal::webhook("https://b24.example.com/"),
            Err(Error::InvalidUrl(_))
        ));
        assert!(matches!(
            Portal::webhook("not a url"),
            Err(Error::InvalidUrl(_))
        ));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let portal = Portal::webhook("https://b24.example.com/rest/1/supersecretkey/").unwrap();
        let shown = format!("{portal:?} {}", portal.host());
        assert!(!shown.contains("supersecretkey"), "{shown}");
        let oauth = Portal::oauth("https://b24.example.com", "tok3n").unwrap();
        assert!(!format!("{oauth:?}").contains("tok3n"));
        assert_eq!(
            oauth.endpoint("user.current", ApiVersion::V2).as_str(),
            "https://b24.example.com/rest/user.current"
        );
    }
}
