/**Event onCrmLeadAdd

Binds the event `ONCRMLEADADD`.

Scope: `crm`.

Fixture page. The portal raises `ONCRMLEADADD` once a lead has been saved for the first time.*/
#[allow(clippy::all, non_camel_case_types, dead_code)]
pub mod on_crm_lead_add {
    /// The event's code, as sent in `event` and given to `event.bind`.
    pub const EVENT: &str = "ONCRMLEADADD";
    ::bitrix24::__record! {
        "What `data` holds in `ONCRMLEADADD`." Data {
        " The saved lead, see [below](https://apidocs.bitrix24.com/fixtures/lead-events/on-crm-lead-add.html#fields)\n\n page type: `object`."
        "FIELDS" fields ? : Fields = opt; ..extra }
    }
    ::bitrix24::__record! {
        " Members of `FIELDS`." Fields {
        " The lead that was saved\n\n page type: `integer`." "ID" id ? : i64 = opt_int;
        ..extra }
    }
    ///The payload of `ONCRMLEADADD` as the portal POSTs it; check its `application_token` before use (`bitrix24::events`).
    pub type Payload = ::bitrix24::events::Payload<Data>;
}
