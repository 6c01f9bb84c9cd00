//! What the runtime must know about a list method: where its items are and
//! which field holds their ID; and [`Item`], one item as it came.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::raw::{self, Shape};
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

/// A `result` that holds no list of items: what was wrong, and the value's text.
pub(super) struct NotAList {
    pub(super) message: String,
    pub(super) value: String,
}

/// One item of a list as it came: its JSON text within its answer's body
/// (which it shares with the other items of that answer), and its ID.
#[derive(Clone)]
pub(super) struct Item {
    body: Arc<String>,
    span: Range<usize>,
    /// The ID field's value, when it holds an integer.
    pub(super) id: Option<i64>,
}

impl Item {
    /// The item's JSON text.
    pub(super) fn text(&self) -> &str {
        self.body.get(self.span.clone()).unwrap_or("null")
    }
}

impl fmt::Debug for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Item")
            .field("id", &self.id)
            .field("bytes", &self.span.len())
            .finish()
    }
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

    /// The items of one page's `result` (`result`, a slice of `body`),
    /// each as its slice of `body` with its ID.
    pub(super) fn items(&self, body: &Arc<String>, result: &str) -> Result<Vec<Item>, NotAList> {
        let not_a_list = |message: String, value: &str| NotAList {
            message,
            value: value.to_string(),
        };
        let inner = match &self.items_key {
            None => result,
            Some(key) => match raw::shape(result) {
                Ok(Shape::Object(members)) => raw::member(&members, key).unwrap_or("[]"),
                Ok(Shape::Array(items)) if items.is_empty() => "[]",
                _ => {
                    return Err(not_a_list(
                        format!("expected an object with `{key}`"),
                        result,
                    ))
                }
            },
        };
        let texts = match raw::shape(inner) {
            Ok(Shape::Array(items)) => items,
            // Some portals send an empty list as `{}`, or a keyed object of items.
            Ok(Shape::Object(members)) => members.into_iter().map(|(_, v)| v).collect(),
            Ok(Shape::Null) => Vec::new(),
            _ => return Err(not_a_list("expected a list of items".into(), inner)),
        };
        texts
            .into_iter()
            .map(|text| {
                let span = raw::span(body, text)
                    .ok_or_else(|| not_a_list("an item outside its answer".into(), text))?;
                Ok(Item {
                    id: self.id(text),
                    body: body.clone(),
                    span,
                })
            })
            .collect()
    }

    /// An item's ID: a number or numeric text.
    pub(super) fn id(&self, item: &str) -> Option<i64> {
        raw::id(item, &self.id_field)
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

    #[test]
    fn items_are_found_bare_or_wrapped_and_ids_read_leniently() {
        let items = |spec: &ListSpec, text: &str| {
            let body = Arc::new(text.to_string());
            spec.items(&body, &body.clone()).map(|items| {
                items
                    .iter()
                    .map(|i| (i.text().to_string(), i.id))
                    .collect::<Vec<_>>()
            })
        };
        let bare = ListSpec::new("ID");
        assert_eq!(
            items(&bare, r#"[{"ID": "3"}]"#).ok().unwrap(),
            vec![(r#"{"ID": "3"}"#.to_string(), Some(3))]
        );
        assert_eq!(bare.id(r#"{"ID": "3"}"#), Some(3));
        let tasks = ListSpec::new("id").items_in("tasks");
        let wrapped = items(&tasks, r#"{"tasks": [{"id": 4}, {"id": 5}]}"#)
            .ok()
            .unwrap();
        assert_eq!(
            wrapped.iter().map(|(_, id)| *id).collect::<Vec<_>>(),
            vec![Some(4), Some(5)]
        );
        assert_eq!(items(&tasks, "[]").ok().unwrap().len(), 0);
        assert_eq!(items(&tasks, r#"{"other": 1}"#).ok().unwrap().len(), 0);
        assert_eq!(
            items(&bare, r#"{"7": {"ID": 7}, "8": {"ID": 8}}"#)
                .ok()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(items(&bare, "null").ok().unwrap().len(), 0);
        let Err(wrong) = items(&bare, "5") else {
            panic!("a number is not a list")
        };
        assert_eq!(wrong.value, "5");
        assert!(items(&tasks, "[1]").is_err());
    }
}
