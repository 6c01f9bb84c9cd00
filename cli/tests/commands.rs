//! `b24 call`, `export` and `import` in detail, against the emulator:
//! resuming, the report journal, checks against method pages, and the
//! binary's exit status and messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use b24_cli::commands::call::{call, CallFailure};
use b24_cli::commands::export::{checkpoint_path, export, ExportJob, ExportProgress};
use b24_cli::commands::import::{import, read_report, ImportJob, ReportLine, Status};
use b24_cli::commands::remote::{Connection, Docs, MethodInfo};
use bitrix24::{CallError, CallOptions, Client, RateLimit};
use bitrix24_testkit::emulator::{shipped_pages, Config, Emulator, Entity, Faults};
use serde_json::{json, Value};

async fn portal() -> Emulator {
    Emulator::start(Config::unlimited().seed(3)).await.unwrap()
}

fn client(portal: &Emulator) -> Client {
    Connection {
        webhook: Some(portal.webhook_url()),
        rate_limit: Some(RateLimit::UNLIMITED),
        ..Connection::default()
    }
    .client()
    .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("b24-cmd-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ids_in(path: &Path) -> Vec<i64> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let item: Value = serde_json::from_str(l).unwrap();
            item["ID"].as_str().unwrap().parse().unwrap()
        })
        .collect()
}

fn page(method: &str) -> MethodInfo {
    MethodInfo::lookup(method, Some(&Docs::new(shipped_pages())))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_resumes_after_its_last_complete_line() {
    let portal = portal().await;
    let ids = portal.insert_many(
        Entity::Lead,
        1_000,
        |i| json!({"TITLE": format!("lead {i}"), "OPPORTUNITY": i % 10}),
    );
    let dir = scratch("export-resume");
    let mut job = ExportJob::new("crm.lead.list", dir.join("leads.jsonl"));
    job.filter = Some(json!({">=OPPORTUNITY": 5}));
    job.select = vec!["TITLE".into(), "OPPORTUNITY".into()];
    job.pages_per_request = 3;
    let wanted: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| (id - ids[0]) % 10 >= 5)
        .collect();
    export(&client(&portal), &job, &mut |_| {}).await.unwrap();
    assert_eq!(ids_in(&job.out), wanted);

    // A run killed after 123 lines and half of the next.
    let text = std::fs::read_to_string(&job.out).unwrap();
    let mut cut: String = text.lines().take(123).map(|l| format!("{l}\n")).collect();
    let torn = text.lines().nth(123).unwrap();
    cut.push_str(&torn[..torn.len() / 2]);
    std::fs::write(&job.out, cut).unwrap();
    std::fs::write(
        checkpoint_path(&job.out),
        json!({"method": "crm.lead.list", "params": job.params(), "last_id": wanted[99], "items": 100, "done": false})
            .to_string(),
    )
    .unwrap();
    job.resume = true;
    let summary = export(&client(&portal), &job, &mut |_| {}).await.unwrap();
    assert_eq!(summary.resumed_after, Some(wanted[122]));
    assert_eq!(summary.written as usize, wanted.len() - 123);
    assert_eq!(ids_in(&job.out), wanted, "each item once, in order");

    // Resuming a finished export writes nothing.
    let again = export(&client(&portal), &job, &mut |_| {}).await.unwrap();
    assert_eq!((again.written, again.items), (0, wanted.len() as u64));
    assert_eq!(again.requests, 1);

    // Another filter is another export: refused.
    job.filter = Some(json!({">=OPPORTUNITY": 7}));
    let refused = export(&client(&portal), &job, &mut |_| {})
        .await
        .unwrap_err();
    assert!(refused.contains("not this export"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_over_many_ranges_writes_what_one_range_writes() {
    let portal = portal().await;
    let ids = portal.insert_many(
        Entity::Lead,
        3_000,
        |i| json!({"TITLE": format!("lead {i}"), "OPPORTUNITY": i % 7}),
    );
    let dir = scratch("export-ranges");
    let mut outputs = Vec::new();
    for ranges in [1, 5] {
        let mut job = ExportJob::new("crm.lead.list", dir.join(format!("leads-{ranges}.jsonl")));
        job.filter = Some(json!({"!OPPORTUNITY": 3}));
        job.select = vec!["TITLE".into()];
        job.pages_per_request = 4;
        job.ranges = ranges;
        export(&client(&portal), &job, &mut |_| {}).await.unwrap();
        outputs.push(std::fs::read_to_string(&job.out).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
    let wanted: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| (id - ids[0]) % 7 != 3)
        .collect();
    assert_eq!(ids_in(&dir.join("leads-5.jsonl")), wanted);
    // Out of bounds, the count is refused before any request.
    for bad in ["0", "65", "many"] {
        let args = ["export", "crm.lead.list", "--out"]
            .into_iter()
            .map(String::from)
            .chain([dir.join("refused.jsonl").display().to_string()])
            .chain(["--ranges".to_string(), bad.to_string()])
            .collect();
        let output = b24(args, vec![("B24_WEBHOOK_URL", portal.webhook_url())]).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_ne!(output.status.code(), Some(0), "{bad}: {stderr}");
        assert!(stderr.contains("--ranges"), "{bad}: {stderr}");
    }
    assert!(!dir.join("refused.jsonl").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_counts_on_request_and_reports_progress() {
    let portal = portal().await;
    portal.insert_many(Entity::Contact, 120, |i| json!({"NAME": format!("c{i}")}));
    let dir = scratch("export-count");
    let mut job = ExportJob::new("crm.contact.list", dir.join("contacts.jsonl"));
    job.count = true;
    let mut seen: Vec<ExportProgress> = Vec::new();
    let summary = export(&client(&portal), &job, &mut |p| seen.push(*p))
        .await
        .unwrap();
    assert_eq!(summary.items, 120);
    // One count, the probe (the first page and the highest IDs), then the
    // one range above the first page.
    assert_eq!(summary.requests, 3);
    let last = seen.last().unwrap();
    assert!(last.done);
    assert_eq!((last.items, last.total), (120, Some(120)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_are_checked_against_the_page_before_any_request() {
    let portal = portal().await;
    let client = client(&portal);
    let info = page("crm.lead.contact.items.set");
    assert!(info.page.is_some());
    let refused = call(&client, &info, json!({"id": 1}), CallOptions::default())
        .await
        .unwrap_err();
    match refused {
        CallFailure::Invalid(problems) => {
            assert_eq!(problems, ["required parameter `items` is missing"])
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(portal.counters().requests, 0, "nothing was sent");

    let add = page("crm.lead.add");
    let envelope = call(
        &client,
        &add,
        json!({"fields": {"TITLE": "by call"}}),
        CallOptions::default(),
    )
    .await
    .unwrap();
    let id = envelope.result.as_i64().unwrap();
    assert_eq!(portal.record(Entity::Lead, id).unwrap()["TITLE"], "by call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_may_have_run_is_reported_unknown_and_not_repeated() {
    let portal = Emulator::start(Config::unlimited().faults(Faults {
        drop_after: 1.0,
        ..Faults::none()
    }))
    .await
    .unwrap();
    let client = client(&portal);
    let failure = call(
        &client,
        &page("crm.lead.add"),
        json!({"fields": {"TITLE": "once"}}),
        CallOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(failure, CallFailure::Call(CallError::OutcomeUnknown(_))),
        "{failure:?}"
    );
    assert_eq!(portal.counters().requests, 1);
    assert_eq!(portal.count(Entity::Lead), 1, "it ran once, and only once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_reports_every_line_and_resumes_only_what_is_not_ok() {
    let portal = portal().await;
    let dir = scratch("import-resume");
    let input = dir.join("in.jsonl");
    std::fs::write(
        &input,
        [
            r#"{"fields": {"TITLE": "one"}}"#,
            "",
            r#"{"fields": {"TITLE": "three"}}"#,
            "not json",
            r#"{"params": {}}"#,
            r#"["an", "array"]"#,
            r#"{"fields": {"TITLE": "seven"}}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let client = client(&portal);
    let mut job = ImportJob::new(page("crm.lead.add"), &input, dir.join("report.jsonl"));
    let summary = import(&client, &job, &mut |_| {}).await.unwrap();
    assert_eq!(
        (summary.lines, summary.ok, summary.error, summary.unknown),
        (6, 3, 3, 0)
    );
    assert_eq!(portal.count(Entity::Lead), 3);
    let report = std::fs::read_to_string(&job.report).unwrap();
    let lines: Vec<Value> = report
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let numbers: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(
        numbers,
        [1, 3, 4, 5, 6, 7],
        "input order, blank line skipped"
    );
    assert_eq!(lines[0]["status"], "ok");
    assert!(lines[0]["result"].is_number() && lines[0]["error"].is_null());
    assert_eq!(lines[2]["error"]["code"], "INVALID_LINE");
    assert_eq!(lines[3]["error"]["code"], "INVALID_PARAMS");
    assert!(lines[3]["error"]["description"]
        .as_str()
        .unwrap()
        .contains("`fields`"));

    // Without --resume an existing report is never overwritten.
    let refused = import(&client, &job, &mut |_| {}).await.unwrap_err();
    assert!(refused.contains("--resume"), "{refused}");

    // Fix the bad lines; a resumed run sends only them.
    std::fs::write(
        &input,
        [
            r#"{"fields": {"TITLE": "one"}}"#,
            "",
            r#"{"fields": {"TITLE": "three"}}"#,
            r#"{"fields": {"TITLE": "four"}}"#,
            r#"{"fields": {"TITLE": "five"}}"#,
            r#"{"fields": {"TITLE": "six"}}"#,
            r#"{"fields": {"TITLE": "seven"}}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    job.resume = true;
    let before = portal.counters().requests;
    let summary = import(&client, &job, &mut |_| {}).await.unwrap();
    assert_eq!((summary.sent, summary.kept, summary.ok), (3, 3, 6));
    assert_eq!(portal.counters().requests, before + 1, "one batch");
    assert_eq!(portal.count(Entity::Lead), 6, "no line created twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_import_never_sends_an_unsafe_line_twice() {
    let portal = portal().await;
    let dir = scratch("import-killed");
    let input = dir.join("in.jsonl");
    let text: String = (1..=10)
        .map(|n| format!("{}\n", json!({"fields": {"TITLE": format!("t{n}")}})))
        .collect();
    std::fs::write(&input, text).unwrap();
    // The journal of a run killed mid-request: lines 1-2 answered, 3-4 in
    // flight, 5 failed, the rest never reached (and a torn last entry).
    let journal = [
        ReportLine::from_json(&json!({"line": 1, "status": "ok", "result": 101, "error": null})),
        ReportLine::from_json(&json!({"line": 2, "status": "ok", "result": 102, "error": null})),
        ReportLine::from_json(
            &json!({"line": 3, "status": "unknown", "result": null, "error": {"code": "IN_FLIGHT"}}),
        ),
        ReportLine::from_json(
            &json!({"line": 4, "status": "unknown", "result": null, "error": {"code": "IN_FLIGHT"}}),
        ),
        ReportLine::from_json(
            &json!({"line": 5, "status": "error", "result": null, "error": {"code": "NOT_FOUND"}}),
        ),
    ];
    let mut text: String = journal
        .iter()
        .map(|l| format!("{}\n", l.clone().unwrap().to_line()))
        .collect();
    text.push_str(r#"{"line": 6, "sta"#);
    let report = dir.join("report.jsonl");
    std::fs::write(&report, text).unwrap();

    let client = client(&portal);
    let mut job = ImportJob::new(page("crm.lead.add"), &input, &report);
    job.resume = true;
    let summary = import(&client, &job, &mut |_| {}).await.unwrap();
    assert_eq!((summary.sent, summary.kept), (6, 4));
    let titles: Vec<String> = portal
        .records(Entity::Lead)
        .iter()
        .map(|r| r["TITLE"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, ["t5", "t6", "t7", "t8", "t9", "t10"]);
    let after = read_report(&report).unwrap();
    assert_eq!(after.len(), 10);
    assert_eq!(
        after[&3].status,
        Status::Unknown,
        "still unknown: never resent"
    );
    assert_eq!(summary.unknown, 2);

    // Once checked by hand, --retry-unknown sends them.
    job.retry_unknown = true;
    let summary = import(&client, &job, &mut |_| {}).await.unwrap();
    assert_eq!((summary.sent, summary.ok), (2, 10));
    assert_eq!(portal.count(Entity::Lead), 8);
}

/// Runs the `b24` binary with `args`, off the async threads.
async fn b24(args: Vec<String>, env: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_b24"))
            .args(args)
            .env_remove("B24_WEBHOOK_URL")
            .env_remove("B24_DOCS")
            .env_remove("B24_RATE_LIMIT")
            .envs(env)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_calls_exports_and_imports() {
    let portal = portal().await;
    let lead = portal.insert(Entity::Lead, json!({"TITLE": "first"}));
    let docs = shipped_pages().display().to_string();
    let env = vec![
        ("B24_WEBHOOK_URL", portal.webhook_url()),
        ("B24_DOCS", docs.clone()),
    ];

    let out = b24(
        strings(&["call", "crm.lead.get", &format!(r#"{{"id": {lead}}}"#)]),
        env.clone(),
    )
    .await;
    assert!(out.status.success(), "{out:?}");
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["TITLE"], "first");

    let out = b24(strings(&["call", "crm.lead.get", "{}"]), env.clone()).await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("required parameter `id` is missing"),
        "{stderr}"
    );

    let out = b24(
        strings(&["call", "crm.lead.get", r#"{"id": 999}"#]),
        env.clone(),
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOT_FOUND"));

    let dir = scratch("binary");
    let input = dir.join("in.jsonl");
    std::fs::write(
        &input,
        format!(
            "{}\n{}\n",
            json!({"id": lead, "fields": {"TITLE": "renamed"}}),
            json!({"id": 999_999, "fields": {"TITLE": "nobody"}})
        ),
    )
    .unwrap();
    let report = dir.join("report.jsonl");
    let out = b24(
        strings(&[
            "import",
            "crm.lead.update",
            "--in",
            input.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ]),
        env.clone(),
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "a line failed: {out:?}");
    let lines = read_report(&report).unwrap();
    assert_eq!(lines[&1].status, Status::Ok);
    assert_eq!(lines[&2].status, Status::Error);
    assert_eq!(lines[&2].error["code"], "NOT_FOUND");

    let exported = dir.join("leads.jsonl");
    let out = b24(
        strings(&[
            "export",
            "crm.lead.list",
            "--select",
            "TITLE",
            "--out",
            exported.to_str().unwrap(),
        ]),
        env.clone(),
    )
    .await;
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&exported).unwrap();
    let item: Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(item, json!({"ID": lead.to_string(), "TITLE": "renamed"}));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 items"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_refused_off_loopback_without_showing_the_key() {
    let out = b24(
        strings(&[
            "call",
            "crm.lead.list",
            "--webhook",
            "http://portal.example.com/rest/1/sekrit-key-123/",
        ]),
        Vec::new(),
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refusing plain http://"), "{stderr}");
    assert!(!stderr.contains("sekrit"), "{stderr}");

    let out = b24(
        strings(&["export", "crm.lead.list", "--out", "x.jsonl"]),
        Vec::new(),
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("B24_WEBHOOK_URL"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_never_overwrites_an_existing_output_without_force() {
    let portal = portal().await;
    let lead = portal.insert(Entity::Lead, json!({"TITLE": "only"}));
    let dir = scratch("export-existing");
    let out = dir.join("leads.jsonl");
    std::fs::write(&out, "keep me\n").unwrap();
    let mut job = ExportJob::new("crm.lead.list", &out);
    let refused = export(&client(&portal), &job, &mut |_| {})
        .await
        .unwrap_err();
    assert!(refused.contains("exists: pass --resume"), "{refused}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me\n");

    let env = vec![("B24_WEBHOOK_URL", portal.webhook_url())];
    let path = out.to_str().unwrap();
    let output = b24(
        strings(&["export", "crm.lead.list", "--out", path]),
        env.clone(),
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me\n");
    let both = strings(&[
        "export",
        "crm.lead.list",
        "--out",
        path,
        "--resume",
        "--force",
    ]);
    assert_eq!(b24(both, env.clone()).await.status.code(), Some(2));

    job.force = true;
    export(&client(&portal), &job, &mut |_| {}).await.unwrap();
    assert_eq!(ids_in(&out), [lead]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_and_deadlines_that_are_not_seconds_are_refused() {
    for (flag, value) in [
        ("--timeout", "1e308"),
        ("--deadline", "inf"),
        ("--timeout", "0"),
    ] {
        let out = b24(
            strings(&[
                "call",
                "crm.lead.get",
                "--webhook",
                "http://127.0.0.1:9/rest/1/k/",
                flag,
                value,
            ]),
            Vec::new(),
        )
        .await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("invalid value '{value}' for '{flag} <SECS>'"))
                && stderr.contains("expected seconds"),
            "{stderr}"
        );
    }
}
