//! The site's history while serving: read once at the start, kept between
//! rebuilds, and read again only when `HEAD` moved.
//!
//! - An edit to the working tree compares the edited files with `HEAD`
//!   again (one hash each): the document is marked uncommitted, and the
//!   stamp says "with uncommitted changes", until the edit is reverted.
//! - A commit, a checkout or a branch switch changes one of
//!   [`ServedHistory::head_files`] (`HEAD`, the branch's ref file,
//!   `packed-refs`): the history is read again whole, and the site kept in
//!   the cache is rendered again, only the pages whose history changed.
//! - The stamp, in every page's footer, is served from `theme/stamp.js`
//!   ([`SiteHistory::stamp_script`]), written after each change: a commit
//!   or a first edit does not make every page again.
//! - The changes page's baseline is loaded from the repository once and
//!   kept ([`KeptBaseline`]).
//!
//! A repository that cannot be read any more is a warning: the site is
//! served without history until it can be read again.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::base::diag::Diagnostic;
use crate::base::output::OutputFile;
use crate::resolve::Site;
use crate::resolve::changes::KeptBaseline;
use crate::resolve::history::{self, SiteHistory};

/// The path of the stamp script in the output.
pub const STAMP_SCRIPT: &str = "theme/stamp.js";

/// What serve keeps of the site's history.
#[derive(Default)]
pub struct ServedHistory {
    /// The history as last served.
    kept: Option<Arc<SiteHistory>>,
    /// What the last whole read found to report (rule `history`).
    notes: Vec<Diagnostic>,
    /// Why the site has no history, for `-v`.
    off: Option<String>,
    /// The changes page's baseline (its setting, and the site at it).
    baseline: Option<(String, Result<KeptBaseline, Diagnostic>)>,
    /// The files whose change means `HEAD` moved.
    head_files: Vec<PathBuf>,
    /// The history was read at least once (else the next rebuild reads it).
    read: bool,
    /// Read the history whole at the next rebuild.
    stale: bool,
}

/// What attaching the history to a load did.
pub struct Attached {
    /// The history was read whole (the start, or `HEAD` moved).
    pub reread: bool,
    /// What reading it found to report.
    pub notes: Vec<Diagnostic>,
    pub elapsed: Duration,
}

impl ServedHistory {
    /// The files whose change means `HEAD` moved (canonical where they
    /// exist), none without a repository.
    pub fn head_files(&self) -> &[PathBuf] {
        &self.head_files
    }

    /// Whether `path` is one of [`ServedHistory::head_files`].
    pub fn is_head_file(&self, path: &Path) -> bool {
        self.head_files.iter().any(|f| f == path)
    }

    /// Read the history whole at the next rebuild (`HEAD` moved, or
    /// `clausebook.toml` changed).
    pub fn mark_stale(&mut self) {
        self.stale = true;
    }

    /// Fingerprint of what the exports show of the history: `HEAD` and
    /// whether the working tree is clean (0 without history).
    pub fn print(&self) -> u64 {
        self.kept.as_deref().map_or(0, |h| {
            crate::base::fingerprint::fingerprint(&(h.head_print(), h.stamp.dirty))
        })
    }

    /// Give `site` (loaded through the cache, without history) its
    /// history: read whole at the start or when stale, else the kept one
    /// with the files `changed` compared with `HEAD` again.
    pub fn attach(&mut self, site: &mut Site, changed: &[PathBuf]) -> Attached {
        let start = Instant::now();
        let now = jiff::Timestamp::now();
        let reread = self.stale || !self.read;
        let h = if reread {
            self.stale = false;
            self.read = true;
            let (h, off, notes) = history::load(&site.root, &site.config, &site.docs, now);
            self.notes = notes;
            self.off = off;
            if let Some(h) = &h {
                self.head_files = h.repo.head_files().iter().map(|p| canonical(p)).collect();
            }
            h
        } else {
            let edited: Vec<(String, Option<Vec<u8>>)> = changed
                .iter()
                .filter(|p| p.starts_with(&site.root))
                .map(|p| {
                    let bytes = std::fs::symlink_metadata(p)
                        .is_ok_and(|m| m.is_file())
                        .then(|| std::fs::read(p).ok())
                        .flatten();
                    (SiteHistory::site_rel(&site.root, p), bytes)
                })
                .collect();
            self.kept.as_deref().map(|k| k.after_edits(&edited, now))
        };
        site.history = h.map(|mut h| {
            h.live = true;
            h.changes = None;
            Arc::new(h)
        });
        site.history_off = self.off.clone();
        let changes = self.changes(site);
        // Made just above: not shared yet.
        if let Some(h) = site.history.as_mut().and_then(Arc::get_mut) {
            h.changes = changes;
        }
        self.kept = site.history.clone();
        if !self.notes.is_empty() {
            site.diags.extend(self.notes.iter().cloned());
            site.diags.sort();
        }
        let elapsed = start.elapsed();
        if site.history.is_some() {
            site.phases.push(("history", elapsed));
        }
        Attached {
            reread,
            notes: if reread {
                self.notes.clone()
            } else {
                Vec::new()
            },
            elapsed,
        }
    }

    /// The changes since `[history] baseline` for `site` (with its history),
    /// the baseline's site loaded once and kept while it holds.
    #[allow(clippy::type_complexity)]
    fn changes(
        &mut self,
        site: &Site,
    ) -> Option<(
        Arc<Result<crate::resolve::changes::Changes, Diagnostic>>,
        u64,
    )> {
        let h = site.history.as_deref()?;
        let Some(since) = site
            .config
            .history
            .as_ref()
            .and_then(|c| c.baseline.clone())
        else {
            self.baseline = None;
            return None;
        };
        let holds =
            matches!(&self.baseline, Some((s, Ok(b))) if *s == since && b.holds(&h.repo, &since));
        if !holds {
            self.baseline = Some((since.clone(), KeptBaseline::load(&h.repo, &since)));
        }
        let (_, kept) = self.baseline.as_mut()?;
        Some(match kept {
            Ok(b) => {
                let c = b.changes(site)?;
                let print = c.print();
                (Arc::new(Ok(c)), print)
            }
            Err(d) => {
                let print = crate::base::fingerprint::fingerprint(&(&d.message, &d.help));
                (Arc::new(Err(d.clone())), print)
            }
        })
    }

    /// `theme/stamp.js` for the pages of `site`, when it has history.
    pub fn stamp_file(site: &Site) -> Option<OutputFile> {
        let h = site.history.as_deref().filter(|h| h.live)?;
        Some(OutputFile {
            path: STAMP_SCRIPT.into(),
            bytes: h.stamp_script().into_bytes(),
        })
    }
}

/// `path` with its folder made canonical (the file itself may be replaced
/// or not exist yet), as the watcher reports paths.
fn canonical(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map_or_else(|_| path.to_path_buf(), |d| d.join(name)),
        _ => path.to_path_buf(),
    }
}
