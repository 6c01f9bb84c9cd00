// A method the globs leave out has no module.
bitrix24::bitrix_api!("fixtures/lead-events", methods = [], events = ["onCrmLeadUpdate"]);

fn main() {
    let _ = events::on_crm_lead_update::EVENT;
    let _ = fixture::lead::touch::METHOD;
}
