//! `b24 new-bindings PATH --docs DOCS [--name NAME] [--bitrix24 SPEC]
//! METHOD_GLOB...`: scaffolds the README's bindings-crate pattern. A small
//! crate of its own holds the pages of the chosen methods, vendored inside it
//! (through [`vendor::vendor`](super::vendor::vendor), the code of `b24
//! vendor`), and binds them with `bitrix24::bitrix_api!` and the same
//! globs, so its build reads only its own files and editing the app never
//! expands the bindings again.
//!
//! The crate's folder must be new or empty: nothing is overwritten. When a
//! step fails, what this command wrote is removed again.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::vendor::{self, Request};
use super::{output, Outcome};

mod text;

/// The vendored pages' folder inside the crate: `bitrix_api!`'s and `b24
/// vendor`'s default.
pub const PAGES: &str = "docs-input";

/// Create a bindings crate: the chosen methods' pages vendored in it, bound by bitrix_api!.
///
/// Writes PATH/Cargo.toml (depending on `bitrix24`), PATH/src/lib.rs
/// (`bitrix24::bitrix_api!("docs-input", methods = [..])` with the globs
/// given) and PATH/docs-input/ (the pages, as `b24 vendor` copies them, with
/// their `b24-vendor.json` manifest), then prints what to add to the
/// workspace and the app. PATH must not exist or be an empty directory.
/// Globs: `*` any run of characters (dots too), `?` one, ASCII case ignored.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The crate's folder (new, or an empty directory)
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Method names or globs to vendor and bind, e.g. crm.lead.get 'crm.deal.*'
    #[arg(value_name = "METHOD_GLOB", required = true)]
    pub methods: Vec<String>,
    /// The docs tree to copy the pages from (else $B24_DOCS)
    #[arg(long, value_name = "DIR")]
    pub docs: Option<PathBuf>,
    /// The crate's name (default: the folder's name)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The `bitrix24` dependency as TOML: a version ("0.1") or a table's
    /// keys, e.g. 'path = "../bitrix24/runtime"' (default: this b24's version)
    #[arg(long, value_name = "SPEC")]
    pub bitrix24: Option<String>,
}

/// Runs the command.
pub fn run(args: Args) -> Outcome {
    let docs = vendor::docs_dir(args.docs.as_deref())?;
    let name = crate_name(args.name.as_deref(), &args.path)?;
    let dependency = dependency(args.bitrix24.as_deref())?;
    let created = prepare(&args.path)?;
    let made = make(&args, &docs, &name, &dependency);
    let report = match made {
        Ok(report) => report,
        Err(message) => {
            let message = match undo(&args.path, created) {
                Ok(()) => message,
                Err(left) => format!("{message} (and cleaning up failed: {left})"),
            };
            return Err(message);
        }
    };
    let crate_ = text::Crate {
        path: &args.path,
        name: &name,
        dependency: &dependency,
        globs: &args.methods,
    };
    output::print(&text::next_steps(&crate_, &report, &docs))?;
    Ok(ExitCode::SUCCESS)
}

/// Vendors the pages, then writes the manifest and the library.
fn make(args: &Args, docs: &Path, name: &str, dependency: &str) -> Result<vendor::Report, String> {
    let report = vendor::vendor(&Request {
        names: args.methods.clone(),
        docs: docs.to_path_buf(),
        into: args.path.join(PAGES),
        update: false,
    })?;
    let crate_ = text::Crate {
        path: &args.path,
        name,
        dependency,
        globs: &args.methods,
    };
    write(&args.path.join("Cargo.toml"), &text::manifest(&crate_))?;
    let src = args.path.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    write(&src.join("lib.rs"), &text::library(&crate_))?;
    Ok(report)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Makes sure `path` is a new or empty directory; whether it was created.
fn prepare(path: &Path) -> Result<bool, String> {
    match std::fs::read_dir(path) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(format!(
                    "{} exists and is not empty: new-bindings only writes a new crate (pick a new folder)",
                    path.display()
                ));
            }
            Ok(false)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(true)
        }
        Err(_) if path.exists() => Err(format!(
            "{} exists and is not a directory we can read: new-bindings only writes a new crate",
            path.display()
        )),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Removes what a failed run wrote: the three entries it makes (the folder
/// was empty before), then the folder itself when the run created it.
fn undo(path: &Path, created: bool) -> Result<(), String> {
    for entry in [PAGES, "src"] {
        let dir = path.join(entry);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }
    let manifest = path.join("Cargo.toml");
    if manifest.exists() {
        std::fs::remove_file(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    }
    if created {
        std::fs::remove_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Words a crate may not be named (Rust's keywords; cargo refuses them).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
    "try", "typeof", "unsized", "virtual", "yield", "test", "core", "std", "alloc",
];

/// The crate's name: `--name`, else the folder's name; it must be one
/// cargo takes and not `bitrix24`, the dependency's.
pub fn crate_name(given: Option<&str>, path: &Path) -> Result<String, String> {
    let (name, from) = match given {
        Some(name) => (name.to_string(), "`--name`"),
        None => (
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            "the folder's name",
        ),
    };
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(format!(
            "`{name}` ({from}) is not a crate name: ASCII letters, digits, `-` and `_`, starting with a letter; pass `--name NAME`"
        ));
    }
    let lib = name.replace('-', "_");
    if KEYWORDS.contains(&lib.as_str()) || lib == "bitrix24" {
        return Err(format!(
            "`{name}` ({from}) cannot name the crate (a keyword, a standard crate or its dependency's name); pass `--name NAME`"
        ));
    }
    Ok(name)
}

/// The `bitrix24` dependency's TOML value from `--bitrix24`: a quoted or
/// bare version, an inline table, or the keys of one (`path = ".."`).
/// Without it, this `b24`'s own version.
pub fn dependency(given: Option<&str>) -> Result<String, String> {
    let Some(spec) = given.map(str::trim) else {
        return Ok(format!("\"{}\"", env!("CARGO_PKG_VERSION")));
    };
    let bad = |why: &str| {
        format!("`--bitrix24 {spec}`: {why}; e.g. --bitrix24 0.1 or --bitrix24 'path = \"../bitrix24/runtime\"'")
    };
    if spec.is_empty() || spec.contains(['\n', '\r', '#']) {
        return Err(bad("expected one line of TOML"));
    }
    let balanced = spec.matches('"').count() % 2 == 0
        && spec.matches('{').count() == spec.matches('}').count()
        && spec.matches('[').count() == spec.matches(']').count();
    if !balanced {
        return Err(bad("unbalanced quotes or brackets"));
    }
    if spec.starts_with('{') && spec.ends_with('}') {
        return Ok(spec.to_string());
    }
    if spec.len() >= 2 && spec.starts_with('"') && spec.ends_with('"') {
        return Ok(spec.to_string());
    }
    if spec.contains('=') && !spec.starts_with(['=', '<', '>', '~', '^']) {
        return Ok(format!("{{ {spec} }}"));
    }
    if spec.contains(['"', '{', '}', '[', ']']) {
        return Err(bad("expected a version or a table's keys"));
    }
    Ok(format!("\"{spec}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_folder_or_the_flag() {
        let path = Path::new("work/crm-bindings");
        assert_eq!(crate_name(None, path).unwrap(), "crm-bindings");
        assert_eq!(crate_name(Some("b24_crm"), path).unwrap(), "b24_crm");
        for bad in ["1st", "crm bindings", "", "bitrix24", "fn", "ünï"] {
            assert!(crate_name(Some(bad), path).is_err(), "{bad}");
        }
        assert!(crate_name(None, Path::new("/")).is_err());
    }

    #[test]
    fn the_dependency_is_a_version_or_a_table() {
        let version = format!("\"{}\"", env!("CARGO_PKG_VERSION"));
        assert_eq!(dependency(None).unwrap(), version);
        assert_eq!(dependency(Some("0.1")).unwrap(), "\"0.1\"");
        assert_eq!(dependency(Some("\"=0.1.0\"")).unwrap(), "\"=0.1.0\"");
        assert_eq!(dependency(Some(">=0.1, <0.3")).unwrap(), "\">=0.1, <0.3\"");
        assert_eq!(
            dependency(Some("path = \"../runtime\"")).unwrap(),
            "{ path = \"../runtime\" }"
        );
        assert_eq!(
            dependency(Some("{ version = \"0.1\", default-features = false }")).unwrap(),
            "{ version = \"0.1\", default-features = false }"
        );
        for bad in ["", "path = \"x", "a\nb", "0.1 # latest", "[1]"] {
            assert!(dependency(Some(bad)).is_err(), "{bad}");
        }
    }
}
