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
    ::bitrix24::__open_enum! {
        #[doc = " Values of `PRIORITY`."] Priority { #[doc = "`0`: low"] V0 = "0", #[doc
        = "`1`: normal"] V1 = "1", #[doc = "`2`: high"] V2 = "2", }
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
    ::bitrix24::__method_error! {
        #[doc = " Errors of `fixture.task.update`."] { #[doc =
        " `ERROR_TASK_NOT_FOUND`: Task not found"] ErrorTaskNotFound =
        "ERROR_TASK_NOT_FOUND", #[doc = " `100`: Invalid parameters"] V100 = "100", }
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
