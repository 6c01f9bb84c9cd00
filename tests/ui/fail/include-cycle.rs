// A page whose include includes the page again: the cycle is an error at the
// include that closes it, instead of the page spliced into itself 8 deep.
bitrix24::bitrix_method!("fixtures/include-cycle.md");

fn main() {
    let _ = fixture_memo_close::Params { id: 1 };
}
