//! Hand-written method types standing in for generated ones (test fixtures).

use bitrix24::{ApiVersion, Call, CallError, Retry};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug)]
pub struct TestError(pub CallError);

impl std::fmt::Display for TestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
impl std::error::Error for TestError {}
impl From<CallError> for TestError {
    fn from(e: CallError) -> Self {
        TestError(e)
    }
}

macro_rules! method {
    ($ty:ident, $name:literal, $retry:expr, $api:expr, $out:ty) => {
        impl Call for $ty {
            const METHOD: &'static str = $name;
            const RETRY: Retry = $retry;
            const API: ApiVersion = $api;
            type Output = $out;
            type Error = TestError;
            fn decode(result: Value) -> Result<$out, serde_json::Error> {
                serde_json::from_value(result)
            }
        }
    };
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct LeadAdd {
    pub fields: serde_json::Map<String, Value>,
}
method!(
    LeadAdd,
    "crm.lead.add",
    Retry::Unsafe,
    ApiVersion::V2,
    Value
);

impl LeadAdd {
    /// A lead with this title.
    pub fn titled(title: &str) -> LeadAdd {
        let mut fields = serde_json::Map::new();
        fields.insert("TITLE".into(), Value::String(title.into()));
        LeadAdd { fields }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LeadGet {
    pub id: i64,
}
method!(LeadGet, "crm.lead.get", Retry::Read, ApiVersion::V2, Value);

#[derive(Debug, Clone, Serialize)]
pub struct LeadList {
    pub select: Vec<String>,
}
method!(
    LeadList,
    "crm.lead.list",
    Retry::Read,
    ApiVersion::V2,
    Value
);

#[derive(Debug, Clone, serde::Deserialize, PartialEq)]
pub struct Lead {
    #[serde(rename = "ID", with = "bitrix24::wire::int")]
    pub id: i64,
    #[serde(rename = "TITLE")]
    pub title: String,
}

impl bitrix24::ListMethod for LeadList {
    type Item = Lead;
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemsSet {
    pub id: i64,
    pub items: Vec<Binding>,
}
#[derive(Debug, Clone, Serialize)]
pub struct Binding {
    pub contact_id: i64,
}
method!(
    ItemsSet,
    "crm.lead.contact.items.set",
    Retry::Idempotent,
    ApiVersion::V2,
    bool
);

#[derive(Debug, Clone, Serialize)]
pub struct TaskAdd {
    pub fields: Value,
}
method!(
    TaskAdd,
    "tasks.task.add",
    Retry::Unsafe,
    ApiVersion::V3,
    Value
);

/// A list whose items come in `{"items": [...]}` with a lower-case `id`.
#[derive(Debug, Clone, Serialize)]
pub struct ItemList {}
method!(
    ItemList,
    "crm.item.list",
    Retry::Read,
    ApiVersion::V2,
    Value
);

/// A REST 3.0 list.
#[derive(Debug, Clone, Serialize)]
pub struct TaskList {}
method!(
    TaskList,
    "tasks.task.list",
    Retry::Read,
    ApiVersion::V3,
    Value
);
