//! Approval integrity (rule `changed-since-approval`): an approved
//! document whose body, title or clause references changed in a commit
//! after the commit that approved its current text.
//!
//! The approving commit is the newest of: the commit that last set the
//! current `version`, the one that last set the current `effective` date,
//! and the one that last made the status `approved`. (The last is not in
//! issue 15's wording; without it, drafting under a version number that is
//! then approved by flipping `status` would count every draft edit as a
//! change after approval.) The later commits that changed the body, title
//! or clause references, and so necessarily not the version or effective
//! date, are the finding.

use std::sync::Arc;

use serde::Serialize;

use super::model::{Change, Changed, CommitInfo, History, RULE_CHANGED_SINCE_APPROVAL};
use crate::base::diag::{Diagnostic, Level};
use crate::load::content::{Document, Status};

/// An approved document changed after its approval.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalFinding {
    pub id: String,
    /// Its path at `HEAD`, site-relative.
    pub path: String,
    pub version: Option<String>,
    /// The commit that approved the current text.
    #[serde(serialize_with = "super::model::ser_arc")]
    pub approving: Arc<CommitInfo>,
    /// The approving commit is the boundary of a shallow clone (or the
    /// oldest commit that could be read): the approval may be older, but
    /// the later commits are changes after it all the same.
    pub approving_at_or_before: bool,
    /// The later commits that changed the text, oldest first, with what
    /// each changed.
    pub later: Vec<LaterChange>,
}

/// A commit that changed an approved document's text without a new version.
#[derive(Debug, Clone, Serialize)]
pub struct LaterChange {
    #[serde(serialize_with = "super::model::ser_arc")]
    pub commit: Arc<CommitInfo>,
    pub changed: Changed,
}

impl History {
    /// The approval integrity findings, one per approved document (at
    /// `HEAD`) changed after its approval, sorted by id.
    pub fn approval_findings(&self) -> Vec<ApprovalFinding> {
        let mut out = Vec::new();
        for doc in self.documents.values() {
            // Oldest first; only the revisions whose content could be read.
            let revs: Vec<_> = doc.revisions.iter().rev().collect();
            let Some(current) = revs.last() else { continue };
            if matches!(current.change, Change::Removed) {
                continue;
            }
            let Some(now) = &current.state else { continue };
            if now.status != Status::Approved {
                continue;
            }
            let mut approving = 0;
            for (i, r) in revs.iter().enumerate() {
                let Some(st) = &r.state else { continue };
                let sets_version = r.changed.version && st.version == now.version;
                let sets_effective = r.changed.effective && st.effective == now.effective;
                let approves = r.changed.status && st.status == Status::Approved;
                if sets_version || sets_effective || approves {
                    approving = i;
                }
            }
            let later: Vec<LaterChange> = revs[approving + 1..]
                .iter()
                .filter(|r| r.state.is_some() && r.changed.content())
                .map(|r| LaterChange {
                    commit: r.commit.clone(),
                    changed: r.changed,
                })
                .collect();
            if later.is_empty() {
                continue;
            }
            let first = revs[approving];
            out.push(ApprovalFinding {
                id: doc.id.clone(),
                path: current.path.clone(),
                version: now.version.clone(),
                approving: first.commit.clone(),
                approving_at_or_before: first.commit.shallow_boundary && approving == 0,
                later,
            });
        }
        out
    }
}

impl Changed {
    /// Everything changed: a document's first revision.
    pub fn all() -> Changed {
        Changed {
            body: true,
            title: true,
            clauses: true,
            version: true,
            status: true,
            effective: true,
        }
    }

    /// "body", "title and clause references"…
    pub fn describe_content(&self) -> String {
        let parts: Vec<&str> = [
            (self.body, "body"),
            (self.title, "title"),
            (self.clauses, "clause references"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, s)| *s)
        .collect();
        match parts.as_slice() {
            [] => String::new(),
            [one] => (*one).to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }
}

impl ApprovalFinding {
    /// The finding as a diagnostic at the `version` of `doc`, the
    /// working-tree document (at its id when it has no `version`).
    pub fn diagnostic(&self, doc: &Document, level: Level) -> Diagnostic {
        let version = self.version.as_deref().map_or_else(
            || "approved".to_string(),
            |v| format!("approved at version {v}"),
        );
        let approving = format!(
            "{}commit {} ({}, \"{}\")",
            if self.approving_at_or_before {
                "at or before "
            } else {
                ""
            },
            self.approving.short,
            self.approving.commit_date(),
            self.approving.subject
        );
        let later: Vec<String> = self
            .later
            .iter()
            .map(|l| {
                format!(
                    "{} ({}, {}: \"{}\")",
                    l.commit.short,
                    l.commit.commit_date(),
                    l.changed.describe_content(),
                    l.commit.subject
                )
            })
            .collect();
        let d = Diagnostic::file(
            level,
            &doc.path,
            format!(
                "`{}` is {version} in {approving}, but {} changed its text without a new version: {}",
                self.id,
                if later.len() == 1 {
                    "a later commit".to_string()
                } else {
                    format!("{} later commits", later.len())
                },
                later.join("; ")
            ),
        )
        .with_help(
            "have the change reviewed and approved: raise `version` (and set `effective`) in a new commit; \
             or revert the change",
        )
        .with_rule(RULE_CHANGED_SINCE_APPROVAL);
        doc.locate(d, doc.span_of("version"))
    }
}
