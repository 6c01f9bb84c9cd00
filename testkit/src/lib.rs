//! A Bitrix24 portal on loopback, for tests.
//!
//! - [`Emulator`]: an in-memory portal that speaks the REST protocol for
//!   leads, contacts, deals and their contact links, with `batch`, list
//!   paging, webhook and OAuth auth, the portal's limits and injected faults.
//!   For end-to-end tests of a client. A test can step in before it answers
//!   ([`Emulator::on_request`]) and give it methods of its own
//!   ([`Emulator::define`]).
//! - [`MockPortal`]: answers with responses the test scripts (fixed, or
//!   computed from the request). For checking how a client reacts to a
//!   given answer.
//! - [`RoguePortal`]: raw HTTP that misbehaves below the protocol (bodies
//!   that never end or trickle, silence, connections cut mid-body, redirects
//!   elsewhere). For checking that a client always ends, and ends clearly.
//! - The [`server`] the first two run on: hyper on `127.0.0.1:0`, started on
//!   the current tokio runtime, stopped on drop. Both record every request
//!   they receive ([`RecordedRequest`]).

#![warn(missing_docs)]

pub mod emulator;
pub mod mock;
pub mod recorded;
pub mod rogue;
pub mod server;
pub mod wire;

pub use emulator::{Config, Emulator, Entity, Faults, Intercept};
pub use mock::{MockPortal, MockResponse};
pub use recorded::RecordedRequest;
pub use rogue::{Act, RoguePortal};
pub use wire::Body;
