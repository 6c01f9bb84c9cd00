//! An axum service that receives events (feature `axum`): it verifies each
//! POST, answers at once (200, or the rejection's status) and hands the
//! verified event to an async callback on its own task, so a slow callback
//! never makes the portal wait or retry.
//!
//! ```no_run
//! # async fn demo() {
//! use std::sync::Arc;
//! use bitrix24::events::{service, EventHandler, MemoryApplicationTokens};
//!
//! let handler = EventHandler::new(Arc::new(MemoryApplicationTokens::single("saved-at-install")));
//! let app = axum::Router::new().route(
//!     "/bitrix/events",
//!     service::route(handler, |event| async move { println!("{}", event.event) }),
//! );
//! # let _ = app;
//! # }
//! ```

use std::future::Future;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::{post, MethodRouter};
use serde_json::Value;

use super::handler::EventHandler;
use super::payload::Payload;

/// A POST route that verifies events and spawns `callback` for each one.
/// Bodies longer than the handler's [`super::Limits::max_bytes`] get 413
/// before they are read whole.
pub fn route<F, Fut>(handler: EventHandler, callback: F) -> MethodRouter
where
    F: Fn(Payload<Value>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let callback = Arc::new(callback);
    let max_bytes = handler.body_limits().max_bytes;
    post(move |headers: HeaderMap, body: Bytes| {
        let handler = handler.clone();
        let callback = callback.clone();
        async move {
            let kind = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            match handler.receive(kind, &body).await {
                Ok(event) => {
                    tokio::spawn(callback(event));
                    StatusCode::OK
                }
                Err(error) => {
                    tracing::warn!(%error, "event rejected");
                    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST)
                }
            }
        }
    })
    // Bodies are not read past the handler's limit (axum's default is 2 MB).
    .layer(DefaultBodyLimit::max(max_bytes.saturating_add(1)))
}

/// A router answering `route` at `path`, ready for `axum::serve`.
pub fn router<F, Fut>(path: &str, handler: EventHandler, callback: F) -> axum::Router
where
    F: Fn(Payload<Value>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    axum::Router::new().route(path, route(handler, callback))
}
