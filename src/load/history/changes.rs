//! What changed in the documents between two revisions (`clausebook
//! changes`, the document part; coverage changes need the full loader).
//!
//! The two revisions' `content/` trees are compared directly (files whose
//! blob is the same are not read), then each changed file is read at both
//! revisions and matched by document id, so a moved document is one
//! document.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use gix::objs::FindExt as _;
use serde::Serialize;

use super::model::{ClauseRef, CommitInfo, DocState, HistoryOptions, RULE_HISTORY};
use super::open::SiteRepo;
use super::walk::{diff_documents, in_pool};
use crate::base::diag::Diagnostic;
use crate::load::content::Status;

/// The schema id of [`DocumentChanges`] as JSON.
pub const CHANGES_SCHEMA: &str = "clausebook-changes/1";

/// A document named in a change report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DocumentRef {
    pub id: String,
    pub title: String,
    /// Site-relative path (at `until`, or at `since` for removed ones).
    pub path: String,
    pub version: Option<String>,
    pub status: Status,
}

/// A document retired between the two revisions.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Retired {
    #[serde(flatten)]
    pub document: DocumentRef,
    /// Its status at `since`.
    pub from_status: Status,
}

/// A document whose version changed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Reapproved {
    #[serde(flatten)]
    pub document: DocumentRef,
    pub from_version: Option<String>,
    pub to_version: Option<String>,
}

/// A document whose text changed while its version did not.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ChangedDocument {
    #[serde(flatten)]
    pub document: DocumentRef,
    pub body: bool,
    pub title_changed: bool,
    pub clauses: bool,
}

/// A document whose file moved.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Moved {
    pub id: String,
    pub title: String,
    pub from: String,
    pub to: String,
}

/// Clause references a document gained and lost.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClauseChange {
    pub id: String,
    pub title: String,
    pub path: String,
    pub added: Vec<ClauseRef>,
    pub removed: Vec<ClauseRef>,
}

/// The document changes between two revisions, in the order of ids within
/// each list. A document can be in several lists (moved and re-approved).
#[derive(Debug, Clone, Serialize)]
pub struct DocumentChanges {
    pub schema: &'static str,
    #[serde(serialize_with = "super::model::ser_arc")]
    pub since: Arc<CommitInfo>,
    #[serde(serialize_with = "super::model::ser_arc")]
    pub until: Arc<CommitInfo>,
    pub added: Vec<DocumentRef>,
    pub removed: Vec<DocumentRef>,
    pub retired: Vec<Retired>,
    pub reapproved: Vec<Reapproved>,
    pub changed_without_version: Vec<ChangedDocument>,
    pub moved: Vec<Moved>,
    pub clause_references: Vec<ClauseChange>,
    /// Versions that could not be read (located at the file).
    #[serde(skip)]
    pub notes: Vec<Diagnostic>,
}

fn doc_ref(path: &str, st: &DocState) -> DocumentRef {
    DocumentRef {
        id: st.id.clone(),
        title: st.title.clone(),
        path: path.to_string(),
        version: st.version.clone(),
        status: st.status,
    }
}

impl SiteRepo {
    /// The document changes from `since` to `until` (two resolved
    /// revisions, see [`SiteRepo::resolve`]).
    pub fn document_changes(
        &self,
        since: &Arc<CommitInfo>,
        until: &Arc<CommitInfo>,
        opts: &HistoryOptions,
    ) -> DocumentChanges {
        in_pool(opts.single_threaded, || {
            self.document_changes_inner(since, until, opts)
        })
    }

    fn document_changes_inner(
        &self,
        since: &Arc<CommitInfo>,
        until: &Arc<CommitInfo>,
        opts: &HistoryOptions,
    ) -> DocumentChanges {
        let pool = self.object_pool();
        let objects = pool.take();
        let mut notes = Vec::new();
        let content_of = |c: &CommitInfo| -> Option<gix::ObjectId> {
            let id = gix::ObjectId::from_hex(c.id.as_bytes()).ok()?;
            let mut buf = Vec::new();
            let tree = objects.find_commit(&id, &mut buf).ok()?.tree();
            self.subtree_in(&*objects, tree, crate::load::source::CONTENT_DIR)
                .ok()
                .flatten()
        };
        let changes = match diff_documents(&objects, content_of(since), content_of(until)) {
            Ok((c, _)) => c,
            Err(e) => {
                notes.push(super::walk::repo_warning(
                    self,
                    format!(
                        "the documents of {} and {} cannot be compared: {e}",
                        since.short, until.short
                    ),
                ));
                Vec::new()
            }
        };
        drop(objects);
        let summaries = self.summaries(
            &pool,
            changes
                .iter()
                .flat_map(|c| [c.old.map(|e| (e, &c.path)), c.new.map(|e| (e, &c.path))])
                .flatten(),
            opts,
            HashMap::new(),
        );
        // id -> (path, state) on each side, for the changed files only.
        let mut before: BTreeMap<String, (String, Arc<DocState>)> = BTreeMap::new();
        let mut after: BTreeMap<String, (String, Arc<DocState>)> = BTreeMap::new();
        let mut unreadable = BTreeSet::new();
        for c in &changes {
            for (entry, side, rev) in [(c.old, &mut before, since), (c.new, &mut after, until)] {
                let Some(e) = entry else { continue };
                match summaries.get(&e.id) {
                    Some(Ok(st)) => {
                        side.entry(st.id.clone())
                            .or_insert_with(|| (c.path.clone(), st.clone()));
                    }
                    Some(Err(problem)) if unreadable.insert((c.path.clone(), rev.id.clone())) => {
                        notes.push(
                            Diagnostic::warning(
                                c.path.as_str(),
                                format!("the version at {} cannot be read: {problem}", rev.short),
                            )
                            .with_help("the document is left out of the comparison")
                            .with_rule(RULE_HISTORY),
                        );
                    }
                    Some(Err(_)) => {}
                    None => {}
                }
            }
        }
        let mut out = DocumentChanges {
            schema: CHANGES_SCHEMA,
            since: since.clone(),
            until: until.clone(),
            added: Vec::new(),
            removed: Vec::new(),
            retired: Vec::new(),
            reapproved: Vec::new(),
            changed_without_version: Vec::new(),
            moved: Vec::new(),
            clause_references: Vec::new(),
            notes,
        };
        for (id, (path, st)) in &after {
            let Some((old_path, old)) = before.get(id) else {
                out.added.push(doc_ref(path, st));
                continue;
            };
            let document = doc_ref(path, st);
            if old_path != path {
                out.moved.push(Moved {
                    id: id.clone(),
                    title: st.title.clone(),
                    from: old_path.clone(),
                    to: path.clone(),
                });
            }
            if st.status == Status::Retired && old.status != Status::Retired {
                out.retired.push(Retired {
                    document: document.clone(),
                    from_status: old.status,
                });
            }
            let changed = st.changed_from(old);
            if changed.version {
                out.reapproved.push(Reapproved {
                    document: document.clone(),
                    from_version: old.version.clone(),
                    to_version: st.version.clone(),
                });
            } else if changed.content() {
                out.changed_without_version.push(ChangedDocument {
                    document: document.clone(),
                    body: changed.body,
                    title_changed: changed.title,
                    clauses: changed.clauses,
                });
            }
            if changed.clauses {
                let was: BTreeSet<&ClauseRef> = old.clauses.iter().collect();
                let now: BTreeSet<&ClauseRef> = st.clauses.iter().collect();
                let added: Vec<ClauseRef> = now.difference(&was).map(|c| (*c).clone()).collect();
                let removed: Vec<ClauseRef> = was.difference(&now).map(|c| (*c).clone()).collect();
                if !added.is_empty() || !removed.is_empty() {
                    out.clause_references.push(ClauseChange {
                        id: id.clone(),
                        title: st.title.clone(),
                        path: path.clone(),
                        added,
                        removed,
                    });
                }
            }
        }
        for (id, (path, st)) in &before {
            if !after.contains_key(id) {
                out.removed.push(doc_ref(path, st));
            }
        }
        out
    }
}
