//! The site at an earlier revision, read from the repository's objects
//! (no checkout): resolving a revision or a date, and listing the site's
//! files as they were.
//!
//! A date `YYYY-MM-DD` names the newest commit on `HEAD`'s first-parent
//! line (the branch's own history, not the commits merged into it) whose
//! commit date, in the committer's own time zone, is that day or earlier:
//! the state of the branch at the end of that day. A branch or tag named
//! like a date wins over the date.

use std::path::PathBuf;
use std::sync::Arc;

use gix::ObjectId;
use gix::objs::FindExt as _;
use gix::objs::tree::EntryMode;
use rayon::prelude::*;

use super::entries::is_document_name;
use super::model::{CommitInfo, RULE_HISTORY, describe};
use super::open::SiteRepo;
use super::open::commit_info;
use super::summary::{LFS_PROBLEM, is_lfs_pointer};
use crate::base::diag::Diagnostic;

/// A revision that cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevError {
    /// What was given.
    pub rev: String,
    pub message: String,
    pub help: String,
}

impl std::fmt::Display for RevError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.help)
    }
}

impl RevError {
    /// As a diagnostic about `file` (a setting's file, or the option name
    /// for a command-line argument such as `--since`).
    pub fn diagnostic(&self, file: impl Into<PathBuf>) -> Diagnostic {
        Diagnostic::error(file, self.message.clone())
            .with_help(self.help.clone())
            .with_rule(RULE_HISTORY)
    }
}

/// One file of the site at a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    /// Site-relative, `/`-separated (`content/policies/x.md`).
    pub path: String,
    pub bytes: Vec<u8>,
    /// Its blob id.
    pub blob: ObjectId,
}

/// The site's files at a revision: what a loader needs.
#[derive(Debug, Clone)]
pub struct SiteFiles {
    pub commit: Arc<CommitInfo>,
    /// `clausebook.toml`, `content/**.md`, `standards/**.toml`, sorted by
    /// path.
    pub files: Vec<SiteFile>,
    /// Files left out, located: LFS pointers, symbolic links, submodules,
    /// objects that cannot be read.
    pub notes: Vec<Diagnostic>,
}

fn parse_date(rev: &str) -> Option<jiff::civil::Date> {
    let b = rev.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    rev.parse().ok()
}

impl SiteRepo {
    /// The commit `rev` names: anything git resolves (a tag, a branch, a
    /// hash or its prefix, `HEAD~3`, `v1.0^{commit}`), or a date
    /// `YYYY-MM-DD` (see the module's note).
    pub fn resolve(&self, rev: &str) -> Result<Arc<CommitInfo>, RevError> {
        let repo = self.local();
        let rev = rev.trim();
        let err = |message: String, help: String| RevError {
            rev: rev.to_string(),
            message,
            help,
        };
        if rev.is_empty() {
            return Err(err(
                "no revision given".into(),
                "give a tag, a branch, a commit hash or a date YYYY-MM-DD".into(),
            ));
        }
        if let Some(date) = parse_date(rev)
            && repo.try_find_reference(rev).ok().flatten().is_none()
        {
            return self.resolve_date(&repo, rev, date);
        }
        let id = match repo.rev_parse_single(rev) {
            Ok(id) => id,
            Err(e) => {
                return Err(err(
                    format!("cannot resolve `{rev}` in the repository: {}", describe(&e)),
                    self.rev_help(&repo, rev),
                ));
            }
        };
        let commit = id
            .object()
            .map_err(|e| describe(&e))
            .and_then(|o| o.peel_to_commit().map_err(|e| describe(&e)));
        let commit = match commit {
            Ok(c) => c.id,
            Err(e) => {
                return Err(err(
                    format!("`{rev}` does not name a commit: {e}"),
                    "give a tag, a branch, a commit hash or a date YYYY-MM-DD".into(),
                ));
            }
        };
        commit_info(&repo, commit, &self.shallow, self.short_len())
            .map(|(info, _)| Arc::new(info))
            .map_err(|e| {
                err(
                    format!("the commit `{rev}` names cannot be read: {e}"),
                    "the repository may be damaged: `git fsck` tells".into(),
                )
            })
    }

    fn resolve_date(
        &self,
        repo: &gix::Repository,
        rev: &str,
        date: jiff::civil::Date,
    ) -> Result<Arc<CommitInfo>, RevError> {
        let mut id = self.head;
        let oldest = loop {
            let (info, links) =
                commit_info(repo, id, &self.shallow, self.short_len()).map_err(|e| RevError {
                    rev: rev.to_string(),
                    message: format!("commit {id} cannot be read while looking for {rev}: {e}"),
                    help: "the repository may be damaged: `git fsck` tells".into(),
                })?;
            if info.commit_date() <= date {
                return Ok(Arc::new(info));
            }
            match links.parents.first() {
                Some(p) => id = *p,
                None => break info,
            }
        };
        let message = format!(
            "no commit on or before {rev}: the oldest commit of the branch here is {} of {}",
            oldest.short,
            oldest.commit_date()
        );
        let help = if oldest.shallow_boundary {
            "this is a shallow clone: fetch the older history (`git fetch --unshallow`, or a deeper \
             `fetch-depth` in CI), or give a later date"
                .to_string()
        } else {
            format!(
                "give a date from {} on, or a tag or commit",
                oldest.commit_date()
            )
        };
        Err(RevError {
            rev: rev.to_string(),
            message,
            help,
        })
    }

    /// Help for a revision that does not resolve: the closest branch or tag
    /// name, or a few tags.
    fn rev_help(&self, repo: &gix::Repository, rev: &str) -> String {
        let mut names: Vec<String> = Vec::new();
        let mut tags: Vec<String> = Vec::new();
        if let Ok(platform) = repo.references()
            && let Ok(all) = platform.all()
        {
            for r in all.flatten() {
                let full = r.name().as_bstr().to_string();
                let short = r.name().shorten().to_string();
                if full.starts_with("refs/tags/") {
                    tags.push(short.clone());
                }
                if full.starts_with("refs/heads/") || full.starts_with("refs/tags/") {
                    names.push(short);
                }
            }
        }
        let best = names
            .iter()
            .map(|n| (strsim::levenshtein(n, rev), n))
            .filter(|(d, n)| *d <= (n.len().max(rev.len()) / 3).max(1))
            .min();
        let base =
            "give a tag, a branch, a commit hash, an expression like HEAD~3, or a date YYYY-MM-DD";
        if let Some((_, name)) = best {
            format!("did you mean `{name}`? ({base})")
        } else if !tags.is_empty() {
            tags.sort();
            let shown: Vec<&str> = tags.iter().rev().take(5).map(String::as_str).collect();
            format!("{base}; tags here: {}", shown.join(", "))
        } else {
            format!(
                "{base}; `git log --oneline` lists the commits (tags may not have come with this clone)"
            )
        }
    }

    /// The site's files at `commit`: `clausebook.toml`, the documents below
    /// `content/` and `standards/**.toml`, read from the objects.
    pub fn site_files(&self, commit: &CommitInfo) -> SiteFiles {
        let repo = self.local();
        let mut notes = Vec::new();
        let mut wanted: Vec<(String, ObjectId)> = Vec::new();
        let tree = ObjectId::from_hex(commit.id.as_bytes())
            .ok()
            .and_then(|id| {
                let mut buf = Vec::new();
                repo.objects
                    .find_commit(&id, &mut buf)
                    .ok()
                    .map(|c| c.tree())
            });
        let commit_arc = Arc::new(commit.clone());
        let Some(tree) = tree else {
            notes.push(super::walk::repo_warning(
                self,
                format!("commit {} cannot be read", commit.short),
            ));
            return SiteFiles {
                commit: commit_arc,
                files: Vec::new(),
                notes,
            };
        };
        let mut note = |path: &str, msg: String| {
            notes.push(
                Diagnostic::warning(path, msg)
                    .with_help("the file is left out of the site at that revision")
                    .with_rule(RULE_HISTORY),
            );
        };
        match super::open::lookup(&repo, tree, &self.repo_path("clausebook.toml")) {
            Ok(Some((id, mode))) if mode.is_blob() => wanted.push(("clausebook.toml".into(), id)),
            _ => {}
        }
        for (dir, keep) in [
            ("content", is_document_name as fn(&str) -> bool),
            ("standards", |p: &str| p.ends_with(".toml")),
        ] {
            if let Ok(Some(t)) = self.subtree(&repo, tree, dir) {
                let mut leaves = Vec::new();
                leaves_of(&repo, t, dir, &mut leaves, &mut note);
                for (path, id, mode) in leaves {
                    if !keep(&path) {
                        continue;
                    }
                    if mode.is_link() {
                        note(
                            &path,
                            format!(
                                "`{path}` is a symbolic link at commit {}: links are not followed when reading an earlier revision",
                                commit.short
                            ),
                        );
                    } else if mode.is_blob() {
                        wanted.push((path, id));
                    }
                }
            }
        }
        let read: Vec<(String, ObjectId, Result<Vec<u8>, String>)> = wanted
            .par_iter()
            .map_init(
                || (self.local(), Vec::new()),
                |(repo, buf), (path, id)| {
                    let r = repo
                        .objects
                        .find_blob(id, buf)
                        .map(|b| b.data.to_vec())
                        .map_err(|e| describe(&e));
                    (path.clone(), *id, r)
                },
            )
            .collect();
        let mut files = Vec::with_capacity(read.len());
        for (path, blob, r) in read {
            match r {
                Ok(bytes) if is_lfs_pointer(&bytes) => {
                    note(&path, format!("at commit {}: {LFS_PROBLEM}", commit.short))
                }
                Ok(bytes) => files.push(SiteFile { path, bytes, blob }),
                Err(e) => note(
                    &path,
                    format!(
                        "at commit {} its content cannot be read from the repository: {e}",
                        commit.short
                    ),
                ),
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        SiteFiles {
            commit: commit_arc,
            files,
            notes,
        }
    }
}

/// Every leaf below `tree` (paths prefixed with `prefix`); submodules are
/// noted.
fn leaves_of(
    repo: &gix::Repository,
    tree: ObjectId,
    prefix: &str,
    out: &mut Vec<(String, ObjectId, EntryMode)>,
    note: &mut impl FnMut(&str, String),
) {
    let mut buf = Vec::new();
    let entries: Vec<(String, ObjectId, EntryMode)> =
        match repo.objects.find_tree_iter(&tree, &mut buf) {
            Ok(iter) => iter
                .flatten()
                .map(|e| {
                    (
                        format!("{prefix}/{}", String::from_utf8_lossy(e.filename.as_ref())),
                        e.oid.to_owned(),
                        e.mode,
                    )
                })
                .collect(),
            Err(e) => {
                note(
                    prefix,
                    format!(
                        "the folder cannot be read from the repository: {}",
                        describe(&e)
                    ),
                );
                return;
            }
        };
    for (path, id, mode) in entries {
        if mode.is_tree() {
            leaves_of(repo, id, &path, out, note);
        } else if mode.is_commit() {
            note(
                &path,
                format!(
                    "`{path}` is a git submodule: its files are not read at an earlier revision"
                ),
            );
        } else {
            out.push((path, id, mode));
        }
    }
}
