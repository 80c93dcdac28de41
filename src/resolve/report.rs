//! The report of what changed between two revisions (schema
//! `clausebook-changes/1`), as `clausebook changes` prints it and the
//! changes page shows it; [`crate::resolve::changes`] works it out. A leaf
//! of `resolve`, so that the history kept by `serve` can hold a report.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::base::diag::Diagnostic;
use crate::load::history::DocumentChanges;
use crate::resolve::diff::DocDiff;
use crate::resolve::trace::State;

/// How a clause's coverage changed, and which documents made the change.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CoverageChange {
    pub clause: String,
    pub title: String,
    pub from: State,
    pub to: State,
    /// Documents addressing the clause now that did not before.
    pub gained: Vec<String>,
    /// Documents that addressed it before and do not now.
    pub lost: Vec<String>,
    /// Every document addressing it now.
    pub documents: Vec<String>,
}

/// The coverage changes of one standard.
#[derive(Debug, Clone, Serialize)]
pub struct StandardChanges {
    pub standard: String,
    pub name: String,
    /// Share of requirement clauses covered, before and after.
    pub percent_before: f64,
    pub percent_after: f64,
    pub clauses: Vec<CoverageChange>,
}

/// The whole report (schema `clausebook-changes/1`).
#[derive(Debug, Clone, Serialize)]
pub struct Changes {
    #[serde(flatten)]
    pub documents: DocumentChanges,
    /// Per standard in scope at either revision.
    pub coverage: Vec<StandardChanges>,
    /// The repository is a shallow clone: `since` may be its boundary.
    pub shallow: bool,
    /// What reading the two revisions found to report.
    #[serde(skip)]
    pub notes: Vec<Diagnostic>,
    /// The source differences of the documents changed in place, moved
    /// or re-approved, sorted by id (the diff pages: not in the JSON
    /// schema).
    #[serde(skip)]
    pub diffs: Vec<Arc<DocDiff>>,
    /// The URL (from the site's root) of each document's diff page, by id,
    /// when the range is the site's: from `[history] baseline` to `HEAD`
    /// (see [`Changes::json`]).
    #[serde(skip)]
    pub diff_urls: BTreeMap<String, String>,
}

/// The lists of the report whose entries name a document by `id`.
const DOCUMENT_LISTS: [&str; 7] = [
    "added",
    "removed",
    "retired",
    "reapproved",
    "changed_without_version",
    "moved",
    "clause_references",
];

impl Changes {
    /// The report as JSON (schema `clausebook-changes/1`): each document
    /// entry with its `diff_url`, the site-relative URL of its diff page,
    /// or `null` when it has none or the range is not the site's.
    pub fn json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        for list in DOCUMENT_LISTS {
            let Some(entries) = v.get_mut(list).and_then(|l| l.as_array_mut()) else {
                continue;
            };
            for e in entries {
                let url = e
                    .get("id")
                    .and_then(|id| id.as_str())
                    .and_then(|id| self.diff_urls.get(id))
                    .cloned();
                if let Some(m) = e.as_object_mut() {
                    m.insert("diff_url".into(), url.into());
                }
            }
        }
        v
    }

    /// Fingerprint of what the changes page shows (for the rebuilds of
    /// `serve`): the two revisions, the coverage changes and the diffs.
    pub fn print(&self) -> u64 {
        let coverage = serde_json::to_string(&self.coverage).unwrap_or_default();
        let diffs: Vec<(&str, u64)> = self
            .diffs
            .iter()
            .map(|d| (d.id.as_str(), d.print))
            .collect();
        crate::base::fingerprint::fingerprint(&(
            &self.documents.since.id,
            &self.documents.until.id,
            coverage,
            diffs,
            &self.diff_urls,
        ))
    }

    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        let d = &self.documents;
        d.added.is_empty()
            && d.removed.is_empty()
            && d.retired.is_empty()
            && d.reapproved.is_empty()
            && d.changed_without_version.is_empty()
            && d.moved.is_empty()
            && d.clause_references.is_empty()
            && self.coverage.iter().all(|s| s.clauses.is_empty())
    }
}
