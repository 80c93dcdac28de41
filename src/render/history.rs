//! What the pages show of the site's history (with `[history]`): each
//! document's revision history and banners, the publication stamp, and
//! the `changes/` page against `[history] baseline`. Values only: the page
//! families put them in their contexts, the templates show them.

use serde::Serialize;
use serde_json::{Value, json};

use crate::base::diag::Diagnostic;
use crate::load::history::{Change, CommitInfo, DocHistory, Stamp};
use crate::resolve::Site;
use crate::resolve::changes::Changes;
use crate::resolve::diff::DocDiff;
use crate::resolve::history::SiteHistory;

/// The path of the changes page.
pub const CHANGES_PAGE: &str = "changes/index.html";

/// One revision as a document page lists it.
#[derive(Serialize)]
struct RevisionView<'a> {
    date: String,
    author: &'a str,
    short: &'a str,
    commit: &'a str,
    subject: &'a str,
    version: Option<&'a str>,
    status: Option<&'static str>,
    approved: bool,
    /// This revision approved the document: its status became approved,
    /// or its version or effective date changed while approved.
    approval: bool,
    /// "added", "modified", "moved from content/x.md", "removed", …
    change: String,
    /// The approved content (body, title or clauses) changed.
    content_changed: bool,
}

fn change_text(c: &Change) -> String {
    match c {
        Change::Added => "added".into(),
        Change::Modified => "modified".into(),
        Change::Moved { from } => format!("moved from {from}"),
        Change::Removed => "removed".into(),
        Change::IdChanged { from } => format!("id changed from {from}"),
    }
}

/// The stamp as the footer and the exports show it. Served live (see
/// [`SiteHistory::live`]) the pages read it from `theme/stamp.js`: the
/// value then holds no revision, and stays the same whatever changes.
pub fn stamp_value(h: &SiteHistory) -> Value {
    let s: &Stamp = &h.stamp;
    if h.live {
        return json!({
            "live": true,
            "published": "",
            "published_iso": "",
            "commit": "",
            "short": "",
            "branch": null,
            "tags": [],
            "dirty": false,
            "shallow": s.shallow,
        });
    }
    json!({
        "published": h.published.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        "published_iso": h.published.to_string(),
        "commit": s.commit,
        "short": s.short,
        "branch": s.branch,
        "tags": s.tags,
        "dirty": s.dirty,
        "shallow": s.shallow,
    })
}

/// The `history` value of a document page ([`document_value`]).
#[derive(Serialize)]
pub struct DocHistoryView<'a> {
    revisions: Vec<RevisionView<'a>>,
    total: usize,
    more: usize,
    uncommitted: bool,
    shallow: bool,
    changed_since_approval: Option<ApprovalView<'a>>,
    diff_url: Option<String>,
}

/// A `changed-since-approval` finding as its banner shows it.
#[derive(Serialize)]
struct ApprovalView<'a> {
    version: Option<&'a str>,
    approving: CommitView<'a>,
    at_or_before: bool,
    later: Vec<CommitView<'a>>,
}

/// A commit as a banner names it.
#[derive(Serialize)]
struct CommitView<'a> {
    short: &'a str,
    date: String,
    subject: &'a str,
    author: &'a str,
}

impl<'a> CommitView<'a> {
    fn of(c: &'a CommitInfo) -> CommitView<'a> {
        CommitView {
            short: &c.short,
            date: c.commit_date().to_string(),
            subject: &c.subject,
            author: &c.author,
        }
    }
}

/// The `history` value of document `i`'s page; `None` without history.
/// Typed: Tera takes it straight from its fields, with no `serde_json`
/// map built first and converted again (for each of thousands of pages).
pub fn document_value<'a>(
    site: &'a Site,
    changes: Option<&Changes>,
    i: usize,
) -> Option<DocHistoryView<'a>> {
    let h = site.history.as_deref()?;
    let d = &site.docs[i];
    let doc: Option<&DocHistory> = h.document(&d.meta.id);
    let all = doc.map_or(&[][..], |d| &d.revisions[..]);
    let revisions: Vec<RevisionView> = all
        .iter()
        .take(h.per_page)
        .map(|r| RevisionView {
            date: r.commit.author_date().to_string(),
            author: &r.commit.author,
            short: &r.commit.short,
            commit: &r.commit.id,
            subject: &r.commit.subject,
            version: r.state.as_ref().and_then(|s| s.version.as_deref()),
            status: r.state.as_ref().map(|s| s.status.as_str()),
            approved: r.approved,
            approval: r.approved
                && (r.changed.status
                    || r.changed.version
                    || r.changed.effective
                    || matches!(r.change, Change::Added)),
            change: change_text(&r.change),
            content_changed: r.changed.content(),
        })
        .collect();
    let rel = SiteHistory::site_rel(&site.root, &d.path);
    let changed_since_approval = h.approvals.get(&d.meta.id).map(|f| ApprovalView {
        version: f.version.as_deref(),
        approving: CommitView::of(&f.approving),
        at_or_before: f.approving_at_or_before,
        later: f.later.iter().map(|l| CommitView::of(&l.commit)).collect(),
    });
    Some(DocHistoryView {
        revisions,
        total: all.len(),
        more: all.len().saturating_sub(h.per_page),
        uncommitted: h.worktree.is_uncommitted(&rel),
        shallow: h.stamp.shallow,
        changed_since_approval,
        diff_url: changes.and_then(|c| diff_url(site, c, i)),
    })
}

/// The date of the newest revision of document `i` ("last changed"), with
/// history.
pub fn last_changed(site: &Site, i: usize) -> Option<String> {
    let h = site.history.as_deref()?;
    h.document(&site.docs[i].meta.id)?
        .last_changed()
        .map(|r| r.commit.author_date().to_string())
}

/// The context values of the changes page against `[history] baseline`:
/// `None` when the site has no history or no baseline; the report, or why
/// it could not be made (a baseline the repository cannot resolve, a
/// shallow clone without it), as `changes` / `problem`.
pub fn changes_value(site: &Site, changes: Option<&Result<Changes, Diagnostic>>) -> Option<Value> {
    let h = site.history.as_deref()?;
    let baseline = site.config.history.as_ref()?.baseline.as_deref()?;
    Some(match changes? {
        Ok(c) => json!({ "baseline": baseline, "changes": c.json(), "shallow": h.stamp.shallow }),
        Err(d) => json!({
            "baseline": baseline,
            "problem": d.message,
            "help": d.help,
            "shallow": h.stamp.shallow,
        }),
    })
}

/// The diff pages: (output path, the diff), one per document changed
/// since the baseline and published.
pub fn diff_pages<'c>(site: &Site, c: &'c Changes) -> Vec<(String, &'c DocDiff)> {
    c.diffs
        .iter()
        .filter_map(|d| {
            let i = site.doc_index(&d.id).filter(|&i| site.published[i])?;
            Some((crate::resolve::changes::diff_page(site, i), d.as_ref()))
        })
        .collect()
}

/// The URL (from the site root) of document `i`'s diff page, when it has one.
pub fn diff_url(site: &Site, c: &Changes, i: usize) -> Option<String> {
    c.diff_urls.get(&site.docs[i].meta.id).cloned()
}

/// Fingerprint of what document `i`'s page shows of its history (for the
/// rebuilds of `serve`): its revisions, whether it is uncommitted, its
/// approval finding, its diff page. 0 without history.
pub fn history_print(site: &Site, changes: Option<&Changes>, i: usize) -> u64 {
    let Some(h) = site.history.as_deref() else {
        return 0;
    };
    let d = &site.docs[i];
    let revisions = h.document(&d.meta.id).map(|d| &d.revisions[..]);
    let newest = revisions.and_then(|r| r.first()).map(|r| &r.commit.id);
    let approval = h
        .approvals
        .get(&d.meta.id)
        .map(|f| (&f.approving.id, f.later.len(), &f.version));
    let uncommitted = !h.worktree.changed.is_empty()
        && h.worktree
            .is_uncommitted(&SiteHistory::site_rel(&site.root, &d.path));
    let diff = changes.and_then(|c| c.diff_urls.get(&d.meta.id));
    crate::base::fingerprint::fingerprint(&(
        revisions.map_or(0, <[_]>::len),
        newest,
        approval,
        uncommitted,
        diff,
        h.per_page,
        h.stamp.shallow,
    ))
}

/// Fingerprint of the changes page's inputs besides the globals (for the
/// rebuilds of `serve`, which work the changes out ahead).
pub fn changes_print(site: &Site) -> u64 {
    site.history
        .as_deref()
        .and_then(|h| h.changes.as_ref())
        .map_or(0, |(_, print)| *print)
}
