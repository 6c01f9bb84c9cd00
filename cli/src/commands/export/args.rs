//! `b24 export` on the command line: its flags and the run that prints
//! progress and the summary.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::Value;

use super::{export, list_spec, ExportJob, ExportProgress};
use crate::commands::progress::ProgressLine;
use crate::commands::remote::{self, Connection, ConnectionArgs, Docs, DocsArg};
use crate::commands::{output, Outcome};

/// Write every item of a list method as one JSON line.
///
/// Items are fetched ordered by ID, 50 pages per `batch` request, over ID
/// ranges at once, and written in ID order. `FILE.checkpoint` beside the
/// output records where the export is; `--resume` goes on from the output's
/// last complete line, so no item is written twice. An existing output is
/// never overwritten without `--force`. Progress goes to stderr.
///
/// Exit status: 0 when every item was written, 1 when the export stopped
/// (what was written stays, `--resume` goes on), 2 for usage problems.
#[derive(clap::Args, Debug, Clone)]
#[command(after_help = remote::PORTAL_AFTER_HELP)]
pub struct Args {
    /// The list method, e.g. crm.lead.list
    #[arg(value_name = "METHOD")]
    pub method: String,
    /// The JSON-lines file to write
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// A filter object, e.g. '{">ID": 100}'
    #[arg(long, value_name = "JSON", value_parser = json_object)]
    pub filter: Option<Value>,
    /// The fields to ask for, comma-separated (the ID field is added)
    #[arg(long, value_name = "F,..", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Go on from the last complete line of FILE
    #[arg(long, conflicts_with = "force")]
    pub resume: bool,
    /// Overwrite FILE when it exists
    #[arg(long)]
    pub force: bool,
    /// Spend one request to learn the total, for the progress line
    #[arg(long)]
    pub count: bool,
    /// ID ranges fetched at once (1: one request after another)
    #[arg(long, value_name = "N", default_value_t = bitrix24::DEFAULT_RANGES,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=bitrix24::MAX_RANGES as u64))]
    pub ranges: usize,
    /// The items' ID field (else from the method's page)
    #[arg(long, value_name = "ID")]
    pub id_field: Option<String>,
    /// Where the list sits in `result` (else from the method's page)
    #[arg(long, value_name = "KEY")]
    pub items_key: Option<String>,
    /// No progress line
    #[arg(long)]
    pub quiet: bool,
    #[allow(missing_docs)]
    #[command(flatten)]
    pub docs: DocsArg,
    #[allow(missing_docs)]
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// A JSON object given on the command line.
fn json_object(text: &str) -> Result<Value, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(value) if value.is_object() => Ok(value),
        Ok(_) => Err("expected a JSON object".into()),
        Err(e) => Err(format!("not valid JSON: {e}")),
    }
}

/// `b24 export` from the command line.
pub fn run(args: Args) -> Outcome {
    let method = args.method.as_str();
    let mut job = ExportJob::new(method, &args.out);
    job.filter = args.filter.clone();
    job.select = args
        .select
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if let Some(docs) = Docs::from_args(&args.docs)? {
        match docs.find(method) {
            Some(page) => job.spec = list_spec(&page),
            None => output::note(&format!(
                "b24 export: no page for {method}; items are read as CRM lists"
            )),
        }
    }
    if let Some(id) = &args.id_field {
        job.spec.id_field = id.clone();
    }
    if let Some(key) = &args.items_key {
        job.spec = job.spec.clone().items_in(key.clone());
    }
    job.resume = args.resume;
    job.force = args.force;
    job.count = args.count;
    job.ranges = args.ranges;
    let client = Connection::from_args(&args.connection).client()?;
    let quiet = args.quiet;
    let mut line = ProgressLine::new(method);
    let mut progress = move |p: &ExportProgress| {
        if !quiet {
            line.show(p.items, p.total, p.requests, p.done);
        }
    };
    match remote::block_on(export(&client, &job, &mut progress))? {
        Ok(summary) => {
            if !quiet {
                output::note(&format!(
                    "{method}: {} new items, {} in {}, {} requests",
                    summary.written,
                    summary.items,
                    args.out.display(),
                    summary.requests
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(message) => {
            output::note(&format!("b24 export: {message}"));
            Ok(ExitCode::from(1))
        }
    }
}
