//! `b24 call`, `export` and `import` against a portal that misbehaves below
//! the protocol (the testkit's `RoguePortal`): each run ends within its
//! deadline with a clear error, no secret in any output, and nothing
//! written or sent twice. Each case prints how long it took
//! (`cargo test -p b24 --test misbehaving -- --nocapture`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use bitrix24_testkit::rogue::{Act, RoguePortal, ROGUE_WEBHOOK_KEY};
use serde_json::json;

/// The bound every run must end within, generous for a loaded machine.
const BOUND: Duration = Duration::from_secs(10);

/// Runs the `b24` binary with `args`, killing it and failing the test if it
/// outlives [`BOUND`].
async fn b24(case: &str, args: Vec<String>) -> (Output, Duration) {
    let case = case.to_string();
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let child = Command::new(env!("CARGO_BIN_EXE_b24"))
            .args(&args)
            .env_remove("B24_WEBHOOK_URL")
            .env_remove("B24_DOCS")
            .env_remove("B24_RATE_LIMIT")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let (done, wait) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(child.wait_with_output()));
        let Ok(output) = wait.recv_timeout(BOUND) else {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("{case}: b24 still running after {BOUND:?}");
        };
        let took = started.elapsed();
        println!("{case}: ended in {took:.2?}");
        (output.unwrap(), took)
    })
    .await
    .unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("b24-rogue-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Stdout and stderr together, checked to hold no secret.
fn shown(output: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !text.contains(ROGUE_WEBHOOK_KEY),
        "the key is shown: {text}"
    );
    assert!(!text.contains("panicked"), "{text}");
    text
}

async fn export(
    case: &str,
    portal: &RoguePortal,
    out: &Path,
    flags: &[&str],
) -> (Output, Duration) {
    let url = portal.webhook_url();
    let mut args = strings(&["export", "crm.lead.list", "--out", out.to_str().unwrap()]);
    args.extend(strings(&[
        "--webhook",
        &url,
        "--rate-limit",
        "none",
        "--quiet",
    ]));
    args.extend(strings(flags));
    b24(case, args).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_whose_answers_do_not_advance_ends_with_an_error_and_writes_nothing() {
    let dir = scratch("stall");
    let answers = [
        json!({"result": {}}),
        json!({"result": 5}),
        json!({"result": "x"}),
        json!({"result": {"result": [], "result_error": []}}),
    ];
    for (i, answer) in answers.into_iter().enumerate() {
        let body = answer.clone();
        let portal = RoguePortal::start(move |_| Act::json(200, &body))
            .await
            .unwrap();
        let out = dir.join(format!("{i}.jsonl"));
        let (output, _) = export(&format!("export of {answer}"), &portal, &out, &[]).await;
        let text = shown(&output);
        assert_eq!(output.status.code(), Some(1), "{answer}: {text}");
        assert!(text.contains("go on with --resume"), "{text}");
        let sent = portal.requests().len();
        assert!((1..=3).contains(&sent), "{answer}: {sent} requests");
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "",
            "no line written"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_of_an_endless_body_stops_at_the_default_ceiling_once() {
    let portal = RoguePortal::start(|_| Act::Endless).await.unwrap();
    let out = scratch("endless").join("leads.jsonl");
    let (output, _) = export("export of an endless body", &portal, &out, &[]).await;
    let text = shown(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("larger than the client accepts (64 MiB)"),
        "{text}"
    );
    assert_eq!(portal.requests().len(), 1, "neither retried nor restarted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_on_a_silent_portal_ends_at_the_deadline_without_restarting() {
    let portal = RoguePortal::start(|_| Act::Silent).await.unwrap();
    let out = scratch("silent").join("leads.jsonl");
    let flags = ["--timeout", "0.5", "--deadline", "2"];
    let (output, took) = export("export on a silent portal", &portal, &out, &flags).await;
    let text = shown(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    let sent = portal.requests().len();
    assert!(sent >= 2, "{text}");
    assert!(
        text.contains(&format!("gave up after {sent} attempts")),
        "{text}"
    );
    assert!(text.contains("deadline (2 s) is spent"), "{text}");
    assert!(took < Duration::from_secs(4), "{took:?}");
}

/// One `b24 call` against one misbehaviour: the status and what stderr says.
struct Case {
    name: &'static str,
    act: Act,
    method: &'static str,
    code: i32,
    says: &'static str,
    requests: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_end_clearly_whatever_the_portal_does() {
    let cases = [
        Case {
            name: "invalid JSON",
            act: Act::text(200, "{\"result\": [1,"),
            method: "crm.lead.get",
            code: 1,
            says: "the body is not JSON",
            requests: 1,
        },
        Case {
            name: "a 404 page",
            act: Act::text(404, "<html><h1>Not Found</h1></html>"),
            method: "crm.lead.get",
            code: 1,
            says: "HTTP 404 Not Found: the answer is not JSON; it starts `<html><h1>Not Found</h1>",
            requests: 1,
        },
        Case {
            name: "slow drip, read",
            act: Act::Drip {
                every: Duration::from_millis(50),
            },
            method: "crm.lead.get",
            code: 1,
            says: "deadline (1.5 s) is spent",
            requests: 0,
        },
        Case {
            name: "closed mid-body, write",
            act: Act::CloseMidBody {
                announced: 100,
                body: b"{\"res".to_vec(),
            },
            method: "crm.lead.add",
            code: 3,
            says: "outcome unknown",
            requests: 1,
        },
        Case {
            name: "silent, write",
            act: Act::Silent,
            method: "crm.lead.add",
            code: 3,
            says: "no complete answer within 300 ms (1 attempt)",
            requests: 1,
        },
    ];
    for case in cases {
        let act = case.act.clone();
        let portal = RoguePortal::start(move |_| act.clone()).await.unwrap();
        let args = strings(&[
            "call",
            case.method,
            r#"{"id": 1, "fields": {"TITLE": "x"}}"#,
            "--webhook",
            &portal.webhook_url(),
            "--timeout",
            "0.3",
            "--deadline",
            "1.5",
        ]);
        let (output, _) = b24(case.name, args).await;
        let text = shown(&output);
        assert_eq!(
            output.status.code(),
            Some(case.code),
            "{}: {text}",
            case.name
        );
        assert!(text.contains(case.says), "{}: {text}", case.name);
        if case.requests > 0 {
            assert_eq!(portal.requests().len(), case.requests, "{}", case.name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_elsewhere_and_echoed_secrets_show_no_key() {
    let elsewhere = RoguePortal::start(|_| Act::json(200, &json!({"result": 1})))
        .await
        .unwrap();
    let to = elsewhere.origin();
    let portal = RoguePortal::start(move |seen| Act::redirect(302, format!("{to}{}", seen.path)))
        .await
        .unwrap();
    let args = strings(&["call", "crm.lead.get", "--webhook", &portal.webhook_url()]);
    let (output, _) = b24("cross-origin redirect", args).await;
    let text = shown(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "redirected to another origin ({})",
            elsewhere.origin()
        )),
        "{text}"
    );
    assert!(elsewhere.requests().is_empty(), "nothing went elsewhere");

    let echo = RoguePortal::start(|seen| {
        Act::json(
            400,
            &json!({"error": "INVALID_REQUEST", "error_description": format!("no such URL {}", seen.path)}),
        )
    })
    .await
    .unwrap();
    let args = strings(&["call", "crm.lead.get", "--webhook", &echo.webhook_url()]);
    let (output, _) = b24("echoed key", args).await;
    let text = shown(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("no such URL /rest/1/***/crm.lead.get"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_on_a_silent_portal_sends_each_line_once_and_reports_it_unknown() {
    let portal = RoguePortal::start(|_| Act::Silent).await.unwrap();
    let dir = scratch("import-silent");
    let input = dir.join("in.jsonl");
    let report = dir.join("report.jsonl");
    let lines: String = (0..3)
        .map(|i| format!("{}\n", json!({"fields": {"TITLE": format!("lead {i}")}})))
        .collect();
    std::fs::write(&input, lines).unwrap();
    let args = strings(&[
        "import",
        "crm.lead.add",
        "--in",
        input.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "--webhook",
        &portal.webhook_url(),
        "--timeout",
        "0.5",
        "--deadline",
        "2",
    ]);
    let (output, _) = b24("import on a silent portal", args).await;
    let text = shown(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_eq!(portal.requests().len(), 1, "one batch, sent once");
    let report = std::fs::read_to_string(&report).unwrap();
    let statuses: Vec<String> = report
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["status"].to_string())
        .collect();
    assert_eq!(statuses, ["\"unknown\""; 3], "{report}");
}
