// A page that says the method is deprecated: using it warns with the page's note.
#![deny(deprecated)]

bitrix24::bitrix_method!("fixtures/retired-voucher.md");

async fn settle(client: &bitrix24::Client) {
    let params = demo_voucher_settle::Params { id: 7 };
    let _ = demo_voucher_settle::call(client, params).await;
}

fn main() {
    let _ = settle;
}
