//! Lenient wire formats: what portals really send, read into plain Rust types.
//!
//! Generated structs name a helper here for each field (`= opt_int`), and
//! read and write it through [`record`].
//! Portals send IDs as `"12"` or `12`, flags as `Y`/`N`, `1`/`0` or
//! `true`/`false`, `""` where a number or date is absent, and `[]` where an
//! object is empty. Each scalar kind has four helpers: the plain value,
//! `opt_` for `Option`, `vec_` for `Vec` and `opt_vec_` for `Option<Vec>`.

use serde::Deserializer;
use serde_json::Value;

mod codec;
mod keyed;
mod lenient;
mod nested;
mod one_of;
#[doc(hidden)]
pub mod record;
mod scalar;
pub use codec::{
    Codec, DateCodec, DateTimeCodec, FlagCodec, FloatCodec, IntCodec, ObjectCodec, StringCodec,
    YnCodec,
};
pub use keyed::{map, opt_map, Map};
pub use nested::{list, opt, opt_list, plain};
pub use one_of::OneOf;
pub use scalar::{
    date, datetime, flag, float, int, object, opt_date, opt_datetime, opt_flag, opt_float, opt_int,
    opt_object, opt_string, opt_vec_date, opt_vec_datetime, opt_vec_flag, opt_vec_float,
    opt_vec_int, opt_vec_object, opt_vec_string, opt_vec_yn, opt_yn, string, vec_date,
    vec_datetime, vec_flag, vec_float, vec_int, vec_object, vec_string, vec_yn, yn,
};

/// A calendar date (`YYYY-MM-DD` on the wire).
pub type Date = chrono::NaiveDate;
/// A date and time with its UTC offset (`YYYY-MM-DDThh:mm:ss±hh:mm` on the wire).
pub type DateTime = chrono::DateTime<chrono::FixedOffset>;
/// A free-form object.
pub type Object = serde_json::Map<String, Value>;

/// The text of an enumeration value sent as a string, number or flag.
pub fn enum_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    use serde::de::Error as _;
    lenient::scalar::<StringCodec, D>(deserializer, lenient::Mode::Element)?
        .ok_or_else(|| D::Error::custom("no value"))
}

#[cfg(test)]
mod tests {
    use super::lenient::unwrap_scalar;
    use super::*;
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        #[serde(with = "int")]
        id: i64,
        #[serde(default, with = "opt_int", skip_serializing_if = "Option::is_none")]
        sort: Option<i64>,
        #[serde(default, with = "opt_yn", skip_serializing_if = "Option::is_none")]
        primary: Option<bool>,
        #[serde(
            default,
            with = "opt_datetime",
            skip_serializing_if = "Option::is_none"
        )]
        at: Option<DateTime>,
        #[serde(default, with = "opt_object", skip_serializing_if = "Option::is_none")]
        extra: Option<Object>,
        #[serde(default, with = "opt_vec_int", skip_serializing_if = "Option::is_none")]
        ids: Option<Vec<i64>>,
    }

    #[test]
    fn portals_spellings_are_read() {
        let s: Sample = serde_json::from_value(json!({
            "id": "12", "sort": "", "primary": "Y", "at": "2024-05-03T17:19:01+03:00",
            "extra": [], "ids": {"0": "1", "1": 2}
        }))
        .unwrap();
        assert_eq!(s.id, 12);
        assert_eq!(s.sort, None);
        assert_eq!(s.primary, Some(true));
        assert_eq!(s.at.unwrap().to_rfc3339(), "2024-05-03T17:19:01+03:00");
        assert_eq!(s.extra, Some(Object::new()));
        assert_eq!(s.ids, Some(vec![1, 2]));
        let back = serde_json::to_value(&s).unwrap();
        assert_eq!(back["primary"], json!("Y"));
        assert_eq!(back["id"], json!(12));
    }

    #[test]
    fn flags_in_every_spelling() {
        for (v, b) in [
            (json!("Y"), true),
            (json!("N"), false),
            (json!(1), true),
            (json!("0"), false),
            (json!(true), true),
        ] {
            assert_eq!(FlagCodec::read(v).unwrap(), b);
        }
        assert!(YnCodec::read(json!("maybe"))
            .unwrap_err()
            .contains("expected Y or N"));
    }

    #[test]
    fn absent_dates_us_dates_and_wrapped_scalars() {
        let s: Sample = serde_json::from_value(json!({"id": {"id": "7"}, "at": false})).unwrap();
        assert_eq!((s.id, s.at), (7, None));
        let s: Sample = serde_json::from_value(json!({"id": 1, "at": {}})).unwrap();
        assert_eq!(s.at, None);
        let at = DateTimeCodec::read(json!("12/05/2024 01:48:41 pm")).unwrap();
        assert_eq!(at.to_rfc3339(), "2024-12-05T13:48:41+00:00");
        assert_eq!(
            DateCodec::read(json!("04/17/2024")).unwrap().to_string(),
            "2024-04-17"
        );
        assert!(FlagCodec::read(unwrap_scalar::<FlagCodec>(json!({"result": true}))).unwrap());
        assert!(FlagCodec::read(unwrap_scalar::<FlagCodec>(json!({"count": 1}))).is_err());
        assert!(ObjectCodec::read(unwrap_scalar::<ObjectCodec>(json!({"a": 1}))).is_ok());
    }

    #[test]
    fn bad_values_are_errors_that_say_what_came() {
        let err = serde_json::from_value::<Sample>(json!({"id": "abc"})).unwrap_err();
        assert!(
            err.to_string()
                .contains("expected an integer, found \"abc\""),
            "{err}"
        );
    }
}
