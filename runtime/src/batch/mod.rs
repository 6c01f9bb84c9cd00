//! Typed batches: up to 50 commands per `batch` request, named, with
//! `$result[name][...]` references between them; longer batches are split
//! into requests that never break a chain of references.
//!
//! - this module: building a [`Batch`] (names, references, links, the plan
//!   of requests);
//! - `run`: [`Client::batch`](crate::Client::batch) and [`BatchResults`];
//! - `parts`: reading a `batch` answer, command by command, as text.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::payload::encode_params;
use crate::{ApiVersion, Call, Retry};

pub(crate) mod parts;
mod run;

pub(crate) use parts::command_error;
pub use run::{BatchResults, CommandResult};

/// The most commands one `batch` request may carry.
pub const MAX_BATCH: usize = 50;

/// A batch of calls, typed or raw, run with [`Client::batch`](crate::Client::batch).
///
/// ```ignore
/// let mut batch = bitrix24::Batch::new();
/// let lead = batch.add("lead", crm_lead_add::Params { fields, ..Default::default() })?;
/// let bind = batch.add_linked("bind", crm_lead_contact_items_set::Params { id: 0, items }, [("id", lead.result())])?;
/// let results = client.batch(batch).await;
/// let id = results.get(&lead).unwrap()?;
/// ```
#[derive(Debug, Default)]
pub struct Batch {
    halt: bool,
    commands: Vec<Command>,
    names: HashMap<String, usize>,
    /// Union-find over commands linked by references.
    parent: Vec<usize>,
    size: Vec<usize>,
}

#[derive(Debug)]
struct Command {
    name: Arc<str>,
    method: String,
    retry: Retry,
    params: Value,
}

/// The handle of a command in a [`Batch`], to reference it and to read its result.
pub struct Key<P> {
    index: usize,
    name: Arc<str>,
    _call: PhantomData<fn() -> P>,
}

impl<P> Clone for Key<P> {
    fn clone(&self) -> Key<P> {
        Key {
            index: self.index,
            name: self.name.clone(),
            _call: PhantomData,
        }
    }
}

impl<P> fmt::Debug for Key<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({})", self.name)
    }
}

impl<P> Key<P> {
    /// The command's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A reference to the command's result: `$result[name]`; go deeper with [`Ref::at`].
    pub fn result(&self) -> Ref {
        Ref {
            text: format!("$result[{}]", self.name),
        }
    }
}

/// The marker type of commands added with [`Batch::add_raw`].
#[derive(Debug)]
pub enum Raw {}

/// A reference to an earlier command's result, e.g. `$result[lead][ID]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    text: String,
}

impl Ref {
    /// One level deeper: a key or an index.
    pub fn at(mut self, segment: impl fmt::Display) -> Ref {
        self.text.push_str(&format!("[{segment}]"));
        self
    }

    /// The reference as the portal reads it.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A command could not be added to a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchError {
    /// Names are an ASCII letter or `_`, then letters, digits or `_`: never numeric.
    InvalidName(String),
    /// Two commands with one name.
    DuplicateName(String),
    /// A reference to a command that is not earlier in the batch.
    UnknownReference {
        /// The referring command.
        command: String,
        /// The name it refers to.
        target: String,
    },
    /// A chain of references longer than one request can carry.
    ChainTooLong {
        /// The command that made the chain too long.
        command: String,
        /// The chain's length.
        len: usize,
    },
    /// The method cannot run inside `batch` (REST 3.0, or `batch` itself).
    NotBatchable(String),
    /// A link's path does not fit the parameters.
    BadPath {
        /// The command.
        command: String,
        /// The path.
        path: String,
    },
    /// The parameters could not be encoded.
    Encode(String),
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::InvalidName(name) => write!(
                f,
                "invalid batch command name {name:?}: use a letter or `_`, then letters, digits or `_`"
            ),
            BatchError::DuplicateName(name) => write!(f, "two batch commands are named {name:?}"),
            BatchError::UnknownReference { command, target } => {
                write!(f, "batch command {command:?} refers to {target:?}, which is not an earlier command")
            }
            BatchError::ChainTooLong { command, len } => write!(
                f,
                "batch command {command:?} makes a chain of {len} linked commands; one request holds {MAX_BATCH}"
            ),
            BatchError::NotBatchable(method) => write!(f, "{method} cannot run inside batch"),
            BatchError::BadPath { command, path } => {
                write!(f, "batch command {command:?}: no parameter at {path:?} to link")
            }
            BatchError::Encode(why) => write!(f, "cannot encode batch parameters: {why}"),
        }
    }
}

impl std::error::Error for BatchError {}

impl Batch {
    /// An empty batch that does not halt on errors.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Whether to stop at the first failing command (`halt`). Commands after
    /// it, in this request and in later ones, do not run.
    pub fn halt(mut self, halt: bool) -> Batch {
        self.halt = halt;
        self
    }

    /// How many commands the batch holds.
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// Whether the batch holds no command.
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// Adds a typed command.
    pub fn add<P: Call>(&mut self, name: &str, params: P) -> Result<Key<P>, BatchError> {
        self.add_linked(name, params, std::iter::empty::<(&str, Ref)>())
    }

    /// Adds a typed command whose parameters at the given dotted paths
    /// (`"id"`, `"fields.CONTACT_ID"`, `"items.0.contact_id"`) take the
    /// results of earlier commands.
    pub fn add_linked<P: Call, S: AsRef<str>>(
        &mut self,
        name: &str,
        params: P,
        links: impl IntoIterator<Item = (S, Ref)>,
    ) -> Result<Key<P>, BatchError> {
        if P::API == ApiVersion::V3 {
            return Err(BatchError::NotBatchable(P::METHOD.to_string()));
        }
        let mut value = encode_params(&params).map_err(|e| BatchError::Encode(e.to_string()))?;
        for (path, reference) in links {
            let path = path.as_ref();
            let slot = locate(&mut value, path).ok_or_else(|| BatchError::BadPath {
                command: name.to_string(),
                path: path.to_string(),
            })?;
            *slot = Value::String(reference.text);
        }
        let (index, name) = self.push(name, P::METHOD, P::RETRY, value)?;
        Ok(Key {
            index,
            name,
            _call: PhantomData,
        })
    }

    /// Adds an untyped command. References may be written straight into
    /// string values (`"$result[lead][ID]"`).
    pub fn add_raw(
        &mut self,
        name: &str,
        method: &str,
        retry: Retry,
        params: Value,
    ) -> Result<Key<Raw>, BatchError> {
        let (index, name) = self.push(name, method, retry, params)?;
        Ok(Key {
            index,
            name,
            _call: PhantomData,
        })
    }

    fn push(
        &mut self,
        name: &str,
        method: &str,
        retry: Retry,
        params: Value,
    ) -> Result<(usize, Arc<str>), BatchError> {
        if !valid_name(name) {
            return Err(BatchError::InvalidName(name.to_string()));
        }
        if self.names.contains_key(name) {
            return Err(BatchError::DuplicateName(name.to_string()));
        }
        if method.eq_ignore_ascii_case("batch") {
            return Err(BatchError::NotBatchable(method.to_string()));
        }
        let mut targets = Vec::new();
        references(&params, &mut targets);
        let mut linked = Vec::new();
        for target in targets {
            match self.names.get(&target) {
                Some(&index) => linked.push(index),
                None => {
                    return Err(BatchError::UnknownReference {
                        command: name.to_string(),
                        target,
                    })
                }
            }
        }
        // The chain this command joins, before committing to it.
        let mut roots: Vec<usize> = linked.iter().map(|&i| self.find(i)).collect();
        roots.sort_unstable();
        roots.dedup();
        let len = 1 + roots.iter().map(|&r| self.size[r]).sum::<usize>();
        if len > MAX_BATCH {
            return Err(BatchError::ChainTooLong {
                command: name.to_string(),
                len,
            });
        }
        let index = self.commands.len();
        self.parent.push(index);
        self.size.push(1);
        for root in roots {
            self.union(index, root);
        }
        let name: Arc<str> = Arc::from(name);
        self.names.insert(name.to_string(), index);
        self.commands.push(Command {
            name: name.clone(),
            method: method.to_string(),
            retry,
            params,
        });
        Ok((index, name))
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        let (big, small) = if self.size[a] >= self.size[b] {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small] = big;
        self.size[big] += self.size[small];
    }

    /// Splits the commands into requests of at most [`MAX_BATCH`], each chain
    /// of references whole, commands in their order.
    fn plan(&mut self) -> Vec<Vec<usize>> {
        let mut chains: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut chain_of: HashMap<usize, usize> = HashMap::new();
        for index in 0..self.commands.len() {
            let root = self.find(index);
            let slot = *chain_of.entry(root).or_insert_with(|| {
                chains.push((index, Vec::new()));
                chains.len() - 1
            });
            chains[slot].1.push(index);
        }
        let mut requests: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        for (_, chain) in chains {
            if current.len() + chain.len() > MAX_BATCH {
                requests.push(std::mem::take(&mut current));
            }
            current.extend(chain);
        }
        if !current.is_empty() {
            requests.push(current);
        }
        for request in &mut requests {
            request.sort_unstable();
        }
        requests
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 100
}

/// The slot a dotted path names, creating objects on the way.
fn locate<'a>(value: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut slot = value;
    for segment in path.split('.') {
        slot = match slot {
            Value::Array(items) => {
                let index: usize = segment.parse().ok()?;
                items.get_mut(index)?
            }
            Value::Null => {
                *slot = Value::Object(Map::new());
                slot.as_object_mut()?.entry(segment).or_insert(Value::Null)
            }
            Value::Object(map) => map.entry(segment).or_insert(Value::Null),
            _ => return None,
        };
    }
    Some(slot)
}

/// The command names that string values refer to with `$result[name]`
/// (or `$result_error`, `$result_total`, `$result_next`, `$result_time`).
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => {
            let mut rest = text.as_str();
            while let Some(at) = rest.find("$result") {
                rest = &rest[at + "$result".len()..];
                let after_kind = rest
                    .strip_prefix("_error")
                    .or_else(|| rest.strip_prefix("_total"))
                    .or_else(|| rest.strip_prefix("_next"))
                    .or_else(|| rest.strip_prefix("_time"))
                    .unwrap_or(rest);
                if let Some(inner) = after_kind.strip_prefix('[') {
                    if let Some(end) = inner.find(']') {
                        out.push(inner[..end].to_string());
                    }
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        Value::Object(map) => map.values().for_each(|v| references(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(batch: &mut Batch, name: &str, params: Value) -> Result<Key<Raw>, BatchError> {
        batch.add_raw(name, "crm.lead.add", Retry::Unsafe, params)
    }

    #[test]
    fn names_are_never_numeric_nor_duplicated() {
        let mut batch = Batch::new();
        assert_eq!(
            raw(&mut batch, "0", json!({})).unwrap_err(),
            BatchError::InvalidName("0".into())
        );
        assert!(raw(&mut batch, "a[b]", json!({})).is_err());
        raw(&mut batch, "lead_1", json!({})).unwrap();
        assert_eq!(
            raw(&mut batch, "lead_1", json!({})).unwrap_err(),
            BatchError::DuplicateName("lead_1".into())
        );
        assert!(matches!(
            batch.add_raw("b", "batch", Retry::Read, json!({})),
            Err(BatchError::NotBatchable(_))
        ));
    }

    #[test]
    fn references_must_point_back_and_links_fill_paths() {
        let mut batch = Batch::new();
        let lead = raw(&mut batch, "lead", json!({"fields": {"TITLE": "x"}})).unwrap();
        assert_eq!(lead.result().at("ID").to_string(), "$result[lead][ID]");
        assert!(matches!(
            raw(&mut batch, "bad", json!({"id": "$result[later]"})),
            Err(BatchError::UnknownReference { .. })
        ));
        raw(
            &mut batch,
            "ok",
            json!({"id": "$result[lead]", "x": "$result_total[lead]"}),
        )
        .unwrap();
        let mut value = json!({"id": 0, "items": [{"contact_id": 1}]});
        *locate(&mut value, "items.0.contact_id").unwrap() = json!("r");
        *locate(&mut value, "fields.NEW").unwrap() = json!("s");
        assert_eq!(
            value,
            json!({"id": 0, "items": [{"contact_id": "r"}], "fields": {"NEW": "s"}})
        );
        assert!(locate(&mut value, "items.5").is_none());
    }

    #[test]
    fn splitting_keeps_chains_whole_and_order() {
        let mut batch = Batch::new();
        // 30 independent commands, then a chain of 30, then 30 independent.
        for i in 0..30 {
            raw(&mut batch, &format!("a{i}"), json!({})).unwrap();
        }
        raw(&mut batch, "c0", json!({})).unwrap();
        for i in 1..30 {
            raw(
                &mut batch,
                &format!("c{i}"),
                json!({"id": format!("$result[c{}]", i - 1)}),
            )
            .unwrap();
        }
        for i in 0..30 {
            raw(&mut batch, &format!("b{i}"), json!({})).unwrap();
        }
        let plan = batch.plan();
        assert!(plan.iter().all(|r| r.len() <= MAX_BATCH));
        let chain: Vec<usize> = (30..60).collect();
        assert!(
            plan.iter().any(|r| chain.iter().all(|c| r.contains(c))),
            "{plan:?}"
        );
        assert_eq!(plan.iter().map(Vec::len).sum::<usize>(), 90);
        assert!(plan.iter().all(|r| r.windows(2).all(|w| w[0] < w[1])));
    }

    #[test]
    fn a_chain_longer_than_a_request_is_refused() {
        let mut batch = Batch::new();
        raw(&mut batch, "c0", json!({})).unwrap();
        for i in 1..MAX_BATCH {
            raw(
                &mut batch,
                &format!("c{i}"),
                json!({"id": format!("$result[c{}][ID]", i - 1)}),
            )
            .unwrap();
        }
        let err = raw(&mut batch, "c50", json!({"id": "$result[c49]"})).unwrap_err();
        assert_eq!(
            err,
            BatchError::ChainTooLong {
                command: "c50".into(),
                len: 51
            }
        );
        // The refused command left no trace.
        raw(&mut batch, "c50", json!({})).unwrap();
    }
}
