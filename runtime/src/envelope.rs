//! The response envelope: `result`, `time`, `total`, `next` on success;
//! `error` / `error_description` (or REST 3.0's `error.code`) on failure.

use serde_json::Value;

use crate::error::{ApiError, CallError, DecodeError, TransportError, TransportKind};

/// A successful response, its `result` still raw.
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

/// Reads a response body into an envelope or the error it carries.
pub fn read(status: u16, body: String) -> Result<Envelope, CallError> {
    let parsed: Value = match serde_json::from_str(&body) {
        Ok(value) => value,
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
    if let Some(error) = parsed.get("error").filter(|e| !e.is_null()) {
        let (code, description) = match error {
            Value::Object(v3) => (
                text(v3.get("code")).unwrap_or_default(),
                text(v3.get("message")).unwrap_or_default(),
            ),
            other => (
                text(Some(other)).unwrap_or_default(),
                text(parsed.get("error_description")).unwrap_or_default(),
            ),
        };
        return Err(CallError::Api(ApiError {
            code,
            description,
            status,
            body,
        }));
    }
    let Some(Value::Object(mut map)) = Some(parsed) else {
        return Err(CallError::Decode(DecodeError {
            message: "the body is not a JSON object".into(),
            status,
            body,
        }));
    };
    let Some(result) = map.remove("result") else {
        return Err(CallError::Decode(DecodeError {
            message: "the response has neither `result` nor `error`".into(),
            status,
            body,
        }));
    };
    let number =
        |v: Option<&Value>| v.and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()));
    Ok(Envelope {
        total: number(map.get("total")),
        next: number(map.get("next")),
        time: map.remove("time"),
        result,
        status,
        body,
    })
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
