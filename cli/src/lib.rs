//! The library behind the `b24` command line: every subcommand as a module
//! under [`commands`] (its clap `Args` and its `run`), gathered by [`cli`],
//! so tests can drive them in-process and ask clap what there is.
//!
//! `inspect`, `expand`, `check`, `diff` and `vendor` work on method pages;
//! `new-bindings` scaffolds a bindings crate; `call`, `export` and `import`
//! talk to a portal through the `bitrix24` runtime.

pub mod child_cargo;
pub mod cli;
pub mod commands;
pub mod logging;
