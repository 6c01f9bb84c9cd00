//! `b24 diff OLD_DOCS NEW_DOCS [--json]`: what changed for users of the
//! bindings between two revisions of the reference. Every page of both
//! trees is parsed (nothing is built); methods are matched by name, so a
//! page that moved is the same method. Per method: added, removed, moved,
//! and each change of parameters, result, errors and deprecation, marked
//! breaking or compatible by [`bitrix24_codegen::diff`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bitrix24_codegen::diff::{self, Change};
use serde_json::json;

use super::pages::{read_tree, Page};
use super::{output, Outcome};

/// What changed between two revisions of the reference, breaking or not.
///
/// Parses every page of both trees (nothing is built) and reports, per
/// method (matched by name, so a moved page is the same method): added,
/// removed, moved, and every change of parameters, result, error codes and
/// deprecation, each marked breaking or compatible for code using the
/// generated bindings.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The older docs tree
    #[arg(value_name = "OLD_DOCS")]
    pub old: PathBuf,
    /// The newer docs tree
    #[arg(value_name = "NEW_DOCS")]
    pub new: PathBuf,
    /// One JSON document: added, removed, moved, changed, summary
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args) -> Outcome {
    for root in [&args.old, &args.new] {
        if !root.is_dir() {
            return Err(format!("{}: not a directory", root.display()));
        }
    }
    let old = read_tree(&args.old)?;
    let new = read_tree(&args.new)?;
    let report = Report::of(&old, &new);
    if args.json {
        let text = serde_json::to_string_pretty(&report.json()).map_err(|e| e.to_string())?;
        output::println(&text)?;
    } else {
        output::print(&report.text())?;
    }
    Ok(ExitCode::SUCCESS)
}

struct Changed<'a> {
    name: &'a str,
    changes: Vec<Change>,
}

struct Report<'a> {
    added: Vec<&'a str>,
    removed: Vec<&'a str>,
    moved: Vec<(&'a str, &'a Path, &'a Path)>,
    changed: Vec<Changed<'a>>,
}

impl<'a> Report<'a> {
    fn of(old: &'a BTreeMap<String, Page>, new: &'a BTreeMap<String, Page>) -> Report<'a> {
        let mut report = Report {
            added: Vec::new(),
            removed: Vec::new(),
            moved: Vec::new(),
            changed: Vec::new(),
        };
        for (key, page) in new {
            let Some(before) = old.get(key) else {
                report.added.push(page.method.method.as_str());
                continue;
            };
            if before.relative != page.relative {
                report.moved.push((
                    page.method.method.as_str(),
                    before.relative.as_path(),
                    page.relative.as_path(),
                ));
            }
            let changes = diff::changes(&before.method, &page.method);
            if !changes.is_empty() {
                report.changed.push(Changed {
                    name: page.method.method.as_str(),
                    changes,
                });
            }
        }
        for (key, page) in old {
            if !new.contains_key(key) {
                report.removed.push(page.method.method.as_str());
            }
        }
        report
    }

    fn breaking(&self) -> usize {
        self.changed
            .iter()
            .flat_map(|c| &c.changes)
            .filter(|c| c.breaking)
            .count()
    }

    fn compatible(&self) -> usize {
        self.changed.iter().map(|c| c.changes.len()).sum::<usize>() - self.breaking()
    }

    fn summary(&self) -> String {
        let with_breaking = self
            .changed
            .iter()
            .filter(|c| c.changes.iter().any(|c| c.breaking))
            .count();
        format!(
            "{} methods added, {} removed, {} moved; {} changed ({} with breaking changes): {} breaking changes, {} compatible",
            self.added.len(),
            self.removed.len(),
            self.moved.len(),
            self.changed.len(),
            with_breaking,
            self.breaking(),
            self.compatible()
        )
    }

    fn text(&self) -> String {
        let mut text = String::new();
        for name in &self.added {
            text.push_str(&format!("+ {name}: added\n"));
        }
        for name in &self.removed {
            text.push_str(&format!("- {name}: removed (breaking)\n"));
        }
        for (name, from, to) in &self.moved {
            text.push_str(&format!(
                "~ {name}: moved {} -> {}\n",
                from.display(),
                to.display()
            ));
        }
        for changed in &self.changed {
            for change in &changed.changes {
                let mark = if change.breaking {
                    "breaking"
                } else {
                    "compatible"
                };
                text.push_str(&format!(
                    "~ {}: {} {} ({mark})\n",
                    changed.name, change.path, change.what
                ));
            }
        }
        text.push_str(&self.summary());
        text.push('\n');
        text
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "added": self.added,
            "removed": self.removed,
            "moved": self.moved.iter().map(|(name, from, to)| json!({
                "method": name, "from": from.display().to_string(), "to": to.display().to_string(),
            })).collect::<Vec<_>>(),
            "changed": self.changed.iter().map(|c| json!({
                "method": c.name, "changes": c.changes,
            })).collect::<Vec<_>>(),
            "summary": {
                "added": self.added.len(),
                "removed": self.removed.len(),
                "moved": self.moved.len(),
                "changed": self.changed.len(),
                "breaking": self.breaking(),
                "compatible": self.compatible(),
                "text": self.summary(),
            },
        })
    }
}
