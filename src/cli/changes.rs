//! `clausebook changes`: what changed between two revisions of the site,
//! for people (human, markdown) and for tools (json, schema
//! `clausebook-changes/1`).

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::exit::{EXIT_OK, EXIT_USAGE};
use crate::load::history::{DocumentRef, open};
use crate::resolve::changes::{Changes, between};

/// Output formats of `clausebook changes`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Markdown,
}

/// The arguments of `clausebook changes`.
#[derive(clap::Args, Debug)]
pub struct ChangesArgs {
    /// The earlier revision: a tag, a branch, a commit, or a date (YYYY-MM-DD: the last commit on that day or before)
    #[arg(long, value_name = "REV")]
    pub since: String,
    /// The later revision (default: HEAD)
    #[arg(long, value_name = "REV")]
    pub until: Option<String>,
    /// Site folder (holding clausebook.toml)
    #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Run `clausebook changes`; the exit code.
pub fn command(args: &ChangesArgs, print: impl Fn(&Diagnostics)) -> i32 {
    let repo = match open(&args.root) {
        Ok(r) => r,
        Err(off) => {
            let d = off.warning.unwrap_or_else(|| {
                Diagnostic::error(".git", off.reason.clone())
                    .with_help(
                        "`clausebook changes` reads the site's git repository: run it in a clone",
                    )
                    .with_rule(crate::load::history::RULE_HISTORY)
            });
            print(&Diagnostics(vec![d]));
            return EXIT_USAGE;
        }
    };
    let changes = match between(&repo, &args.since, args.until.as_deref(), "--since") {
        Ok(c) => c,
        Err(d) => {
            print(&Diagnostics(vec![d]));
            return EXIT_USAGE;
        }
    };
    if !changes.notes.is_empty() {
        print(&Diagnostics(changes.notes.clone()));
    }
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&changes.json()).unwrap_or_default() + "\n",
        Format::Human => text(&changes, false),
        Format::Markdown => text(&changes, true),
    };
    // A reader that stops early (`| head`) is not an error.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    EXIT_OK
}

fn doc_line(d: &DocumentRef) -> String {
    format!(
        "{} {} ({}{})",
        d.id,
        d.title,
        d.path,
        d.version
            .as_deref()
            .map_or_else(String::new, |v| format!(", version {v}"))
    )
}

/// The report as text: Markdown (headings, lists) or plain lines.
pub fn text(c: &Changes, md: bool) -> String {
    let d = &c.documents;
    let mut out = String::new();
    let h = |out: &mut String, title: &str| heading(out, md, title);
    let item = |out: &mut String, s: String| {
        let _ = writeln!(out, "{}{s}", if md { "- " } else { "  " });
    };
    let title = format!(
        "Changes from {} ({}) to {} ({})",
        d.since.short,
        d.since.commit_date(),
        d.until.short,
        d.until.commit_date()
    );
    let _ = writeln!(out, "{}{title}", if md { "# " } else { "" });
    if c.shallow {
        let _ = writeln!(
            out,
            "\nThe repository is a shallow clone: the earliest revision read is its boundary."
        );
    }
    if c.is_empty() {
        let _ = writeln!(out, "\nNo document or coverage changed.");
        return out;
    }
    let lists: [(&str, Vec<String>); 3] = [
        ("Added", d.added.iter().map(doc_line).collect()),
        ("Removed", d.removed.iter().map(doc_line).collect()),
        (
            "Retired",
            d.retired
                .iter()
                .map(|r| format!("{} (was {})", doc_line(&r.document), r.from_status.as_str()))
                .collect(),
        ),
    ];
    for (name, items) in lists {
        if !items.is_empty() {
            h(&mut out, name);
            for i in items {
                item(&mut out, i);
            }
        }
    }
    if !d.reapproved.is_empty() {
        h(&mut out, "Re-approved (new version)");
        for r in &d.reapproved {
            item(
                &mut out,
                format!(
                    "{}: version {} → {}",
                    doc_line(&r.document),
                    r.from_version.as_deref().unwrap_or("none"),
                    r.to_version.as_deref().unwrap_or("none")
                ),
            );
        }
    }
    if !d.changed_without_version.is_empty() {
        h(&mut out, "Changed without a new version");
        for r in &d.changed_without_version {
            let mut what = Vec::new();
            if r.body {
                what.push("body");
            }
            if r.title_changed {
                what.push("title");
            }
            if r.clauses {
                what.push("clause references");
            }
            item(
                &mut out,
                format!("{}: {}", doc_line(&r.document), what.join(", ")),
            );
        }
    }
    if !d.moved.is_empty() {
        h(&mut out, "Moved");
        for m in &d.moved {
            item(
                &mut out,
                format!("{} {}: {} → {}", m.id, m.title, m.from, m.to),
            );
        }
    }
    if !d.clause_references.is_empty() {
        h(&mut out, "Clause references");
        for r in &d.clause_references {
            let refs = |l: &[crate::load::history::ClauseRef]| {
                l.iter()
                    .map(|c| c.reference.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut parts = Vec::new();
            if !r.added.is_empty() {
                parts.push(format!("added {}", refs(&r.added)));
            }
            if !r.removed.is_empty() {
                parts.push(format!("removed {}", refs(&r.removed)));
            }
            item(
                &mut out,
                format!("{} {}: {}", r.id, r.title, parts.join("; ")),
            );
        }
    }
    coverage_text(c, md, &mut out);
    out
}

/// The coverage changes of [`text`].
fn coverage_text(c: &Changes, md: bool, out: &mut String) {
    for s in &c.coverage {
        if s.clauses.is_empty() {
            continue;
        }
        heading(
            out,
            md,
            &format!(
                "Coverage of {} ({:.0} % → {:.0} %)",
                s.name, s.percent_before, s.percent_after
            ),
        );
        for cl in &s.clauses {
            let mut why = Vec::new();
            if !cl.gained.is_empty() {
                why.push(format!("now addressed by {}", cl.gained.join(", ")));
            }
            if !cl.lost.is_empty() {
                why.push(format!("no longer addressed by {}", cl.lost.join(", ")));
            }
            if why.is_empty() && !cl.documents.is_empty() {
                why.push(format!("addressed by {}", cl.documents.join(", ")));
            }
            let why = if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.join("; "))
            };
            let _ = writeln!(
                out,
                "{}{} {}: {} → {}{why}",
                if md { "- " } else { "  " },
                cl.clause,
                cl.title,
                cl.from.as_str(),
                cl.to.as_str(),
            );
        }
    }
}

fn heading(out: &mut String, md: bool, title: &str) {
    if md {
        let _ = writeln!(out, "\n## {title}\n");
    } else {
        let _ = writeln!(out, "\n{title}:");
    }
}
