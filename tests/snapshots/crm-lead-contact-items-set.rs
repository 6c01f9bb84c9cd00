/** Attach a List of Contacts to a Lead

 Binds the REST method `crm.lead.contact.items.set`.

 Scope: `crm`.

 Who can execute the method: any user.

 This method attaches a list of contacts to the specified lead.*/
#[allow(clippy::all, non_camel_case_types, dead_code)]
pub mod crm_lead_contact_items_set {
    /// The REST method this module binds.
    pub const METHOD: &str = "crm.lead.contact.items.set";
    /// Parameters of `crm.lead.contact.items.set`.
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
        /** Identifier of the lead. The lead identifier can be obtained using the get lead list method

 Required; page type: `integer`.*/
        #[serde(with = "::bitrix24::wire::int")]
        pub id: i64,
        /** A set of contacts represented as an array of objects with the following fields:
 - CONTACT_ID — identifier of the contact
 - SORT — sorting index
 - IS_PRIMARY — primary contact flag

 Required; page type: `object`.*/
        #[serde(with = "::bitrix24::wire::list")]
        pub items: ::std::vec::Vec<Items>,
    }
    /// What the method returns in `result`.
    pub type Output = bool;
    /// An element of `items`.
    #[derive(
        Debug,
        Clone,
        PartialEq,
        Default,
        ::bitrix24::__private::serde::Serialize,
        ::bitrix24::__private::serde::Deserialize,
    )]
    #[serde(crate = "::bitrix24::__private::serde")]
    pub struct Items {
        /** identifier of the contact

 Required.*/
        #[serde(rename = "CONTACT_ID", with = "::bitrix24::wire::int")]
        pub contact_id: i64,
        /// sorting index
        #[serde(
            rename = "SORT",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_int",
        )]
        pub sort: ::core::option::Option<i64>,
        /// primary contact flag
        #[serde(
            rename = "IS_PRIMARY",
            default,
            skip_serializing_if = "::core::option::Option::is_none",
            with = "::bitrix24::wire::opt_yn",
        )]
        pub is_primary: ::core::option::Option<bool>,
    }
    /// Errors of `crm.lead.contact.items.set`.
    #[derive(Debug)]
    #[non_exhaustive]
    pub enum Error {
        /// `ACCESS_DENIED`: Insufficient permissions
        AccessDenied(::bitrix24::ApiError),
        /// `NOT_FOUND`: Element not found
        NotFound(::bitrix24::ApiError),
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
                Error::AccessDenied(api) => ::core::option::Option::Some(api),
                Error::NotFound(api) => ::core::option::Option::Some(api),
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
                        "ACCESS_DENIED" => Error::AccessDenied(api),
                        "NOT_FOUND" => Error::NotFound(api),
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
        const METHOD: &'static str = "crm.lead.contact.items.set";
        const RETRY: ::bitrix24::Retry = ::bitrix24::Retry::Idempotent;
        const API: ::bitrix24::ApiVersion = ::bitrix24::ApiVersion::V2;
        type Output = Output;
        type Error = Error;
        fn decode(
            result: ::bitrix24::__private::serde_json::Value,
        ) -> ::core::result::Result<Output, ::bitrix24::__private::serde_json::Error> {
            ::bitrix24::wire::flag::deserialize(result)
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
