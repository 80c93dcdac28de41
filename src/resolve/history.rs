//! The site's history as the checks, pages and exports read it: when the
//! site is in a git repository (unless its `clausebook.toml` sets
//! `[history] enabled = false`), [`load`] reads the repository (`load::history`) once per
//! build: each document's revisions, the approval integrity findings, the
//! working tree compared with `HEAD`, and the publication stamp.
//!
//! With history turned off, outside a repository, or when the site's
//! `clausebook.toml` is not committed (a copy of a site inside another
//! repository's work tree), the site has no history and builds exactly as
//! before.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::base::diag::Diagnostic;
use crate::load::config::Config;
use crate::load::content::Document;
use crate::load::history::{
    self, ApprovalFinding, DocHistory, History, HistoryOptions, Parsed, SiteRepo, Stamp, Walk,
    WorktreeFiles, WorktreeStatus,
};

/// What the site knows from its repository. Cheap to clone: `serve`
/// keeps one between rebuilds and makes a new one after an edit with the
/// working tree compared again (see [`SiteHistory::after_edits`]).
#[derive(Clone)]
pub struct SiteHistory {
    pub repo: Arc<SiteRepo>,
    pub history: Arc<History>,
    pub worktree: WorktreeStatus,
    pub stamp: Stamp,
    /// When the site was published: `SOURCE_DATE_EPOCH` or the clock.
    pub published: jiff::Timestamp,
    /// Approval integrity findings, by document id.
    pub approvals: Arc<HashMap<String, ApprovalFinding>>,
    /// `[history] revisions_per_page`.
    pub per_page: usize,
    /// The loaded documents' versions by blob id (for the changes page).
    pub parsed: Parsed,
    /// Served by `clausebook serve`: the pages show the stamp from
    /// `theme/stamp.js` (see [`SiteHistory::stamp_script`]), which serve
    /// rewrites after each change, instead of as text, so that a new
    /// commit or a first edit does not make every page again.
    pub live: bool,
    /// The changes since `[history] baseline` when worked out already
    /// (serve keeps the baseline's site between rebuilds), with their
    /// fingerprint; `None`: [`crate::resolve::changes::baseline`] works
    /// them out.
    pub changes: Option<(
        Arc<Result<crate::resolve::report::Changes, Diagnostic>>,
        u64,
    )>,
}

impl SiteHistory {
    /// The history of document `id`.
    pub fn document(&self, id: &str) -> Option<&DocHistory> {
        self.history.document(id)
    }

    /// The revision in one line: `a1b2c3d (main, tag audit-2026)`, and
    /// `, with uncommitted changes` when the working tree differs.
    pub fn revision_line(&self) -> String {
        let s = &self.stamp;
        let mut names: Vec<String> = s.branch.iter().cloned().collect();
        names.extend(s.tags.iter().map(|t| format!("tag {t}")));
        let mut line = s.short.clone();
        if !names.is_empty() {
            line.push_str(&format!(" ({})", names.join(", ")));
        }
        if s.dirty {
            line.push_str(", with uncommitted changes");
        }
        if s.shallow {
            line.push_str(", shallow clone");
        }
        line
    }

    /// Fingerprint of what the repository says of `HEAD` (its commit,
    /// branch and tags, how many commits the history holds): it changes
    /// when a commit, a checkout or a branch switch moved `HEAD`.
    pub fn head_print(&self) -> u64 {
        let s = &self.stamp;
        crate::base::fingerprint::fingerprint(&(
            &s.commit,
            &s.branch,
            &s.tags,
            s.shallow,
            self.history.commits,
        ))
    }

    /// The same history after edits to the working tree: the files
    /// `edited` (site-relative, with their bytes now; `None` when deleted)
    /// compared with `HEAD` again, the stamp's "with uncommitted changes"
    /// and its time (`now`, unless `SOURCE_DATE_EPOCH`) updated.
    pub fn after_edits(&self, edited: &[(String, Option<Vec<u8>>)], now: jiff::Timestamp) -> Self {
        let mut h = self.clone();
        for (rel, bytes) in edited {
            h.worktree.update(rel, bytes.as_deref());
        }
        h.stamp.dirty = h.worktree.dirty();
        h.published = history::build_time(now).unwrap_or(now);
        h
    }

    /// `theme/stamp.js` of a site served live: the stamp as data, which
    /// `theme/history.js` writes into each page's footer.
    pub fn stamp_script(&self) -> String {
        let mut v = serde_json::json!({
            "published": self.published.strftime("%Y-%m-%d %H:%M UTC").to_string(),
            "published_iso": self.published.to_string(),
            "line": self.revision_line(),
        });
        v["revision"] = serde_json::to_value(&self.stamp).unwrap_or_default();
        format!(
            "/* clausebook serve: the publication stamp, rewritten after each change. */\nwindow.CLAUSEBOOK_STAMP = {};\n",
            serde_json::to_string(&v)
                .unwrap_or_default()
                .replace("</", "<\\/")
        )
    }

    /// The export `exports/about.json`: when and from which revision the
    /// site was published.
    pub fn about(&self) -> serde_json::Value {
        serde_json::json!({
            "schema": "clausebook-about/1",
            "published": self.published.to_string(),
            "revision": self.stamp,
            "revision_line": self.revision_line(),
        })
    }

    /// The export `exports/history.json`: every document's full history
    /// and the approval findings.
    pub fn export(&self) -> serde_json::Value {
        let mut approvals: Vec<&ApprovalFinding> = self.approvals.values().collect();
        approvals.sort_by(|a, b| a.id.cmp(&b.id));
        serde_json::json!({
            "schema": "clausebook-history/1",
            "published": self.published.to_string(),
            "revision": self.stamp,
            "head": &*self.history.head,
            "commits": self.history.commits,
            "shallow": self.history.shallow,
            "documents": self.history.documents,
            "changed_since_approval": approvals,
        })
    }

    /// The site-relative path (`content/x.md`) of a document file below
    /// the site root.
    pub fn site_rel(root: &Path, path: &Path) -> String {
        history::site_rel(root, path)
    }
}

/// Whether history is wanted: on unless `[history] enabled = false`.
pub fn wanted(config: &Config) -> bool {
    config.history.as_ref().is_none_or(|h| h.enabled)
}

/// What [`prepare`] read of the repository before the documents were
/// loaded.
pub struct Prepared {
    repo: Result<SiteRepo, history::HistoryOff>,
    files: Option<WorktreeFiles>,
    /// `None` when the site's `clausebook.toml` is not committed.
    walk: Option<Walk>,
}

/// The part of reading the repository that needs no loaded document: open
/// it, list the input files of `HEAD` and of the working tree, walk the
/// commits with their changed documents and read the versions older than
/// `HEAD`. A build runs this on a thread of its own while the documents
/// load; `schema` is the site's (`content::Schema::of` its configuration).
pub fn prepare(root: &Path, schema: crate::load::content::Schema) -> Prepared {
    let repo = match history::open(root) {
        Ok(r) => r,
        Err(off) => {
            return Prepared {
                repo: Err(off),
                files: None,
                walk: None,
            };
        }
    };
    let files = repo.worktree_files();
    let walk = (!files.config_untracked()).then(|| {
        let opts = HistoryOptions {
            schema,
            ..HistoryOptions::default()
        };
        repo.walk(&opts, Some(&files.head_blobs()))
    });
    Prepared {
        repo: Ok(repo),
        files: Some(files),
        walk,
    }
}

/// Read the repository of the site at `root` unless `[history]` turns
/// history off; the reason history is off otherwise (for `-v`), and what reading it
/// found to report (warnings with rule `history`).
pub fn load(
    root: &Path,
    config: &Config,
    docs: &[Arc<Document>],
    now: jiff::Timestamp,
) -> Finished {
    let prepared = wanted(config).then(|| prepare(root, crate::load::content::Schema::of(config)));
    finish(prepared, root, config, docs, now)
}

/// What [`finish`] makes: the history (`None` when off), why it is off
/// (for `-v`), and its findings and notes.
pub type Finished = (Option<SiteHistory>, Option<String>, Vec<Diagnostic>);

/// As [`load`], from what [`prepare`] read (`None`: history is not
/// [`wanted`]).
pub fn finish(
    prepared: Option<Prepared>,
    root: &Path,
    config: &Config,
    docs: &[Arc<Document>],
    now: jiff::Timestamp,
) -> Finished {
    let Some(prepared) = prepared else {
        return (
            None,
            Some("history is off: clausebook.toml sets [history] enabled = false".into()),
            Vec::new(),
        );
    };
    let mut notes = Vec::new();
    let repo = match prepared.repo {
        Ok(r) => r,
        Err(off) => {
            notes.extend(off.warning);
            return (None, Some(format!("history is off: {}", off.reason)), notes);
        }
    };
    let published = match history::build_time(now) {
        Ok(t) => t,
        Err(mut d) => {
            d.level = crate::base::diag::Level::Warning;
            notes.push(d);
            now
        }
    };
    let (Some(files), Some(walk)) = (prepared.files, prepared.walk) else {
        // A copy of a site inside another repository's work tree (an
        // output or temporary folder): not the site the history is of.
        return (
            None,
            Some(format!(
                "history is off: the site's clausebook.toml is not committed in the repository at {}",
                repo.git_dir().display()
            )),
            notes,
        );
    };
    let mut opts = HistoryOptions {
        schema: crate::load::content::Schema::of(config),
        ..HistoryOptions::default()
    };
    let (ids, parsed) = known_versions(&repo, root, docs, &opts);
    opts.parsed = parsed;
    let worktree = files.compare(&ids);
    notes.extend(repo.notes.iter().cloned());
    let history = Arc::new(repo.history_from(walk, &opts));
    notes.extend(history.findings.iter().cloned());
    let stamp = repo.stamp(worktree.dirty());
    let approvals = Arc::new(
        history
            .approval_findings()
            .into_iter()
            .map(|f| (f.id.clone(), f))
            .collect(),
    );
    let per_page = config.history.as_ref().map_or(20, |h| h.revisions_per_page);
    (
        Some(SiteHistory {
            repo: Arc::new(repo),
            history,
            worktree,
            stamp,
            published,
            approvals,
            per_page,
            parsed: opts.parsed,
            live: false,
            changes: None,
        }),
        None,
        notes,
    )
}

/// The blob ids of the documents the loader read (by site-relative path),
/// and what the history keeps of each (by blob id): the history takes
/// these versions from here instead of reading and parsing them again, and
/// the working-tree comparison does not read these files again.
pub fn known_versions(
    repo: &SiteRepo,
    root: &Path,
    docs: &[Arc<Document>],
    opts: &HistoryOptions,
) -> (HashMap<String, gix::ObjectId>, Parsed) {
    let known: Vec<(String, gix::ObjectId, Arc<crate::load::history::DocState>)> = docs
        .par_iter()
        .filter_map(|d| {
            let id = repo.blob_id(d.source.as_bytes())?;
            let rel = SiteHistory::site_rel(root, &d.path);
            Some((rel, id, history::state_of(d, opts)))
        })
        .collect();
    let mut ids = HashMap::with_capacity(known.len());
    let mut parsed = HashMap::with_capacity(known.len());
    for (rel, id, st) in known {
        ids.insert(rel, id);
        parsed.insert(id, st);
    }
    (ids, Arc::new(parsed))
}
