//! `__method!`, which writes a generated module's `METHOD`, `Call` and
//! `ListMethod` impls and `call`: what each part of its input becomes.

use bitrix24::{ApiVersion, Call, ListMethod, Retry};
use serde_json::json;

/// A list in a member of `result`, decoded by a lenient helper; deprecated.
#[allow(deprecated)]
mod keyed {
    bitrix24::__method! {
        "demo.item.list" Read V3 list;
        type Output = ::std::vec::Vec<Item>;
        list Item, "id" in "items";
        deprecated "Use demo.thing.list.";
    }
    bitrix24::__record! {
        #[deprecated(note = "Use demo.thing.list.")]
        " Parameters." Params {}
    }
    bitrix24::__record! {
        " An element." Item {
            " Its ID." "id" id?: i64 = opt_int;
        }
    }
    bitrix24::__method_error! { " Errors." {} }
}

/// `result` is the list; `Output` is the module's struct, read by its own
/// `Deserialize` (`plain`).
mod bare {
    bitrix24::__method! {
        "demo.item.update" Idempotent V2 plain;
        list Output, "ID";
    }
    bitrix24::__record! { " Parameters." Params {} }
    bitrix24::__record! {
        " What the method returns." Output {
            " Its ID." "ID" id?: i64 = opt_int;
        }
    }
    bitrix24::__method_error! { " Errors." {} }
}

#[test]
#[allow(deprecated)]
fn each_part_of_the_input_becomes_its_item() {
    assert_eq!(keyed::METHOD, "demo.item.list");
    assert_eq!(<keyed::Params as Call>::METHOD, "demo.item.list");
    assert_eq!(<keyed::Params as Call>::RETRY, Retry::Read);
    assert_eq!(<keyed::Params as Call>::API, ApiVersion::V3);
    assert_eq!(<keyed::Params as ListMethod>::ITEMS_KEY, Some("items"));
    assert_eq!(<keyed::Params as ListMethod>::ID_FIELD, "id");
    // The named helper reads the list leniently: an index-keyed object too.
    let items = <keyed::Params as Call>::decode(json!({"0": {"id": "7"}})).unwrap();
    assert_eq!(items, vec![keyed::Item { id: Some(7) }]);
    let _ = keyed::call;

    assert_eq!(bare::METHOD, "demo.item.update");
    assert_eq!(<bare::Params as Call>::RETRY, Retry::Idempotent);
    assert_eq!(<bare::Params as Call>::API, ApiVersion::V2);
    // Without a key `result` is the list itself: the trait's default.
    assert_eq!(<bare::Params as ListMethod>::ITEMS_KEY, None);
    assert_eq!(<bare::Params as ListMethod>::ID_FIELD, "ID");
    let output = <bare::Params as Call>::decode(json!({"ID": 3})).unwrap();
    assert_eq!(output, bare::Output { id: Some(3) });
    // `plain` is serde's own reading, errors included.
    assert!(<bare::Params as Call>::decode(json!("text")).is_err());
}

/// An error enum with one documented code.
mod documented {
    bitrix24::__method_error! {
        " Errors." { " `NOT_FOUND`: no such item" NotFound = "NOT_FOUND", }
    }
}

#[test]
fn every_kind_of_method_error_has_its_code_text_and_source() {
    use bitrix24::{ApiError, CallError, DecodeError, TransportError};
    use documented::Error;
    use std::error::Error as _;

    let api = |code: &str| ApiError {
        code: code.to_string(),
        description: "why".to_string(),
        status: 400,
        body: String::new(),
    };
    let cases = [
        (
            CallError::Api(api("NOT_FOUND")),
            Some("NOT_FOUND"),
            "NOT_FOUND (HTTP 400): why",
            false,
        ),
        (
            CallError::Api(api("QUERY_LIMIT_EXCEEDED")),
            Some("QUERY_LIMIT_EXCEEDED"),
            "",
            false,
        ),
        (
            CallError::Api(api("OTHER")),
            Some("OTHER"),
            "OTHER (HTTP 400): why",
            false,
        ),
        (
            CallError::Transport(TransportError::new("reset")),
            None,
            "",
            true,
        ),
        (
            CallError::Decode(DecodeError {
                message: "bad".into(),
                status: 200,
                body: "x".into(),
            }),
            None,
            "cannot decode the response (HTTP 200): bad",
            true,
        ),
        (
            CallError::OutcomeUnknown(TransportError::new("reset")),
            None,
            "outcome unknown: ",
            true,
        ),
    ];
    for (call, code, text, has_source) in cases {
        let expected_text = call.to_string();
        let error = Error::from(call);
        assert_eq!(error.code(), code, "{error:?}");
        assert_eq!(error.api().map(|api| api.code.as_str()), code, "{error:?}");
        assert!(error.to_string().starts_with(text), "{error}");
        // The text is the underlying error's, as `CallError` shows it, but
        // for a system error (its kind's text).
        if !matches!(error, Error::System(_)) {
            assert_eq!(error.to_string(), expected_text);
        }
        assert_eq!(error.source().is_some(), has_source, "{error:?}");
    }
    assert!(matches!(
        Error::from(CallError::Api(api("NOT_FOUND"))),
        Error::NotFound(_)
    ));
    assert!(matches!(
        Error::from(CallError::Api(api("QUERY_LIMIT_EXCEEDED"))),
        Error::System(_)
    ));
}
