//! A Bitrix24 portal on loopback, for tests.
//!
//! - [`MockPortal`]: answers with responses the test scripts, and records
//!   every request. For checking how a client reacts to a given answer.
//! - The [`server`] both run on: hyper on `127.0.0.1:0`, started on the
//!   current tokio runtime, stopped on drop.

pub mod mock;
pub mod server;
pub mod wire;

pub use mock::{MockPortal, MockResponse, RecordedRequest};
pub use wire::Body;
