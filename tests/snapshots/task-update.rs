/** Update a Fixture Task

 Binds the REST method `fixture.task.update`.

 Scope: `task`.

 Who can execute the method: a user with permission to edit the task.

 Changes the fields of an existing task.*/
#[allow(clippy::all, non_camel_case_types, dead_code)]
pub mod fixture_task_update {
    /// The REST method this module binds.
    pub const METHOD: &str = "fixture.task.update";
    /// Parameters of `fixture.task.update`.
    #[derive(
        Debug,
        Clone,
        PartialEq,
        Default,
        ::bitrix24::__private::serde::Serialize,
        ::bitrix24::__private::serde::Deserialize,
    )]
    #[serde(crate = "::bitrix24::__private::serde")]
    pub struct Params {
        /** Identifier of the task

 Required; page type: `integer`.*/
        #[serde(rename = "taskId", with = "::bitrix24::wire::int")]
        pub task_id: i64,
        /** The values to change, see below

 Required; page type: `object`.*/
        #[serde()]
        pub fields: Fields,
    }
    /// Values of `PRIORITY`.
    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    pub enum Priority {
        ///`0`: low
        V0,
        ///`1`: normal
        V1,
        ///`2`: high
        V2,
        /// A value the documentation does not list.
        Other(::std::string::String),
    }
    #[automatically_derived]
    impl Priority {
        /// The value as sent on the wire.
        pub fn as_str(&self) -> &str {
            match self {
                Self::V0 => "0",
                Self::V1 => "1",
                Self::V2 => "2",
                Self::Other(value) => value,
            }
        }
    }
    #[automatically_derived]
    impl ::core::convert::From<&str> for Priority {
        fn from(value: &str) -> Self {
            match value {
                "0" => Self::V0,
                "1" => Self::V1,
                "2" => Self::V2,
                other => Self::Other(other.to_string()),
            }
        }
    }
    #[automatically_derived]
    impl ::core::default::Default for Priority {
        fn default() -> Self {
            Self::Other(::std::string::String::new())
        }
    }
    #[automatically_derived]
    impl ::bitrix24::__private::serde::Serialize for Priority {
        fn serialize<S: ::bitrix24::__private::serde::Serializer>(
            &self,
            serializer: S,
        ) -> ::core::result::Result<S::Ok, S::Error> {
            serializer.serialize_str(self.as_str())
        }
    }
    #[automatically_derived]
    impl<'de> ::bitrix24::__private::serde::Deserialize<'de> for Priority {
        fn deserialize<D: ::bitrix24::__private::serde::Deserializer<'de>>(
            deserializer: D,
        ) -> ::core::result::Result<Self, D::Error> {
            let text = ::bitrix24::wire::enum_text(deserializer)?;
            ::core::result::Result::Ok(Self::from(text.as_str()))
        }
    }
    /// Members of `fields`.
    #[derive(
        Debug,
        Clone,
        PartialEq,
        Default,
        ::bitrix24::__private::serde::Serialize,
        ::bitrix24::__private::serde::Deserialize,
    )]
    #[serde(crate = "::bitrix24::__private::serde")]
    pub struct Fields {
        /** New title

 page type: `string`.*/
        #[serde(
            rename = "TITLE",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_string",
        )]
        pub title: ::core::option::Option<::std::string::String>,
        /** Priority of the task:
 - 0 — low
 - 1 — normal
 - 2 — high

 page type: `string`.*/
        #[serde(
            rename = "PRIORITY",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt",
        )]
        pub priority: ::core::option::Option<Priority>,
        /** When the task is due

 page type: `datetime`.*/
        #[serde(
            rename = "DEADLINE",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_datetime",
        )]
        pub deadline: ::core::option::Option<::bitrix24::wire::DateTime>,
        /** Tags to set

 page type: `string[]`.*/
        #[serde(
            rename = "TAGS",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_vec_string",
        )]
        pub tags: ::core::option::Option<::std::vec::Vec<::std::string::String>>,
        /** Whether the responsible person may move the deadline, Y or N

 page type: `char`.*/
        #[serde(
            rename = "ALLOW_CHANGE_DEADLINE",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_yn",
        )]
        pub allow_change_deadline: ::core::option::Option<bool>,
    }
    /// What the method returns in `result` (`object` on the page).
    #[derive(
        Debug,
        Clone,
        PartialEq,
        Default,
        ::bitrix24::__private::serde::Serialize,
        ::bitrix24::__private::serde::Deserialize,
    )]
    #[serde(crate = "::bitrix24::__private::serde")]
    pub struct Output {
        /** The task

 page type: `object`.*/
        #[serde(
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_object",
        )]
        pub task: ::core::option::Option<::bitrix24::wire::Object>,
    }
    /// Errors of `fixture.task.update`.
    #[derive(Debug)]
    #[non_exhaustive]
    pub enum Error {
        /// `ERROR_TASK_NOT_FOUND`: Task not found
        ErrorTaskNotFound(::bitrix24::ApiError),
        /// `100`: Invalid parameters
        V100(::bitrix24::ApiError),
        /// A system error any method may return (rate limits, auth, overload...).
        System(::bitrix24::SystemError),
        /// An API error the page does not document.
        Api(::bitrix24::ApiError),
        /// The request did not reach the portal, or no response came back.
        Transport(::bitrix24::TransportError),
        /// The response could not be read; it carries the raw body.
        Decode(::bitrix24::DecodeError),
        /// The request may or may not have run, and repeating it could duplicate a write.
        OutcomeUnknown(::bitrix24::TransportError),
    }
    #[automatically_derived]
    impl Error {
        /// The portal's error code, for errors the portal answered with.
        pub fn code(&self) -> ::core::option::Option<&str> {
            self.api().map(|api| api.code.as_str())
        }
        /// The portal's error, for errors the portal answered with.
        pub fn api(&self) -> ::core::option::Option<&::bitrix24::ApiError> {
            match self {
                Error::ErrorTaskNotFound(api) => ::core::option::Option::Some(api),
                Error::V100(api) => ::core::option::Option::Some(api),
                Error::System(system) => ::core::option::Option::Some(&system.api),
                Error::Api(api) => ::core::option::Option::Some(api),
                _ => ::core::option::Option::None,
            }
        }
    }
    #[automatically_derived]
    impl ::core::fmt::Display for Error {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            match self {
                Error::System(e) => ::core::fmt::Display::fmt(e, f),
                Error::Transport(e) => ::core::fmt::Display::fmt(e, f),
                Error::Decode(e) => ::core::fmt::Display::fmt(e, f),
                Error::OutcomeUnknown(e) => ::core::write!(f, "outcome unknown: {}", e),
                other => {
                    match other.api() {
                        ::core::option::Option::Some(api) => {
                            ::core::fmt::Display::fmt(api, f)
                        }
                        ::core::option::Option::None => f.write_str("error"),
                    }
                }
            }
        }
    }
    #[automatically_derived]
    impl ::std::error::Error for Error {
        fn source(
            &self,
        ) -> ::core::option::Option<&(dyn ::std::error::Error + 'static)> {
            match self {
                Error::Transport(e) | Error::OutcomeUnknown(e) => {
                    ::core::option::Option::Some(e)
                }
                Error::Decode(e) => ::core::option::Option::Some(e),
                _ => ::core::option::Option::None,
            }
        }
    }
    #[automatically_derived]
    impl ::core::convert::From<::bitrix24::CallError> for Error {
        fn from(error: ::bitrix24::CallError) -> Self {
            match error {
                ::bitrix24::CallError::Api(api) => {
                    match api.code.as_str() {
                        "ERROR_TASK_NOT_FOUND" => Error::ErrorTaskNotFound(api),
                        "100" => Error::V100(api),
                        _ => {
                            match ::bitrix24::SystemError::classify(api) {
                                ::core::result::Result::Ok(system) => Error::System(system),
                                ::core::result::Result::Err(api) => Error::Api(api),
                            }
                        }
                    }
                }
                ::bitrix24::CallError::Transport(e) => Error::Transport(e),
                ::bitrix24::CallError::Decode(e) => Error::Decode(e),
                ::bitrix24::CallError::OutcomeUnknown(e) => Error::OutcomeUnknown(e),
            }
        }
    }
    #[automatically_derived]
    impl ::bitrix24::Call for Params {
        const METHOD: &'static str = "fixture.task.update";
        const RETRY: ::bitrix24::Retry = ::bitrix24::Retry::Idempotent;
        const API: ::bitrix24::ApiVersion = ::bitrix24::ApiVersion::V2;
        type Output = Output;
        type Error = Error;
        fn decode(
            result: ::bitrix24::__private::serde_json::Value,
        ) -> ::core::result::Result<Output, ::bitrix24::__private::serde_json::Error> {
            ::bitrix24::__private::serde_json::from_value(result)
        }
    }
    /// Calls the method on `client` and decodes its result.
    pub async fn call(
        client: &::bitrix24::Client,
        params: Params,
    ) -> ::core::result::Result<Output, Error> {
        client.call(params).await
    }
}
