//! The macro as users meet it: pages that must expand and compile, and
//! mistakes that must fail with a pinned message.

#[test]
fn pages_expand_and_mistakes_fail_with_located_messages() {
    // trybuild builds copies of the cases elsewhere; page paths stay relative to this crate.
    std::env::set_var("BITRIX24_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"));
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
