//! Setup shared by the runtime's integration tests. The portals they run
//! against are the testkit's (`bitrix24_testkit`): the emulator, the scripted
//! mock and the rogue portal.

#![allow(dead_code)]

pub mod methods;

use std::time::Duration;

/// Fast retries, for tests about other things than waiting.
pub fn fast() -> bitrix24::RetryPolicy {
    bitrix24::RetryPolicy {
        max_retries: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_operating_wait: Duration::from_secs(5),
        operating_retry: Duration::from_millis(300),
    }
}

/// A webhook client with [`fast`] retries and no client-side rate limit.
pub fn client(webhook_url: &str) -> bitrix24::Client {
    bitrix24::Client::builder(bitrix24::Portal::webhook(webhook_url))
        .retry_policy(fast())
        .rate_limit(bitrix24::RateLimit::UNLIMITED)
        .build()
        .unwrap()
}
