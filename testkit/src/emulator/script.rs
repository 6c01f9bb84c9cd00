//! What a test adds to the emulator: a hook that sees every request before
//! the portal does, methods of its own, and the record of requests.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use super::crm::{Crm, Entity};
use super::outcome::{Done, Fail};
use crate::mock::MockResponse;
use crate::recorded::RecordedRequest;

/// What a hook given to [`Emulator::on_request`](super::Emulator::on_request)
/// decides for a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Intercept {
    /// The portal handles it as usual.
    Pass,
    /// The portal handles it after this wait: a slow portal, proxy or token
    /// server. The wait counts against the client's timeout.
    Delay(Duration),
    /// This answer is sent instead (a fault, a refusal, a dropped
    /// connection...); the portal never sees the request and its
    /// [`Counters`](super::Counters) do not count it.
    Answer(MockResponse),
}

impl From<MockResponse> for Intercept {
    fn from(answer: MockResponse) -> Intercept {
        Intercept::Answer(answer)
    }
}

/// The portal's records, as a hook may change them before a request is
/// handled (another user adding leads during an export, say).
#[derive(Debug)]
pub struct Records<'a> {
    pub(crate) crm: &'a mut Crm,
}

impl Records<'_> {
    /// Stores a record as `crm.*.add` would and returns its ID. `fields` is
    /// an object of field values; anything else stores an empty record.
    pub fn insert(&mut self, entity: Entity, fields: Value) -> i64 {
        self.crm.add(entity, &object(fields))
    }

    /// Stores a record under `id`; later records get IDs above it. `false`
    /// (and nothing stored) when `id` is not positive or is taken.
    pub fn insert_with_id(&mut self, entity: Entity, id: i64, fields: Value) -> bool {
        self.crm.add_with_id(entity, id, &object(fields))
    }

    /// Deletes a record and its contact links; `false` when there is none.
    pub fn remove(&mut self, entity: Entity, id: i64) -> bool {
        self.crm.remove(entity, id)
    }

    /// A stored record, as `crm.*.get` answers it.
    pub fn record(&self, entity: Entity, id: i64) -> Option<Value> {
        self.crm.get(entity, id).cloned().map(Value::Object)
    }

    /// The highest ID stored.
    pub fn max_id(&self, entity: Entity) -> Option<i64> {
        self.crm.max_id(entity)
    }

    /// How many records of a type are stored.
    pub fn count(&self, entity: Entity) -> usize {
        self.crm.count(entity)
    }
}

/// `fields` as a map; anything but an object is no fields.
pub(crate) fn object(fields: Value) -> Map<String, Value> {
    match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A hook, see [`Emulator::on_request`](super::Emulator::on_request).
pub(crate) type Hook = dyn Fn(&RecordedRequest, &mut Records<'_>) -> Intercept + Send + Sync;

/// A method a test defined, see [`Emulator::define`](super::Emulator::define).
pub(crate) type Defined = dyn Fn(&Map<String, Value>) -> Result<Done, Fail> + Send + Sync;

/// The test's additions, kept in the portal's state.
#[derive(Default)]
pub(crate) struct Script {
    pub hook: Option<Arc<Hook>>,
    pub defined: HashMap<String, Arc<Defined>>,
    /// Every request received, when the config records them.
    pub requests: Vec<RecordedRequest>,
}
