//! [`OneOf`]: a value a page allows in either of two shapes.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A value the page allows as either of two types that JSON tells apart,
/// such as `string | lang_map` (a title, or titles by language) or
/// `integer | integer[]` (one id or several). More alternatives nest in the
/// second: `OneOf<A, OneOf<B, C>>`.
///
/// Reading tries `A`, then `B`; writing sends the value as it was read, so a
/// request goes out in the shape the caller chose.
///
/// ```
/// use bitrix24::wire::{Object, OneOf};
/// let title: OneOf<String, Object> = serde_json::from_str(r#"{"en": "Deal", "de": "Deal"}"#).unwrap();
/// assert!(matches!(title, OneOf::Second(ref by_language) if by_language.len() == 2));
/// let plain: OneOf<String, Object> = "Deal".to_string().into();
/// assert_eq!(serde_json::to_string(&plain).unwrap(), r#""Deal""#);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum OneOf<A, B> {
    /// The first type the page names.
    First(A),
    /// The second type (or the rest, nested).
    Second(B),
}

impl<A, B> OneOf<A, B> {
    /// The value when it is of the first type.
    pub fn first(&self) -> Option<&A> {
        match self {
            OneOf::First(a) => Some(a),
            OneOf::Second(_) => None,
        }
    }

    /// The value when it is of the second type.
    pub fn second(&self) -> Option<&B> {
        match self {
            OneOf::First(_) => None,
            OneOf::Second(b) => Some(b),
        }
    }
}

/// The first type's default, so structs holding a `OneOf` can derive `Default`.
impl<A: Default, B> Default for OneOf<A, B> {
    fn default() -> Self {
        OneOf::First(A::default())
    }
}

impl<B> From<String> for OneOf<String, B> {
    fn from(text: String) -> Self {
        OneOf::First(text)
    }
}

impl<B> From<&str> for OneOf<String, B> {
    fn from(text: &str) -> Self {
        OneOf::First(text.to_string())
    }
}

impl<B> From<i64> for OneOf<i64, B> {
    fn from(number: i64) -> Self {
        OneOf::First(number)
    }
}

impl<A: Serialize, B: Serialize> Serialize for OneOf<A, B> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOf::First(a) => a.serialize(serializer),
            OneOf::Second(b) => b.serialize(serializer),
        }
    }
}

impl<'de, A: DeserializeOwned, B: DeserializeOwned> Deserialize<'de> for OneOf<A, B> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let first = match A::deserialize(&value) {
            Ok(a) => return Ok(OneOf::First(a)),
            Err(e) => e,
        };
        B::deserialize(&value).map(OneOf::Second).map_err(|second| {
            D::Error::custom(format_args!(
                "the value fits neither type the page allows: {first}; {second}"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_either_shape_and_writes_it_back_unchanged() {
        for text in ["5", "[5,6]"] {
            let value: OneOf<i64, Vec<i64>> = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), text);
        }
        let nested: OneOf<String, OneOf<i64, bool>> = serde_json::from_str("true").unwrap();
        assert_eq!(nested.second().and_then(OneOf::second), Some(&true));
    }

    #[test]
    fn a_value_of_neither_shape_is_an_error_naming_both() {
        let err = serde_json::from_str::<OneOf<i64, Vec<i64>>>("{}").unwrap_err();
        assert!(err.to_string().contains("fits neither type"), "{err}");
    }
}
