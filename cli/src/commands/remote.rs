//! What `call`, `export` and `import` share: flags ([`ConnectionArgs`],
//! [`DocsArg`]), the client (webhook from `--webhook` or `B24_WEBHOOK_URL`,
//! or OAuth; rate limit), method pages looked up by method name under a
//! docs tree, parameter checks against a page, and each method's retry
//! class.

#![warn(missing_docs)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use bitrix24::{ApiVersion, Client, RateLimit, Retry};
use bitrix24_codegen::facts::RetryClass;
use bitrix24_codegen::model::Method;
use serde_json::Value;

mod args;

pub use args::{ConnectionArgs, DocsArg, PORTAL_AFTER_HELP, REDACTED};

/// The environment variable that holds the webhook URL.
pub const WEBHOOK_ENV: &str = "B24_WEBHOOK_URL";
/// The environment variable that names the docs tree.
pub const DOCS_ENV: &str = "B24_DOCS";
/// The environment variable that holds the rate limit (`BURST/PER_SECOND`).
pub const RATE_ENV: &str = "B24_RATE_LIMIT";
/// The environment variable that names the OAuth token file.
pub const TOKENS_ENV: &str = "B24_TOKENS";
/// The environment variable that holds the portal's address (OAuth).
pub const PORTAL_ENV: &str = "B24_PORTAL";
/// The environment variable that holds the OAuth application's client id.
pub const CLIENT_ID_ENV: &str = "B24_CLIENT_ID";
/// The environment variable that holds the OAuth application's client
/// secret. There is no flag for it: a flag shows in `ps` and in the shell's
/// history.
pub const CLIENT_SECRET_ENV: &str = "B24_CLIENT_SECRET";

/// How long one call may take in `b24`, all attempts included, unless
/// `--deadline` says otherwise: two full-length attempts (a person is waiting;
/// the library's own default is longer).
pub const CLI_DEADLINE: Duration = Duration::from_secs(120);

/// The longest `--timeout` or `--deadline` taken: a day.
pub const MAX_SECONDS: f64 = 86_400.0;

/// How to reach the portal. Its `Debug` never shows the webhook URL.
#[derive(Clone, Default)]
pub struct Connection {
    /// The webhook URL; `None` reads [`WEBHOOK_ENV`].
    pub webhook: Option<String>,
    /// The portal's rate limit to mirror; `None` reads [`RATE_ENV`], else the standard plan's.
    pub rate_limit: Option<RateLimit>,
    /// How long one attempt may take; `None` keeps the runtime's default.
    pub timeout: Option<Duration>,
    /// How long one call may take, retries included; `None` is [`CLI_DEADLINE`].
    pub deadline: Option<Duration>,
    /// The OAuth token file; `None` reads [`TOKENS_ENV`], and without
    /// either the connection is a webhook.
    pub tokens: Option<PathBuf>,
    /// The portal's address for OAuth; `None` reads [`PORTAL_ENV`].
    pub portal: Option<String>,
    /// The OAuth client id; `None` reads [`CLIENT_ID_ENV`].
    pub client_id: Option<String>,
    /// Where tokens are renewed; `None` is the runtime's default
    /// (`oauth.bitrix.info`).
    pub token_endpoint: Option<String>,
}

impl Connection {
    /// The connection the flags ask for.
    pub fn from_args(args: &ConnectionArgs) -> Connection {
        Connection {
            webhook: args.webhook.clone(),
            rate_limit: args.rate_limit,
            timeout: args.timeout,
            deadline: args.deadline,
            tokens: args.tokens.clone(),
            portal: args.portal.clone(),
            client_id: args.client_id.clone(),
            token_endpoint: args.token_endpoint.clone(),
        }
    }

    /// The client. Plain `http://` is refused except on loopback (the
    /// runtime's rule); the message never shows the webhook key.
    pub fn client(&self) -> Result<Client, String> {
        let tokens = self
            .tokens
            .clone()
            .or_else(|| std::env::var_os(TOKENS_ENV).map(PathBuf::from));
        let builder = match tokens {
            Some(tokens) if self.webhook.is_none() => self.oauth_builder(&tokens)?,
            Some(_) => {
                return Err(
                    "both `--webhook` and an OAuth token file: pass one way to reach the portal"
                        .into(),
                )
            }
            None => {
                let url = match &self.webhook {
                    Some(url) => url.clone(),
                    None => std::env::var(WEBHOOK_ENV).map_err(|_| {
                        format!(
                            "no portal: pass `--webhook URL` (or set {WEBHOOK_ENV}), or `--tokens FILE` for OAuth"
                        )
                    })?,
                };
                Client::builder(bitrix24::Portal::webhook(url.trim()))
            }
        };
        self.finish(builder)
    }

    /// An OAuth application's client: tokens from the file (renewed pairs
    /// are saved back to it), the client id and secret, the portal.
    fn oauth_builder(&self, tokens: &Path) -> Result<bitrix24::ClientBuilder, String> {
        let store = bitrix24::FileTokenStore::new(tokens);
        let pair = store.read().map_err(|e| e.to_string())?.ok_or_else(|| {
            format!(
                "{}: no such token file (it holds {{\"access_token\", \"refresh_token\"}})",
                tokens.display()
            )
        })?;
        let setting = |given: &Option<String>, env: &str, flag: &str| {
            given
                .clone()
                .or_else(|| std::env::var(env).ok())
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| format!("OAuth needs `{flag}` or {env}"))
        };
        let portal = setting(&self.portal, PORTAL_ENV, "--portal URL")?;
        let client_id = setting(&self.client_id, CLIENT_ID_ENV, "--client-id ID")?;
        let secret = std::env::var(CLIENT_SECRET_ENV)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("OAuth needs the client secret in {CLIENT_SECRET_ENV}"))?;
        let mut oauth =
            bitrix24::OAuth::new(client_id, secret, pair).store(std::sync::Arc::new(store));
        if let Some(endpoint) = &self.token_endpoint {
            oauth = oauth.token_endpoint(endpoint.clone());
        }
        Ok(Client::oauth_app(portal.trim(), oauth))
    }

    /// The rate limit, timeout and deadline on either kind of client.
    fn finish(&self, builder: bitrix24::ClientBuilder) -> Result<Client, String> {
        let rate_limit = match self.rate_limit {
            Some(limit) => limit,
            None => match std::env::var(RATE_ENV) {
                Ok(text) => parse_rate_limit(&text).map_err(|e| format!("{RATE_ENV}: {e}"))?,
                Err(_) => RateLimit::STANDARD,
            },
        };
        let mut builder = builder
            .rate_limit(rate_limit)
            .deadline(self.deadline.unwrap_or(CLI_DEADLINE));
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        builder.build().map_err(|e| format!("portal: {e}"))
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("webhook", &self.webhook.as_ref().map(|_| REDACTED))
            .field("rate_limit", &self.rate_limit)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("tokens", &self.tokens)
            .field("portal", &self.portal)
            .field("client_id", &self.client_id)
            .field("token_endpoint", &self.token_endpoint)
            .finish()
    }
}

/// A number of seconds (`--timeout`, `--deadline`): more than 0, at most
/// [`MAX_SECONDS`].
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0 && *s <= MAX_SECONDS)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("expected seconds, more than 0 and at most {MAX_SECONDS}"))
}

/// `standard`, `enterprise`, `none` or `BURST/PER_SECOND` (e.g. `50/2`).
pub fn parse_rate_limit(text: &str) -> Result<RateLimit, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "standard" => return Ok(RateLimit::STANDARD),
        "enterprise" => return Ok(RateLimit::ENTERPRISE),
        "none" | "unlimited" => return Ok(RateLimit::UNLIMITED),
        _ => {}
    }
    let bad = || {
        format!(
            "rate limit `{text}`: expected BURST/PER_SECOND (e.g. 50/2), standard or enterprise"
        )
    };
    let (burst, rate) = text.split_once('/').ok_or_else(bad)?;
    let burst: u32 = burst.trim().parse().map_err(|_| bad())?;
    let rate: f64 = rate.trim().parse().map_err(|_| bad())?;
    if burst == 0 || !(rate > 0.0 && rate.is_finite()) {
        return Err(bad());
    }
    Ok(RateLimit::new(burst, rate))
}

/// A directory of method pages, searched by method name.
#[derive(Debug, Clone)]
pub struct Docs {
    dir: PathBuf,
}

impl Docs {
    /// The tree named by `--docs`, else by [`DOCS_ENV`]; `None` when neither is set.
    pub fn from_args(args: &DocsArg) -> Result<Option<Docs>, String> {
        let dir = match &args.docs {
            Some(dir) => dir.clone(),
            None => match std::env::var_os(DOCS_ENV) {
                Some(dir) if !dir.is_empty() => PathBuf::from(dir),
                _ => return Ok(None),
            },
        };
        if !dir.is_dir() {
            return Err(format!("docs: {} is not a directory", dir.display()));
        }
        Ok(Some(Docs { dir }))
    }

    /// A docs tree at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Docs {
        Docs { dir: dir.into() }
    }

    /// The page of `method`: first the files named after it
    /// (`crm.lead.add` → `crm-lead-add.md`), then any page whose title (its
    /// first `# ` heading) names it, as method pages do and tutorials do
    /// not; each candidate is parsed and must document that method.
    pub fn find(&self, method: &str) -> Option<Method> {
        // A directory that cannot be read holds no page of the method.
        let pages = bitrix24_codegen::source::markdown_files(&self.dir).unwrap_or_default();
        let wanted = method.to_ascii_lowercase();
        let stem = wanted.replace('.', "-");
        let named = |path: &Path| {
            path.file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| s.eq_ignore_ascii_case(&stem) || s.eq_ignore_ascii_case(&wanted))
        };
        let parse = |path: &Path| -> Option<Method> {
            let loaded = bitrix24_codegen::load(path, &path.display().to_string()).ok()?;
            loaded
                .method
                .method
                .eq_ignore_ascii_case(method)
                .then_some(loaded.method)
        };
        if let Some(found) = pages.iter().filter(|p| named(p)).find_map(|p| parse(p)) {
            return Some(found);
        }
        pages
            .iter()
            .filter(|p| !named(p))
            .filter(|p| {
                std::fs::read_to_string(p).is_ok_and(|text| {
                    text.lines()
                        .find(|line| line.starts_with("# "))
                        .is_some_and(|title| {
                            title
                                .to_ascii_lowercase()
                                .split(|c: char| {
                                    !(c.is_ascii_alphanumeric() || c == '.' || c == '_')
                                })
                                .any(|word| word == wanted)
                        })
                })
            })
            .find_map(|p| parse(p))
    }
}

/// What the runtime must know about a method to call it.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodInfo {
    /// The method name as given.
    pub name: String,
    /// Whether it may be sent again after an unknown outcome.
    pub retry: Retry,
    /// Its REST generation.
    pub api: ApiVersion,
    /// Its page, when one was found.
    pub page: Option<Method>,
}

impl MethodInfo {
    /// The method `name`, described by `page` when there is one. The retry
    /// class is the code generator's, so `b24` and generated bindings agree.
    pub fn new(name: &str, page: Option<Method>) -> MethodInfo {
        let judged = page.clone().unwrap_or_else(|| Method::named(name));
        MethodInfo {
            name: name.to_string(),
            retry: retry_of(&judged),
            api: if judged.rest_v3 {
                ApiVersion::V3
            } else {
                ApiVersion::V2
            },
            page,
        }
    }

    /// Looks the page up in `docs` (if any). Prints a note on stderr when a
    /// docs tree was given but has no page for the method.
    pub fn lookup(name: &str, docs: Option<&Docs>) -> MethodInfo {
        let page = docs.and_then(|docs| {
            let page = docs.find(name);
            if page.is_none() {
                super::output::note(&format!(
                    "b24: no page for {name} under {}; parameters are not checked",
                    docs.dir.display()
                ));
            }
            page
        });
        MethodInfo::new(name, page)
    }

    /// Whether a call may be sent again when its outcome is unknown.
    pub fn safe_to_repeat(&self) -> bool {
        self.retry != Retry::Unsafe || self.api == ApiVersion::V3
    }

    /// Problems of `params` against the page (none without a page): a
    /// required parameter missing or empty, or a value of the wrong shape.
    pub fn check(&self, params: &Value) -> Vec<String> {
        let Some(page) = &self.page else {
            return Vec::new();
        };
        match params {
            Value::Object(map) => page
                .check_params(map)
                .iter()
                .map(ToString::to_string)
                .collect(),
            _ => vec!["the parameters must be a JSON object".into()],
        }
    }

    /// Parameter names the page does not document (top level only).
    pub fn unknown_params(&self, params: &Value) -> Vec<String> {
        let (Some(page), Value::Object(map)) = (&self.page, params) else {
            return Vec::new();
        };
        map.keys()
            .filter(|k| !page.params.iter().any(|f| f.name.eq_ignore_ascii_case(k)))
            .filter(|k| k.as_str() != "auth")
            .cloned()
            .collect()
    }
}

/// The runtime's retry class for a method: the model's fact, as the
/// generated bindings use it.
fn retry_of(method: &Method) -> Retry {
    match method.retry_class() {
        RetryClass::Read => Retry::Read,
        RetryClass::Idempotent => Retry::Idempotent,
        RetryClass::Unsafe => Retry::Unsafe,
    }
}

/// Reads a JSON value given on the command line.
pub fn parse_json(what: &str, text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("{what} is not valid JSON: {e}"))
}

/// Runs a future to its end on a fresh multi-threaded runtime.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    Ok(runtime.block_on(future))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix24_codegen::model::{Field, Kind};
    use serde_json::json;

    #[test]
    fn seconds_are_positive_finite_and_at_most_a_day() {
        assert_eq!(parse_seconds("2.5").unwrap(), Duration::from_millis(2500));
        assert_eq!(parse_seconds("86400").unwrap(), Duration::from_secs(86_400));
        for bad in [
            "1e308", "inf", "NaN", "-1", "0", "86401", "1e19", "soon", "",
        ] {
            let error = parse_seconds(bad).unwrap_err();
            assert!(error.contains("expected seconds"), "{bad}: {error}");
        }
    }

    #[test]
    fn rate_limits() {
        assert_eq!(parse_rate_limit("50/20").unwrap(), RateLimit::new(50, 20.0));
        assert_eq!(
            parse_rate_limit("enterprise").unwrap(),
            RateLimit::ENTERPRISE
        );
        assert!(parse_rate_limit("50").is_err());
        assert!(parse_rate_limit("0/2").is_err());
    }

    #[test]
    fn retry_classes_follow_the_generator() {
        assert_eq!(MethodInfo::new("crm.lead.list", None).retry, Retry::Read);
        assert_eq!(
            MethodInfo::new("crm.lead.contact.items.set", None).retry,
            Retry::Idempotent
        );
        assert_eq!(MethodInfo::new("crm.lead.add", None).retry, Retry::Unsafe);
    }

    #[test]
    fn params_are_checked_against_the_page() {
        let mut items = Field::new("items", Kind::Array(Box::new(Kind::Object)));
        items.required = true;
        let mut contact = Field::new("CONTACT_ID", Kind::Integer);
        contact.required = true;
        items.fields.push(contact);
        let mut id = Field::new("id", Kind::Integer);
        id.required = true;
        let mut page = Method::named("crm.lead.contact.items.set");
        page.params = vec![id, items];
        let info = MethodInfo::new("crm.lead.contact.items.set", Some(page));
        assert!(info
            .check(&json!({"ID": "5", "items": [{"CONTACT_ID": 1}]}))
            .is_empty());
        assert_eq!(
            info.check(&json!({"items": [{"SORT": 1}]})),
            [
                "required parameter `id` is missing",
                "required parameter `items[0].CONTACT_ID` is missing"
            ]
        );
        assert_eq!(
            info.check(&json!({"id": "x", "items": []})),
            ["`id` must be an integer, found \"x\""]
        );
        assert_eq!(
            info.unknown_params(&json!({"id": 1, "itmes": []})),
            ["itmes"]
        );
    }
}
