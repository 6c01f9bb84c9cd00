//! The four helpers of each scalar kind: the plain value, `opt_`, `vec_`
//! and `opt_vec_`. Each reads straight from the deserializer
//! ([`lenient`](super::lenient)) and names itself to
//! [`record`](super::record) through its `Reader`.

use serde::de::Error as _;
use serde::{Deserializer, Serialize, Serializer};

use super::codec::{
    Codec, DateCodec, DateTimeCodec, FlagCodec, FloatCodec, IntCodec, ObjectCodec, StringCodec,
    YnCodec,
};
use super::lenient::{self, Mode};
use super::record::Helper;

macro_rules! scalar_helpers {
    ($codec:ty, $one:ident, $opt:ident, $vec:ident, $opt_vec:ident) => {
        #[doc = concat!("`", stringify!($one), "`: the plain value.")]
        pub mod $one {
            use super::*;
            type T = <$codec as Codec>::Value;
            /// Writes the value.
            pub fn serialize<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
                <$codec>::write(value, serializer)
            }
            /// Reads the value leniently.
            pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
                lenient::scalar::<$codec, D>(deserializer, Mode::One)?
                    .ok_or_else(|| D::Error::custom("no value"))
            }
            /// This helper, for a struct's table of fields.
            #[doc(hidden)]
            pub enum Reader {}
            impl Helper<T> for Reader {
                #[inline]
                fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
                    deserialize(deserializer)
                }
                #[inline]
                fn write(value: &T) -> Result<serde_json::Value, serde_json::Error> {
                    serialize(value, serde_json::value::Serializer)
                }
            }
        }

        #[doc = concat!("`", stringify!($opt), "`: an optional value; blanks read as `None`.")]
        pub mod $opt {
            use super::*;
            type T = <$codec as Codec>::Value;
            /// Writes the value (callers skip `None`).
            pub fn serialize<S: Serializer>(
                value: &Option<T>,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                match value {
                    Some(v) => <$codec>::write(v, serializer),
                    None => serializer.serialize_none(),
                }
            }
            /// Reads the value leniently.
            pub fn deserialize<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Option<T>, D::Error> {
                lenient::scalar::<$codec, D>(deserializer, Mode::Opt)
            }
            /// This helper, for a struct's table of fields.
            #[doc(hidden)]
            pub enum Reader {}
            impl Helper<Option<T>> for Reader {
                #[inline]
                fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
                    deserialize(deserializer)
                }
                #[inline]
                fn write(value: &Option<T>) -> Result<serde_json::Value, serde_json::Error> {
                    serialize(value, serde_json::value::Serializer)
                }
            }
        }

        #[doc = concat!("`", stringify!($vec), "`: a list of values.")]
        pub mod $vec {
            use super::*;
            type T = <$codec as Codec>::Value;
            struct One<'a>(&'a T);
            impl Serialize for One<'_> {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    <$codec>::write(self.0, serializer)
                }
            }
            /// Writes the list.
            pub fn serialize<S: Serializer>(value: &[T], serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(value.iter().map(One))
            }
            /// Reads the list leniently: an array, an index-keyed object, or
            /// a single element; null, `""` and `false` are empty.
            pub fn deserialize<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Vec<T>, D::Error> {
                Ok(lenient::scalars::<$codec, D>(deserializer, false)?.unwrap_or_default())
            }
            /// This helper, for a struct's table of fields.
            #[doc(hidden)]
            pub enum Reader {}
            impl Helper<Vec<T>> for Reader {
                #[inline]
                fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
                    deserialize(deserializer)
                }
                #[inline]
                fn write(value: &Vec<T>) -> Result<serde_json::Value, serde_json::Error> {
                    serialize(value, serde_json::value::Serializer)
                }
            }
        }

        #[doc = concat!("`", stringify!($opt_vec), "`: an optional list of values.")]
        pub mod $opt_vec {
            use super::*;
            type T = <$codec as Codec>::Value;
            /// Writes the list (callers skip `None`).
            pub fn serialize<S: Serializer>(
                value: &Option<Vec<T>>,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                match value {
                    Some(v) => super::$vec::serialize(v, serializer),
                    None => serializer.serialize_none(),
                }
            }
            /// Reads the list leniently; null reads as `None`.
            pub fn deserialize<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Option<Vec<T>>, D::Error> {
                lenient::scalars::<$codec, D>(deserializer, true)
            }
            /// This helper, for a struct's table of fields.
            #[doc(hidden)]
            pub enum Reader {}
            impl Helper<Option<Vec<T>>> for Reader {
                #[inline]
                fn read<'de, D: Deserializer<'de>>(
                    deserializer: D,
                ) -> Result<Option<Vec<T>>, D::Error> {
                    deserialize(deserializer)
                }
                #[inline]
                fn write(value: &Option<Vec<T>>) -> Result<serde_json::Value, serde_json::Error> {
                    serialize(value, serde_json::value::Serializer)
                }
            }
        }
    };
}

scalar_helpers!(IntCodec, int, opt_int, vec_int, opt_vec_int);
scalar_helpers!(FloatCodec, float, opt_float, vec_float, opt_vec_float);
scalar_helpers!(StringCodec, string, opt_string, vec_string, opt_vec_string);
scalar_helpers!(YnCodec, yn, opt_yn, vec_yn, opt_vec_yn);
scalar_helpers!(FlagCodec, flag, opt_flag, vec_flag, opt_vec_flag);
scalar_helpers!(DateCodec, date, opt_date, vec_date, opt_vec_date);
scalar_helpers!(
    DateTimeCodec,
    datetime,
    opt_datetime,
    vec_datetime,
    opt_vec_datetime
);
scalar_helpers!(ObjectCodec, object, opt_object, vec_object, opt_vec_object);
