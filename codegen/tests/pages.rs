//! Regression tests: fixture pages written for this crate, each in the shape
//! of real reference pages that were read by hand against `b24 inspect`
//! (see `/work/notes/issue3-results.md` for which real pages each mirrors).
//! The model is rendered as an indented outline so a failure shows the whole
//! difference at once.

use std::path::{Path, PathBuf};

use bitrix24_codegen::model::{Field, Kind, Method};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn load(name: &str) -> Method {
    match bitrix24_codegen::load(&fixture(name), name) {
        Ok(loaded) => loaded.method,
        Err(error) => panic!("{error}"),
    }
}

fn kind(kind: &Kind) -> String {
    match kind {
        Kind::Integer => "int".into(),
        Kind::Float => "float".into(),
        Kind::String => "string".into(),
        Kind::Boolean(wire) => format!("bool/{wire:?}"),
        Kind::Date => "date".into(),
        Kind::DateTime => "datetime".into(),
        Kind::Object => "object".into(),
        Kind::Array(inner) => format!("[{}]", self::kind(inner)),
        Kind::Enum => "enum".into(),
        Kind::Any => "any".into(),
        Kind::Nullable(inner) => format!("{}?", self::kind(inner)),
        Kind::Map(inner) => format!("{{{}}}", self::kind(inner)),
        Kind::FieldInfo => "field-info".into(),
        Kind::OneOf(first, second) => format!("{}|{}", self::kind(first), self::kind(second)),
    }
}

fn outline(fields: &[Field], depth: usize, out: &mut String) {
    for field in fields {
        out.push_str(&"  ".repeat(depth));
        out.push_str(&field.name);
        if field.required {
            out.push('*');
        }
        out.push_str(&format!(
            " `{}` {}",
            field.ty.as_deref().unwrap_or("-"),
            kind(&field.kind)
        ));
        if !field.values.is_empty() {
            let values: Vec<&str> = field.values.iter().map(|v| v.value.as_str()).collect();
            out.push_str(&format!(" = {}", values.join("|")));
        }
        out.push('\n');
        outline(&field.fields, depth + 1, out);
    }
}

/// The parts of the model the hand check compared: names, required marks,
/// written types and chosen kinds, nesting, enum values, result, errors.
fn summary(method: &Method) -> String {
    let mut out = format!("{} scope={}", method.method, method.scope.join(","));
    if method.rest_v3 {
        out.push_str(" v3");
    }
    if method.paged {
        out.push_str(" paged");
    }
    out.push('\n');
    outline(&method.params, 1, &mut out);
    out.push_str(&format!(
        "result `{}` {}\n",
        method.result.ty.as_deref().unwrap_or("-"),
        kind(&method.result.kind)
    ));
    outline(&method.result.fields, 1, &mut out);
    let codes: Vec<&str> = method.errors.iter().map(|e| e.code.as_str()).collect();
    out.push_str(&format!("errors {}\n", codes.join(" ")));
    out
}

fn check(name: &str, expected: &str) {
    let method = load(name);
    let got = summary(&method);
    let expected = expected.trim_start_matches('\n');
    assert_eq!(
        got, expected,
        "\n--- got ---\n{got}\n--- expected ---\n{expected}"
    );
    // Every fixture also generates Rust that parses.
    let tokens = bitrix24_codegen::generate(&method);
    syn::parse2::<syn::File>(tokens).expect("generated code parses as Rust");
}

#[test]
fn old_generation_delete_with_repeated_numeric_codes() {
    check(
        "widget-field-delete.md",
        "
demo.widget.userfield.delete scope=demo
  id* `integer` int
result `boolean` bool/Json
errors 400 403 ERROR_NOT_FOUND FIELD_ID_EMPTY
",
    );
}

#[test]
fn list_method_with_anchored_item_type_and_error_variants() {
    check(
        "gadget-list.md",
        "
demo.gadget.list scope=demo paged
  select `array` [string] = ID|TITLE
  filter `object` {any} = field_n|value_n|>=|!
  order `object` {any}
  start `integer` int
result `gadget[]` [object]
  ID `integer` int
  TITLE `string` string
  ACTIVE `char` bool/YesNo = Y|N
  KIND `string` enum = big|small
  CREATED `datetime` datetime
errors WRONG_FILTER 0x000001 PLAIN_CODE MULTI_ONE MULTI_TWO
",
    );
}

#[test]
fn list_methods_implement_list_method_with_their_id_field() {
    // The runtime's `__method!` writes the impl from `list Item, "ID";`.
    let code = bitrix24_codegen::generate(&load("gadget-list.md")).to_string();
    assert!(
        code.contains(
            "__method ! { \"demo.gadget.list\" Read V2 list ; \
             type Output = :: std :: vec :: Vec < Item > ; list Item , \"ID\" ; }"
        ),
        "{code}"
    );
}

#[test]
fn a_second_parameter_section_and_a_misspelled_anchor() {
    check(
        "contractor-add.md",
        "
demo.contractor.add scope=demo
  fields* `object` object
    companyId* `crm_company.id` int
    note `text` string
result `-` object
  item `-` object
    id `-` int
errors \n",
    );
}

#[test]
fn rest_v3_page_with_sibling_item_row_and_error_code_lines() {
    check(
        "note-v3-get.md",
        "
demo.note.get scope=demo v3
  id* `integer` int
  fields* `object` object
    title* `string` string
    tags `string[]` [string]
result `object` object
  item `object` object
    id `integer` int
    title `string | null` string?
errors DEMO_V3_ACCESS_DENIED DEMO_V3_VALIDATION
",
    );
}

#[test]
fn table_without_types_gives_open_values() {
    check(
        "legacy-attach.md",
        "
demo.item.attachfile scope=demo
  auth `-` any
  ITEM_ID `-` any
  FILE_ID `-` any
result `-` any
errors \n",
    );
}

#[test]
fn type_column_same_line_types_unions_and_references() {
    check(
        "shapes-add.md",
        "
demo.shape.add scope=demo,crm
  NAME* `string` string
  PRICE `double` float
  FIELDS `object` object
    utmSource `string` string
    time `time` object
    either `integer | string` string
    pair `object string` object|string
    maybe `string|null` string?
    count `integer | null` int?
    productId `catalog_product.id` int
    currency `crm_currency.CURRENCY` string
    junk `[object]` object
    owner `user` int
    contact `crm_contact` int
    title `lang_map` object
    phones `crm_multifield[]` [object]
    born `date` date
    flag `boolean` bool/YesNo
    kind `string` enum = STRING|Y/N|NUMBER
result `integer` int
errors \n",
    );
}

#[test]
fn required_marks_and_names_that_are_not_identifiers() {
    check(
        "marks-update.md",
        "
demo.mark.update scope=demo
  id* `integer` int
  CODE* `string` string
  SORT* `integer` int
  weight* `double` float
  REPORT_ID* `integer` int
  UF_* `any` any
  UF_CRM_COLOR `string` string
  type `string` string
  IBLOCK_CODE/IBLOCK_ID `string` string
  filter[>ID] `integer` int
  1C_CODE `string` string
  Id `integer` int
result `boolean` bool/Json
errors \n",
    );
    // Fields are `__record!` entries (`"doc" ["WIRE"] name[?]: Type ...;`),
    // which the pretty printer wraps anywhere: read the tokens as text.
    let code = bitrix24_codegen::generate(&load("marks-update.md")).to_string();
    for wanted in [
        "\"type\" type_ ? :",
        "\"IBLOCK_CODE/IBLOCK_ID\" iblock_code_iblock_id ? :",
        "\"filter[>ID]\" filter_g_id ? :",
        "\"1C_CODE\" _1c_code ? :",
        "\"Id\" id_2 ? :",
        "\"UF_CRM_COLOR\" uf_crm_color ? :",
        // The map that keeps the other custom fields.
        "; .. user_fields }",
    ] {
        assert!(code.contains(wanted), "missing {wanted:?} in\n{code}");
    }
    assert!(
        !code.contains("\"UF_*\""),
        "the UF_* pattern is not a field"
    );
}

#[test]
fn members_from_bullets_anchors_slugs_cell_tables_and_headings() {
    check(
        "deep-set.md",
        "
demo.deep.set scope=demo
  items* `object` [object]
    CONTACT_ID* `-` any
    SORT `-` any
  config `object` object
    layout `object` object
      blocks `block[]` [object]
        title* `string` string
  codes `object` object = CALL
  settings `object` object
    color `string` string
result `boolean` bool/Json
errors \n",
    );
}

#[test]
fn name_only_in_the_body_and_a_fields_answer_is_a_map_of_descriptors() {
    // The rows of the table are the keys of the answer, each a descriptor.
    check(
        "thing-fields.md",
        "
demo.thing.fields scope=demo
result `array` {field-info}
errors \n",
    );
}

#[test]
fn dotted_result_paths_in_a_headerless_table() {
    check(
        "event-bind-list.md",
        "
demo.event.list scope=demo
result `object` object
  events `object[]` [object]
    eventId `integer` int
    handler `string` string
  hasMore `boolean` bool/YesNo
errors \n",
    );
}

#[test]
fn written_unions_take_each_alternative_json_tells_apart() {
    check(
        "union-get.md",
        "
demo.ref.get scope=demo
  data `object | array` object|[any]
result `object | boolean` object|bool/Json
errors \n",
    );
}

#[test]
fn members_the_example_nests_one_level_down() {
    check(
        "slot-get.md",
        "
demo.v1.slot.get scope=demo
  id* `integer` int
result `object` object
  slot `-` object
    id `integer` int
    label `string` string
    kind `crm_enum_activitytype` int
errors \n",
    );
}

#[test]
fn result_members_given_only_by_position() {
    check(
        "preset-get.md",
        "
demo.preset.get scope=demo
  id* `integer` int
result `object` object
  ID `integer` int
  NAME `string` string
  ACTIVE `char` bool/YesNo
errors \n",
    );
}

#[test]
fn types_defined_in_a_linked_dictionary() {
    check(
        "widget-get.md",
        "
demo.widget.get scope=demo
  id* `demo_widget.id` int
  size `demo_size` object
    width `double` float
  select `array` [string]
result `demo_widget` object
  id `integer` int
  size `demo_size` object
    width `double` float
errors \n",
    );
    let loaded = bitrix24_codegen::load(&fixture("widget-get.md"), "widget-get.md").unwrap();
    assert!(loaded
        .files
        .iter()
        .any(|f| f.ends_with("dictionary/data-types.md")));
}

#[test]
fn events_and_overviews_are_not_method_pages() {
    for page in ["events/on-gadget-add.md", "events/index.md"] {
        let error = bitrix24_codegen::load(&fixture(page), page).unwrap_err();
        assert!(
            error
                .message
                .starts_with(&format!("{page}:1:1: not a method page")),
            "{}",
            error.message
        );
    }
}

#[test]
fn a_directory_becomes_one_module_tree() {
    let tree = bitrix24_codegen::api_tree(&fixture(""), "fixtures").unwrap();
    assert_eq!(tree.methods, 20, "{:?}", tree.skipped);
    assert!(tree.skipped.is_empty(), "{:?}", tree.skipped);
    let code = bitrix24_codegen::pretty(tree.tokens);
    for wanted in [
        "pub mod demo {",
        "pub mod widget {",
        "pub mod userfield {",
        "pub mod delete {",
    ] {
        assert!(code.contains(wanted), "missing {wanted:?}");
    }
    // A deprecated method's own module may use its deprecated items.
    let settle = code
        .find("pub mod confirm {")
        .expect("the deprecated fixture's module");
    assert!(
        code[..settle].ends_with("#[allow(deprecated)]\n        "),
        "{}",
        &code[settle.saturating_sub(200)..settle]
    );
    // The includes were read too, so a macro can track them.
    assert!(tree
        .files
        .iter()
        .any(|f| f.ends_with("_includes/system-errors.md")));
}

#[test]
fn deprecation_notes_in_the_introduction() {
    assert_eq!(
        load("retired-confirm.md").deprecated.as_deref(),
        Some(
            "We no longer develop this method and it has been halted. \
             Call demo.voucher.settle instead."
        )
    );
    // The first note that says so is kept; its title alone is enough.
    assert_eq!(
        load("halted-list.md").deprecated.as_deref(),
        Some("Use demo.item.list with the coupon type for new code.")
    );
    // Prose that mentions the word, outside a note, deprecates nothing.
    assert_eq!(load("legacy-attach.md").deprecated, None);
    assert_eq!(load("widget-field-delete.md").deprecated, None);
}

#[test]
fn an_array_that_the_example_shows_is_an_object_of_the_members() {
    // `array` in the PHP sense: the example's `result` is keyed by the members.
    check(
        "folder-rename.md",
        "
demo.folder.rename scope=demo
  id* `integer` int
  newName* `string` string
result `array` object
  ID `integer` int
  NAME `string` string
  PARENT_ID `integer` int
  RIGHTS `object` object
    R `-` bool/YesNo
errors \n",
    );
    // Keys that are data (site identifiers) make a map of values: no struct for it.
    check(
        "site-rights-get.md",
        "
demo.rights.get scope=demo
result `array` {any}
errors \n",
    );
}

#[test]
fn members_from_a_linked_fields_page_and_from_the_example() {
    // `gizmo` takes the rows of the page its cell links (without the page's
    // own `result` row); `owner` has no members but the example shows them.
    check(
        "gizmo-get.md",
        "
demo.gizmo.get scope=demo
  id* `integer` int
result `object` object
  gizmo `object` object
    ID `integer` int
    NAME `string` string
  owner `object` object
    id `-` int
    name `-` string
    tags `-` [object]
      code `-` string
errors \n",
    );
    // The request example sends a key the table does not name: `Params`
    // keeps it rather than dropping it.
    assert!(load("gizmo-get.md").params_open);
}

#[test]
fn every_tab_under_a_linked_heading_gives_members() {
    check(
        "tabbed-add.md",
        "
demo.figure.add scope=demo
  kind* `integer` int
  fields* `object` object
    radius `double` float
    side `double` float
result `-` any
errors \n",
    );
    assert!(!load("tabbed-add.md").params_open);
}
