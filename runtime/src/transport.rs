//! One attempt on the wire: the POST, redirects within the portal's origin,
//! and the answer's body read up to the client's ceiling.

use std::sync::atomic::Ordering;

use reqwest::Url;

use crate::body::{self, BodyFailure};
use crate::client::Client;
use crate::envelope;
use crate::error::{CallError, TransportError, TransportKind};
use crate::payload::{encode_error, Wire};

/// Redirects followed for one request, at most.
const MAX_REDIRECTS: usize = 5;

/// How one attempt ended.
pub(crate) enum Attempt {
    /// The portal answered (with a result or an error), or the answer was
    /// refused before anything more was sent (a redirect elsewhere).
    Answer(Result<crate::envelope::Answer, CallError>),
    /// An answer came whose body passed the client's ceiling.
    TooLarge(TransportError),
    /// The request never left: the connection could not be made.
    NotSent(TransportError),
    /// The request was sent and no (complete) answer came.
    NoAnswer(TransportError),
}

impl Client {
    /// Sends the request, following redirects within the origin.
    pub(crate) async fn send(&self, url: &Url, wire: &Wire<'_>, key: Option<&str>) -> Attempt {
        let body = match wire.bytes() {
            Ok(body) => bytes::Bytes::from(body),
            Err(e) => return Attempt::Answer(Err(encode_error(e))),
        };
        let inner = self.inner();
        let mut target = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            let mut request = inner
                .http
                .post(target.clone())
                .header(reqwest::header::ACCEPT, "application/json")
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
            if let Some(key) = key {
                request = request.header("Idempotency-Key", key);
            }
            inner.shared.requests.fetch_add(1, Ordering::SeqCst);
            let response = match request.send().await {
                Ok(response) => response,
                Err(error) => {
                    // A failure to connect means nothing was sent; anything later may have reached the portal.
                    let connect = error.is_connect();
                    let transport = TransportError::from_reqwest(error);
                    return if connect {
                        Attempt::NotSent(transport)
                    } else {
                        Attempt::NoAnswer(transport)
                    };
                }
            };
            let status = response.status().as_u16();
            if matches!(status, 301 | 302 | 303 | 307 | 308) {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| target.join(l).ok());
                if let Some(next) = location {
                    if !same_origin(&target, &next) {
                        // The body (an OAuth token) and the path (a webhook
                        // key) must not go elsewhere. Not followed, not
                        // retried: the call did not run.
                        return Attempt::Answer(Err(CallError::Transport(elsewhere(
                            status, &next,
                        ))));
                    }
                    // The portal moved within its origin: the call did not
                    // run here; send it whole to the new path.
                    inner.shared.learn_move(&target, &next);
                    target = next;
                    continue;
                }
            }
            return match body::read(response, inner.shared.max_body).await {
                Ok(text) => Attempt::Answer(envelope::read_answer(
                    status,
                    text,
                    Some(&inner.shared.redactor),
                )),
                Err(BodyFailure::TooLarge(error)) => Attempt::TooLarge(error),
                Err(BodyFailure::Cut(error)) => Attempt::NoAnswer(error),
            };
        }
        Attempt::Answer(Err(CallError::Transport(TransportError::new(format!(
            "more than {MAX_REDIRECTS} redirects"
        )))))
    }
}

/// Whether two URLs share scheme, host and port.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Where a URL points, for messages: host and port, no path or user info.
fn host_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// The error of a redirect to another origin.
fn elsewhere(status: u16, next: &Url) -> TransportError {
    let host = host_of(next);
    TransportError {
        status: Some(status),
        ..TransportError::of(
            TransportKind::Redirect { host: host.clone() },
            format!(
                "redirected to another origin ({}://{host}); not followed, so the request and its credentials stay with the portal",
                next.scheme()
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        let portal = url("https://b24.example.com/rest/1/key/x");
        assert!(same_origin(
            &portal,
            &url("https://B24.example.com:443/other")
        ));
        assert!(!same_origin(
            &portal,
            &url("http://b24.example.com/rest/1/key/x")
        ));
        assert!(!same_origin(&portal, &url("https://b24.example.com:8443/")));
        assert!(!same_origin(
            &portal,
            &url("https://evil.example.com/rest/1/key/x")
        ));
    }

    #[test]
    fn a_redirect_elsewhere_names_the_host_and_nothing_else() {
        let error = elsewhere(
            302,
            &url("https://user:pw@evil.example.com:8443/rest/1/key/x?auth=t"),
        );
        assert_eq!(
            error.kind,
            TransportKind::Redirect {
                host: "evil.example.com:8443".into()
            }
        );
        let shown = error.to_string();
        assert!(shown.contains("https://evil.example.com:8443"), "{shown}");
        for secret in ["user", "pw", "key", "auth"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
