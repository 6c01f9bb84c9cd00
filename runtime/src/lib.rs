//! Typed access to the Bitrix24 REST API.
//!
//! Bindings are generated from Bitrix24's own method pages at compile time:
//!
//! ```no_run
//! // The path is relative to the invoking crate's manifest (here this crate's).
//! bitrix24::bitrix_method!("../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md");
//!
//! use crm_lead_contact_items_set::{Items, Params};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = bitrix24::Client::webhook("https://example.bitrix24.com/rest/1/key/")?;
//! let params = Params {
//!     id: 1,
//!     items: vec![Items { contact_id: 1010, sort: Some(10), is_primary: Some(true) }],
//! };
//! let ok: bool = crm_lead_contact_items_set::call(&client, params).await?;
//! # Ok(())
//! # }
//! # fn main() {}
//! ```
//!
//! This crate is the runtime the generated code calls: the [`Client`]
//! (webhook and OAuth with renewal), the portal's limits mirrored on the
//! client side ([`RateLimit`], per-method time budgets), retries that never
//! duplicate a write ([`RetryPolicy`], [`CallError::OutcomeUnknown`]), typed
//! [`Batch`]es, list traversal as a stream ([`Items`]), the response
//! envelope, typed errors and the lenient [`wire`] formats portals really send.
//!
//! Every call is traced with a `bitrix24.call` span (`method`, `retries`,
//! `status`, `duration_ms`, `operating`); no span, log line, error or raw
//! body holds a secret, even when the portal echoes one back.
//!
//! Every call ends: each attempt within its timeout, all of them within the
//! call's deadline ([`ClientBuilder::timeout`], [`ClientBuilder::deadline`]),
//! an answer body only up to a ceiling ([`ClientBuilder::max_body_size`]), a
//! redirect followed only within the portal's origin. A failure says what
//! happened ([`TransportKind`]) and how many attempts were made.
//!
//! # Clients
//!
//! ```no_run
//! use std::sync::Arc;
//! use bitrix24::{Client, MemoryTokenStore, OAuth, Portal, RateLimit, Tokens};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // A webhook, with the Enterprise plan's limit.
//! let client = Client::builder(Portal::webhook("https://b24.example.com/rest/1/key/"))
//!     .rate_limit(RateLimit::ENTERPRISE)
//!     .build()?;
//!
//! // An OAuth application: tokens renew on `expired_token`, once for all
//! // concurrent calls, and are saved to the store.
//! let store = Arc::new(MemoryTokenStore::new(Some(Tokens::new("access", "refresh"))));
//! let oauth = OAuth::from_store("app.id", "secret", store)
//!     .await?
//!     .on_renewal(|tokens| println!("renewed, expires {:?}", tokens.expires));
//! let app = Client::oauth_app("https://b24.example.com", oauth).build()?;
//! # let _ = (client, app);
//! # Ok(())
//! # }
//! ```

//! # Batches
//!
//! ```ignore
//! let mut batch = bitrix24::Batch::new();
//! let lead = batch.add("lead", crm_lead_add::Params { fields, ..Default::default() })?;
//! let bind = batch.add_linked(
//!     "bind",
//!     crm_lead_contact_items_set::Params { id: 0, items },
//!     [("id", lead.result())], // `$result[lead]`
//! )?;
//! let results = client.batch(batch).await; // split into requests of 50, chains whole
//! let id = results.get(&lead).expect("ran")?;
//! ```
//!
//! # Lists
//!
//! ```ignore
//! use futures_util::StreamExt;
//! let spec = bitrix24::ListSpec::new("ID"); // or ListSpec::new("id").items_in("tasks")
//! let mut leads = client.export::<_, Lead>(params, spec, Default::default());
//! while let Some(lead) = leads.next().await {
//!     let lead = lead?;
//!     // ... leads.checkpoint() resumes an interrupted export.
//! }
//! ```

mod attempts;
mod auth;
mod batch;
mod body;
mod client;
mod decode;
pub mod envelope;
mod error;
pub mod events;
pub mod examples;
mod field_info;
mod generated;
mod limit;
mod list;
mod oauth;
mod payload;
mod portal;
pub mod query;
mod raw;
mod redact;
mod retry;
mod token_file;
mod transport;
pub mod wire;

pub use auth::{
    BoxFuture, Credentials, MemoryTokenStore, OAuth, Secret, StoreError, TokenStore, Tokens,
    DEFAULT_TOKEN_ENDPOINT,
};
pub use batch::{Batch, BatchError, BatchResults, CommandResult, Key, Raw, Ref, MAX_BATCH};
pub use bitrix24_macros::bitrix_api;
/// Generates the typed payload of the event a page documents: a module
/// named by the event (`onCrmLeadAdd` → `on_crm_lead_add`) with `EVENT`,
/// `Data` and `Payload` (a [`events::Payload`] of `Data`); read one with
/// [`events::EventHandler::receive_typed`].
///
/// ```ignore
/// bitrix24::bitrix_event!("docs/api-reference/crm/leads/events/on-crm-lead-add.md");
///
/// let lead: on_crm_lead_add::Payload = handler.receive_typed(content_type, body).await?;
/// ```
pub use bitrix24_macros::bitrix_event;
pub use bitrix24_macros::bitrix_method;
/// The attribute form of [`bitrix_method!`], on a module you name:
///
/// ```ignore
/// #[bitrix24::method("crm.deal.list")]
/// pub(crate) mod deals {
///     // Items of your own sit beside the generated ones.
///     pub fn first_page() -> Params { Params::default() }
/// }
/// ```
pub use bitrix24_macros::method;
pub use body::{DEFAULT_MAX_BODY, EXCERPT_BYTES};
pub use client::{
    CallOptions, Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_TIMEOUT,
};
pub use decode::{decode_response, read_params};
pub use envelope::Envelope;
pub use error::{
    ApiError, CallError, DecodeError, Error, SystemError, SystemErrorKind, TransportError,
    TransportKind,
};
pub use field_info::FieldInfo;
pub use limit::RateLimit;
pub use list::{
    Checkpoint, ExportOptions, Items, ListMethod, ListSpec, Progress, DEFAULT_RANGES, MAX_RANGES,
};
pub use portal::Portal;
pub use retry::RetryPolicy;
pub use token_file::FileTokenStore;

/// Whether a method may be sent again when its outcome is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// A read: repeating it changes nothing.
    Read,
    /// A write that leaves the same state when repeated (`set`, `update`, `delete`).
    Idempotent,
    /// A write that may be duplicated if repeated (`add`...).
    Unsafe,
}

/// Which REST generation a method belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    /// `/rest/...`
    V2,
    /// REST 3.0: `/rest/api/...`
    V3,
}

/// A generated method's parameters: what the runtime needs to call it.
pub trait Call: serde::Serialize + Send + Sync {
    /// The REST method name.
    const METHOD: &'static str;
    /// How the method may be retried.
    const RETRY: Retry;
    /// Which REST generation it belongs to.
    const API: ApiVersion;
    /// The typed `result`.
    type Output;
    /// The method's error type.
    type Error: From<CallError> + std::error::Error + Send + Sync + 'static;

    /// Reads `result` into the typed output.
    fn decode(result: serde_json::Value) -> Result<Self::Output, serde_json::Error>;

    /// Reads `result` from its JSON text into the typed output: what
    /// [`Call::decode`] gives for the parsed value, without parsing it into
    /// a [`serde_json::Value`] first (generated methods decode straight from
    /// the text). The client decodes every answer this way.
    fn decode_text(result: &str) -> Result<Self::Output, serde_json::Error> {
        Self::decode(serde_json::from_str(result)?)
    }
}

#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}
