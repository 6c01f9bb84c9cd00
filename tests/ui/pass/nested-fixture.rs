bitrix24::bitrix_method!("fixtures/task-update.md");

use fixture_task_update::{Error, Fields, Params, Priority};

fn main() {
    let params = Params {
        task_id: 8,
        fields: Fields {
            title: Some("Ship it".into()),
            priority: Some(Priority::V2),
            deadline: None,
            tags: Some(vec!["a".into()]),
            allow_change_deadline: Some(false),
        },
    };
    assert_eq!(Priority::from("7"), Priority::Other("7".into()));
    let _ = params;
    let _ = |e: Error| matches!(e, Error::ErrorTaskNotFound(_) | Error::V100(_));
}
