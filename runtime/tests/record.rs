//! `__record!`, which the generated code declares its structs with, against
//! the struct the generator used to write out in full: the same fields,
//! derives and wire behaviour for every form a field takes.

use serde_json::{json, Value};

bitrix24::__record! {
    #[must_use]
    " A nested object." Inner {
        " Its ID." "ID" id?: i64 = opt_int;
    }
}

bitrix24::__record! {
    " Every form a field takes." Record {
        " Required, renamed, lenient." "CONTACT_ID" contact_id: i64 = int;
        " Required, its own name." "sort" sort: i64 = int;
        " Required, serde's own format." "inner" inner: Inner = plain;
        " Required JSON." "DATA" data: ::bitrix24::__private::serde_json::Value = plain;
        " Optional, renamed." "IS_PRIMARY" is_primary?: bool = opt_yn;
        " Optional, nested." "NEXT" next?: Inner = opt;
        " Optional list." "tags"
        tags?: ::std::vec::Vec<::std::string::String> = opt_vec_string;
        .. user_fields
    }
}

/// What the generator wrote before `__record!`, attribute for attribute.
mod by_hand {
    #[derive(
        Debug,
        Clone,
        PartialEq,
        Default,
        ::bitrix24::__private::serde::Serialize,
        ::bitrix24::__private::serde::Deserialize,
    )]
    #[serde(crate = "::bitrix24::__private::serde")]
    pub struct Inner {
        #[serde(
            rename = "ID",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_int"
        )]
        pub id: ::core::option::Option<i64>,
    }

    #[derive(
        Debug,
        Clone,
        PartialEq,
        Default,
        ::bitrix24::__private::serde::Serialize,
        ::bitrix24::__private::serde::Deserialize,
    )]
    #[serde(crate = "::bitrix24::__private::serde")]
    pub struct Record {
        #[serde(rename = "CONTACT_ID", with = "::bitrix24::wire::int")]
        pub contact_id: i64,
        #[serde(with = "::bitrix24::wire::int")]
        pub sort: i64,
        #[serde()]
        pub inner: Inner,
        #[serde(rename = "DATA")]
        pub data: ::bitrix24::__private::serde_json::Value,
        #[serde(
            rename = "IS_PRIMARY",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_yn"
        )]
        pub is_primary: ::core::option::Option<bool>,
        #[serde(
            rename = "NEXT",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt"
        )]
        pub next: ::core::option::Option<Inner>,
        #[serde(
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_vec_string"
        )]
        pub tags: ::core::option::Option<::std::vec::Vec<::std::string::String>>,
        #[serde(flatten)]
        pub user_fields: ::std::collections::BTreeMap<
            ::std::string::String,
            ::bitrix24::__private::serde_json::Value,
        >,
    }
}

/// Reads `input` into both structs and writes them back: the same values,
/// the same JSON, the same errors.
fn same_on_the_wire(input: Value) {
    let macro_made = serde_json::from_value::<Record>(input.clone());
    let by_hand = serde_json::from_value::<by_hand::Record>(input.clone());
    match (macro_made, by_hand) {
        (Ok(record), Ok(expected)) => {
            assert_eq!(format!("{record:?}"), format!("{expected:?}"), "{input}");
            assert_eq!(
                serde_json::to_value(&record).unwrap(),
                serde_json::to_value(&expected).unwrap(),
                "{input}"
            );
        }
        (Err(error), Err(expected)) => {
            assert_eq!(error.to_string(), expected.to_string(), "{input}")
        }
        (got, expected) => panic!("{input}: {got:?} but by hand {expected:?}"),
    }
    same_from_text::<Record, by_hand::Record>(&input.to_string());
}

/// Reads `text` (JSON as it comes on the wire, not a `Value`) into both
/// structs: the same values, or the same error, position included.
fn same_from_text<A, B>(text: &str)
where
    A: serde::de::DeserializeOwned + std::fmt::Debug,
    B: serde::de::DeserializeOwned + std::fmt::Debug,
{
    let macro_made = serde_json::from_str::<A>(text);
    let by_hand = serde_json::from_str::<B>(text);
    match (macro_made, by_hand) {
        (Ok(record), Ok(expected)) => {
            assert_eq!(format!("{record:?}"), format!("{expected:?}"), "{text}")
        }
        (Err(error), Err(expected)) => {
            assert_eq!(error.to_string(), expected.to_string(), "{text}")
        }
        (got, expected) => panic!("{text}: {got:?} but by hand {expected:?}"),
    }
}

#[test]
fn every_field_form_reads_and_writes_as_the_attributes_did() {
    for input in [
        json!({"CONTACT_ID": "12", "sort": 3, "inner": {"ID": "7"}, "DATA": [1, "a"]}),
        json!({
            "CONTACT_ID": 12, "sort": "3", "inner": {}, "DATA": null, "IS_PRIMARY": "Y",
            "NEXT": {"ID": 9}, "tags": ["a", 2], "UF_CRM_1": "x", "OTHER": {"k": 1}
        }),
        // Blanks that read as `None`.
        json!({"CONTACT_ID": 1, "sort": 1, "inner": {"ID": ""}, "DATA": 0,
               "IS_PRIMARY": "", "NEXT": [], "tags": null}),
        // Missing required fields, bad values.
        json!({"sort": 1, "inner": {}, "DATA": 0}),
        json!({"CONTACT_ID": 1, "sort": 1, "DATA": 0}),
        json!({"CONTACT_ID": "abc", "sort": 1, "inner": {}, "DATA": 0}),
        json!({"CONTACT_ID": 1, "sort": 1, "inner": {}, "DATA": 0, "IS_PRIMARY": "maybe"}),
        json!({"CONTACT_ID": 1, "sort": 1, "inner": {"ID": "x"}, "DATA": 0}),
        // Not an object: a struct that keeps other keys is read from one only.
        json!([]),
        json!([1, 2]),
        json!(5),
        json!("text"),
        json!(null),
    ] {
        same_on_the_wire(input);
    }
}

#[test]
fn a_struct_without_a_map_of_other_keys_reads_as_the_derive_did() {
    for input in [
        json!({"ID": "4", "OTHER": 1}),
        json!({}),
        json!([]),
        json!(["5"]),
        json!([1, 2]),
        json!(true),
        json!(-3),
        json!(1.5),
    ] {
        let macro_made = serde_json::from_value::<Inner>(input.clone());
        let by_hand = serde_json::from_value::<by_hand::Inner>(input.clone());
        match (macro_made, by_hand) {
            (Ok(inner), Ok(expected)) => {
                assert_eq!(format!("{inner:?}"), format!("{expected:?}"), "{input}")
            }
            (Err(error), Err(expected)) => {
                assert_eq!(error.to_string(), expected.to_string(), "{input}")
            }
            (got, expected) => panic!("{input}: {got:?} but by hand {expected:?}"),
        }
        same_from_text::<Inner, by_hand::Inner>(&input.to_string());
    }
}

bitrix24::__record! {
    " A required field and an optional one, without a map of other keys." Pair {
        " Required." "A" a: i64 = int;
        " Optional." "B" b?: i64 = opt_int;
    }
}

mod pair_by_hand {
    #[derive(Debug, ::bitrix24::__private::serde::Deserialize)]
    #[serde(crate = "::bitrix24::__private::serde")]
    #[allow(dead_code)]
    pub struct Pair {
        #[serde(rename = "A", with = "::bitrix24::wire::int")]
        pub a: i64,
        #[serde(
            rename = "B",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_int"
        )]
        pub b: ::core::option::Option<i64>,
    }
}

#[test]
fn arrays_too_short_for_the_required_fields_and_repeated_keys_fail_as_the_derive_did() {
    for text in [
        "[]",
        "[1]",
        "[\"2\", \"3\"]",
        "[1, 2, 3]",
        "{\"B\": 2}",
        "{\"A\": 1, \"A\": 2}",
        "{\"A\": 1, \"B\": \"x\"}",
        "{\"A\": {\"a\": 1}, \"C\": [1]}",
        "{\"a\": 1}",
        "  {\"A\": \"1\"}  ",
    ] {
        same_from_text::<Pair, pair_by_hand::Pair>(text);
        let value: Result<Value, _> = serde_json::from_str(text);
        if let Ok(value) = value {
            let macro_made =
                serde_json::from_value::<Pair>(value.clone()).map_err(|e| e.to_string());
            let by_hand =
                serde_json::from_value::<pair_by_hand::Pair>(value).map_err(|e| e.to_string());
            assert_eq!(format!("{macro_made:?}"), format!("{by_hand:?}"), "{text}");
        }
    }
}

#[test]
fn defaults_and_field_types_are_the_declared_ones() {
    // Field types as written by hand: this only compiles if they are the same.
    let record = Record {
        contact_id: 1_i64,
        sort: 2_i64,
        inner: Inner { id: None::<i64> },
        data: Value::Null,
        is_primary: Some(true),
        next: None::<Inner>,
        tags: Some(vec![String::from("a")]),
        user_fields: std::collections::BTreeMap::new(),
    };
    assert_eq!(record.clone(), record);
    assert_eq!(
        format!("{:?}", Record::default()),
        format!("{:?}", by_hand::Record::default())
    );
    assert_eq!(
        serde_json::to_value(&record).unwrap(),
        json!({"CONTACT_ID": 1, "sort": 2, "inner": {}, "DATA": null,
               "IS_PRIMARY": "Y", "tags": ["a"]})
    );
}
