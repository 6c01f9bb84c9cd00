/** Attach a List of Contacts to a Lead

 Binds the REST method `crm.lead.contact.items.set`.

 Scope: `crm`.

 Who can execute the method: any user.

 This method attaches a list of contacts to the specified lead.*/
#[allow(clippy::all, non_camel_case_types, dead_code)]
pub mod crm_lead_contact_items_set {
    /// The REST method this module binds.
    pub const METHOD: &str = "crm.lead.contact.items.set";
    ::bitrix24::__record! {
        " Parameters of `crm.lead.contact.items.set`." Params {
        " Identifier of the lead. The lead identifier can be obtained using the get lead list method\n\n Required; page type: `integer`."
        id : i64 = "::bitrix24::wire::int";
        " A set of contacts represented as an array of objects with the following fields:\n - CONTACT_ID — identifier of the contact\n - SORT — sorting index\n - IS_PRIMARY — primary contact flag\n\n Required; page type: `object`."
        items : ::std::vec::Vec < Items > = "::bitrix24::wire::list"; }
    }
    /// What the method returns in `result`.
    pub type Output = bool;
    ::bitrix24::__record! {
        " An element of `items`." Items { " identifier of the contact\n\n Required."
        "CONTACT_ID" contact_id : i64 = "::bitrix24::wire::int"; " sorting index" "SORT"
        sort ? : i64 = "::bitrix24::wire::opt_int"; " primary contact flag" "IS_PRIMARY"
        is_primary ? : bool = "::bitrix24::wire::opt_yn"; }
    }
    ::bitrix24::__method_error! {
        " Errors of `crm.lead.contact.items.set`." {
        " `ACCESS_DENIED`: Insufficient permissions" AccessDenied = "ACCESS_DENIED",
        " `NOT_FOUND`: Element not found" NotFound = "NOT_FOUND", }
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
