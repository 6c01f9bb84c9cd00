//! `RUST_LOG` turns on the runtime's `tracing` output on stderr: one line
//! per event and per closed span (`bitrix24.call{method=crm.lead.get ...}`
//! with its time), filtered the way `RUST_LOG` says (`debug`,
//! `bitrix24=trace`, ...). Without `RUST_LOG` nothing is installed and the
//! commands print only what they always print. The runtime masks webhook
//! keys and tokens before anything reaches a span or an event.

use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::EnvFilter;

/// Installs the subscriber when `RUST_LOG` is set. A filter that does not
/// parse is reported once on stderr and the commands go on without logs.
pub fn init() {
    let Some(wanted) = std::env::var_os("RUST_LOG") else {
        return;
    };
    let filter = match EnvFilter::try_new(wanted.to_string_lossy()) {
        Ok(filter) => filter,
        Err(error) => {
            crate::commands::output::note(&format!(
                "b24: RUST_LOG is not a filter ({error}); no logs\n"
            ));
            return;
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_span_events(FmtSpan::CLOSE)
        .try_init();
}
