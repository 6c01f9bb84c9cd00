//! The response envelope: `result`, `time`, `total`, `next` on success;
//! `error` / `error_description` (or REST 3.0's `error.code`) on failure.
//!
//! An answer is read in one pass into an `Answer`: the body as it came,
//! with `result` left as a slice of it (never parsed into a tree here), and
//! the small parts (`total`, `next`, `time`, the error) read out. What the
//! caller asked for is then decoded from that slice: a typed `Output`, a
//! page's items one by one, or, for [`Envelope`], a [`Value`].

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::{ApiError, CallError, DecodeError, TransportError, TransportKind};
use crate::redact::Redactor;

/// A successful response, its `result` parsed into a [`Value`].
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The `result` value.
    pub result: Value,
    /// `total`, for list methods.
    pub total: Option<u64>,
    /// `next`, the offset of the next page for list methods.
    pub next: Option<u64>,
    /// The `time` object (`operating`, `operating_reset_at`...).
    pub time: Option<Value>,
    /// HTTP status.
    pub status: u16,
    /// The raw response body, for errors that must show it.
    pub body: String,
}

/// A successful answer as it came: the body, `result` as a slice of it.
#[derive(Clone)]
pub(crate) struct Answer {
    /// HTTP status.
    pub(crate) status: u16,
    /// `total`, for list methods.
    pub(crate) total: Option<u64>,
    /// `next`, the offset of the next page for list methods.
    pub(crate) next: Option<u64>,
    /// The `time` object.
    pub(crate) time: Option<Value>,
    /// The body as received: secrets in it are masked only where it is shown.
    body: Arc<String>,
    /// Where `result` is in the body.
    result: Range<usize>,
    /// What masks the body wherever it is shown.
    redactor: Option<Arc<Redactor>>,
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("result_bytes", &self.result.len())
            .finish()
    }
}

impl Answer {
    /// The text of `result`.
    pub(crate) fn result(&self) -> &str {
        self.body.get(self.result.clone()).unwrap_or("null")
    }

    /// The whole body as received, to take slices of.
    pub(crate) fn body(&self) -> &Arc<String> {
        &self.body
    }

    /// The body as errors show it: secrets masked.
    pub(crate) fn shown(&self, text: &str) -> String {
        let mut text = text.to_string();
        if let Some(redactor) = &self.redactor {
            redactor.in_place(&mut text);
        }
        text
    }

    /// A decode error about this answer, with its (masked) body.
    pub(crate) fn decode_error(&self, message: String) -> CallError {
        CallError::Decode(DecodeError {
            message: self.shown(&message),
            status: self.status,
            body: self.shown(&self.body),
        })
    }

    /// The envelope with `result` parsed into a [`Value`] and the body masked.
    pub(crate) fn into_envelope(self) -> Result<Envelope, CallError> {
        let result = serde_json::from_str(self.result())
            .map_err(|e| self.decode_error(crate::decode::message(&e)))?;
        let mut body = Arc::try_unwrap(self.body).unwrap_or_else(|shared| (*shared).clone());
        if let Some(redactor) = &self.redactor {
            redactor.in_place(&mut body);
        }
        Ok(Envelope {
            result,
            total: self.total,
            next: self.next,
            time: self.time,
            status: self.status,
            body,
        })
    }
}

/// Reads a response body into an envelope or the error it carries.
pub fn read(status: u16, body: String) -> Result<Envelope, CallError> {
    read_answer(status, body, None)?.into_envelope()
}

/// Reads a response body into an [`Answer`] or the error it carries, in one
/// pass that leaves `result` as text. `redactor` masks the body wherever the
/// answer is later shown (errors returned here are masked by the caller,
/// as every error of a call is).
pub(crate) fn read_answer(
    status: u16,
    body: String,
    redactor: Option<&Arc<Redactor>>,
) -> Result<Answer, CallError> {
    let top = {
        let mut de = serde_json::Deserializer::from_str(&body);
        de.deserialize_any(TopVisitor)
            .and_then(|top| de.end().map(|()| top))
            .map(|top| {
                top.map(|parts| Parts {
                    result: parts.result.map(|r| crate::raw::span(&body, r)),
                    error: parts.error,
                    error_description: parts.error_description,
                    total: parts.total,
                    next: parts.next,
                    time: parts.time,
                })
            })
    };
    let top = match top {
        Ok(top) => top,
        Err(e) => {
            let start = crate::body::excerpt(&body);
            if !(200..300).contains(&status) {
                // Not the portal's answer: a proxy's page, a wrong address.
                return Err(CallError::Transport(TransportError {
                    status: Some(status),
                    body: Some(body),
                    ..TransportError::of(
                        TransportKind::Status,
                        format!("the answer is not JSON; it starts `{start}`"),
                    )
                }));
            }
            return Err(CallError::Decode(DecodeError {
                message: format!("the body is not JSON ({e}); it starts `{start}`"),
                status,
                body,
            }));
        }
    };
    let Some(top) = top else {
        return Err(CallError::Decode(DecodeError {
            message: "the body is not a JSON object".into(),
            status,
            body,
        }));
    };
    if let Some(error) = top.error.filter(|e| !e.is_null()) {
        let (code, description) = match &error {
            Value::Object(v3) => (
                text(v3.get("code")).unwrap_or_default(),
                text(v3.get("message")).unwrap_or_default(),
            ),
            other => (
                text(Some(other)).unwrap_or_default(),
                text(top.error_description.as_ref()).unwrap_or_default(),
            ),
        };
        return Err(CallError::Api(ApiError {
            code,
            description,
            status,
            body,
        }));
    }
    let Some(result) = top.result else {
        return Err(CallError::Decode(DecodeError {
            message: "the response has neither `result` nor `error`".into(),
            status,
            body,
        }));
    };
    // Not a slice of the body: cannot happen, as it was read from it.
    let Some(result) = result else {
        return Err(CallError::Decode(DecodeError {
            message: "`result` could not be located in the body".into(),
            status,
            body,
        }));
    };
    let number = |v: Option<Value>| v.and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()));
    Ok(Answer {
        status,
        total: number(top.total),
        next: number(top.next),
        time: top.time,
        body: Arc::new(body),
        result,
        redactor: redactor.cloned(),
    })
}

/// The parts of an answer object; a key sent twice counts as last sent.
struct Parts<R> {
    /// `result`: its text, then where that is in the body.
    result: Option<R>,
    error: Option<Value>,
    error_description: Option<Value>,
    total: Option<Value>,
    next: Option<Value>,
    time: Option<Value>,
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    /// The parts of an object; `None` for any other value.
    type Value = Option<Parts<&'de str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut parts = Parts {
            result: None,
            error: None,
            error_description: None,
            total: None,
            next: None,
            time: None,
        };
        while let Some(key) = access.next_key_seed(crate::raw::KeySeed)? {
            match key.as_ref() {
                "result" => {
                    let raw: &'de RawValue = access.next_value()?;
                    parts.result = Some(raw.get());
                }
                "error" => parts.error = Some(access.next_value()?),
                "error_description" => parts.error_description = Some(access.next_value()?),
                "total" => parts.total = Some(access.next_value()?),
                "next" => parts.next = Some(access.next_value()?),
                "time" => parts.time = Some(access.next_value()?),
                _ => {
                    access.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(parts))
    }

    crate::raw::not_an_object!('de, None);
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_and_paging() {
        let env = read(
            200,
            r#"{"result":[1],"total":"51","next":50,"time":{"operating":0.1}}"#.into(),
        )
        .unwrap();
        assert_eq!(env.total, Some(51));
        assert_eq!(env.next, Some(50));
        assert!(env.time.is_some());
    }

    #[test]
    fn errors_of_both_generations_keep_the_body() {
        let body = r#"{"error":"NOT_FOUND","error_description":"Not found."}"#;
        let Err(CallError::Api(api)) = read(400, body.into()) else {
            panic!()
        };
        assert_eq!(
            (api.code.as_str(), api.description.as_str(), api.status),
            ("NOT_FOUND", "Not found.", 400)
        );
        assert_eq!(api.body, body);
        let v3 = r#"{"error":{"code":"BITRIX_REST_V3_EXCEPTION","message":"bad"}}"#;
        let Err(CallError::Api(api)) = read(400, v3.into()) else {
            panic!()
        };
        assert_eq!(api.code, "BITRIX_REST_V3_EXCEPTION");
    }

    #[test]
    fn keys_sent_twice_count_as_last_sent_and_spacing_is_kept_in_result() {
        let body = r#"{ "result" : [1], "total": 3, "result" : { "a" : [ 2 ] } , "total" : "4" }"#;
        let answer = read_answer(200, body.into(), None).unwrap();
        assert_eq!(answer.result(), r#"{ "a" : [ 2 ] }"#);
        assert_eq!(answer.total, Some(4));
        let env = answer.into_envelope().unwrap();
        assert_eq!(env.result, serde_json::json!({"a": [2]}));
        assert_eq!(env.body, body);
        for not_an_object in ["[1]", "null", "\"x\"", "5"] {
            let Err(CallError::Decode(e)) = read(200, not_an_object.into()) else {
                panic!("{not_an_object}")
            };
            assert_eq!(e.message, "the body is not a JSON object");
        }
        let Err(CallError::Decode(e)) = read(200, r#"{"time": {}}"#.into()) else {
            panic!()
        };
        assert!(e.message.contains("neither"), "{}", e.message);
    }

    #[test]
    fn garbage_is_a_decode_error_with_the_raw_body() {
        let Err(CallError::Decode(e)) = read(200, "<html>oops".into()) else {
            panic!()
        };
        assert_eq!(e.body, "<html>oops");
        let Err(CallError::Transport(t)) = read(502, "Bad Gateway".into()) else {
            panic!()
        };
        assert_eq!(t.body.as_deref(), Some("Bad Gateway"));
        assert_eq!(t.kind, TransportKind::Status);
    }

    #[test]
    fn a_non_json_error_status_says_what_came() {
        let page = format!("<html>\n<title>404 Not Found</title>{}", " ".repeat(2000));
        let Err(CallError::Transport(t)) = read(404, page) else {
            panic!()
        };
        let shown = t.to_string();
        assert!(
            shown.starts_with("HTTP 404 Not Found: the answer is not JSON; it starts `<html> <title>404 Not Found</title>"),
            "{shown}"
        );
        assert!(!shown.contains("not JSON:"), "{shown}");
        let Err(CallError::Decode(d)) = read(200, "{oops".into()) else {
            panic!()
        };
        assert!(d.to_string().contains("it starts `{oops`"), "{d}");
    }
}
