//! The library behind the `b24` command line: every subcommand as a module
//! under [`commands`], so tests can drive them in-process.
//!
//! `inspect`, `expand` and `check` work on method pages; `call`, `export`
//! and `import` talk to a portal through the `bitrix24` runtime.

pub mod commands;
pub mod logging;
