//! The typed model of a method page: plain data that parsing produces and code
//! generation consumes. Tests build it by hand; `b24 inspect` prints it.

use serde::Serialize;

/// Everything the bindings need to know about one REST method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Method {
    /// Dotted method name, e.g. `crm.lead.contact.items.set`.
    pub method: String,
    /// The page title without the method name.
    pub title: String,
    /// Permission scopes (`crm`, `task`...). Empty when the page names none.
    pub scope: Vec<String>,
    /// Who may call the method, as the page says.
    pub who_can_execute: Option<String>,
    /// The page's introduction.
    pub description: String,
    /// The description as the page writes it, in Markdown (links relative
    /// to the page), when it has markup [`Method::description`] dropped;
    /// `None` when the plain text is the whole of it. The docs render it
    /// (`expand::markdown`); rules that read words read the plain text.
    #[serde(skip)]
    pub markdown: Option<String>,
    /// The page's path under its docs root, `/`-separated
    /// (`api-reference/crm/leads/crm-lead-add.md`), when it is known: what
    /// the docs' links resolve against and where the page is published.
    #[serde(skip)]
    pub page: Option<String>,
    /// Request parameters in page order.
    pub params: Vec<Field>,
    /// What `result` holds on success.
    pub result: ResultSpec,
    /// Method-specific error codes in page order (system errors excluded).
    pub errors: Vec<ErrorCode>,
    /// The method is called over REST 3.0 (`/rest/api/...`).
    pub rest_v3: bool,
    /// Responses carry `total` / `next` paging fields.
    pub paged: bool,
    /// What the page's deprecation note says, when the method is deprecated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// The page's request example sends top-level keys the parameter table
    /// does not name: `Params` keeps such keys too (see [`Field::open`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub params_open: bool,
}

impl Method {
    /// A method known only by its name: no parameters, an untyped result,
    /// not paged (what a front end uses for a method no page documents).
    pub fn named(method: impl Into<String>) -> Method {
        Method {
            method: method.into(),
            title: String::new(),
            scope: Vec::new(),
            who_can_execute: None,
            description: String::new(),
            markdown: None,
            page: None,
            params: Vec::new(),
            result: ResultSpec {
                ty: None,
                fields: Vec::new(),
                kind: Kind::Any,
            },
            errors: Vec::new(),
            rest_v3: false,
            paged: false,
            deprecated: None,
            params_open: false,
        }
    }
}

/// What an event page documents: the payload the portal POSTs to a
/// handler (`event`, `event_handler_id`, `data`, `ts`, `auth`), of which
/// `data` differs per event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The event's name as the page writes it (`onCrmLeadAdd`).
    pub name: String,
    /// The code the portal sends in `event` (`ONCRMLEADADD`).
    pub code: String,
    /// The page title without the event name.
    pub title: String,
    /// Permission scopes (`crm`...).
    pub scope: Vec<String>,
    /// The page's introduction.
    pub description: String,
    /// The description as the page writes it, in Markdown (links relative
    /// to the page), when it has markup [`Event::description`] dropped;
    /// `None` when the plain text is the whole of it. The docs render it
    /// (`expand::markdown`); rules that read words read the plain text.
    #[serde(skip)]
    pub markdown: Option<String>,
    /// The page's path under its docs root, `/`-separated
    /// (`api-reference/crm/leads/crm-lead-add.md`), when it is known: what
    /// the docs' links resolve against and where the page is published.
    #[serde(skip)]
    pub page: Option<String>,
    /// Members of `data`, as the page's table (or, without one, its
    /// example) shows them.
    pub data: Vec<Field>,
    /// `data` is an object (most events); otherwise (an id, a list) it is
    /// read as a JSON value.
    pub data_is_object: bool,
}

/// A parameter, or a member of a structured parameter or result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// The name exactly as sent on the wire.
    pub name: String,
    /// The type as the page writes it, whitespace collapsed; `None` when absent.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// Marked required on the page.
    pub required: bool,
    /// The page's description, as plain text.
    pub description: String,
    /// The description as the page writes it, in Markdown (links relative
    /// to the page), when it has markup [`Field::description`] dropped;
    /// `None` when the plain text is the whole of it. The docs render it
    /// (`expand::markdown`); rules that read words read the plain text.
    #[serde(skip)]
    pub markdown: Option<String>,
    /// Nested members, for objects and arrays of objects.
    pub fields: Vec<Field>,
    /// Allowed values the page lists, for enumerations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<EnumValue>,
    /// The type chosen for Rust.
    pub kind: Kind,
    /// The page's example sends keys these members do not name (a custom
    /// field, another spelling): the struct keeps any key it does not name,
    /// so what the page shows is sent as shown.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
    /// Page line index where the field is documented.
    #[serde(skip)]
    pub at: usize,
}

/// One documented value of an enumeration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumValue {
    /// The value as sent on the wire.
    pub value: String,
    /// What it means.
    pub description: String,
    /// The description as the page writes it, in Markdown (links relative
    /// to the page), when it has markup [`EnumValue::description`] dropped;
    /// `None` when the plain text is the whole of it. The docs render it
    /// (`expand::markdown`); rules that read words read the plain text.
    #[serde(skip)]
    pub markdown: Option<String>,
}

/// The Rust-facing type of a field, decided from the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "of")]
pub enum Kind {
    /// A whole number (`i64`); portals may send it as a string.
    Integer,
    /// A floating point number (`f64`).
    Float,
    /// Text.
    String,
    /// A flag; the wire format says how it is sent.
    Boolean(BoolWire),
    /// A calendar date (`YYYY-MM-DD`).
    Date,
    /// A date and time with offset.
    DateTime,
    /// An object; its members are [`Field::fields`] (none means free-form).
    Object,
    /// A list of values of the inner kind.
    Array(Box<Kind>),
    /// One of [`Field::values`], or any other value the page did not list.
    Enum,
    /// Anything: the page does not say enough for a narrower type.
    Any,
    /// Absent or null on the wire, otherwise the inner kind.
    Nullable(Box<Kind>),
    /// An object keyed by data (ids, codes, languages, field names) rather
    /// than by member names, with values of the inner kind; key order kept.
    Map(Box<Kind>),
    /// The descriptor of one field in a `*.fields` answer (`type`,
    /// `isRequired`, `title`...): `bitrix24::FieldInfo`.
    FieldInfo,
    /// Either of two kinds the page allows (`string | lang_map`), which
    /// JSON tells apart (a string and an object, a number and a list...):
    /// `bitrix24::wire::OneOf`. A third alternative nests in the second.
    OneOf(Box<Kind>, Box<Kind>),
}

/// The JSON shape of a value, which tells the alternatives of a
/// [`Kind::OneOf`] apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonShape {
    /// A number.
    Number,
    /// A string.
    String,
    /// `true` / `false`.
    Bool,
    /// An object.
    Object,
    /// A list.
    Array,
}

impl JsonShape {
    /// The shape of a JSON value; `None` for `null`.
    pub fn of(value: &serde_json::Value) -> Option<JsonShape> {
        use serde_json::Value;
        match value {
            Value::Null => None,
            Value::Bool(_) => Some(JsonShape::Bool),
            Value::Number(_) => Some(JsonShape::Number),
            Value::String(_) => Some(JsonShape::String),
            Value::Array(_) => Some(JsonShape::Array),
            Value::Object(_) => Some(JsonShape::Object),
        }
    }
}

/// How a flag travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoolWire {
    /// `"Y"` / `"N"`, the CRM convention.
    YesNo,
    /// JSON `true` / `false`.
    Json,
}

/// The success payload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultSpec {
    /// The type of `result` as the page writes it, if it does.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// Members of `result` when it is an object.
    pub fields: Vec<Field>,
    /// The type chosen for Rust.
    pub kind: Kind,
}

/// A documented error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorCode {
    /// The `error` value the portal sends.
    pub code: String,
    /// What it means.
    pub description: String,
    /// The description as the page writes it, in Markdown (links relative
    /// to the page), when it has markup [`ErrorCode::description`] dropped;
    /// `None` when the plain text is the whole of it. The docs render it
    /// (`expand::markdown`); rules that read words read the plain text.
    #[serde(skip)]
    pub markdown: Option<String>,
    /// HTTP status, when the page gives one for this code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

impl Field {
    /// A field with just a name and kind; the rest empty.
    pub fn new(name: impl Into<String>, kind: Kind) -> Field {
        Field {
            name: name.into(),
            ty: None,
            required: false,
            description: String::new(),
            markdown: None,
            fields: Vec::new(),
            values: Vec::new(),
            kind,
            open: false,
            at: 0,
        }
    }
}

/// Short notation (`integer`, `[object]`, `string?`, `{bool}`,
/// `string|object`), as `b24 diff` prints type changes.
impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Kind::Integer => f.write_str("integer"),
            Kind::Float => f.write_str("float"),
            Kind::String => f.write_str("string"),
            Kind::Boolean(BoolWire::YesNo) => f.write_str("Y/N"),
            Kind::Boolean(BoolWire::Json) => f.write_str("bool"),
            Kind::Date => f.write_str("date"),
            Kind::DateTime => f.write_str("datetime"),
            Kind::Object => f.write_str("object"),
            Kind::Array(inner) => write!(f, "[{inner}]"),
            Kind::Enum => f.write_str("enum"),
            Kind::Any => f.write_str("any"),
            Kind::Nullable(inner) => write!(f, "{inner}?"),
            Kind::Map(inner) => write!(f, "{{{inner}}}"),
            Kind::FieldInfo => f.write_str("field-info"),
            Kind::OneOf(first, second) => write!(f, "{first}|{second}"),
        }
    }
}

impl Kind {
    /// The JSON shape a value of this kind has on the wire, where it has
    /// exactly one (`None` for JSON values, unions and `Y`/`N`-or-bool text).
    pub fn json_shape(&self) -> Option<JsonShape> {
        match self.non_null() {
            Kind::Integer | Kind::Float => Some(JsonShape::Number),
            Kind::String | Kind::Enum => Some(JsonShape::String),
            Kind::Boolean(BoolWire::Json) => Some(JsonShape::Bool),
            Kind::Object | Kind::Map(_) | Kind::FieldInfo => Some(JsonShape::Object),
            Kind::Array(_) => Some(JsonShape::Array),
            Kind::Boolean(BoolWire::YesNo)
            | Kind::Date
            | Kind::DateTime
            | Kind::Any
            | Kind::OneOf(..)
            | Kind::Nullable(_) => None,
        }
    }

    /// The kind without a `Nullable` wrapper.
    pub fn non_null(&self) -> &Kind {
        match self {
            Kind::Nullable(inner) => inner.non_null(),
            other => other,
        }
    }
}
