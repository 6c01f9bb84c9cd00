//! Receiving events: the bodies portals POST to handlers, checked before
//! user code sees them, and installing the application that receives them.
//!
//! - [`form`]: one decoder for form-encoded (PHP nested keys) and JSON
//!   bodies, bounded in size and depth;
//! - [`Payload`]: `event`, `event_handler_id`, `data` (typed or a JSON
//!   value), `ts` and [`EventAuth`], whose secrets never show in `Debug`;
//! - [`verify`]: the application token, compared in constant time with the
//!   one saved at install. `ONAPPUNINSTALL` carries no OAuth tokens, so this
//!   check is all that guards it;
//! - [`EventHandler`]: parse → verify → event, for any HTTP framework (and
//!   `service` for axum, behind the `axum` feature);
//! - [`Install`]: the install page and `ONAPPINSTALL` into a renewing
//!   [`crate::Client`], tokens saved; [`exchange_code`];
//! - [`OfflineEvents`]: what `event.offline.get` returns;
//! - [`EventSet`]: the enum of events `bitrix_api!` generates, read from a
//!   verified body with [`EventHandler::receive_event`] (and, with `axum`,
//!   given to a callback by `route_events`).

mod dispatch;
pub mod form;
mod handler;
mod install;
mod offline;
mod payload;
#[cfg(feature = "axum")]
pub mod service;
pub mod verify;

#[cfg(feature = "axum")]
pub use dispatch::route_events;
pub use dispatch::EventSet;
pub use form::{FormError, Limits};
pub use handler::{EventError, EventHandler};
pub use install::{exchange_code, AppCredentials, Install, InstallError};
pub use offline::{OfflineEvent, OfflineEvents};
pub use payload::{EventAuth, Payload};
pub use verify::{ApplicationTokens, MemoryApplicationTokens, VerifyError};
