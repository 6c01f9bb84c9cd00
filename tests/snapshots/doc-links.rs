/// Methods under `probe`.
#[allow(clippy::all, non_camel_case_types, dead_code)]
pub mod probe {
    /// Methods under `probe.item`.
    #[allow(clippy::all, non_camel_case_types, dead_code)]
    pub mod item {
        /** Get a Probe Item

 Binds the REST method `probe.item.get`.

 Scope: `probe`.

 Who can execute the method: any user.

 Fixture page. Reads one **item** by its id; the ids come from [probe.item.list](mod@self::list), and the [field guide](https://example.com/probe/guide#ids) explains them.*/
        #[allow(clippy::all, non_camel_case_types, dead_code)]
        pub mod get {
            ::bitrix24::__method! {
                "probe.item.get" Read V2 plain;
            }
            ::bitrix24::__record! {
                " Parameters of `probe.item.get`." Params {
                " The item, as [`probe.item.list`](mod@super::list) returns it (see [id rules](https://apidocs.bitrix24.com/fixtures/doc-links/probe-types.html#ids)). Written as \\[ID\\] in examples, or as \\<ID> in URLs like <https://example.com/items/ID>.\n\n Required; page type: `integer`."
                "id" id : i64 = int;
                " How much to read:\n - `short` — the title only\n - `full` — everything, see [probe-item-list](mod@super::list)\n\n page type: `string`."
                "mode" mode ? : Mode = opt; }
            }
            ::bitrix24::__open_enum! {
                " Values of `mode`." Mode { "`short`: the title only" Short = "short",
                "`full`: everything, see [probe-item-list](mod@super::list)" Full =
                "full", }
            }
            ::bitrix24::__record! {
                " What the method returns in `result`." Output {
                " The item's id\n\n page type: `integer`." "ID" id ? : i64 = opt_int;
                " Its title; an image [shot](https://apidocs.bitrix24.com/fixtures/doc-links/items/_images/title.png) shows where\n\n page type: `string`."
                "TITLE" title ? : ::std::string::String = opt_string; ..extra }
            }
            ::bitrix24::__method_error! {
                " Errors of `probe.item.get`." {
                " `NOT_FOUND`: No item has this id; list them with [probe.item.list](mod@super::list)"
                NotFound = "NOT_FOUND", }
            }
        }
        /** List Probe Items

 Binds the REST method `probe.item.list`.

 Scope: `probe`.

 Who can execute the method: any user.

 Fixture page. Lists items; [probe.item.get](mod@self::get) reads one in full.*/
        #[allow(clippy::all, non_camel_case_types, dead_code)]
        pub mod list {
            ::bitrix24::__method! {
                "probe.item.list" Read V2 list; type Output = ::std::vec::Vec < Item >;
            }
            ::bitrix24::__record! {
                " Parameters of `probe.item.list`." Params {
                " Which items, as in [the page](https://apidocs.bitrix24.com/guides/filters.html#syntax) on filters\n\n page type: `object`."
                "filter" filter ? : ::bitrix24::wire::Object = opt_object; }
            }
            ::bitrix24::__record! {
                " What the method returns in `result`." Item {
                " As the page's example shows it." "ID" id ? : ::std::string::String =
                opt_string; ..extra }
            }
            ::bitrix24::__method_error! {
                " Errors of `probe.item.list`." {}
            }
        }
    }
}
/// Events under `fixtures/doc-links`: a module per event (`EVENT`, `Data`, `Payload`) and [`Event`], all of them as one enum.
#[allow(clippy::all, non_camel_case_types, dead_code)]
pub mod events {
    /**Every event bound under `fixtures/doc-links`, each with its typed payload, and `Other` for any other code.

Read one from a verified body with `bitrix24::events::EventHandler::receive_event::<Event>`, or from a payload with `bitrix24::events::EventSet::from_payload`; codes compare without regard to case.*/
    #[derive(::core::fmt::Debug, ::core::clone::Clone)]
    #[allow(clippy::large_enum_variant)]
    pub enum Event {
        ///`ONPROBEITEMADD`, bound by [`on_probe_item_add`].
        ProbeItemAdd(on_probe_item_add::Payload),
        /// An event this tree binds no page for, with `data` as sent.
        Other(::bitrix24::events::Payload),
    }
    #[automatically_derived]
    impl ::bitrix24::events::EventSet for Event {
        const CODES: &'static [&'static str] = &["ONPROBEITEMADD"];
        #[inline]
        fn from_payload(
            payload: ::bitrix24::events::Payload,
        ) -> ::core::result::Result<Self, ::bitrix24::__private::serde_json::Error> {
            match payload.event.to_ascii_uppercase().as_str() {
                "ONPROBEITEMADD" => payload.typed().map(Self::ProbeItemAdd),
                _ => ::core::result::Result::Ok(Self::Other(payload)),
            }
        }
    }
    /**Event onProbeItemAdd

Binds the event `ONPROBEITEMADD`.

Scope: `probe`.

Fixture page. Raised when an item is added; [probe.item.get](mod@super::probe::item::get) reads it.*/
    #[allow(clippy::all, non_camel_case_types, dead_code)]
    pub mod on_probe_item_add {
        /// The event's code, as sent in `event` and given to `event.bind`.
        pub const EVENT: &str = "ONPROBEITEMADD";
        ::bitrix24::__record! {
            "What `data` holds in `ONPROBEITEMADD`." Data {
            " Its id\n\n page type: `integer`." "ID" id ? : i64 = opt_int; ..extra }
        }
        ///The payload of `ONPROBEITEMADD` as the portal POSTs it; check its `application_token` before use (`bitrix24::events`).
        pub type Payload = ::bitrix24::events::Payload<Data>;
    }
}
