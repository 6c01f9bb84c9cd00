//! `b24 call METHOD [JSON]`: calls any method and prints its `result`.
//! The parameters are a JSON object (`-` reads it from stdin; none is `{}`).
//!
//! With a docs tree (`--docs DIR` or `B24_DOCS`), the method's page is
//! looked up by name and the parameters are checked against it before any
//! request: a missing required parameter is an error, an undocumented one a
//! warning. The retry class comes from the page and the name, as for
//! generated bindings; `--idempotent` marks a call safe to repeat.
//!
//! Exit status: 0 on success, 1 when the portal answered with an error or
//! the request failed, 3 when the outcome is unknown (the call may have
//! run and was not repeated), 2 for usage problems.

#![warn(missing_docs)]

use std::process::ExitCode;

use bitrix24::{CallError, CallOptions, Client, Envelope};
use serde_json::{json, Value};

use super::remote::{self, Connection, ConnectionArgs, Docs, DocsArg, MethodInfo};
use super::{output, Outcome};

/// Call any method on the portal and print its result.
///
/// The parameters are a JSON object (`-` reads it from stdin; none is `{}`).
/// With method pages (`--docs` or $B24_DOCS), the method's page is looked up
/// by name and the parameters are checked against it before any request: a
/// missing required parameter is an error, an undocumented one a warning.
///
/// Exit status: 0 on success, 1 when the portal answered with an error or the
/// request failed, 3 when the outcome is unknown (the call may have run and
/// was not repeated), 2 for usage problems.
#[derive(clap::Args, Debug, Clone)]
#[command(after_help = remote::PORTAL_AFTER_HELP)]
pub struct Args {
    /// The method, e.g. crm.lead.get
    #[arg(value_name = "METHOD")]
    pub method: String,
    /// The parameters: a JSON object, or `-` to read it from stdin (default {})
    #[arg(value_name = "JSON")]
    pub params: Option<String>,
    /// The call is safe to repeat: retry it after a lost answer
    #[arg(long)]
    pub idempotent: bool,
    /// Print the whole answer (result, total, next, time), not only `result`
    #[arg(long)]
    pub envelope: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub docs: DocsArg,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub connection: ConnectionArgs,
}

/// Why a call did not give a result.
#[derive(Debug)]
pub enum CallFailure {
    /// The parameters do not fit the method's page; nothing was sent.
    Invalid(Vec<String>),
    /// The call failed (portal error, transport, decoding, or outcome unknown).
    Call(CallError),
}

impl std::fmt::Display for CallFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallFailure::Invalid(problems) => {
                write!(
                    f,
                    "parameters do not fit the method's page: {}",
                    problems.join("; ")
                )
            }
            CallFailure::Call(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for CallFailure {}

/// Calls `method` with `params`: checked against its page first (when
/// `info` has one), then sent through the client's pipeline with the
/// method's retry class.
pub async fn call(
    client: &Client,
    info: &MethodInfo,
    params: Value,
    options: CallOptions,
) -> Result<Envelope, CallFailure> {
    let problems = info.check(&params);
    if !problems.is_empty() {
        return Err(CallFailure::Invalid(problems));
    }
    client
        .call_raw_with(&info.name, info.api, info.retry, params, options)
        .await
        .map_err(CallFailure::Call)
}

/// What `b24 call` prints for a successful call: the `result`, and
/// `total`/`next` for list pages.
pub fn printed(envelope: &Envelope, whole: bool) -> Value {
    if !whole {
        return envelope.result.clone();
    }
    let mut out = json!({"result": envelope.result});
    if let Some(total) = envelope.total {
        out["total"] = json!(total);
    }
    if let Some(next) = envelope.next {
        out["next"] = json!(next);
    }
    if let Some(time) = &envelope.time {
        out["time"] = time.clone();
    }
    out
}

/// `b24 call` from the command line.
pub fn run(args: Args) -> Outcome {
    let method = args.method;
    let params = match args.params.as_deref() {
        None => json!({}),
        Some("-") => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| format!("cannot read the parameters from stdin: {e}"))?;
            remote::parse_json("stdin", &text)?
        }
        Some(text) => remote::parse_json("JSON", text)?,
    };
    if !params.is_object() {
        return Err("the parameters must be a JSON object".into());
    }
    let docs = Docs::from_args(&args.docs)?;
    let info = MethodInfo::lookup(&method, docs.as_ref());
    let unknown = info.unknown_params(&params);
    if !unknown.is_empty() {
        output::note(&format!(
            "b24 call: warning: {method}'s page does not document {}",
            unknown.join(", ")
        ));
    }
    let problems = info.check(&params);
    if !problems.is_empty() {
        for problem in &problems {
            output::note(&format!("b24 call: {method}: {problem}"));
        }
        return Err("nothing was sent".into());
    }
    let client = Connection::from_args(&args.connection).client()?;
    let options = if args.idempotent {
        CallOptions::idempotent()
    } else {
        CallOptions::default()
    };
    let outcome = remote::block_on(call(&client, &info, params, options))?;
    match outcome {
        Ok(envelope) => {
            let text = serde_json::to_string_pretty(&printed(&envelope, args.envelope))
                .unwrap_or_default();
            output::println(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(CallFailure::Call(CallError::OutcomeUnknown(error))) => {
            output::note(&format!(
                "b24 call: {method}: outcome unknown ({error}); the call may have run and was not repeated"
            ));
            Ok(ExitCode::from(3))
        }
        Err(failure) => {
            output::note(&format!("b24 call: {method}: {failure}"));
            Ok(ExitCode::from(1))
        }
    }
}
