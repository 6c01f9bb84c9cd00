// Each glob that matches nothing is an error on that glob; the others bind.
bitrix24::bitrix_api!(
    "fixtures/lead-events",
    methods = ["fixture.lead.*", "fixture.lead.tuch"],
    events = ["onCrmDeal*"],
);

fn main() {
    let _ = fixture::lead::touch::METHOD;
}
