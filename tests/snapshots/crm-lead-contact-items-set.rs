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
    ::bitrix24::__method_error! {
        #[doc = " Errors of `crm.lead.contact.items.set`."] { #[doc =
        " `ACCESS_DENIED`: Insufficient permissions"] AccessDenied = "ACCESS_DENIED",
        #[doc = " `NOT_FOUND`: Element not found"] NotFound = "NOT_FOUND", }
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
