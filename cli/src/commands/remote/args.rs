//! The flags of the portal commands (`call`, `export`, `import`), as clap
//! structs each command flattens into its own: how to reach the portal and
//! where the method pages are. One spelling for one thing in every command.
//!
//! The webhook URL carries its key: [`ConnectionArgs`]'s `Debug` shows
//! whether one was given, never the URL. The OAuth client secret has no
//! flag at all (a flag shows in `ps` and the shell's history); it is read
//! from [`CLIENT_SECRET_ENV`](super::CLIENT_SECRET_ENV) only.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use bitrix24::RateLimit;

use super::{parse_rate_limit, parse_seconds};

/// What a secret shows as in `Debug` output.
pub const REDACTED: &str = "<redacted>";

/// The help lines every portal command ends with.
pub const PORTAL_AFTER_HELP: &str = "\
Without `--webhook` or `--tokens`, the portal is $B24_WEBHOOK_URL (or the token file $B24_TOKENS).
RUST_LOG (e.g. debug) shows the runtime's spans on stderr, webhook keys and tokens masked.";

/// How to reach the portal: a webhook, or an OAuth application's token
/// file, with the client's limits.
#[derive(clap::Args, Clone, Default, PartialEq)]
#[command(next_help_heading = "Connection")]
pub struct ConnectionArgs {
    /// The webhook to call, https://PORTAL/rest/USER/KEY/ (else $B24_WEBHOOK_URL)
    #[arg(long, value_name = "URL")]
    pub webhook: Option<String>,
    /// OAuth instead of a webhook: the token file, renewed pairs saved back to it (else $B24_TOKENS)
    #[arg(long, value_name = "FILE")]
    pub tokens: Option<PathBuf>,
    /// OAuth: the portal's address (else $B24_PORTAL)
    #[arg(long, value_name = "URL")]
    pub portal: Option<String>,
    /// OAuth: the application's client id (else $B24_CLIENT_ID); its secret is read from $B24_CLIENT_SECRET only
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// OAuth: where tokens are renewed (default https://oauth.bitrix.info/oauth/token/)
    #[arg(long, value_name = "URL")]
    pub token_endpoint: Option<String>,
    /// The portal's bucket to mirror: BURST/PER_SECOND (e.g. 50/2), standard, enterprise or none (else $B24_RATE_LIMIT)
    #[arg(long, value_name = "B/S", value_parser = parse_rate_limit)]
    pub rate_limit: Option<RateLimit>,
    /// Give up on one attempt after SECS (more than 0, at most a day)
    #[arg(long, value_name = "SECS", value_parser = parse_seconds)]
    pub timeout: Option<Duration>,
    /// Give up on the whole call, retries included, after SECS (default 120)
    #[arg(long, value_name = "SECS", value_parser = parse_seconds)]
    pub deadline: Option<Duration>,
}

impl fmt::Debug for ConnectionArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionArgs")
            .field("webhook", &self.webhook.as_ref().map(|_| REDACTED))
            .field("tokens", &self.tokens)
            .field("portal", &self.portal)
            .field("client_id", &self.client_id)
            .field("token_endpoint", &self.token_endpoint)
            .field("rate_limit", &self.rate_limit)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .finish()
    }
}

/// Where the method pages are, for a portal command: to check parameters
/// before sending and to know whether a call may be repeated.
#[derive(clap::Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct DocsArg {
    /// Method pages, to check parameters and know whether a call may be repeated (else $B24_DOCS)
    #[arg(long, value_name = "DIR")]
    pub docs: Option<PathBuf>,
}
