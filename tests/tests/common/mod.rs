//! A small crate of a test's own, built with `cargo run` in trybuild's
//! target directory (where the workspace's dependencies are already built),
//! for the tests that check what a rebuild picks up.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch crate depending on the runtime, under the target directory.
pub struct Probe {
    dir: PathBuf,
    target: PathBuf,
}

impl Probe {
    /// A fresh crate `name` (any earlier one removed) depending on the
    /// runtime and on the `[dependencies]` lines in `extra`, with the
    /// workspace's lock file, so nothing is resolved anew.
    pub fn new(name: &str, extra: &str) -> Probe {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let target_root = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("target"));
        let probe = Probe {
            dir: target_root.join("tests").join(name),
            target: target_root.join("tests").join("trybuild"),
        };
        let _ = std::fs::remove_dir_all(&probe.dir);
        probe.write(
            "Cargo.toml",
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
                 [dependencies]\nbitrix24 = {{ path = {:?} }}\n{extra}\n[workspace]\n",
                workspace.join("runtime")
            ),
        );
        std::fs::copy(workspace.join("Cargo.lock"), probe.dir.join("Cargo.lock")).unwrap();
        probe
    }

    /// Writes `text` to `path` inside the crate, making its folders.
    pub fn write(&self, path: &str, text: &str) {
        let path = self.dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Builds and runs the crate; what it printed, trimmed. A failed build
    /// fails the test with cargo's errors.
    pub fn run(&self) -> String {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let output = Command::new(cargo)
            .args(["run", "--quiet", "--offline"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("BITRIX24_MANIFEST_DIR")
            .output()
            .expect("run cargo");
        assert!(
            output.status.success(),
            "probe build failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    }
}
