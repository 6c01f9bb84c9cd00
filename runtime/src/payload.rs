//! What a request carries: a method's parameters (written once, straight to
//! JSON, when typed) or a `batch`, and the access token added on the wire.

use serde_json::Value;

use crate::error::{CallError, DecodeError};

/// The body of a request, before the access token is added.
pub(crate) enum Payload {
    /// A method's parameters (a JSON object).
    Params(Value),
    /// A method's parameters already written as a JSON object.
    Encoded(Vec<u8>),
    /// A `batch`: `halt` and the commands, in their order.
    Batch {
        halt: bool,
        cmd: Vec<(String, String)>,
    },
}

/// A payload with the access token, as it goes on the wire. Batch commands
/// keep their order whatever map type `serde_json` was built with.
pub(crate) struct Wire<'a> {
    pub(crate) payload: &'a Payload,
    pub(crate) auth: Option<&'a str>,
}

impl Wire<'_> {
    /// The request body.
    pub(crate) fn bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        let Payload::Encoded(object) = self.payload else {
            return serde_json::to_vec(self);
        };
        let Some(auth) = self.auth else {
            return Ok(object.clone());
        };
        // `object` is a JSON object (`encode_payload` made sure): add `auth` before its `}`.
        let end = object
            .iter()
            .rposition(|b| *b == b'}')
            .unwrap_or(object.len());
        let empty = object[..end]
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace())
            == Some(&b'{');
        let mut body = Vec::with_capacity(object.len() + auth.len() + 12);
        body.extend_from_slice(&object[..end]);
        body.extend_from_slice(if empty { b"\"auth\":" } else { b",\"auth\":" });
        serde_json::to_writer(&mut body, auth)?;
        body.push(b'}');
        Ok(body)
    }
}

impl serde::Serialize for Wire<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Ordered<'a>(&'a [(String, String)]);
        impl serde::Serialize for Ordered<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (name, line) in self.0 {
                    map.serialize_entry(name, line)?;
                }
                map.end()
            }
        }
        match self.payload {
            Payload::Params(Value::Object(params)) => {
                let mut map = serializer.serialize_map(None)?;
                for (key, value) in params {
                    if key != "auth" || self.auth.is_none() {
                        map.serialize_entry(key, value)?;
                    }
                }
                if let Some(auth) = self.auth {
                    map.serialize_entry("auth", auth)?;
                }
                map.end()
            }
            Payload::Params(other) => other.serialize(serializer),
            Payload::Encoded(_) => unreachable!("encoded payloads are written by `Wire::bytes`"),
            Payload::Batch { halt, cmd } => {
                let mut map = serializer.serialize_map(None)?;
                map.serialize_entry("halt", &u8::from(*halt))?;
                map.serialize_entry("cmd", &Ordered(cmd))?;
                if let Some(auth) = self.auth {
                    map.serialize_entry("auth", auth)?;
                }
                map.end()
            }
        }
    }
}

/// Typed parameters written once, straight to JSON; anything but an object
/// (or nothing) goes the slow way, through a `Value`.
pub(crate) fn encode_payload<P: serde::Serialize>(params: &P) -> Result<Payload, CallError> {
    let bytes = serde_json::to_vec(params).map_err(encode_error)?;
    match bytes.first() {
        Some(b'{') if !params_have_auth(&bytes) => Ok(Payload::Encoded(bytes)),
        _ => encode_params(params).map(Payload::Params),
    }
}

/// Whether written parameters may hold a top-level `auth` (then the slow way replaces it).
fn params_have_auth(bytes: &[u8]) -> bool {
    bytes.windows(6).any(|w| w == b"\"auth\"")
}

pub(crate) fn encode_params<P: serde::Serialize>(params: &P) -> Result<Value, CallError> {
    match serde_json::to_value(params) {
        Ok(Value::Null) => Ok(Value::Object(Default::default())),
        Ok(value) => Ok(value),
        Err(e) => Err(encode_error(e)),
    }
}

pub(crate) fn encode_error(e: serde_json::Error) -> CallError {
    CallError::Decode(DecodeError {
        message: format!("cannot encode the parameters: {e}"),
        status: 0,
        body: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(payload: &Payload, auth: Option<&str>) -> String {
        String::from_utf8(Wire { payload, auth }.bytes().unwrap()).unwrap()
    }

    #[test]
    fn the_access_token_joins_every_kind_of_body() {
        let written = Payload::Encoded(br#"{"id":1}"#.to_vec());
        assert_eq!(body(&written, None), r#"{"id":1}"#);
        assert_eq!(body(&written, Some("t\"k")), r#"{"id":1,"auth":"t\"k"}"#);
        assert_eq!(
            body(&Payload::Encoded(b"{}".to_vec()), Some("t")),
            r#"{"auth":"t"}"#
        );
        let value = Payload::Params(json!({"auth": "stale", "a": 1}));
        assert_eq!(body(&value, Some("t")), r#"{"a":1,"auth":"t"}"#);
        let batch = Payload::Batch {
            halt: true,
            cmd: vec![("b".into(), "x".into()), ("a".into(), "y".into())],
        };
        assert_eq!(
            body(&batch, Some("t")),
            r#"{"halt":1,"cmd":{"b":"x","a":"y"},"auth":"t"}"#
        );
    }

    #[test]
    fn typed_parameters_are_written_once_unless_odd() {
        #[derive(serde::Serialize)]
        struct Params {
            id: i64,
        }
        assert!(matches!(
            encode_payload(&Params { id: 1 }).unwrap(),
            Payload::Encoded(_)
        ));
        assert!(matches!(
            encode_payload(&()).unwrap(),
            Payload::Params(Value::Object(_))
        ));
        assert!(matches!(
            encode_payload(&json!({"auth": "x"})).unwrap(),
            Payload::Params(_)
        ));
    }
}
