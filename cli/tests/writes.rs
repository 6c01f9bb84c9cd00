//! Every write `b24` makes can fail (a full disk, a reader gone): each
//! failure is an error status with a message where one can be written,
//! never a panic and never a success.

use std::fs::OpenOptions;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use bitrix24_testkit::rogue::{Act, RoguePortal};
use bitrix24_testkit::{Config, Emulator, Entity};
use serde_json::json;

const PAGE: &str =
    "docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md";

fn page() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(PAGE)
        .display()
        .to_string()
}

/// `/dev/full`: every write fails with "no space left".
fn full() -> Stdio {
    Stdio::from(OpenOptions::new().write(true).open("/dev/full").unwrap())
}

/// A pipe whose reader has gone: every write fails with "broken pipe".
fn gone() -> Stdio {
    let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
    let writer = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    Stdio::from(writer)
}

fn run(args: &[&str], stdout: Stdio, stderr: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_b24"))
        .args(args)
        .env_remove("B24_WEBHOOK_URL")
        .env_remove("B24_DOCS")
        .env_remove("B24_RATE_LIMIT")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .unwrap()
}

/// Fails unless `output` is an error status with `message` on stderr.
fn failed_saying(output: &Output, message: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_full_disk_or_a_reader_gone_on_stdout_is_an_error() {
    let page = page();
    let full_disk = "cannot write to stdout: No space left on device";
    failed_saying(&run(&["--help"], full(), Stdio::piped()), full_disk);
    failed_saying(&run(&["expand", &page], full(), Stdio::piped()), full_disk);
    failed_saying(&run(&["inspect", &page], full(), Stdio::piped()), full_disk);
    let broken = "cannot write to stdout: Broken pipe";
    failed_saying(&run(&["expand", &page], gone(), Stdio::piped()), broken);
    failed_saying(&run(&["--help"], gone(), Stdio::piped()), broken);
    // The reports of `check` and `diff` too.
    let dir = Path::new(&page).parent().unwrap().display().to_string();
    for json in [false, true] {
        let mut args = vec!["check", dir.as_str(), "--no-build"];
        if json {
            args.push("--json");
        }
        failed_saying(&run(&args, full(), Stdio::piped()), full_disk);
    }
    failed_saying(
        &run(&["diff", &dir, &dir], full(), Stdio::piped()),
        full_disk,
    );
}

#[test]
fn a_reader_gone_on_stderr_is_an_error_status_not_a_panic() {
    // Nothing can be said; the status must still tell.
    for args in [
        &["no-such-command"][..],
        &[][..],
        &["expand", "missing.md"][..],
    ] {
        let output = run(args, Stdio::null(), gone());
        assert_eq!(output.status.code(), Some(2), "{args:?}: not a panic (101)");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_whose_result_cannot_be_written_fails() {
    let portal = RoguePortal::start(|_| Act::json(200, &json!({"result": {"ID": "1"}})))
        .await
        .unwrap();
    let url = portal.webhook_url();
    let output = tokio::task::spawn_blocking(move || {
        run(
            &["call", "crm.lead.get", r#"{"id": 1}"#, "--webhook", &url],
            full(),
            Stdio::piped(),
        )
    })
    .await
    .unwrap();
    failed_saying(&output, "b24 call: cannot write to stdout");
    assert_eq!(portal.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_whose_progress_cannot_be_shown_writes_its_file_and_fails() {
    let portal = Emulator::start(Config::unlimited().seed(5)).await.unwrap();
    portal.insert_many(Entity::Lead, 3, |i| json!({"TITLE": format!("lead {i}")}));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("b24-writes-export");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("leads.jsonl").display().to_string();
    let url = portal.webhook_url();
    let output = tokio::task::spawn_blocking(move || {
        run(
            &["export", "crm.lead.list", "--out", &out, "--webhook", &url],
            Stdio::null(),
            gone(),
        )
    })
    .await
    .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "stderr was gone: not a success"
    );
    let lines = std::fs::read_to_string(dir.join("leads.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 3);
}
