//! Put the revisions of each document together, oldest commit first: the
//! changed files of each commit become events per document id (added,
//! modified, removed; a move is a removal and an addition of one id), and
//! the events of one id in one commit become one revision.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use gix::ObjectId;

use super::entries::{Entry, Node, PathChange, Summary};
use super::model::{Change, Changed, DocHistory, DocState, RULE_HISTORY, Revision};
use super::open::{SiteRepo, lookup};
use super::summary::LFS_PROBLEM;
use crate::base::diag::Diagnostic;
use crate::load::content::Status;

/// One change to one document in one commit.
struct Event {
    path: String,
    kind: EventKind,
    /// The document before the commit (for modifications and removals).
    old: Option<Arc<DocState>>,
    /// After it: the state, or why it cannot be read.
    new: Option<Summary>,
    /// The file had this other id before (an id change).
    renamed_from: Option<String>,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum EventKind {
    Add,
    Modify,
    Delete,
}

/// The events of one commit, per document id.
type Events = BTreeMap<String, Vec<Event>>;

/// What the walk knows so far, from the oldest commit on.
struct Assembler<'a> {
    site: &'a SiteRepo,
    summaries: &'a HashMap<ObjectId, Summary>,
    docs: BTreeMap<String, Vec<Revision>>,
    last_state: HashMap<String, Arc<DocState>>,
    paths_of: HashMap<String, BTreeSet<String>>,
    id_at_path: HashMap<String, String>,
    /// Unreadable versions, one finding per file and problem (the newest).
    unreadable: BTreeMap<(String, String), Diagnostic>,
    duplicates: BTreeSet<(String, Vec<String>)>,
    findings: Vec<Diagnostic>,
}

/// Put the revisions of each document together, oldest commit first.
pub(crate) fn assemble(
    site: &SiteRepo,
    nodes: &[Node],
    changes: &[Vec<PathChange>],
    summaries: &HashMap<ObjectId, Summary>,
    findings: &mut Vec<Diagnostic>,
) -> BTreeMap<String, DocHistory> {
    let mut a = Assembler {
        site,
        summaries,
        docs: BTreeMap::new(),
        last_state: HashMap::new(),
        paths_of: HashMap::new(),
        id_at_path: HashMap::new(),
        unreadable: BTreeMap::new(),
        duplicates: BTreeSet::new(),
        findings: Vec::new(),
    };
    let repo = site.local();
    for (node, changes) in nodes.iter().zip(changes).rev() {
        if changes.is_empty() {
            continue;
        }
        let events = a.events(node, changes);
        for (id, evs) in events {
            a.revision(&repo, node, id, &evs);
        }
    }
    findings.append(&mut a.findings);
    findings.extend(a.unreadable.into_values());
    a.docs
        .into_iter()
        .map(|(id, mut revisions)| {
            revisions.reverse();
            (id.clone(), DocHistory { id, revisions })
        })
        .collect()
}

impl Assembler<'_> {
    fn summary(&self, e: Option<Entry>) -> Option<Summary> {
        e.and_then(|e| self.summaries.get(&e.id).cloned())
    }

    fn note_unreadable(&mut self, node: &Node, path: &str, problem: &str) {
        let d = Diagnostic::warning(
            self.site.root_rel(path),
            format!(
                "the version of commit {} ({}) cannot be read: {problem}",
                node.info.short,
                node.info.commit_date()
            ),
        )
        .with_help(if problem == LFS_PROBLEM {
            "the history of this document shows the revision without its content; \
             store Markdown documents in git itself rather than in LFS"
        } else {
            "the revision is listed without its content; nothing to do unless that version matters"
        })
        .with_rule(RULE_HISTORY);
        self.unreadable
            .insert((path.to_string(), problem.to_string()), d);
    }

    /// The changed files of one commit as events per document id.
    fn events(&mut self, node: &Node, changes: &[PathChange]) -> Events {
        let mut events = Events::new();
        for c in changes {
            let old = self.summary(c.old);
            let new = self.summary(c.new);
            let old_state = old.as_ref().and_then(|s| s.as_ref().ok()).cloned();
            let old_id = old_state
                .as_ref()
                .map(|s| s.id.clone())
                .or_else(|| self.id_at_path.get(&c.path).cloned());
            if let Some(Err(problem)) = &new {
                self.note_unreadable(node, &c.path, problem);
            }
            let mut push = |id: &str, kind, old, new, renamed_from| {
                events.entry(id.to_string()).or_default().push(Event {
                    path: c.path.clone(),
                    kind,
                    old,
                    new,
                    renamed_from,
                })
            };
            match (c.old.is_some(), c.new.is_some()) {
                (false, true) => {
                    if let Some(Ok(st)) = &new {
                        push(&st.id, EventKind::Add, None, new.clone(), None)
                    }
                }
                (true, false) => {
                    if let Some(id) = old_id {
                        push(&id, EventKind::Delete, old_state, None, None);
                    }
                }
                (true, true) => match (&new, old_id) {
                    (Some(Ok(st)), Some(old_id)) if old_id != st.id => {
                        self.findings
                            .push(id_change(self.site, node, &c.path, &old_id, &st.id));
                        push(&old_id, EventKind::Delete, old_state, None, None);
                        push(&st.id, EventKind::Add, None, new.clone(), Some(old_id));
                    }
                    (Some(Ok(st)), _) => {
                        push(&st.id, EventKind::Modify, old_state, new.clone(), None)
                    }
                    (_, Some(old_id)) => {
                        push(&old_id, EventKind::Modify, old_state, new.clone(), None)
                    }
                    (_, None) => {}
                },
                (false, false) => {}
            }
        }
        events
    }

    /// Files other than the events' that have the id `id` in this commit's
    /// tree, with the events' own paths: a duplicate id. Reported once.
    fn check_duplicates(
        &mut self,
        repo: &gix::Repository,
        node: &Node,
        id: &str,
        adds: &[&Event],
        mods: &[&Event],
        dels: &[&Event],
    ) {
        let mut dup_paths: BTreeSet<String> = BTreeSet::new();
        if adds.len() + mods.len() > 1 {
            dup_paths.extend(adds.iter().chain(mods).map(|e| e.path.clone()));
        }
        if let Some(add) = adds.first()
            && let Some(known) = self.paths_of.get(id)
        {
            for p in known {
                if *p == add.path || dels.iter().any(|d| d.path == *p) || dup_paths.contains(p) {
                    continue;
                }
                let rel = p.strip_prefix("content/").unwrap_or(p);
                let still = node
                    .content
                    .and_then(|t| lookup(repo, t, rel).ok().flatten())
                    .and_then(|(blob, _)| {
                        self.summaries
                            .get(&blob)
                            .cloned()
                            .or_else(|| self.id_at_path.get(p).map(|i| Err(i.clone())))
                    });
                let same = match still {
                    Some(Ok(st)) => st.id == id,
                    Some(Err(other_id)) => other_id == id,
                    None => false,
                };
                if same {
                    dup_paths.insert(p.clone());
                    dup_paths.insert(add.path.clone());
                }
            }
        }
        if dup_paths.len() > 1 {
            let paths: Vec<String> = dup_paths.into_iter().collect();
            if self.duplicates.insert((id.to_string(), paths.clone())) {
                self.findings.push(duplicate(self.site, node, id, &paths));
            }
        }
    }

    /// The events of document `id` in one commit as one revision.
    fn revision(&mut self, repo: &gix::Repository, node: &Node, id: String, evs: &[Event]) {
        let adds: Vec<&Event> = evs.iter().filter(|e| e.kind == EventKind::Add).collect();
        let mods: Vec<&Event> = evs.iter().filter(|e| e.kind == EventKind::Modify).collect();
        let dels: Vec<&Event> = evs.iter().filter(|e| e.kind == EventKind::Delete).collect();
        self.check_duplicates(repo, node, &id, &adds, &mods, &dels);
        let Some((main, change, before)) = self.main_event(&id, &adds, &mods, &dels) else {
            return;
        };
        let (state, problem) = match (&change, &main.new) {
            (Change::Removed, _) => (main.old.clone(), None),
            (_, Some(Ok(st))) => (Some(st.clone()), None),
            (_, Some(Err(p))) => (None, Some(p.clone())),
            (_, None) => (None, None),
        };
        let changed = match (&state, &before) {
            (_, _) if change == Change::Removed => Changed::default(),
            (Some(now), Some(then)) => now.changed_from(then),
            (Some(_), None) => Changed::all(),
            (None, _) => Changed::default(),
        };
        for d in &dels {
            self.id_at_path.remove(&d.path);
        }
        if change != Change::Removed {
            self.id_at_path.insert(main.path.clone(), id.clone());
            self.paths_of
                .entry(id.clone())
                .or_default()
                .insert(main.path.clone());
            if let Some(st) = &state {
                self.last_state.insert(id.clone(), st.clone());
            }
        }
        let approved = state.as_ref().is_some_and(|s| s.status == Status::Approved)
            && change != Change::Removed;
        self.docs.entry(id).or_default().push(Revision {
            commit: node.info.clone(),
            path: main.path.clone(),
            change,
            state,
            problem,
            changed,
            approved,
        });
    }

    /// The event that makes the revision, how the document changed and
    /// its state before; `None` when the commit leaves the document as it
    /// was (a duplicate file removed while another keeps the id).
    fn main_event<'e>(
        &mut self,
        id: &str,
        adds: &[&'e Event],
        mods: &[&'e Event],
        dels: &[&'e Event],
    ) -> Option<(&'e Event, Change, Option<Arc<DocState>>)> {
        if let Some(m) = mods.first() {
            return Some((*m, Change::Modified, m.old.clone()));
        }
        if let Some(a) = adds.first() {
            return Some(if let Some(d) = dels.first() {
                let from = d.path.clone();
                (*a, Change::Moved { from }, d.old.clone())
            } else if let Some(from) = &a.renamed_from {
                let from = from.clone();
                (
                    *a,
                    Change::IdChanged { from },
                    self.last_state.get(id).cloned(),
                )
            } else {
                (*a, Change::Added, self.last_state.get(id).cloned())
            });
        }
        let d = dels.first()?;
        // Another file with this id remains: not a removal of the document.
        let remains = self.paths_of.get(id).is_some_and(|ps| {
            ps.iter().any(|p| {
                !dels.iter().any(|d| d.path == *p)
                    && self.id_at_path.get(p).is_some_and(|i| i == id)
            })
        });
        if remains {
            for d in dels {
                self.id_at_path.remove(&d.path);
            }
            return None;
        }
        Some((*d, Change::Removed, d.old.clone()))
    }
}

/// A file whose id changed in a commit.
fn id_change(site: &SiteRepo, node: &Node, path: &str, old_id: &str, new_id: &str) -> Diagnostic {
    Diagnostic::warning(
        site.root_rel(path),
        format!(
            "commit {} ({}) changed this document's id from `{old_id}` to `{new_id}`: \
             the history of `{old_id}` ends there and `{new_id}` begins",
            node.info.short,
            node.info.commit_date(),
        ),
    )
    .with_help(
        "a document's id is its identity: links, clause pages and history follow it; \
         if the change was a mistake, restore the old id",
    )
    .with_rule(RULE_HISTORY)
}

/// Two files with one id at an older revision.
fn duplicate(site: &SiteRepo, node: &Node, id: &str, paths: &[String]) -> Diagnostic {
    Diagnostic::warning(
        site.root_rel(&paths[0]),
        format!(
            "at commit {} ({}) {} files had the id `{id}`: {}; their revisions are \
             listed together in its history",
            node.info.short,
            node.info.commit_date(),
            paths.len(),
            paths.join(", ")
        ),
    )
    .with_help(
        "ids must be unique; an older revision with a duplicate only blurs that \
         document's history and needs no action now",
    )
    .with_rule(RULE_HISTORY)
}
