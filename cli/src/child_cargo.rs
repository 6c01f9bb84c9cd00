//! A `cargo` to run from inside a cargo-run process (`cargo run -p b24`, a
//! test), with the variables cargo set for *this* crate taken away.
//!
//! Cargo gives a process it starts `CARGO_MANIFEST_DIR`, `CARGO_PKG_*` and
//! the like. A child `cargo build` passes them on to build scripts, and one
//! that declares it depends on such a variable (ring's does) sees a change
//! and runs again, so it and every crate above it are rebuilt, and rebuilt
//! once more by the next plain build of the same target directory.

use std::process::Command;

/// Prefixes of the variables cargo sets for the crate it runs.
const PREFIXES: [&str; 4] = [
    "CARGO_MANIFEST_",
    "CARGO_PKG_",
    "CARGO_BIN_",
    "CARGO_CRATE_",
];

/// Variables cargo sets for the crate it runs, named whole.
const NAMES: [&str; 3] = [
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
];

/// `$CARGO` (the cargo that runs us), else `cargo` from the path, without
/// the variables cargo set for the calling crate.
pub fn command() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if PREFIXES.iter().any(|p| key.starts_with(p)) || NAMES.contains(&key.as_ref()) {
            command.env_remove(key.as_ref());
        }
    }
    command
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_calling_crates_variables_are_removed() {
        // Under `cargo test` this process has them; the child must not.
        assert!(std::env::var_os("CARGO_MANIFEST_DIR").is_some());
        let command = super::command();
        let removed: Vec<_> = command
            .get_envs()
            .filter(|(_, value)| value.is_none())
            .map(|(key, _)| key.to_string_lossy().into_owned())
            .collect();
        assert!(
            removed.iter().any(|k| k == "CARGO_MANIFEST_DIR"),
            "{removed:?}"
        );
        assert!(removed.iter().any(|k| k == "CARGO_PKG_NAME"), "{removed:?}");
        assert!(!removed.iter().any(|k| k == "PATH"), "{removed:?}");
    }
}
