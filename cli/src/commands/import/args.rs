//! `b24 import` on the command line: its flags and the run that prints
//! progress and the summary.

use std::path::PathBuf;
use std::process::ExitCode;

use bitrix24::MAX_BATCH;
use clap::builder::RangedU64ValueParser;

use super::{import, ImportJob, ImportProgress, IMPORT_CONCURRENCY};
use crate::commands::progress::ProgressLine;
use crate::commands::remote::{self, Connection, ConnectionArgs, Docs, DocsArg, MethodInfo};
use crate::commands::{output, Outcome};

/// One call per input line, batched; a report line per input line.
///
/// Each line of the input is one JSON object of parameters. Lines go 50 to a
/// `batch` request, a few requests in flight; a request is sent again only
/// when every call in it is safe to repeat, else its calls are reported
/// `unknown` (they may have run) and never sent again silently. The report
/// has one JSON line per input line: `ok`, `error` or `unknown`.
///
/// Exit status: 0 when every line is `ok`, 1 when any is not, 2 for usage
/// problems.
#[derive(clap::Args, Debug, Clone)]
#[command(after_help = remote::PORTAL_AFTER_HELP)]
pub struct Args {
    /// The method called once per line, e.g. crm.lead.add
    #[arg(value_name = "METHOD")]
    pub method: String,
    /// One JSON object of parameters per line
    #[arg(long = "in", value_name = "FILE")]
    pub input: PathBuf,
    /// One JSON line per input line: ok, error or unknown
    #[arg(long, value_name = "FILE")]
    pub report: PathBuf,
    /// Send only the lines the report does not show as done
    #[arg(long)]
    pub resume: bool,
    /// With --resume, also send lines whose outcome is unknown (check the portal first)
    #[arg(long)]
    pub retry_unknown: bool,
    /// Calls per batch request (at most 50)
    #[arg(long, value_name = "N", default_value_t = MAX_BATCH,
          value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
    pub batch_size: usize,
    /// Batch requests in flight at most
    #[arg(long, value_name = "N", default_value_t = IMPORT_CONCURRENCY,
          value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
    pub concurrency: usize,
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

/// `b24 import` from the command line.
pub fn run(args: Args) -> Outcome {
    let method = args.method.as_str();
    let docs = Docs::from_args(&args.docs)?;
    let info = MethodInfo::lookup(method, docs.as_ref());
    let mut job = ImportJob::new(info, &args.input, &args.report);
    job.batch_size = args.batch_size.min(MAX_BATCH);
    job.concurrency = args.concurrency;
    job.resume = args.resume;
    job.retry_unknown = args.retry_unknown;
    let client = Connection::from_args(&args.connection).client()?;
    let quiet = args.quiet;
    let mut line = ProgressLine::new(method);
    let mut progress = move |p: &ImportProgress| {
        if !quiet {
            line.show(p.done, Some(p.lines), p.requests, p.finished);
        }
    };
    match remote::block_on(import(&client, &job, &mut progress))? {
        Ok(summary) => {
            output::note(&format!(
                "{method}: {} lines: {} ok, {} error, {} unknown ({} sent, {} kept from the report), {} requests",
                summary.lines,
                summary.ok,
                summary.error,
                summary.unknown,
                summary.sent,
                summary.kept,
                summary.requests
            ));
            if summary.unknown > 0 {
                output::note(&format!(
                    "{method}: `unknown` lines may have run; check them on the portal before sending them again (--resume --retry-unknown)"
                ));
            }
            Ok(if summary.all_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Err(message) => {
            output::note(&format!("b24 import: {message}"));
            Ok(ExitCode::from(1))
        }
    }
}
