//! Where a paged method's items are and what identifies them, as its page
//! documents them: the one rule behind the generated `ListMethod` impl and
//! `b24 export`.

use serde::Serialize;

use crate::model::{Field, Kind, Method};

/// The items of a paged method: the member of `result` that holds them
/// (`None` when `result` is the list) and their ID field, in the case the
/// page writes it (`ID`, `id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListShape {
    /// The member of `result` that holds the items (`items`, `tasks`), or
    /// `None` when `result` is the list itself.
    pub items_key: Option<String>,
    /// The items' ID field.
    pub id_field: String,
}

impl Method {
    /// `result` is a list of documented objects (`Output` is a `Vec` of
    /// the items' struct).
    pub fn items_are_result(&self) -> bool {
        !self.result.fields.is_empty()
            && matches!(self.result.kind.non_null(), Kind::Array(inner) if **inner == Kind::Object)
    }

    /// The list shape, when the method pages (`start`/`next`) and its page
    /// documents the items with an ID field: `result` the list of items, or
    /// an object with exactly one member that is a list of objects.
    pub fn list_shape(&self) -> Option<ListShape> {
        if !self.paged {
            return None;
        }
        let result = &self.result;
        if self.items_are_result() {
            return Some(ListShape {
                items_key: None,
                id_field: id_of(&result.fields)?,
            });
        }
        if result.kind != Kind::Object {
            return None;
        }
        let lists: Vec<&Field> = result
            .fields
            .iter()
            .filter(|f| matches!(f.kind.non_null(), Kind::Array(inner) if **inner == Kind::Object))
            .collect();
        let [list] = lists.as_slice() else {
            return None;
        };
        Some(ListShape {
            items_key: Some(list.name.clone()),
            id_field: id_of(&list.fields)?,
        })
    }
}

/// The ID member of an item, in the page's case.
fn id_of(fields: &[Field]) -> Option<String> {
    fields
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case("id"))
        .map(|f| f.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResultSpec;

    fn paged(result: ResultSpec) -> Method {
        let mut method = Method::named("demo.thing.list");
        method.paged = true;
        method.result = result;
        method
    }

    fn object(name: &str, kind: Kind, fields: Vec<Field>) -> Field {
        let mut field = Field::new(name, kind);
        field.fields = fields;
        field
    }

    #[test]
    fn items_in_result_or_under_one_list_member() {
        let items = vec![Field::new("ID", Kind::Any), Field::new("TITLE", Kind::Any)];
        let list = paged(ResultSpec {
            ty: None,
            fields: items.clone(),
            kind: Kind::Array(Box::new(Kind::Object)),
        });
        assert_eq!(
            list.list_shape(),
            Some(ListShape {
                items_key: None,
                id_field: "ID".into()
            })
        );
        let wrapped = paged(ResultSpec {
            ty: None,
            fields: vec![object(
                "tasks",
                Kind::Array(Box::new(Kind::Object)),
                vec![Field::new("id", Kind::Any)],
            )],
            kind: Kind::Object,
        });
        assert_eq!(
            wrapped.list_shape(),
            Some(ListShape {
                items_key: Some("tasks".into()),
                id_field: "id".into()
            })
        );
        // Not paged, or no ID documented: no shape.
        let mut unpaged = list.clone();
        unpaged.paged = false;
        assert_eq!(unpaged.list_shape(), None);
        let no_id = paged(ResultSpec {
            ty: None,
            fields: vec![Field::new("TITLE", Kind::Any)],
            kind: Kind::Array(Box::new(Kind::Object)),
        });
        assert_eq!(no_id.list_shape(), None);
    }
}
