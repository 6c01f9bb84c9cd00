//! What `*.fields` methods answer (`crm.lead.fields`, `catalog.price.getFields`,
//! `crm.item.fields`...): a map from each field's name to its descriptor.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The descriptor of one field: its type and how it may be used.
///
/// Every member is optional, since each family of methods sends its own
/// subset; keys this struct does not name (`size`, `upperName`...) are kept
/// in [`FieldInfo::extra`], so nothing the portal sends is lost.
///
/// ```
/// let fields: std::collections::BTreeMap<String, bitrix24::FieldInfo> = serde_json::from_value(
///     serde_json::json!({"TITLE": {"type": "string", "isRequired": false, "title": "Name", "size": 255}}),
/// )
/// .unwrap();
/// assert_eq!(fields["TITLE"].r#type.as_deref(), Some("string"));
/// assert_eq!(fields["TITLE"].extra["size"], 255);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FieldInfo {
    /// The field's type (`integer`, `string`, `crm_status`, `enumeration`...).
    #[serde(
        default,
        alias = "TYPE",
        with = "crate::wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub r#type: Option<String>,
    /// Must be given when an item is added.
    #[serde(
        default,
        rename = "isRequired",
        alias = "IS_REQUIRED",
        with = "crate::wire::opt_flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_required: Option<bool>,
    /// Cannot be written.
    #[serde(
        default,
        rename = "isReadOnly",
        alias = "IS_READ_ONLY",
        with = "crate::wire::opt_flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_read_only: Option<bool>,
    /// Can be written only when an item is added.
    #[serde(
        default,
        rename = "isImmutable",
        alias = "IS_IMMUTABLE",
        with = "crate::wire::opt_flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_immutable: Option<bool>,
    /// Holds a list of values.
    #[serde(
        default,
        rename = "isMultiple",
        alias = "IS_MULTIPLE",
        with = "crate::wire::opt_flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_multiple: Option<bool>,
    /// A custom (user) field.
    #[serde(
        default,
        rename = "isDynamic",
        alias = "IS_DYNAMIC",
        with = "crate::wire::opt_flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_dynamic: Option<bool>,
    /// The field's name for people.
    #[serde(
        default,
        alias = "TITLE",
        with = "crate::wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub title: Option<String>,
    /// Label in the edit form (custom fields).
    #[serde(
        default,
        rename = "formLabel",
        with = "crate::wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub form_label: Option<String>,
    /// Label in lists (custom fields).
    #[serde(
        default,
        rename = "listLabel",
        with = "crate::wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub list_label: Option<String>,
    /// Label in the filter (custom fields).
    #[serde(
        default,
        rename = "filterLabel",
        with = "crate::wire::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub filter_label: Option<String>,
    /// The allowed values of a list field, as sent.
    #[serde(default, alias = "ITEMS", skip_serializing_if = "Option::is_none")]
    pub items: Option<Value>,
    /// Type-specific settings, as sent.
    #[serde(default, alias = "SETTINGS", skip_serializing_if = "Option::is_none")]
    pub settings: Option<Value>,
    /// Every other key of the descriptor.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}
