//! Decoding speed of generated structs: `__record!` (one generic runtime
//! path, `wire::record`) against the serde derive with a `with` adapter per
//! field and `flatten` that it replaced, on the same list of leads as
//! `crm.lead.list` returns them (24 fields of every helper kind, a nested
//! list, custom `UF_` keys), from a `serde_json::Value` and from the JSON
//! bytes (`serde_json::from_slice`, what the client decodes answers from).
//!
//! The two run in pairs, back to back, each pair's time the on-CPU time of
//! this thread (so time the machine gives other processes does not count);
//! the figure is the median of the pairs' ratios, with the median time per
//! item of each.
//!
//! `cargo bench -p bitrix24 --bench decode` (`B24_BENCH_RUNS`: pairs, 31)

use std::time::Duration;

use serde_json::{json, Value};

bitrix24::__record! {
    " A multi-field value." Multi {
        " Its ID." "ID" id?: i64 = opt_int;
        " Its kind." "VALUE_TYPE" value_type?: ::std::string::String = opt_string;
        " The value." "VALUE" value?: ::std::string::String = opt_string;
        .. extra
    }
}

bitrix24::__record! {
    " A lead, as `crm.lead.list` returns it." Lead {
        " ID." "ID" id?: i64 = opt_int;
        " TITLE." "TITLE" title?: ::std::string::String = opt_string;
        " NAME." "NAME" name?: ::std::string::String = opt_string;
        " SECOND_NAME." "SECOND_NAME" second_name?: ::std::string::String = opt_string;
        " LAST_NAME." "LAST_NAME" last_name?: ::std::string::String = opt_string;
        " COMPANY_TITLE." "COMPANY_TITLE" company_title?: ::std::string::String = opt_string;
        " SOURCE_ID." "SOURCE_ID" source_id?: ::std::string::String = opt_string;
        " STATUS_ID." "STATUS_ID" status_id?: ::std::string::String = opt_string;
        " OPENED." "OPENED" opened?: bool = opt_yn;
        " HAS_PHONE." "HAS_PHONE" has_phone?: bool = opt_yn;
        " HAS_EMAIL." "HAS_EMAIL" has_email?: bool = opt_yn;
        " ASSIGNED_BY_ID." "ASSIGNED_BY_ID" assigned_by_id?: i64 = opt_int;
        " CREATED_BY_ID." "CREATED_BY_ID" created_by_id?: i64 = opt_int;
        " MODIFY_BY_ID." "MODIFY_BY_ID" modify_by_id?: i64 = opt_int;
        " DATE_CREATE." "DATE_CREATE" date_create?: ::bitrix24::wire::DateTime = opt_datetime;
        " DATE_MODIFY." "DATE_MODIFY" date_modify?: ::bitrix24::wire::DateTime = opt_datetime;
        " BIRTHDATE." "BIRTHDATE" birthdate?: ::bitrix24::wire::Date = opt_date;
        " OPPORTUNITY." "OPPORTUNITY" opportunity?: f64 = opt_float;
        " CURRENCY_ID." "CURRENCY_ID" currency_id?: ::std::string::String = opt_string;
        " IS_RETURN_CUSTOMER." "IS_RETURN_CUSTOMER" is_return_customer?: bool = opt_yn;
        " CONTACT_IDS." "CONTACT_IDS" contact_ids?: ::std::vec::Vec<i64> = opt_vec_int;
        " COMMENTS." "COMMENTS" comments?: ::std::string::String = opt_string;
        " UTM_SOURCE." "UTM_SOURCE" utm_source?: ::std::string::String = opt_string;
        " PHONE." "PHONE" phone?: ::std::vec::Vec<Multi> = opt_list;
        .. extra
    }
}

/// The same structs as the derive wrote them before `__record!`.
mod derived {
    #[derive(
        Debug,
        Clone,
        PartialEq,
        Default,
        ::bitrix24::__private::serde::Serialize,
        ::bitrix24::__private::serde::Deserialize,
    )]
    #[serde(crate = "::bitrix24::__private::serde")]
    pub struct Multi {
        #[serde(
            rename = "ID",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_int"
        )]
        pub id: ::core::option::Option<i64>,
        #[serde(
            rename = "VALUE_TYPE",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string"
        )]
        pub value_type: ::core::option::Option<::std::string::String>,
        #[serde(
            rename = "VALUE",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string"
        )]
        pub value: ::core::option::Option<::std::string::String>,
        #[serde(flatten)]
        pub extra: ::std::collections::BTreeMap<
            ::std::string::String,
            ::bitrix24::__private::serde_json::Value,
        >,
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
    pub struct Lead {
        #[serde(
            rename = "ID",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_int"
        )]
        pub id: ::core::option::Option<i64>,
        #[serde(
            rename = "TITLE",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string"
        )]
        pub title: ::core::option::Option<::std::string::String>,
        #[serde(
            rename = "NAME",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string"
        )]
        pub name: ::core::option::Option<::std::string::String>,
        #[serde(
            rename = "SECOND_NAME",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string"
        )]
        pub second_name: ::core::option::Option<::std::string::String>,
        #[serde(
            rename = "LAST_NAME",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string"
        )]
        pub last_name: ::core::option::Option<::std::string::String>,
        #[serde(
            rename = "COMPANY_TITLE",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string"
        )]
        pub company_title: ::core::option::Option<::std::string::String>,
        #[serde(
            rename = "SOURCE_ID",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string"
        )]
        pub source_id: ::core::option::Option<::std::string::String>,
        #[serde(
            rename = "STATUS_ID",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string"
        )]
        pub status_id: ::core::option::Option<::std::string::String>,
        #[serde(
            rename = "OPENED",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_yn"
        )]
        pub opened: ::core::option::Option<bool>,
        #[serde(
            rename = "HAS_PHONE",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_yn"
        )]
        pub has_phone: ::core::option::Option<bool>,
        #[serde(
            rename = "HAS_EMAIL",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_yn"
        )]
        pub has_email: ::core::option::Option<bool>,
        #[serde(
            rename = "ASSIGNED_BY_ID",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_int"
        )]
        pub assigned_by_id: ::core::option::Option<i64>,
        #[serde(
            rename = "CREATED_BY_ID",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_int"
        )]
        pub created_by_id: ::core::option::Option<i64>,
        #[serde(
            rename = "MODIFY_BY_ID",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_int"
        )]
        pub modify_by_id: ::core::option::Option<i64>,
        #[serde(
            rename = "DATE_CREATE",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_datetime"
        )]
        pub date_create: ::core::option::Option<::bitrix24::wire::DateTime>,
        #[serde(
            rename = "DATE_MODIFY",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_datetime"
        )]
        pub date_modify: ::core::option::Option<::bitrix24::wire::DateTime>,
        #[serde(
            rename = "BIRTHDATE",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_date"
        )]
        pub birthdate: ::core::option::Option<::bitrix24::wire::Date>,
        #[serde(
            rename = "OPPORTUNITY",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_float"
        )]
        pub opportunity: ::core::option::Option<f64>,
        #[serde(
            rename = "CURRENCY_ID",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string"
        )]
        pub currency_id: ::core::option::Option<::std::string::String>,
        #[serde(
            rename = "IS_RETURN_CUSTOMER",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_yn"
        )]
        pub is_return_customer: ::core::option::Option<bool>,
        #[serde(
            rename = "CONTACT_IDS",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_vec_int"
        )]
        pub contact_ids: ::core::option::Option<::std::vec::Vec<i64>>,
        #[serde(
            rename = "COMMENTS",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string"
        )]
        pub comments: ::core::option::Option<::std::string::String>,
        #[serde(
            rename = "UTM_SOURCE",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string"
        )]
        pub utm_source: ::core::option::Option<::std::string::String>,
        #[serde(
            rename = "PHONE",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_list"
        )]
        pub phone: ::core::option::Option<::std::vec::Vec<Multi>>,
        #[serde(flatten)]
        pub extra: ::std::collections::BTreeMap<
            ::std::string::String,
            ::bitrix24::__private::serde_json::Value,
        >,
    }
}

fn median<T: PartialOrd + Copy>(mut samples: Vec<T>) -> T {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    samples[samples.len() / 2]
}

/// On-CPU time of the calling thread.
#[cfg(unix)]
fn cpu() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to write.
    let failed = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) } != 0;
    if failed {
        return Duration::ZERO;
    }
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Wall time where no thread clock is at hand (it counts other processes' time too).
#[cfg(not(unix))]
fn cpu() -> Duration {
    std::time::UNIX_EPOCH.elapsed().unwrap_or_default()
}

/// Times `ours` and `theirs` (each returns the on-CPU time of its decode
/// alone) in `pairs` back-to-back pairs; prints the median time per item of
/// each and the median of the pairs' ratios.
fn compare(
    what: &str,
    items: usize,
    pairs: usize,
    ours: &mut dyn FnMut() -> Duration,
    theirs: &mut dyn FnMut() -> Duration,
) {
    // Warm up both.
    ours();
    theirs();
    let per_item = |time: Duration| time.as_secs_f64() / items as f64;
    let (mut record, mut derive, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for pair in 0..pairs {
        // Alternate which goes first, so neither always meets a cold cache.
        let (a, b) = if pair % 2 == 0 {
            let a = per_item(ours());
            (a, per_item(theirs()))
        } else {
            let b = per_item(theirs());
            (per_item(ours()), b)
        };
        record.push(a);
        derive.push(b);
        ratios.push(a / b);
    }
    println!(
        "decode a lead from {what}: __record! {:.2} µs, serde derive {:.2} µs, ratio {:.2}x (median of {pairs} pairs)",
        median(record) * 1e6,
        median(derive) * 1e6,
        median(ratios),
    );
}

/// The on-CPU time of `decode`.
fn timed(decode: impl FnOnce()) -> Duration {
    let started = cpu();
    decode();
    cpu() - started
}

fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let pairs = std::env::var("B24_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 3 } else { 31 });
    let items = if quick { 10 } else { 1_000 };
    let item: Value = json!({"ID": "17", "TITLE": "Lead #17", "NAME": "Ann", "SECOND_NAME": "", "LAST_NAME": "Lee", "COMPANY_TITLE": null, "SOURCE_ID": "WEB", "STATUS_ID": "NEW", "OPENED": "Y", "HAS_PHONE": "Y", "HAS_EMAIL": "N", "ASSIGNED_BY_ID": "1", "CREATED_BY_ID": "1", "MODIFY_BY_ID": "1", "DATE_CREATE": "2024-05-03T17:19:01+03:00", "DATE_MODIFY": "2024-05-03T17:19:01+03:00", "BIRTHDATE": "", "OPPORTUNITY": "1500.00", "CURRENCY_ID": "USD", "IS_RETURN_CUSTOMER": "N", "CONTACT_IDS": ["3", "4"], "COMMENTS": null, "UTM_SOURCE": "google", "PHONE": [{"ID": "9", "VALUE_TYPE": "WORK", "VALUE": "+100", "TYPE_ID": "PHONE"}], "UF_CRM_1": "x", "UF_CRM_2": [1, 2]});
    let list = Value::Array(vec![item; items]);
    let bytes = serde_json::to_vec(&list).unwrap();
    // Both read the same values (checked once, then timed).
    let ours: Vec<Lead> = serde_json::from_value(list.clone()).unwrap();
    let theirs: Vec<derived::Lead> = serde_json::from_value(list.clone()).unwrap();
    assert_eq!(format!("{:?}", ours[0]), format!("{:?}", theirs[0]));
    assert_eq!(
        serde_json::to_value(&ours).unwrap(),
        serde_json::to_value(&theirs).unwrap()
    );
    let from_bytes: Vec<Lead> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(from_bytes, ours);

    // From a `Value`: each round decodes a copy made before its timing.
    compare(
        "a Value",
        items,
        pairs,
        &mut || {
            let input = list.clone();
            timed(|| {
                let _: Vec<Lead> = std::hint::black_box(serde_json::from_value(input).unwrap());
            })
        },
        &mut || {
            let input = list.clone();
            timed(|| {
                let _: Vec<derived::Lead> =
                    std::hint::black_box(serde_json::from_value(input).unwrap());
            })
        },
    );
    compare(
        "bytes",
        items,
        pairs,
        &mut || {
            timed(|| {
                let _: Vec<Lead> = std::hint::black_box(serde_json::from_slice(&bytes).unwrap());
            })
        },
        &mut || {
            timed(|| {
                let _: Vec<derived::Lead> =
                    std::hint::black_box(serde_json::from_slice(&bytes).unwrap());
            })
        },
    );
}
