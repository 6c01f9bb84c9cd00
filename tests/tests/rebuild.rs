//! Cargo re-expands a crate when the page it binds, or a file the page
//! includes, changes: the macro makes rustc track every file it read.
//!
//! The test builds a small crate twice in trybuild's target directory (where
//! the dependencies are already built) and checks the second build saw the edit.

mod common;

use common::Probe;

const PAGE: &str = "# Probe a Thing probe.thing.get

> Scope: [`probe`](scopes.md)

Reads a thing.

## Method Parameters

{% include [table](_params.md) %}
";

fn params_table(name: &str) -> String {
    format!("#|\n|| **Name**\n`type` | **Description** ||\n|| **{name}***\n[`string`](t.md) | A value ||\n|#\n")
}

#[test]
fn editing_the_page_or_an_include_rebuilds_the_bindings() {
    let probe = Probe::new("rebuild-probe", "serde_json = \"1\"\n");
    probe.write(
        "src/main.rs",
        "bitrix24::bitrix_method!(\"page.md\");\n\
         fn main() {\n    println!(\"{}\", serde_json::to_string(&probe_thing_get::Params::default()).unwrap());\n}\n",
    );
    probe.write("page.md", PAGE);
    probe.write("_params.md", &params_table("NAME"));
    assert_eq!(probe.run(), r#"{"NAME":""}"#);

    probe.write("_params.md", &params_table("TITLE"));
    assert_eq!(
        probe.run(),
        r#"{"TITLE":""}"#,
        "an edited include was not picked up"
    );

    let page = PAGE.replace("{% include [table](_params.md) %}", &params_table("CODE"));
    probe.write("page.md", &page);
    assert_eq!(
        probe.run(),
        r#"{"CODE":""}"#,
        "an edited page was not picked up"
    );
}
