//! Acceptance of `b24 export` and `b24 import` against the testkit's
//! emulated portal on loopback: with faults (10% 500s, 5% dropped
//! connections, half before and half after the call ran, and a leaky bucket
//! of 20/s burst 50), and without them, counting requests.
//!
//! Every emulator is seeded, so a run is reproducible. Figures go to stdout
//! (`cargo test -p b24 --test acceptance -- --nocapture`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use b24_cli::commands::export::{export, ExportJob};
use b24_cli::commands::import::{import, read_report, ImportJob, Status};
use b24_cli::commands::remote::{Connection, MethodInfo};
use bitrix24::{Client, RateLimit};
use bitrix24_testkit::emulator::{Binding, Config, Emulator, Entity, Faults};
use serde_json::{json, Value};

fn faults() -> Faults {
    Faults {
        error_500: 0.10,
        drop_before: 0.025,
        drop_after: 0.025,
        ..Faults::none()
    }
}

async fn faulty_portal(seed: u64) -> Emulator {
    Emulator::start(
        Config::default()
            .rate_limit(50, 20.0)
            .faults(faults())
            .seed(seed),
    )
    .await
    .unwrap()
}

async fn calm_portal() -> Emulator {
    Emulator::start(Config::default().rate_limit(50, 20.0).seed(11))
        .await
        .unwrap()
}

fn client(portal: &Emulator) -> Client {
    Connection {
        webhook: Some(portal.webhook_url()),
        rate_limit: Some(RateLimit::new(50, 20.0)),
        ..Connection::default()
    }
    .client()
    .unwrap()
}

/// A fresh scratch directory under the target dir.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("b24-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn id_of(item: &Value) -> i64 {
    match &item["ID"] {
        Value::String(s) => s.parse().unwrap(),
        other => other.as_i64().unwrap(),
    }
}

fn write_input(path: &Path, lines: impl Iterator<Item = Value>) {
    let text: String = lines.map(|l| format!("{l}\n")).collect();
    std::fs::write(path, text).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exporting_20000_leads_under_faults_returns_each_exactly_once() {
    let portal = faulty_portal(21).await;
    let ids = portal.insert_many(
        Entity::Lead,
        20_000,
        |i| json!({"TITLE": format!("lead {i}")}),
    );
    let dir = scratch("export-faults");
    let mut job = ExportJob::new("crm.lead.list", dir.join("leads.jsonl"));
    job.select = vec!["TITLE".into()];
    let started = std::time::Instant::now();
    let summary = export(&client(&portal), &job, &mut |_| {}).await.unwrap();
    let elapsed = started.elapsed();

    let lines = read_lines(&job.out);
    let got: Vec<i64> = lines.iter().map(id_of).collect();
    assert_eq!(got.len(), 20_000);
    assert_eq!(got, ids, "every lead exactly once, in ID order");
    assert!(lines.iter().all(|l| l["TITLE"].is_string()));
    let counters = portal.counters();
    println!(
        "export under faults: {} items, {} requests ({} 500s, {} dropped before, {} after, {} QUERY_LIMIT_EXCEEDED), {} restarts, {elapsed:?}",
        summary.items,
        counters.requests,
        counters.injected_500,
        counters.dropped_before,
        counters.dropped_after,
        counters.query_limit_exceeded,
        summary.restarts,
    );
    assert!(
        counters.injected_500 + counters.dropped_before + counters.dropped_after > 0,
        "the faults must have hit: {counters:?}"
    );
    let checkpoint: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("leads.jsonl.checkpoint")).unwrap())
            .unwrap();
    assert_eq!(checkpoint["last_id"], json!(ids[ids.len() - 1]));
    assert_eq!(checkpoint["done"], json!(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_2000_leads_under_faults_never_duplicates_and_loses_nothing() {
    let portal = faulty_portal(27).await;
    let dir = scratch("import-adds");
    let input = dir.join("leads.jsonl");
    write_input(
        &input,
        (1..=2_000).map(|n| json!({"fields": {"TITLE": format!("import {n}"), "OPPORTUNITY": n}})),
    );
    let client = client(&portal);
    let mut job = ImportJob::new(
        MethodInfo::new("crm.lead.add", None),
        &input,
        dir.join("report.jsonl"),
    );
    let started = std::time::Instant::now();
    let summary = import(&client, &job, &mut |_| {}).await.unwrap();
    let elapsed = started.elapsed();

    // What the portal holds, by title.
    let mut stored: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for record in portal.records(Entity::Lead) {
        let title = record["TITLE"].as_str().unwrap().to_string();
        stored.entry(title).or_default().push(id_of(&record));
    }
    let duplicates = stored.values().filter(|ids| ids.len() > 1).count();
    assert_eq!(duplicates, 0, "no lead was created twice");

    let report = read_report(&job.report).unwrap();
    assert_eq!(report.len(), 2_000, "one report line per input line");
    assert_eq!(
        std::fs::read_to_string(&job.report)
            .unwrap()
            .lines()
            .count(),
        2_000,
        "the final report holds each line once"
    );
    let (mut ok, mut unknown_created, mut unknown_absent, mut lost) = (0, 0, 0, 0);
    for (line, entry) in &report {
        let created = stored.get(&format!("import {line}"));
        match entry.status {
            Status::Ok => {
                ok += 1;
                let ids = created.unwrap_or_else(|| panic!("line {line} is ok but absent"));
                assert_eq!(json!(ids[0]), entry.result, "line {line}: the reported ID");
            }
            Status::Unknown if created.is_some() => unknown_created += 1,
            Status::Unknown => unknown_absent += 1,
            Status::Error => {
                assert!(created.is_none(), "line {line} is an error but was created");
                lost += 1;
            }
        }
    }
    let counters = portal.counters();
    println!(
        "import crm.lead.add under faults: {ok} ok, {} unknown ({unknown_created} created, {unknown_absent} not), {lost} error, duplicates {duplicates}; \
         {} requests ({} 500s, {} dropped before, {} after, {} QUERY_LIMIT_EXCEEDED), {elapsed:?}",
        unknown_created + unknown_absent,
        counters.requests,
        counters.injected_500,
        counters.dropped_before,
        counters.dropped_after,
        counters.query_limit_exceeded,
    );
    assert_eq!(summary.ok, ok);
    assert_eq!(summary.unknown, unknown_created + unknown_absent);
    assert_eq!(
        stored.len() as u64,
        ok + unknown_created,
        "every stored lead is an ok line or an unknown one"
    );
    // Each faulted request carried 50 lines: applied ones when the
    // connection dropped after the call ran, not applied for the others.
    assert_eq!(unknown_created, 50 * counters.dropped_after);
    assert_eq!(
        unknown_absent,
        50 * (counters.injected_500 + counters.dropped_before)
    );
    assert!(summary.unknown > 0, "the faults must have hit");
    assert_eq!(counters.calls_for("crm.lead.add") as usize, stored.len());

    // A rerun touches only lines that are not ok; unknown adds stay unknown
    // (they may have run), so nothing is sent and nothing duplicated.
    job.resume = true;
    let before = portal.counters().requests;
    let again = import(&client, &job, &mut |_| {}).await.unwrap();
    assert_eq!(again.sent, lost);
    assert_eq!(again.kept, 2_000 - lost);
    if lost == 0 {
        assert_eq!(portal.counters().requests, before, "nothing to send");
    }
    assert_eq!(
        portal.count(Entity::Lead),
        stored.len() + again.ok as usize - ok as usize
    );
}

/// The links each input line asks for: two contacts, the second primary.
fn wanted_links(lead: i64, contacts: &[i64]) -> (Value, Vec<Binding>) {
    let first = (lead as usize * 7) % contacts.len();
    let a = contacts[first];
    let b = contacts[(first + 1 + lead as usize % 50) % contacts.len()];
    let line = json!({"id": lead, "items": [
        {"CONTACT_ID": a, "SORT": 10},
        {"CONTACT_ID": b, "SORT": 20, "IS_PRIMARY": "Y"},
    ]});
    let bindings = vec![
        Binding {
            contact_id: a,
            sort: 10,
            is_primary: false,
        },
        Binding {
            contact_id: b,
            sort: 20,
            is_primary: true,
        },
    ];
    (line, bindings)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setting_contacts_on_1000_leads_under_faults_ends_as_requested() {
    let portal = calm_portal().await;
    let leads = portal.insert_many(
        Entity::Lead,
        1_000,
        |i| json!({"TITLE": format!("lead {i}")}),
    );
    let contacts = portal.insert_many(Entity::Contact, 300, |i| json!({"NAME": format!("c{i}")}));
    let client = client(&portal);
    let dir = scratch("import-links");
    // Every third lead already has a link, which the import must replace.
    let old = dir.join("old.jsonl");
    write_input(
        &old,
        leads.iter().step_by(3).map(|&lead| {
            json!({"id": lead, "items": [{"CONTACT_ID": contacts[299], "IS_PRIMARY": "Y"}]})
        }),
    );
    let seeded = ImportJob::new(
        MethodInfo::new("crm.lead.contact.items.set", None),
        &old,
        dir.join("old-report.jsonl"),
    );
    assert!(import(&client, &seeded, &mut |_| {})
        .await
        .unwrap()
        .all_ok());
    assert_eq!(portal.bindings(Entity::Lead, leads[0]).len(), 1);
    portal.set_faults(faults());
    portal.reset_counters();

    let input = dir.join("links.jsonl");
    let mut expected = BTreeMap::new();
    write_input(
        &input,
        leads.iter().map(|&lead| {
            let (line, bindings) = wanted_links(lead, &contacts);
            expected.insert(lead, bindings);
            line
        }),
    );
    let mut job = ImportJob::new(
        MethodInfo::new("crm.lead.contact.items.set", None),
        &input,
        dir.join("report.jsonl"),
    );
    let started = std::time::Instant::now();
    let mut runs = Vec::new();
    // A `set` is safe to repeat: the runtime retries it, and a rerun with
    // --resume sends whatever is still not ok.
    for _ in 0..3 {
        let summary = import(&client, &job, &mut |_| {}).await.unwrap();
        runs.push(summary);
        if summary.all_ok() {
            break;
        }
        job.resume = true;
    }
    let elapsed = started.elapsed();
    let wrong: Vec<i64> = expected
        .iter()
        .filter(|(&lead, bindings)| portal.bindings(Entity::Lead, lead) != **bindings)
        .map(|(&lead, _)| lead)
        .collect();
    let counters = portal.counters();
    println!(
        "crm.lead.contact.items.set on 1,000 leads under faults: runs {:?}; {} requests ({} 500s, {} dropped before, {} after, {} QUERY_LIMIT_EXCEEDED), {} leads wrong, {elapsed:?}",
        runs.iter().map(|s| (s.sent, s.ok, s.error, s.unknown)).collect::<Vec<_>>(),
        counters.requests,
        counters.injected_500,
        counters.dropped_before,
        counters.dropped_after,
        counters.query_limit_exceeded,
        wrong.len(),
    );
    assert!(runs.last().unwrap().all_ok(), "{runs:?}");
    assert!(
        wrong.is_empty(),
        "leads without the requested links: {wrong:?}"
    );
    assert!(counters.injected_500 + counters.dropped_before + counters.dropped_after > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exporting_20000_leads_without_faults_takes_nine_requests() {
    let portal = calm_portal().await;
    let ids = portal.insert_many(
        Entity::Lead,
        20_000,
        |i| json!({"TITLE": format!("lead {i}")}),
    );
    let dir = scratch("export-calm");
    let job = ExportJob::new("crm.lead.list", dir.join("leads.jsonl"));
    let started = std::time::Instant::now();
    let summary = export(&client(&portal), &job, &mut |_| {}).await.unwrap();
    let elapsed = started.elapsed();
    let got: BTreeSet<i64> = read_lines(&job.out).iter().map(id_of).collect();
    assert_eq!(got.len(), 20_000);
    assert_eq!(got.into_iter().collect::<Vec<_>>(), ids);
    let counters = portal.counters();
    println!(
        "export without faults: {} items, {} HTTP requests (bound {}), {elapsed:?}",
        summary.items,
        counters.requests,
        1 + 20_000 / 2_500
    );
    assert!(counters.requests <= 1 + 20_000 / 2_500, "{counters:?}");
    assert_eq!(summary.requests, counters.requests);
}
