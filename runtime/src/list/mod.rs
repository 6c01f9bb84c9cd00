//! List methods as streams of items: paging over `start`/`next`, and the
//! fast traversal by ID for huge exports (`start=-1`, ordered by ID, filter
//! `>ID`, many pages per request through `batch`), over several ID ranges
//! at once, handed out in ID order and resumable from a checkpoint.
//!
//! - `spec`: where a method's items and IDs are ([`ListSpec`], [`ListMethod`]);
//! - `options`: [`ExportOptions`], [`Checkpoint`], [`Progress`];
//! - `fetch`: one request (a page by `start`, a chain of pages by ID, the probe);
//! - `ranges`: ID ranges fetched at once and handed out in order;
//! - `items`: the [`Items`] stream.

mod fetch;
mod items;
mod options;
mod ranges;
mod spec;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use items::Items;
pub use options::{Checkpoint, ExportOptions, Progress, DEFAULT_RANGES, MAX_RANGES};
pub use spec::{ListMethod, ListSpec};

use crate::client::Client;
use crate::error::CallError;
use crate::payload::encode_params;
use crate::{ApiVersion, Call};
use items::Cursor;

impl Client {
    /// Every item of a list method, page after page over `start`/`next`.
    pub fn list<P: Call, T: DeserializeOwned>(&self, params: P, spec: ListSpec) -> Items<T> {
        let params = encode_params(&params);
        Items::new(self, P::METHOD, P::API, params, spec, Cursor::Offset(0))
    }

    /// Every item of a [`ListMethod`], page after page over `start`/`next`.
    pub fn items<P: ListMethod>(&self, params: P) -> Items<P::Item> {
        self.list(params, P::list_spec())
    }

    /// Every item of a [`ListMethod`] by the fast traversal by ID; see [`Client::export`].
    pub fn export_items<P: ListMethod>(&self, params: P, options: ExportOptions) -> Items<P::Item> {
        self.export(params, P::list_spec(), options)
    }

    /// [`Client::list`] for a method by name with JSON parameters.
    pub fn list_raw<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Value,
        spec: ListSpec,
    ) -> Items<T> {
        let cursor = Cursor::Offset(0);
        Items::new(self, method, ApiVersion::V2, Ok(params), spec, cursor)
    }

    /// Every item of a list method by the fast traversal for huge exports:
    /// ordered by ID, filtered on `>ID`, `start=-1` (no count), many pages
    /// per `batch` request, [`ExportOptions::ranges`] ID ranges at once.
    /// Each item comes once, in ID order; resume from [`Items::checkpoint`].
    /// The parameters' own order and `>ID` filter are replaced (and, within
    /// a range, `<=ID`, by a bound below the highest ID they let through).
    pub fn export<P: Call, T: DeserializeOwned>(
        &self,
        params: P,
        spec: ListSpec,
        options: ExportOptions,
    ) -> Items<T> {
        self.export_inner(P::METHOD, P::API, encode_params(&params), spec, options)
    }

    /// [`Client::export`] for a method by name with JSON parameters.
    pub fn export_raw<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Value,
        spec: ListSpec,
        options: ExportOptions,
    ) -> Items<T> {
        self.export_inner(method, ApiVersion::V2, Ok(params), spec, options)
    }

    fn export_inner<T: DeserializeOwned>(
        &self,
        method: &str,
        api: ApiVersion,
        params: Result<Value, CallError>,
        spec: ListSpec,
        options: ExportOptions,
    ) -> Items<T> {
        let after = options.after.map_or(0, |c| c.last_id);
        let cursor = Cursor::AfterId(after);
        let (pages, ranges) = (options.pages_per_request, options.ranges);
        let items = Items::new(self, method, api, params, spec, cursor).by_id(pages, ranges);
        if options.after.is_none() {
            items.fresh()
        } else {
            items
        }
    }
}
