//! Running a [`Batch`]: [`Client::batch`] and its [`BatchResults`].

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::StreamExt;
use serde_json::Value;

use super::parts::{self, command_error};
use super::{Batch, Command, Key, MAX_BATCH};
use crate::client::{Client, Spec};
use crate::error::{CallError, DecodeError};
use crate::payload::Payload;
use crate::query;
use crate::{ApiVersion, Call, Retry};

/// One command's result: `result` and its share of `result_total`,
/// `result_next` and `result_time`.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandResult {
    /// The command's `result`.
    pub result: Value,
    /// `total`, for list methods.
    pub total: Option<u64>,
    /// `next`, for list methods with more pages.
    pub next: Option<u64>,
    /// The command's `time`.
    pub time: Option<Value>,
}

/// The outcome of every command of a [`Batch`].
#[derive(Debug)]
pub struct BatchResults {
    names: Vec<Arc<str>>,
    index: HashMap<Arc<str>, usize>,
    outcomes: Vec<Option<Result<CommandResult, CallError>>>,
    requests: usize,
}

impl BatchResults {
    /// A typed command's result or typed error; `None` when it did not run
    /// (an earlier command failed and the batch halts).
    pub fn get<P: Call>(&self, key: &Key<P>) -> Option<Result<P::Output, P::Error>> {
        let outcome = self.outcomes.get(key.index)?.as_ref()?;
        Some(match outcome {
            Ok(command) => P::decode(command.result.clone()).map_err(|e| {
                P::Error::from(CallError::Decode(DecodeError {
                    message: e.to_string(),
                    status: 200,
                    body: command.result.to_string(),
                }))
            }),
            Err(error) => Err(P::Error::from(error.clone())),
        })
    }

    /// A command's raw outcome, by its key.
    pub fn raw<P>(&self, key: &Key<P>) -> Option<&Result<CommandResult, CallError>> {
        self.outcomes.get(key.index)?.as_ref()
    }

    /// A command's raw outcome, by its name.
    pub fn by_name(&self, name: &str) -> Option<&Result<CommandResult, CallError>> {
        let index = *self.index.get(name)?;
        self.outcomes[index].as_ref()
    }

    /// Every command's name and outcome, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&Result<CommandResult, CallError>>)> {
        self.names
            .iter()
            .map(|n| &**n)
            .zip(self.outcomes.iter().map(Option::as_ref))
    }

    /// How many `batch` requests were made.
    pub fn requests(&self) -> usize {
        self.requests
    }
}

impl Client {
    /// Runs a batch: as few `batch` requests as the 50-command limit and the
    /// chains of references allow, each through the client's pipeline (rate
    /// limit, retries). A request is repeated after an unknown outcome only
    /// when every command in it is safe to repeat; otherwise its commands
    /// report [`CallError::OutcomeUnknown`].
    pub async fn batch(&self, mut batch: Batch) -> BatchResults {
        let plan = batch.plan();
        let halt = batch.halt;
        // Commands outside any chain can be sent again on their own.
        let standalone: Vec<bool> = (0..batch.commands.len())
            .map(|i| {
                let root = batch.find(i);
                batch.size[root] == 1
            })
            .collect();
        let commands = batch.commands;
        let mut outcomes: Vec<Option<Result<CommandResult, CallError>>> =
            vec![None; commands.len()];
        let mut requests = 0;
        if halt {
            for request in plan {
                requests += 1;
                let results = self.batch_request(&commands, request, true).await;
                let failed = results
                    .iter()
                    .any(|(_, r)| r.as_ref().is_some_and(|r| r.is_err()));
                for (index, outcome) in results {
                    outcomes[index] = outcome;
                }
                if failed {
                    break;
                }
            }
        } else {
            let shared = self.shared();
            let deadline = tokio::time::Instant::now() + shared.retry.max_operating_wait;
            let mut plan = plan;
            let mut round = 0;
            loop {
                let commands = &commands;
                let mut stream = futures_util::stream::iter(plan)
                    .map(|request| self.batch_request(commands, request, false))
                    .buffered(shared.batch_concurrency);
                while let Some(results) = stream.next().await {
                    requests += 1;
                    for (index, outcome) in results {
                        outcomes[index] = outcome;
                    }
                }
                // Commands refused before they ran (a method's time budget is
                // spent) run again once it allows, when nothing links to them.
                let again: Vec<usize> = (0..commands.len())
                    .filter(|&i| standalone[i] && did_not_run(&outcomes[i]))
                    .collect();
                let too_late = again.iter().any(|&i| {
                    shared
                        .operating
                        .blocked_until(&commands[i].method)
                        .is_some_and(|until| until > deadline)
                });
                if again.is_empty() || round >= shared.retry.max_retries || too_late {
                    break;
                }
                round += 1;
                plan = again.chunks(MAX_BATCH).map(<[usize]>::to_vec).collect();
            }
        }
        let names: Vec<Arc<str>> = commands.into_iter().map(|c| c.name).collect();
        BatchResults {
            index: names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), i))
                .collect(),
            names,
            outcomes,
            requests,
        }
    }

    async fn batch_request(
        &self,
        commands: &[Command],
        request: Vec<usize>,
        halt: bool,
    ) -> Vec<(usize, Option<Result<CommandResult, CallError>>)> {
        let mut cmd = Vec::with_capacity(request.len());
        let mut methods: Vec<&str> = Vec::new();
        let mut all_safe = true;
        let mut all_reads = true;
        for &index in &request {
            let command = &commands[index];
            let query = query::encode(&command.params);
            let line = if query.is_empty() {
                command.method.clone()
            } else {
                format!("{}?{}", command.method, query)
            };
            cmd.push((command.name.to_string(), line));
            if !methods.contains(&command.method.as_str()) {
                methods.push(&command.method);
            }
            all_safe &= command.retry != Retry::Unsafe;
            all_reads &= command.retry == Retry::Read;
        }
        let spec = Spec {
            method: "batch",
            api: ApiVersion::V2,
            retry: match (all_reads, all_safe) {
                (true, _) => Retry::Read,
                (false, true) => Retry::Idempotent,
                (false, false) => Retry::Unsafe,
            },
            idempotent: false,
        };
        let answer = match self
            .execute(&spec, Payload::Batch { halt, cmd }, &methods)
            .await
        {
            Ok(answer) => answer,
            Err(error) => {
                return request
                    .iter()
                    .map(|&i| (i, Some(Err(error.clone()))))
                    .collect()
            }
        };
        let Some(parts) = parts::read(answer.result()) else {
            // Not a batch's answer (`{}`, a number, text): no command has an outcome.
            let error = answer.decode_error(format!(
                "the `batch` answer holds no `result` nor `result_error`; it starts `{}`",
                crate::body::excerpt(&answer.shown(answer.body()))
            ));
            return request
                .iter()
                .map(|&i| (i, Some(Err(error.clone()))))
                .collect();
        };
        let operating = &self.shared().operating;
        // Every time first, so a refused command sees its method's latest reset.
        for &index in &request {
            let command = &commands[index];
            if let Some(time) = parts.time(&command.name) {
                operating.record(&command.method, &time);
            }
        }
        request
            .iter()
            .map(|&index| {
                let command = &commands[index];
                let name = &*command.name;
                if let Some(error) = parts.error(name) {
                    let api = command_error(&error);
                    if api.code == "OPERATION_TIME_LIMIT" {
                        operating.block(&command.method, None, self.shared().retry.operating_retry);
                    }
                    let error = self.shared().redactor.error(CallError::Api(api));
                    return (index, Some(Err(error)));
                }
                let outcome = parts.result(name).map(|text| {
                    let result = serde_json::from_str(text)
                        .map_err(|e| answer.decode_error(crate::decode::message(&e)))?;
                    Ok(CommandResult {
                        result,
                        total: parts.total(name),
                        next: parts.next(name),
                        time: parts.time(name),
                    })
                });
                (index, outcome)
            })
            .collect()
    }
}

/// Whether a command was refused before it ran.
fn did_not_run(outcome: &Option<Result<CommandResult, CallError>>) -> bool {
    matches!(outcome, Some(Err(CallError::Api(api)))
        if api.code == "OPERATION_TIME_LIMIT" || api.code == "QUERY_LIMIT_EXCEEDED")
}
