//! Throughput at the portal's limits, against the testkit emulator with the
//! documented bucket (burst 50, drained by 20 once per second, first drain a
//! whole second after the start: the worst phase for a burst).
//!
//! Sets contacts on 5,000 leads (`crm.lead.contact.items.set` through
//! `batch`, 100 requests of 50) and exports 20,000 leads (`crm.lead.list`
//! by ID, 50 pages per `batch`), each with requests one at a time (the
//! baseline: batch concurrency 1, one ID range) and concurrently (the
//! client's batch concurrency; [`ExportOptions::default`]'s ID ranges),
//! without and with 10 ms of portal work per command, and the export with
//! 100 ms too. Prints requests, `503`s, wall time, the time the bucket
//! allows (N requests need ceil((N - 50) / 20) s whatever the drain's
//! phase) and the ratios, all from the same run.
//!
//! Last, the client's CPU for an export of 20,000 leads of about 1.2 KB
//! each (`select: ["*"]`, no latency; the emulator on threads of its own,
//! the client's threads' CPU read from `/proc/self/task/*/schedstat` once
//! they are idle) against a bare `serde_json` parse of the same answers'
//! bytes into `Value`s, with items as `Value`, typed, and as raw JSON
//! (`Box<RawValue>`, what is written to a file as it came). The four run
//! in rounds, back to back, in a rotating order; each figure is the median
//! of the rounds' ratios to that round's parse.
//!
//! `cargo bench -p bitrix24 --bench pace` (`-- --test`: 1,000 leads, quick;
//! `BENCH_ONLY=export`: the exports alone; `BENCH_ONLY=cpu`: the CPU alone;
//! `B24_BENCH_RUNS`: rounds of the CPU measure, 5)

use std::time::{Duration, Instant};

use bitrix24::{Client, ExportOptions, ListSpec, Portal, RateLimit};
use bitrix24_testkit::emulator::{Config, Emulator, Entity, Faults};
use futures_util::StreamExt;
use serde_json::{json, Value};

bitrix24::bitrix_method!(
    "../docs-input/api-reference/crm/leads/management-communication/crm-lead-contact-items-set.md"
);

const BURST: u32 = 50;
const PER_SECOND: f64 = 20.0;
/// Batch requests in flight in the concurrent runs (`BENCH_CONCURRENCY` overrides).
const CONCURRENT: usize = 16;

/// One measured job.
struct Run {
    requests: u64,
    refused: u64,
    wall: Duration,
}

impl Run {
    fn allowed(&self) -> f64 {
        ((self.requests.saturating_sub(u64::from(BURST))) as f64 / PER_SECOND).ceil()
    }
}

async fn portal(per_command: Duration, leads: usize) -> (Emulator, Vec<i64>, Vec<i64>) {
    let faults = Faults {
        latency_per_command: per_command,
        ..Faults::none()
    };
    let config = Config::default()
        .rate_limit(BURST, PER_SECOND)
        .faults(faults);
    let portal = Emulator::start(config).await.unwrap();
    let leads = portal.insert_many(
        Entity::Lead,
        leads,
        |i| json!({"TITLE": format!("lead {i}")}),
    );
    let contacts = portal.insert_many(Entity::Contact, 500, |i| json!({"NAME": format!("c{i}")}));
    (portal, leads, contacts)
}

fn client(portal: &Emulator, concurrency: usize) -> Client {
    Client::builder(Portal::webhook(&portal.webhook_url()))
        .rate_limit(RateLimit::new(BURST, PER_SECOND))
        .batch_concurrency(concurrency)
        .build()
        .unwrap()
}

async fn set_contacts(per_command: Duration, leads: usize, concurrency: usize) -> Run {
    let (portal, leads, contacts) = portal(per_command, leads).await;
    let client = client(&portal, concurrency);
    let mut batch = bitrix24::Batch::new();
    let keys: Vec<_> = leads
        .iter()
        .enumerate()
        .map(|(i, lead)| {
            let params = crm_lead_contact_items_set::Params {
                id: *lead,
                items: vec![crm_lead_contact_items_set::Items {
                    contact_id: contacts[i % contacts.len()],
                    sort: Some(10),
                    is_primary: Some(true),
                }],
            };
            batch.add(&format!("l{i}"), params).unwrap()
        })
        .collect();
    let started = Instant::now();
    let results = client.batch(batch).await;
    let wall = started.elapsed();
    assert!(keys.iter().all(|k| results.get(k).unwrap().unwrap()));
    let counters = portal.counters();
    Run {
        requests: counters.requests,
        refused: counters.query_limit_exceeded,
        wall,
    }
}

/// Exports `leads` leads over `ranges` ID ranges at once (1: the baseline).
async fn export(per_command: Duration, leads: usize, ranges: usize) -> Run {
    let (portal, _, _) = portal(per_command, leads).await;
    portal.reset_counters();
    let client = client(&portal, 1);
    let spec = ListSpec::new("ID");
    let options = ExportOptions {
        pages_per_request: 50,
        ranges,
        ..ExportOptions::default()
    };
    let started = Instant::now();
    let mut stream = client.export_raw::<Value>(
        "crm.lead.list",
        json!({"select": ["ID", "TITLE"]}),
        spec,
        options,
    );
    let (mut seen, mut last) = (0usize, 0i64);
    while let Some(item) = stream.next().await {
        let item = item.unwrap();
        let id = item["ID"]
            .as_i64()
            .or_else(|| item["ID"].as_str()?.parse().ok())
            .unwrap();
        assert!(id > last, "each lead once, in ID order");
        last = id;
        seen += 1;
    }
    let wall = started.elapsed();
    assert_eq!(seen, leads);
    let counters = portal.counters();
    assert_eq!(
        stream.progress().requests,
        counters.requests - counters.query_limit_exceeded,
        "progress counts every answered request"
    );
    let counters = portal.counters();
    Run {
        requests: counters.requests,
        refused: counters.query_limit_exceeded,
        wall,
    }
}

fn report(job: &str, baseline: &Run, run: &Run) {
    report_as(job, "concurrent", baseline, run);
}

fn report_as(job: &str, name: &str, baseline: &Run, run: &Run) {
    let side = |run: &Run| {
        format!(
            "{} requests, {} x 503, {:.3} s",
            run.requests,
            run.refused,
            run.wall.as_secs_f64()
        )
    };
    let bucket = if run.allowed() > 0.0 {
        format!(
            "bucket allows {:.1} s: {:.2}x the bucket",
            run.allowed(),
            run.wall.as_secs_f64() / run.allowed()
        )
    } else {
        "within the burst".to_string()
    };
    println!(
        "{job}: baseline (1 in flight) {} | {name} {} | {bucket}; {:.2}x faster than the baseline",
        side(baseline),
        side(run),
        baseline.wall.as_secs_f64() / run.wall.as_secs_f64(),
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let (leads, exported) = if quick {
        (1_000, 2_000)
    } else {
        (5_000, 20_000)
    };
    let concurrency: usize = std::env::var("BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CONCURRENT);
    // `BENCH_ONLY=export`: the exports alone.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    if only == "cpu" {
        export_cpu(exported);
        return;
    }
    let exports_only = only == "export";
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let cpu_leads = exported;
    runtime.block_on(async {
        for per_command in [Duration::ZERO, Duration::from_millis(10)] {
            let label = format!("{} ms per command", per_command.as_millis());
            if exports_only {
                export_both(per_command, exported).await;
                continue;
            }
            let baseline = set_contacts(per_command, leads, 1).await;
            let run = set_contacts(per_command, leads, concurrency).await;
            report(
                &format!("set contacts on {leads} leads, {label}"),
                &baseline,
                &run,
            );
            export_both(per_command, exported).await;
        }
        export_both(Duration::from_millis(100), exported).await;
    });
    drop(runtime);
    export_cpu(cpu_leads);
}

/// CPU time (on-CPU nanoseconds) of this process's threads named `prefix*`.
fn threads_cpu(prefix: &str) -> Duration {
    let mut total = 0u64;
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    for task in tasks.flatten() {
        let path = task.path();
        let named = std::fs::read_to_string(path.join("comm"))
            .is_ok_and(|name| name.trim_end().starts_with(prefix));
        let on_cpu = std::fs::read_to_string(path.join("schedstat"))
            .ok()
            .and_then(|stat| stat.split_whitespace().next()?.parse::<u64>().ok());
        if let (true, Some(ns)) = (named, on_cpu) {
            total += ns;
        }
    }
    Duration::from_nanos(total)
}

/// CPU time of the calling thread, exact (`schedstat` lags a running
/// thread by up to a scheduler tick).
#[cfg(unix)]
fn own_cpu() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to write.
    let failed = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) } != 0;
    if failed {
        return Duration::ZERO;
    }
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// CPU time (on-CPU nanoseconds) of the calling thread.
#[cfg(not(unix))]
fn own_cpu() -> Duration {
    let ns = std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

/// The middle of `values`.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// How the CPU measure's export hands out items.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Value,
    Typed,
    Raw,
}

/// A lead of about 1.2 KB as `select: ["*"]` returns it.
fn fat_lead(i: usize) -> Value {
    json!({
        "TITLE": format!("lead {i} from the spring campaign"),
        "NAME": format!("Name{i}"),
        "LAST_NAME": format!("Surname{i}"),
        "COMMENTS": format!("{i}: {}", "called twice, asked for the price list and a demo; ".repeat(12)),
        "SOURCE_DESCRIPTION": "web form on the landing page",
        "OPPORTUNITY": "1500.00",
        "CURRENCY_ID": "EUR",
    })
}

/// Client CPU for exporting `leads` fat leads (8 ranges, `Value` items and
/// typed items) against a bare `serde_json` parse of the same bytes.
fn export_cpu(leads: usize) {
    let emulator = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("emulator")
        .enable_all()
        .build()
        .unwrap();
    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("client")
        .enable_all()
        .build()
        .unwrap();
    let portal = emulator.block_on(async {
        let portal = Emulator::start(Config::default()).await.unwrap();
        portal.insert_many(Entity::Lead, leads, fat_lead);
        portal
    });
    let client = Client::builder(Portal::webhook(&portal.webhook_url()))
        .rate_limit(RateLimit::UNLIMITED)
        .build()
        .unwrap();
    let params = json!({"select": ["*"]});
    // The answers of the same export, one range after another, kept as bytes.
    let bodies: Vec<String> = client_runtime.block_on(async {
        let mut bodies = Vec::new();
        let mut after = 0i64;
        loop {
            let mut cmd = serde_json::Map::new();
            for page in 0..50 {
                let bound = if page == 0 {
                    after.to_string()
                } else {
                    format!("$result[p{:02}][49][ID]", page - 1)
                };
                let query = bitrix24::query::encode(&json!({
                    "select": ["*"],
                    "filter": {">ID": bound},
                    "order": {"ID": "ASC"},
                    "start": -1,
                }));
                cmd.insert(
                    format!("p{page:02}"),
                    json!(format!("crm.lead.list?{query}")),
                );
            }
            let envelope = client
                .call_raw_with(
                    "batch",
                    bitrix24::ApiVersion::V2,
                    bitrix24::Retry::Read,
                    json!({"halt": 0, "cmd": cmd}),
                    bitrix24::CallOptions::default(),
                )
                .await
                .unwrap();
            let last = envelope.result["result"]
                .as_object()
                .and_then(|pages| {
                    pages
                        .values()
                        .filter_map(Value::as_array)
                        .next_back()
                        .cloned()
                })
                .and_then(|page| page.last()?.get("ID")?.as_str()?.parse().ok());
            bodies.push(envelope.body);
            match last {
                Some(last) if last > after && last < leads as i64 => after = last,
                _ => break,
            }
        }
        bodies
    });
    let bytes: usize = bodies.iter().map(String::len).sum();
    let rounds: usize = std::env::var("B24_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    // On-CPU time of this thread, as the client's is measured.
    let parse = || {
        let before = own_cpu();
        for body in &bodies {
            let value: Value = serde_json::from_str(body).unwrap();
            std::hint::black_box(value);
        }
        own_cpu() - before
    };
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Lead {
        #[serde(rename = "ID")]
        id: String,
        #[serde(rename = "TITLE")]
        title: Option<String>,
        #[serde(rename = "COMMENTS")]
        comments: Option<String>,
    }
    async fn drain<T: serde::de::DeserializeOwned>(mut stream: bitrix24::Items<T>) -> usize {
        let mut seen = 0;
        while let Some(item) = stream.next().await {
            std::hint::black_box(item.unwrap());
            seen += 1;
        }
        seen
    }
    let export = |mode: Mode| {
        let client = client.clone();
        let params = params.clone();
        let before = threads_cpu("client");
        let started = Instant::now();
        let seen = client_runtime.block_on(client_runtime.spawn(async move {
            let spec = ListSpec::new("ID");
            let options = ExportOptions::default();
            let method = "crm.lead.list";
            match mode {
                Mode::Value => {
                    drain(client.export_raw::<Value>(method, params, spec, options)).await
                }
                Mode::Typed => {
                    drain(client.export_raw::<Lead>(method, params, spec, options)).await
                }
                Mode::Raw => {
                    let stream = client.export_raw::<Box<serde_json::value::RawValue>>(
                        method, params, spec, options,
                    );
                    drain(stream).await
                }
            }
        }));
        assert_eq!(seen.unwrap(), leads);
        (threads_cpu("client") - before, started.elapsed())
    };
    let modes = [Mode::Value, Mode::Typed, Mode::Raw];
    let (mut parses, mut ratios, mut walls) =
        (Vec::new(), vec![Vec::new(); 3], vec![Vec::new(); 3]);
    for round in 0..rounds {
        // A rotating order, so no job always runs first or after the same one.
        let mut cpu = [Duration::ZERO; 3];
        let mut parsed = Duration::ZERO;
        for step in 0..4 {
            match (round + step) % 4 {
                3 => parsed = parse(),
                at => {
                    let (time, wall) = export(modes[at]);
                    cpu[at] = time;
                    walls[at].push(wall.as_secs_f64());
                }
            }
        }
        parses.push(parsed.as_secs_f64());
        for (at, time) in cpu.iter().enumerate() {
            ratios[at].push(time.as_secs_f64() / parsed.as_secs_f64());
        }
    }
    let parse = median(parses);
    let shown = |at: usize| {
        format!(
            "client CPU {:.2}x the parse (wall {:.3} s)",
            median(ratios[at].clone()),
            median(walls[at].clone())
        )
    };
    println!(
        "export CPU, {leads} leads ({:.1} MB in {} answers), medians of {rounds} rounds: bare serde_json parse {:.3} s | \
         export as Value: {} | typed: {} | raw JSON: {}",
        bytes as f64 / 1e6,
        bodies.len(),
        parse,
        shown(0),
        shown(1),
        shown(2),
    );
}

/// The export with one ID range and with the default ranges.
async fn export_both(per_command: Duration, leads: usize) {
    let ranges = ExportOptions::default().ranges;
    let baseline = export(per_command, leads, 1).await;
    let run = export(per_command, leads, ranges).await;
    report_as(
        &format!(
            "export {leads} leads, {} ms per command",
            per_command.as_millis()
        ),
        &format!("{ranges} ranges"),
        &baseline,
        &run,
    );
}
