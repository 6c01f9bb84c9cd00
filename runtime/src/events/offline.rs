//! Offline events: the portal keeps them until the application asks with
//! `event.offline.get`, which answers JSON. They come through the
//! application's own authenticated call, so they need no token check.

use serde::Deserialize;
use serde_json::Value;

use crate::{ApiVersion, CallError, Client};

use super::form::{decode_json, FormError, Limits};
use super::payload::{scalar_int, scalar_text};

/// One event from `event.offline.get`.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineEvent {
    /// The queue record's ID.
    pub id: Option<i64>,
    /// When it was queued, as sent.
    pub timestamp: Option<String>,
    /// The event's code (`ONCRMLEADADD`).
    pub event: String,
    /// The event's data (`null` when the portal sends `false`).
    pub data: Value,
    /// `EVENT_ADDITIONAL` (`null` when `false`).
    pub additional: Value,
    /// The message ID that groups repeats of one change.
    pub message_id: Option<String>,
}

/// What `event.offline.get` returns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OfflineEvents {
    /// The ID of the read process, to confirm with `event.offline.clear`.
    pub process_id: Option<String>,
    /// The events.
    pub events: Vec<OfflineEvent>,
}

impl OfflineEvents {
    /// Reads a `result` value (or the whole answer with `result` in it).
    pub fn from_value(value: &Value) -> OfflineEvents {
        let result = value.get("result").unwrap_or(value);
        let false_is_null = |v: Option<&Value>| match v {
            None | Some(Value::Bool(false)) => Value::Null,
            Some(v) => v.clone(),
        };
        let events = result
            .get("events")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|e| OfflineEvent {
                        id: e.get("ID").and_then(scalar_int),
                        timestamp: e.get("TIMESTAMP_X").and_then(scalar_text),
                        event: e
                            .get("EVENT_NAME")
                            .and_then(scalar_text)
                            .unwrap_or_default(),
                        data: false_is_null(e.get("EVENT_DATA")),
                        additional: false_is_null(e.get("EVENT_ADDITIONAL")),
                        message_id: e.get("MESSAGE_ID").and_then(scalar_text),
                    })
                    .collect()
            })
            .unwrap_or_default();
        OfflineEvents {
            process_id: result.get("process_id").and_then(scalar_text),
            events,
        }
    }

    /// Decodes a raw answer body within `limits`.
    pub fn decode(body: &[u8], limits: Limits) -> Result<OfflineEvents, FormError> {
        Ok(OfflineEvents::from_value(&decode_json(body, limits)?))
    }
}

impl OfflineEvents {
    /// Calls `event.offline.get` with `params` (`limit`, `clear`, `filter`...).
    /// Unless `clear` is `0` the portal removes what it returns, so the call
    /// is never repeated when its outcome is unknown.
    pub async fn fetch(client: &Client, params: Value) -> Result<OfflineEvents, CallError> {
        let envelope = client
            .call_raw("event.offline.get", ApiVersion::V2, params)
            .await?;
        Ok(OfflineEvents::from_value(&envelope.result))
    }
}

impl<'de> Deserialize<'de> for OfflineEvents {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(OfflineEvents::from_value(&Value::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_queue() {
        let body = br#"{"result":{"process_id":null,"events":[
            {"ID":"3","TIMESTAMP_X":"2025-01-02T03:04:05+00:00","EVENT_NAME":"ONCRMDEALADD",
             "EVENT_DATA":{"FIELDS":{"ID":"9"}},"EVENT_ADDITIONAL":false,"MESSAGE_ID":"77"},
            {"ID":4,"EVENT_NAME":"ONCRMDEALDELETE","EVENT_DATA":false}]}}"#;
        let read = OfflineEvents::decode(body, Limits::default()).unwrap();
        assert_eq!(read.process_id, None);
        assert_eq!(read.events.len(), 2);
        assert_eq!(read.events[0].id, Some(3));
        assert_eq!(read.events[0].data["FIELDS"]["ID"], "9");
        assert_eq!(read.events[0].additional, Value::Null);
        assert_eq!(read.events[1].id, Some(4));
        assert_eq!(read.events[1].data, Value::Null);
    }
}
