/** Attach a List of Contacts to a Lead

 Binds the REST method `crm.lead.contact.items.set`.

 Scope: `crm`.

 Who can execute the method: any user.

 This method attaches a list of contacts to the specified lead.*/
#[allow(clippy::all, non_camel_case_types, dead_code)]
pub mod crm_lead_contact_items_set {
    ::bitrix24::__method! {
        "crm.lead.contact.items.set" Idempotent V2 flag; type Output = bool;
    }
    ::bitrix24::__record! {
        " Parameters of `crm.lead.contact.items.set`." Params {
        " Identifier of the lead. The lead identifier can be obtained using the [get lead list method](https://apidocs.bitrix24.com/api-reference/crm/leads/crm-lead-list.html)\n\n Required; page type: `integer`."
        "id" id : i64 = int;
        " A set of contacts represented as an array of objects with the following fields:\n - **CONTACT_ID** — identifier of the contact\n - **SORT** — sorting index\n - **IS_PRIMARY** — primary contact flag\n\n Required; page type: `object`."
        "items" items : ::std::vec::Vec < Items > = list; }
    }
    ::bitrix24::__record! {
        " An element of `items`." Items { " identifier of the contact\n\n Required."
        "CONTACT_ID" contact_id : i64 = int; " sorting index" "SORT" sort ? : i64 =
        opt_int; " primary contact flag" "IS_PRIMARY" is_primary ? : bool = opt_yn; }
    }
    ::bitrix24::__method_error! {
        " Errors of `crm.lead.contact.items.set`." {
        " `ACCESS_DENIED`: Insufficient permissions" AccessDenied = "ACCESS_DENIED",
        " `NOT_FOUND`: Element not found" NotFound = "NOT_FOUND", }
    }
}
