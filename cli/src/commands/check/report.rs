//! What `b24 check` prints: a line per page and a summary, or one JSON
//! document with `--json`. Besides compile results, it reports how typed the
//! bindings are (untyped `Output`s and parameter nodes, each downgrade to a
//! JSON value with its reason) and, with `--examples`, the examples tally.

use std::fmt::Write;
use std::time::Duration;

use serde_json::{json, Value};

use super::harness::Tally;
use super::{Options, Page, Status};

/// How typed the bound pages are.
#[derive(Debug, Clone, Copy, Default)]
struct Typing {
    methods: usize,
    untyped_outputs: usize,
    nodes: usize,
    untyped_nodes: usize,
}

impl Typing {
    fn of(pages: &[Page]) -> Typing {
        let mut typing = Typing::default();
        for model in pages.iter().filter_map(|p| p.model.as_ref()) {
            typing.methods += 1;
            typing.untyped_outputs += usize::from(model.untyped_output());
            let count = model.param_nodes();
            typing.nodes += count.nodes;
            typing.untyped_nodes += count.untyped;
        }
        typing
    }

    fn pct(n: usize, of: usize) -> f64 {
        if of == 0 {
            0.0
        } else {
            n as f64 * 100.0 / of as f64
        }
    }

    fn line(self) -> String {
        format!(
            "typing: Output untyped on {} of {} method pages ({:.1}%); {} of {} parameter nodes untyped ({:.1}%)",
            self.untyped_outputs,
            self.methods,
            Self::pct(self.untyped_outputs, self.methods),
            self.untyped_nodes,
            self.nodes,
            Self::pct(self.untyped_nodes, self.nodes),
        )
    }

    fn to_json(self) -> Value {
        json!({
            "methods": self.methods,
            "untyped_outputs": self.untyped_outputs,
            "untyped_output_pct": Self::pct(self.untyped_outputs, self.methods),
            "param_nodes": self.nodes,
            "untyped_param_nodes": self.untyped_nodes,
            "untyped_param_node_pct": Self::pct(self.untyped_nodes, self.nodes),
        })
    }
}

/// Prints the report.
pub(super) fn print(
    options: &Options,
    pages: &[Page],
    generate: Duration,
    build: Option<Duration>,
) -> Result<(), String> {
    let ok = pages
        .iter()
        .filter(|p| matches!(p.status, Status::Ok { .. }))
        .count();
    let problems = pages
        .iter()
        .filter(|p| matches!(p.status, Status::Problem { .. }))
        .count();
    let events = pages
        .iter()
        .filter(|p| matches!(p.status, Status::Event { .. }))
        .count();
    let not_method = pages.len() - ok - problems - events;
    let total = ok + problems;
    let rate = if total == 0 {
        100.0
    } else {
        ok as f64 * 100.0 / total as f64
    };
    let checked = if options.build { "compile" } else { "generate" };
    let summary = format!(
        "{ok} of {total} method pages {checked} ({rate:.2}%), {problems} with problems; {events} event pages {checked}; {not_method} {} neither; parse+generate {:.2}s{}",
        if not_method == 1 { "page is" } else { "pages are" },
        generate.as_secs_f64(),
        build.map(|b| format!(", build {:.1}s", b.as_secs_f64())).unwrap_or_default()
    );
    let typing = Typing::of(pages);
    let tally = options
        .examples
        .then(|| Tally::of(pages.iter().filter_map(|p| p.examples.as_ref())));
    if options.json {
        let value = json!({
            "ok": list(pages, |s| matches!(s, Status::Ok { .. })),
            "problems": list(pages, |s| matches!(s, Status::Problem { .. })),
            "events": list(pages, |s| matches!(s, Status::Event { .. })),
            "not_method_pages": list(pages, |s| matches!(s, Status::NotMethod { .. })),
            "downgrades": downgrades(pages),
            "examples": tally.map(|_| example_problems(pages)),
            "summary": {
                "method_pages": total,
                "ok": ok,
                "problems": problems,
                "event_pages": events,
                "not_method_pages": not_method,
                "pass_rate": rate,
                "generate_seconds": generate.as_secs_f64(),
                "build_seconds": build.map(|b| b.as_secs_f64()),
                "text": summary,
                "typing": typing.to_json(),
                "examples": tally.map(Tally::to_json),
            }
        });
        let text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
        return crate::commands::output::println(&text);
    }
    let mut out = String::new();
    for page in pages {
        match &page.status {
            Status::Ok { method } => writeln!(out, "ok       {} ({method})", page.shown),
            Status::Event { name } => writeln!(out, "event    {} ({name})", page.shown),
            Status::NotMethod { reason } => writeln!(out, "skipped  {reason}"),
            Status::Problem { what, .. } => writeln!(out, "PROBLEM  {what}"),
        }
        .ok();
        if let Some(examples) = page.examples.as_ref().filter(|_| options.examples) {
            for problem in examples.problems().as_array().into_iter().flatten() {
                let _ = writeln!(out, "  example  {problem}");
            }
        }
    }
    let _ = writeln!(out, "{summary}");
    let _ = writeln!(out, "{}", typing.line());
    if let Some(tally) = tally {
        let _ = writeln!(out, "{}", tally.line());
    }
    // A closed pipe or a full disk is an error exit, never a silent success.
    crate::commands::output::print(&out)
}

fn list(pages: &[Page], want: fn(&Status) -> bool) -> Vec<Value> {
    pages
        .iter()
        .filter(|p| want(&p.status))
        .map(|p| match &p.status {
            Status::Ok { method } => json!({"page": p.shown, "method": method}),
            Status::Event { name } => json!({"page": p.shown, "event": name}),
            Status::NotMethod { reason } => json!({"page": p.shown, "reason": reason}),
            Status::Problem { line, what } => {
                json!({"page": p.shown, "line": line, "problem": what})
            }
        })
        .collect()
}

/// Every spot typed as a JSON value, per page, with the page line and why.
fn downgrades(pages: &[Page]) -> Vec<Value> {
    pages
        .iter()
        .filter_map(|p| Some((p, p.model.as_ref()?)))
        .flat_map(|(page, model)| {
            model.downgrades().into_iter().map(move |d| {
                json!({"page": page.shown, "method": model.method, "path": d.path, "why": d.why})
            })
        })
        .collect()
}

/// Pages whose examples did not come through cleanly, with what went wrong.
fn example_problems(pages: &[Page]) -> Vec<Value> {
    pages
        .iter()
        .filter_map(|p| {
            let problems = p.examples.as_ref()?.problems();
            let (key, name) = match (&p.model, &p.status) {
                (Some(model), _) => ("method", model.method.clone()),
                (None, Status::Event { name }) => ("event", name.clone()),
                _ => return None,
            };
            (problems.as_array().is_some_and(|a| !a.is_empty()))
                .then(|| json!({"page": p.shown, key: name, "problems": problems}))
        })
        .collect()
}
