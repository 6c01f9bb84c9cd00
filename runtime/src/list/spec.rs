//! What the runtime must know about a list method: where its items are and
//! which field holds their ID.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Call;

/// What the runtime must know about a list method, from its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSpec {
    /// The key that wraps the items in `result` (`tasks`, `items`), or
    /// `None` when `result` is the array of items.
    pub items_key: Option<String>,
    /// The ID field, in the case the method uses (`ID`, `id`).
    pub id_field: String,
    /// The parameter that holds the filter (`filter`).
    pub filter_key: String,
    /// The parameter that holds the order (`order`).
    pub order_key: String,
    /// Items per page (50 on every portal).
    pub page_size: usize,
}

/// A `result` that holds no list of items: what was wrong, and the value.
pub(super) struct NotAList {
    pub(super) message: String,
    pub(super) value: Value,
}

impl ListSpec {
    /// A method whose `result` is the array of items, with this ID field.
    pub fn new(id_field: impl Into<String>) -> ListSpec {
        ListSpec {
            items_key: None,
            id_field: id_field.into(),
            filter_key: "filter".into(),
            order_key: "order".into(),
            page_size: 50,
        }
    }

    /// The items are under `key` in `result` (`{"tasks": [...]}`).
    pub fn items_in(mut self, key: impl Into<String>) -> ListSpec {
        self.items_key = Some(key.into());
        self
    }

    /// The filter parameter is named `key`.
    pub fn filter_key(mut self, key: impl Into<String>) -> ListSpec {
        self.filter_key = key.into();
        self
    }

    /// The order parameter is named `key`.
    pub fn order_key(mut self, key: impl Into<String>) -> ListSpec {
        self.order_key = key.into();
        self
    }

    /// The items of one page's `result`, moved out of it (nothing is copied).
    pub(super) fn items(&self, result: Value) -> Result<Vec<Value>, NotAList> {
        let inner = match &self.items_key {
            None => result,
            Some(key) => match result {
                Value::Object(mut map) => map.remove(key).unwrap_or(Value::Array(Vec::new())),
                Value::Array(a) if a.is_empty() => Value::Array(a),
                other => {
                    return Err(NotAList {
                        message: format!("expected an object with `{key}`"),
                        value: other,
                    })
                }
            },
        };
        match inner {
            Value::Array(items) => Ok(items),
            // Some portals send an empty list as `{}`, or a keyed object of items.
            Value::Object(map) => Ok(map.into_iter().map(|(_, v)| v).collect()),
            Value::Null => Ok(Vec::new()),
            other => Err(NotAList {
                message: "expected a list of items".into(),
                value: other,
            }),
        }
    }

    /// An item's ID: a number or numeric text.
    pub(super) fn id(&self, item: &Value) -> Option<i64> {
        let value = item.get(&self.id_field)?;
        value
            .as_i64()
            .or_else(|| value.as_str()?.trim().parse().ok())
    }
}

/// A list method, with the facts its page gives: the item type, the key
/// that wraps the items and the ID field. Generated code implements it for
/// list methods; [`Client::items`](crate::Client::items) and
/// [`Client::export_items`](crate::Client::export_items) use it.
pub trait ListMethod: Call {
    /// One item of the list.
    type Item: DeserializeOwned;
    /// The key that wraps the items in `result`, if any (`tasks`, `items`).
    const ITEMS_KEY: Option<&'static str> = None;
    /// The ID field, in the method's case (`ID`, `id`).
    const ID_FIELD: &'static str = "ID";

    /// The [`ListSpec`] these facts make.
    fn list_spec() -> ListSpec {
        let spec = ListSpec::new(Self::ID_FIELD);
        match Self::ITEMS_KEY {
            Some(key) => spec.items_in(key),
            None => spec,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_are_found_bare_or_wrapped_and_ids_read_leniently() {
        let bare = ListSpec::new("ID");
        assert_eq!(bare.items(json!([{"ID": "3"}])).ok().unwrap().len(), 1);
        assert_eq!(bare.id(&json!({"ID": "3"})), Some(3));
        let tasks = ListSpec::new("id").items_in("tasks");
        let wrapped = tasks.items(json!({"tasks": [{"id": 4}, {"id": 5}]}));
        assert_eq!(wrapped.ok().unwrap().len(), 2);
        assert_eq!(tasks.items(json!([])).ok().unwrap().len(), 0);
        assert_eq!(tasks.id(&json!({"id": 4})), Some(4));
        let Err(wrong) = bare.items(json!(5)) else {
            panic!("a number is not a list")
        };
        assert_eq!(wrong.value, json!(5));
    }
}
