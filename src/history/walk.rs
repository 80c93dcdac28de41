//! The revision history of every document: walk the commits reachable
//! from `HEAD`, find the documents each changed, read those versions, and
//! put them together per document id.
//!
//! Merges are treated as `git log -- <file>` treats them by default: a
//! merge counts as a change to a file only when the file differs from its
//! version in every parent (the merge made a change of its own, such as a
//! conflict resolution); the changes it brings in from a branch belong to
//! the branch's commits, which are walked too. Commits are ordered as
//! `git log --date-order` does: never a parent before its child, otherwise
//! by commit time, newest first.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::sync::Arc;

use gix::ObjectId;
use gix::objs::FindExt as _;
use gix::objs::tree::EntryMode;
use rayon::prelude::*;

use super::open::{CommitLinks, commit_info, lookup};
use super::summary::{LFS_PROBLEM, summarize};
use super::{
    Change, Changed, CommitInfo, DocHistory, DocState, History, HistoryOptions, RULE_HISTORY,
    Revision, SiteRepo, describe,
};
use crate::diag::Diagnostic;

/// A commit of the walk.
pub(crate) struct Node {
    pub id: ObjectId,
    pub info: Arc<CommitInfo>,
    pub links: CommitLinks,
    /// The site's `content/` tree at this commit.
    pub content: Option<ObjectId>,
}

/// A file's entry in a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub id: ObjectId,
    pub mode: EntryMode,
}

/// A document file changed by a commit. `path` is site-relative
/// (`content/…`).
#[derive(Debug, Clone)]
pub(crate) struct PathChange {
    pub path: String,
    pub old: Option<Entry>,
    pub new: Option<Entry>,
}

/// What reading one version of a document gave.
pub(crate) type Summary = Result<Arc<DocState>, String>;

/// Whether a file name is a document's (as `content::is_document_name`).
pub(crate) fn is_document_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".md") && !name.starts_with('.')
}

/// Run `f` on rayon's pool, or on a pool of one thread.
pub(crate) fn in_pool<R: Send>(single: bool, f: impl FnOnce() -> R + Send) -> R {
    if single && let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        return pool.install(f);
    }
    f()
}

impl SiteRepo {
    /// The history of every document: every commit reachable from `HEAD`
    /// that changed a document below the site's `content/`, per document
    /// id, newest first. Never fails: what cannot be read is in
    /// [`History::findings`].
    pub fn history(&self, opts: &HistoryOptions) -> History {
        in_pool(opts.single_threaded, || self.history_inner(opts))
    }

    fn history_inner(&self, opts: &HistoryOptions) -> History {
        let mut findings = Vec::new();
        let nodes = self.walk_commits(&mut findings);
        let changes = self.commit_changes(&nodes, &mut findings);
        let summaries = self.summaries(
            changes
                .iter()
                .flatten()
                .flat_map(|c| [c.old.map(|e| (e, &c.path)), c.new.map(|e| (e, &c.path))])
                .flatten(),
            opts,
        );
        let documents = assemble(self, &nodes, &changes, &summaries, &mut findings);
        History {
            head: self.head_info.clone(),
            commits: nodes.len(),
            shallow: self.is_shallow(),
            documents,
            findings,
        }
    }

    /// Every commit reachable from `HEAD`, newest first in date order,
    /// with its `content/` tree.
    pub(crate) fn walk_commits(&self, findings: &mut Vec<Diagnostic>) -> Vec<Node> {
        let repo = self.local();
        let mut index: HashMap<ObjectId, usize> = HashMap::new();
        let mut found: Vec<(ObjectId, CommitInfo, CommitLinks)> = Vec::new();
        let mut queue = std::collections::VecDeque::from([self.head]);
        index.insert(self.head, 0);
        let mut missing: BTreeSet<ObjectId> = BTreeSet::new();
        while let Some(id) = queue.pop_front() {
            match commit_info(&repo, id, &self.shallow, 40) {
                Ok((info, links)) => {
                    for p in &links.parents {
                        if !index.contains_key(p) {
                            index.insert(*p, usize::MAX);
                            queue.push_back(*p);
                        }
                    }
                    index.insert(id, found.len());
                    found.push((id, info, links));
                }
                Err(e) => {
                    missing.insert(id);
                    findings.push(repo_warning(
                        self,
                        format!(
                            "commit {id} cannot be read ({e}): the history before it is left out"
                        ),
                    ));
                }
            }
        }
        // Children lose parents that could not be read: they become the
        // oldest commits present, like a shallow boundary.
        for (_, info, links) in &mut found {
            if links.parents.iter().any(|p| missing.contains(p)) {
                links.parents.retain(|p| !missing.contains(p));
                info.shallow_boundary = true;
            }
        }
        // Short hashes: at least 7 digits, unique among these commits.
        let mut ids: Vec<&str> = found.iter().map(|(_, i, _)| i.id.as_str()).collect();
        ids.sort_unstable();
        let mut short = 7;
        for w in ids.windows(2) {
            let common = w[0]
                .bytes()
                .zip(w[1].bytes())
                .take_while(|(a, b)| a == b)
                .count();
            short = short.max(common + 1);
        }
        let order = date_order(&found, &index);
        let mut slots: Vec<Option<(ObjectId, CommitInfo, CommitLinks)>> =
            found.into_iter().map(Some).collect();
        let nodes: Vec<(ObjectId, Arc<CommitInfo>, CommitLinks)> = order
            .into_iter()
            .filter_map(|i| slots[i].take())
            .map(|(id, mut info, links)| {
                info.short = info.id[..short.min(info.id.len())].to_string();
                (id, Arc::new(info), links)
            })
            .collect();
        let contents: Vec<Result<Option<ObjectId>, String>> = nodes
            .par_iter()
            .map_init(
                || self.local(),
                |repo, (_, _, links)| self.subtree(repo, links.tree, crate::content::CONTENT_DIR),
            )
            .collect();
        nodes
            .into_iter()
            .zip(contents)
            .map(|((id, info, links), content)| {
                let content = content.unwrap_or_else(|e| {
                    findings.push(repo_warning(
                        self,
                        format!("the tree of commit {} cannot be read: {e}", info.short),
                    ));
                    None
                });
                Node {
                    id,
                    info,
                    links,
                    content,
                }
            })
            .collect()
    }

    /// The document files each commit changed (see the module's note on
    /// merges).
    pub(crate) fn commit_changes(
        &self,
        nodes: &[Node],
        findings: &mut Vec<Diagnostic>,
    ) -> Vec<Vec<PathChange>> {
        let by_id: HashMap<ObjectId, usize> =
            nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
        let content_of = |id: &ObjectId| by_id.get(id).and_then(|&i| nodes[i].content);
        let results: Vec<Result<DocumentDiff, String>> = nodes
            .par_iter()
            .map_init(
                || self.local(),
                |repo, node| {
                    let first = node.links.parents.first().and_then(&content_of);
                    if first == node.content && !node.links.parents.is_empty() {
                        return Ok((Vec::new(), Vec::new()));
                    }
                    let (mut changes, submodules) = diff_documents(repo, first, node.content)?;
                    if node.links.parents.len() > 1 {
                        let others: Vec<Option<ObjectId>> =
                            node.links.parents[1..].iter().map(&content_of).collect();
                        changes.retain(|c| {
                            let rel = c.path.strip_prefix("content/").unwrap_or(&c.path);
                            !others.iter().any(|other| {
                                let theirs = other.and_then(|t| {
                                    lookup(repo, t, rel)
                                        .ok()
                                        .flatten()
                                        .map(|(id, mode)| Entry { id, mode })
                                });
                                theirs == c.new
                            })
                        });
                    }
                    Ok((changes, submodules))
                },
            )
            .collect();
        let mut submodules_seen = BTreeSet::new();
        results
            .into_iter()
            .zip(nodes)
            .map(|(r, node)| match r {
                Ok((changes, submodules)) => {
                    for s in submodules {
                        if submodules_seen.insert(s.clone()) {
                            findings.push(
                                Diagnostic::warning(
                                    self.root_rel(&s),
                                    format!(
                                        "`{s}` is a git submodule: the documents in it have no history here"
                                    ),
                                )
                                .with_help(
                                    "documents in a submodule are read from the working tree; their history \
                                     lives in the submodule's own repository",
                                )
                                .with_rule(RULE_HISTORY),
                            );
                        }
                    }
                    changes
                }
                Err(e) => {
                    findings.push(repo_warning(
                        self,
                        format!(
                            "the changes of commit {} cannot be read ({e}): they are left out of the history",
                            node.info.short
                        ),
                    ));
                    Vec::new()
                }
            })
            .collect()
    }

    /// Read and parse every distinct version of a document once.
    pub(crate) fn summaries<'a>(
        &self,
        entries: impl Iterator<Item = (Entry, &'a String)>,
        opts: &HistoryOptions,
    ) -> HashMap<ObjectId, Summary> {
        let mut wanted: HashMap<ObjectId, (EntryMode, &String)> = HashMap::new();
        for (e, path) in entries {
            wanted.entry(e.id).or_insert((e.mode, path));
        }
        let wanted: Vec<(ObjectId, (EntryMode, &String))> = wanted.into_iter().collect();
        wanted
            .par_iter()
            .map_init(
                || (self.local(), Vec::new()),
                |(repo, buf), (id, (mode, path))| {
                    let summary = if mode.is_link() {
                        Err("the file is a symbolic link in the repository: its history is not followed"
                            .to_string())
                    } else {
                        match repo.objects.find_blob(id, buf) {
                            Ok(blob) => summarize(blob.data, path, opts),
                            Err(e) => Err(format!(
                                "its content (object {}) cannot be read from the repository: {}",
                                &id.to_hex().to_string()[..12],
                                describe(&e)
                            )),
                        }
                    };
                    (*id, summary)
                },
            )
            .collect()
    }

    /// A site-relative path as shown in messages (relative to the site's
    /// folder, as the loader shows document paths).
    pub(crate) fn root_rel(&self, site_rel: &str) -> std::path::PathBuf {
        std::path::PathBuf::from(site_rel)
    }
}

/// A warning about the repository as a whole, located at its `.git`.
pub(crate) fn repo_warning(site: &SiteRepo, message: String) -> Diagnostic {
    Diagnostic::warning(
        crate::diag::display_path(&site.root, site.repo.git_dir()),
        message,
    )
    .with_help(
        "the repository may be damaged or incomplete: `git fsck` shows what is wrong; \
             the build goes on with the history that can be read",
    )
    .with_rule(RULE_HISTORY)
}

/// Commits newest first, never a parent before a child, otherwise by
/// commit time (then by walk order).
fn date_order(
    found: &[(ObjectId, CommitInfo, CommitLinks)],
    index: &HashMap<ObjectId, usize>,
) -> Vec<usize> {
    let n = found.len();
    let parents: Vec<Vec<usize>> = found
        .iter()
        .map(|(_, _, l)| {
            l.parents
                .iter()
                .filter_map(|p| index.get(p).copied().filter(|&i| i < n))
                .collect()
        })
        .collect();
    let mut children = vec![0usize; n];
    for ps in &parents {
        for &p in ps {
            children[p] += 1;
        }
    }
    let mut ready: BinaryHeap<(jiff::Timestamp, Reverse<usize>)> = (0..n)
        .filter(|&i| children[i] == 0)
        .map(|i| (found[i].1.commit_time, Reverse(i)))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some((_, Reverse(i))) = ready.pop() {
        order.push(i);
        for &p in &parents[i] {
            children[p] -= 1;
            if children[p] == 0 {
                ready.push((found[p].1.commit_time, Reverse(p)));
            }
        }
    }
    order
}

/// The document files that differ between two trees, and the submodules
/// met.
pub(crate) type DocumentDiff = (Vec<PathChange>, Vec<String>);

/// The document files that differ between two `content/` trees, and the
/// submodules met. Paths are site-relative.
pub(crate) fn diff_documents(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: Option<ObjectId>,
) -> Result<DocumentDiff, String> {
    use gix::diff::tree::recorder::Change as R;
    let mut state = gix::diff::tree::State::default();
    let mut recorder = gix::diff::tree::Recorder::default();
    let mut b1 = Vec::new();
    let mut b2 = Vec::new();
    let lhs = match old {
        Some(id) => repo
            .objects
            .find_tree_iter(&id, &mut b1)
            .map_err(|e| describe(&e))?,
        None => gix::objs::TreeRefIter::from_bytes(&[], repo.object_hash()),
    };
    let rhs = match new {
        Some(id) => repo
            .objects
            .find_tree_iter(&id, &mut b2)
            .map_err(|e| describe(&e))?,
        None => gix::objs::TreeRefIter::from_bytes(&[], repo.object_hash()),
    };
    gix::diff::tree(lhs, rhs, &mut state, &repo.objects, &mut recorder)
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut submodules = Vec::new();
    let leaf = |mode: EntryMode, id: ObjectId| {
        (mode.is_blob() || mode.is_link()).then_some(Entry { id, mode })
    };
    for change in recorder.records {
        let (path, old, new, modes) = match change {
            R::Addition {
                entry_mode,
                oid,
                path,
                ..
            } => (path, None, leaf(entry_mode, oid), [None, Some(entry_mode)]),
            R::Deletion {
                entry_mode,
                oid,
                path,
                ..
            } => (path, leaf(entry_mode, oid), None, [Some(entry_mode), None]),
            R::Modification {
                previous_entry_mode,
                previous_oid,
                entry_mode,
                oid,
                path,
            } => (
                path,
                leaf(previous_entry_mode, previous_oid),
                leaf(entry_mode, oid),
                [Some(previous_entry_mode), Some(entry_mode)],
            ),
        };
        let path = format!("content/{}", String::from_utf8_lossy(path.as_ref()));
        if modes.iter().flatten().any(|m| m.is_commit()) {
            submodules.push(path.clone());
        }
        if (old.is_some() || new.is_some()) && is_document_name(&path) {
            out.push(PathChange { path, old, new });
        }
    }
    Ok((out, submodules))
}

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

/// Put the revisions of each document together, oldest commit first.
fn assemble(
    site: &SiteRepo,
    nodes: &[Node],
    changes: &[Vec<PathChange>],
    summaries: &HashMap<ObjectId, Summary>,
    findings: &mut Vec<Diagnostic>,
) -> BTreeMap<String, DocHistory> {
    let repo = site.local();
    let mut docs: BTreeMap<String, Vec<Revision>> = BTreeMap::new();
    let mut last_state: HashMap<String, Arc<DocState>> = HashMap::new();
    let mut paths_of: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut id_at_path: HashMap<String, String> = HashMap::new();
    // Unreadable versions, one finding per file and problem (the newest).
    let mut unreadable: BTreeMap<(String, String), Diagnostic> = BTreeMap::new();
    let mut duplicates: BTreeSet<(String, Vec<String>)> = BTreeSet::new();
    let mut id_changes: BTreeSet<(String, String, String)> = BTreeSet::new();
    let get = |e: Option<Entry>| e.and_then(|e| summaries.get(&e.id).cloned());

    for (node, changes) in nodes.iter().zip(changes).rev() {
        if changes.is_empty() {
            continue;
        }
        let mut events: BTreeMap<String, Vec<Event>> = BTreeMap::new();
        let mut note_unreadable = |path: &str, problem: &str| {
            let d = Diagnostic::warning(
                site.root_rel(path),
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
            unreadable.insert((path.to_string(), problem.to_string()), d);
        };
        for c in changes {
            let old = get(c.old);
            let new = get(c.new);
            let old_state = old.as_ref().and_then(|s| s.as_ref().ok()).cloned();
            let old_id = old_state
                .as_ref()
                .map(|s| s.id.clone())
                .or_else(|| id_at_path.get(&c.path).cloned());
            if let Some(Err(problem)) = &new {
                note_unreadable(&c.path, problem);
            }
            match (c.old.is_some(), c.new.is_some()) {
                (false, true) => {
                    if let Some(Ok(st)) = &new {
                        push(
                            &mut events,
                            &st.id,
                            &c.path,
                            EventKind::Add,
                            None,
                            new.clone(),
                            None,
                        )
                    }
                }
                (true, false) => {
                    if let Some(id) = old_id {
                        push(
                            &mut events,
                            &id,
                            &c.path,
                            EventKind::Delete,
                            old_state,
                            None,
                            None,
                        );
                    }
                }
                (true, true) => match (&new, old_id) {
                    (Some(Ok(st)), Some(old_id)) if old_id != st.id => {
                        id_changes.insert((c.path.clone(), old_id.clone(), st.id.clone()));
                        findings.push(
                            Diagnostic::warning(
                                site.root_rel(&c.path),
                                format!(
                                    "commit {} ({}) changed this document's id from `{old_id}` to `{}`: \
                                     the history of `{old_id}` ends there and `{}` begins",
                                    node.info.short,
                                    node.info.commit_date(),
                                    st.id,
                                    st.id
                                ),
                            )
                            .with_help(
                                "a document's id is its identity: links, clause pages and history follow it; \
                                 if the change was a mistake, restore the old id",
                            )
                            .with_rule(RULE_HISTORY),
                        );
                        push(
                            &mut events,
                            &old_id,
                            &c.path,
                            EventKind::Delete,
                            old_state,
                            None,
                            None,
                        );
                        push(
                            &mut events,
                            &st.id,
                            &c.path,
                            EventKind::Add,
                            None,
                            new.clone(),
                            Some(old_id),
                        );
                    }
                    (Some(Ok(st)), _) => push(
                        &mut events,
                        &st.id.clone(),
                        &c.path,
                        EventKind::Modify,
                        old_state,
                        new.clone(),
                        None,
                    ),
                    (_, Some(old_id)) => push(
                        &mut events,
                        &old_id,
                        &c.path,
                        EventKind::Modify,
                        old_state,
                        new.clone(),
                        None,
                    ),
                    (_, None) => {}
                },
                (false, false) => {}
            }
        }
        for (id, evs) in events {
            let adds: Vec<&Event> = evs.iter().filter(|e| e.kind == EventKind::Add).collect();
            let mods: Vec<&Event> = evs.iter().filter(|e| e.kind == EventKind::Modify).collect();
            let dels: Vec<&Event> = evs.iter().filter(|e| e.kind == EventKind::Delete).collect();
            // Two files with the same id in this commit's tree.
            let mut dup_paths: BTreeSet<String> = BTreeSet::new();
            if adds.len() + mods.len() > 1 {
                dup_paths.extend(adds.iter().chain(&mods).map(|e| e.path.clone()));
            }
            if let Some(add) = adds.first()
                && let Some(known) = paths_of.get(&id)
            {
                for p in known {
                    if *p == add.path || dels.iter().any(|d| d.path == *p) || dup_paths.contains(p)
                    {
                        continue;
                    }
                    let rel = p.strip_prefix("content/").unwrap_or(p);
                    let still = node
                        .content
                        .and_then(|t| lookup(&repo, t, rel).ok().flatten())
                        .and_then(|(blob, _)| {
                            summaries
                                .get(&blob)
                                .cloned()
                                .or_else(|| id_at_path.get(p).map(|i| Err(i.clone())))
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
                if duplicates.insert((id.clone(), paths.clone())) {
                    findings.push(
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
                        .with_rule(RULE_HISTORY),
                    );
                }
            }
            let (main, change, before) = if let Some(m) = mods.first() {
                (*m, Change::Modified, m.old.clone())
            } else if let Some(a) = adds.first() {
                if let Some(d) = dels.first() {
                    (
                        *a,
                        Change::Moved {
                            from: d.path.clone(),
                        },
                        d.old.clone(),
                    )
                } else if let Some(from) = &a.renamed_from {
                    (
                        *a,
                        Change::IdChanged { from: from.clone() },
                        last_state.get(&id).cloned(),
                    )
                } else {
                    (*a, Change::Added, last_state.get(&id).cloned())
                }
            } else if let Some(d) = dels.first() {
                // Another file with this id remains: not a removal of the
                // document.
                let remains = paths_of.get(&id).is_some_and(|ps| {
                    ps.iter().any(|p| {
                        !dels.iter().any(|d| d.path == *p) && id_at_path.get(p) == Some(&id)
                    })
                });
                if remains {
                    for d in &dels {
                        id_at_path.remove(&d.path);
                    }
                    continue;
                }
                (*d, Change::Removed, d.old.clone())
            } else {
                continue;
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
                id_at_path.remove(&d.path);
            }
            if change != Change::Removed {
                id_at_path.insert(main.path.clone(), id.clone());
                paths_of
                    .entry(id.clone())
                    .or_default()
                    .insert(main.path.clone());
                if let Some(st) = &state {
                    last_state.insert(id.clone(), st.clone());
                }
            }
            let approved = state
                .as_ref()
                .is_some_and(|s| s.status == crate::content::Status::Approved)
                && change != Change::Removed;
            docs.entry(id).or_default().push(Revision {
                commit: node.info.clone(),
                path: main.path.clone(),
                change,
                state,
                problem,
                changed,
                approved,
            });
        }
    }
    findings.extend(unreadable.into_values());
    docs.into_iter()
        .map(|(id, mut revisions)| {
            revisions.reverse();
            (id.clone(), DocHistory { id, revisions })
        })
        .collect()
}

fn push(
    events: &mut BTreeMap<String, Vec<Event>>,
    id: &str,
    path: &str,
    kind: EventKind,
    old: Option<Arc<DocState>>,
    new: Option<Summary>,
    renamed_from: Option<String>,
) {
    events.entry(id.to_string()).or_default().push(Event {
        path: path.to_string(),
        kind,
        old,
        new,
        renamed_from,
    });
}
