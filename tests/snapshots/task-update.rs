/** Update a Fixture Task

 Binds the REST method `fixture.task.update`.

 Scope: `task`.

 Who can execute the method: a user with permission to edit the task.

 Changes the fields of an existing task.*/
#[allow(clippy::all, non_camel_case_types, dead_code)]
pub mod fixture_task_update {
    ::bitrix24::__method! {
        "fixture.task.update" Idempotent V2 plain;
    }
    ::bitrix24::__record! {
        " Parameters of `fixture.task.update`." Params {
        " Identifier of the task\n\n Required; page type: `integer`." "taskId" task_id :
        i64 = int;
        " The values to change, see [below](https://apidocs.bitrix24.com/fixtures/task-update.html#fields)\n\n Required; page type: `object`."
        "fields" fields : Fields = plain; }
    }
    ::bitrix24::__open_enum! {
        " Values of `PRIORITY`." Priority { "`0`: low" V0 = "0", "`1`: normal" V1 = "1",
        "`2`: high" V2 = "2", }
    }
    ::bitrix24::__record! {
        " Members of `fields`." Fields { " New title\n\n page type: `string`." "TITLE"
        title ? : ::std::string::String = opt_string;
        " Priority of the task:\n - `0` — low\n - `1` — normal\n - `2` — high\n\n page type: `string`."
        "PRIORITY" priority ? : Priority = opt;
        " When the task is due\n\n page type: `datetime`." "DEADLINE" deadline ? :
        ::bitrix24::wire::DateTime = opt_datetime;
        " Tags to set\n\n page type: `string[]`." "TAGS" tags ? : ::std::vec::Vec <
        ::std::string::String > = opt_vec_string;
        " Whether the responsible person may move the deadline, `Y` or `N`\n\n page type: `char`."
        "ALLOW_CHANGE_DEADLINE" allow_change_deadline ? : bool = opt_yn; }
    }
    ::bitrix24::__record! {
        " Members of `task`." Task { " As the page's example shows it." "id" id ? :
        ::std::string::String = opt_string; " As the page's example shows it." "title"
        title ? : ::std::string::String = opt_string; " As the page's example shows it."
        "changedDate" changed_date ? : ::std::string::String = opt_string; ..extra }
    }
    ::bitrix24::__record! {
        " What the method returns in `result` (`object` on the page)." Output {
        " The task\n\n page type: `object`." "task" task ? : Task = opt; ..extra }
    }
    ::bitrix24::__method_error! {
        " Errors of `fixture.task.update`." { " `ERROR_TASK_NOT_FOUND`: Task not found"
        ErrorTaskNotFound = "ERROR_TASK_NOT_FOUND", " `100`: Invalid parameters" V100 =
        "100", }
    }
}
