// Only what the globs pick is bound: the lead method and one of two events.
bitrix24::bitrix_api!(
    "fixtures/lead-events",
    methods = ["fixture.lead.*"],
    events = ["ONCRMLEADADD"],
);

fn main() {
    assert_eq!(fixture::lead::touch::METHOD, "fixture.lead.touch");
    assert_eq!(events::on_crm_lead_add::EVENT, "ONCRMLEADADD");
}
