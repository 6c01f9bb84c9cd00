// A page whose parameters allow two shapes (`string | lang_map`,
// `integer | integer[]`) and whose result only a TypeScript example declares.
bitrix24::bitrix_method!("fixtures/label-set.md");

use bitrix24::wire::OneOf;
use fixture_label_set::{Color, Output, Params};

fn main() {
    let params = Params {
        id: 3,
        caption: "Hot".into(),
        ids: Some(OneOf::First(4)),
    };
    let sent = serde_json::to_value(&params).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"id": 3, "caption": "Hot", "ids": 4})
    );

    let read: Params = bitrix24::read_params(serde_json::json!(
        {"id": 3, "caption": {"en": "Hot", "de": "Heiß"}, "ids": [4, 5]}
    ))
    .unwrap();
    assert_eq!(
        read.caption.second().map(|by_language| by_language.len()),
        Some(2)
    );
    assert_eq!(read.ids, Some(OneOf::Second(vec![4, 5])));

    let body = r#"{"result": {"label": {"id": "3", "caption": {"en": "Hot"}, "color": "red"}, "changed": true}}"#;
    let output: Output = bitrix24::decode_response::<Params>(200, body).unwrap();
    let label = output.label.unwrap();
    assert_eq!(label.id, Some(3));
    assert_eq!(label.color, Some(Color::Red));
    assert_eq!(output.changed, Some(true));
}
