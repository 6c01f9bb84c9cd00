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
