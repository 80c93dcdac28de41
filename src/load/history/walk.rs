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
use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

use gix::ObjectId;
use gix::objs::FindExt as _;
use gix::objs::tree::EntryMode;
use rayon::prelude::*;

use super::entries::{Entry, Node, PathChange, Summary, is_document_name};
use super::model::{CommitInfo, History, HistoryOptions, Parsed, RULE_HISTORY, describe};
use super::objects::{ObjectPool, Objects};
use super::open::SiteRepo;
use super::open::{CommitLinks, commit_info_in, lookup_in};
use super::summary::summarize;
use crate::base::diag::Diagnostic;

/// Run `f` on rayon's pool, or on a pool of one thread.
pub(crate) fn in_pool<R: Send>(single: bool, f: impl FnOnce() -> R + Send) -> R {
    if single && let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        return pool.install(f);
    }
    f()
}

/// The part of the history that needs the repository only, not the loaded
/// documents: the commits, the document files each changed, and the
/// versions read so far. [`SiteRepo::walk`] makes it (a build runs it
/// beside the load), [`SiteRepo::history_from`] finishes it.
pub struct Walk {
    pub(crate) nodes: Vec<Node>,
    pub(crate) changes: Vec<Vec<PathChange>>,
    pub(crate) findings: Vec<Diagnostic>,
    /// Versions read and parsed already, by blob id.
    pub(crate) summaries: HashMap<ObjectId, Summary>,
}

impl SiteRepo {
    /// The history of every document: every commit reachable from `HEAD`
    /// that changed a document below the site's `content/`, per document
    /// id, newest first. Never fails: what cannot be read is in
    /// [`History::findings`].
    pub fn history(&self, opts: &HistoryOptions) -> History {
        in_pool(opts.single_threaded, || {
            let walk = self.walk(opts, None);
            self.history_from(walk, opts)
        })
    }

    /// Walk the commits and find the document files each changed. With
    /// `read_except`, also read and parse every version whose blob id it
    /// does not hold (ignoring [`HistoryOptions::parsed`]): a build passes
    /// the blobs of `HEAD`, which the loader parses from the working tree,
    /// and reads the older versions while the documents load.
    pub fn walk(&self, opts: &HistoryOptions, read_except: Option<&HashSet<ObjectId>>) -> Walk {
        let mut findings = Vec::new();
        let pool = self.object_pool();
        let nodes = self.walk_commits(&pool, &mut findings);
        let changes = self.commit_changes(&pool, &nodes, &mut findings);
        let summaries = match read_except {
            Some(skip) => {
                let unparsed = HistoryOptions {
                    parsed: Parsed::default(),
                    ..opts.clone()
                };
                self.summaries(
                    &pool,
                    entries_of(&changes).filter(|(e, _)| !skip.contains(&e.id)),
                    &unparsed,
                    HashMap::new(),
                )
            }
            None => HashMap::new(),
        };
        Walk {
            nodes,
            changes,
            findings,
            summaries,
        }
    }

    /// The history from a [`SiteRepo::walk`]: the versions not read yet
    /// read (those in [`HistoryOptions::parsed`] taken from there), the
    /// revisions put together per document.
    pub fn history_from(&self, walk: Walk, opts: &HistoryOptions) -> History {
        let Walk {
            nodes,
            changes,
            mut findings,
            summaries,
        } = walk;
        let summaries = self.summaries(&self.object_pool(), entries_of(&changes), opts, summaries);
        let documents =
            super::assemble::assemble(self, &nodes, &changes, &summaries, &mut findings);
        History {
            head: self.head().clone(),
            commits: nodes.len(),
            shallow: self.is_shallow(),
            documents,
            findings,
        }
    }

    /// Every commit reachable from `HEAD`, newest first in date order,
    /// with its `content/` tree.
    pub(crate) fn walk_commits(
        &self,
        pool: &ObjectPool<impl Fn() -> Objects + Sync>,
        findings: &mut Vec<Diagnostic>,
    ) -> Vec<Node> {
        let objects = pool.take();
        let mut index: HashMap<ObjectId, usize> = HashMap::new();
        let mut found: Vec<(ObjectId, CommitInfo, CommitLinks)> = Vec::new();
        let mut queue = std::collections::VecDeque::from([self.head]);
        index.insert(self.head, 0);
        let mut missing: BTreeSet<ObjectId> = BTreeSet::new();
        while let Some(id) = queue.pop_front() {
            match commit_info_in(&*objects, id, &self.shallow, 40) {
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
        let short = *self.short_len.get_or_init(|| {
            super::short::short_len_of(found.iter().map(|(_, i, _)| i.id.as_str()))
        });
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
        drop(objects);
        let contents: Vec<Result<Option<ObjectId>, String>> = nodes
            .par_iter()
            .map_init(
                || pool.take(),
                |objects, (_, _, links)| {
                    self.subtree_in(&**objects, links.tree, crate::load::source::CONTENT_DIR)
                },
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
        pool: &ObjectPool<impl Fn() -> Objects + Sync>,
        nodes: &[Node],
        findings: &mut Vec<Diagnostic>,
    ) -> Vec<Vec<PathChange>> {
        let by_id: HashMap<ObjectId, usize> =
            nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
        let content_of = |id: &ObjectId| by_id.get(id).and_then(|&i| nodes[i].content);
        let results: Vec<Result<DocumentDiff, String>> = nodes
            .par_iter()
            .map_init(
                || pool.take(),
                |objects, node| {
                    let first = node.links.parents.first().and_then(&content_of);
                    if first == node.content && !node.links.parents.is_empty() {
                        return Ok((Vec::new(), Vec::new()));
                    }
                    let (mut changes, submodules) = diff_documents(objects, first, node.content)?;
                    if node.links.parents.len() > 1 {
                        let others: Vec<Option<ObjectId>> =
                            node.links.parents[1..].iter().map(&content_of).collect();
                        changes.retain(|c| {
                            let rel = c.path.strip_prefix("content/").unwrap_or(&c.path);
                            !others.iter().any(|other| {
                                let theirs = other.and_then(|t| {
                                    lookup_in(&**objects, t, rel)
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

    /// Read and parse every distinct version of a document once (those in
    /// [`HistoryOptions::parsed`] are taken from there, those in `read`
    /// were read before).
    pub(crate) fn summaries<'a>(
        &self,
        pool: &ObjectPool<impl Fn() -> Objects + Sync>,
        entries: impl Iterator<Item = (Entry, &'a String)>,
        opts: &HistoryOptions,
        mut read: HashMap<ObjectId, Summary>,
    ) -> HashMap<ObjectId, Summary> {
        let mut wanted: HashMap<ObjectId, (EntryMode, &String)> = HashMap::new();
        let mut known: HashMap<ObjectId, Summary> = HashMap::new();
        for (e, path) in entries {
            match opts.parsed.get(&e.id) {
                Some(st) if !e.mode.is_link() => {
                    known.insert(e.id, Ok(st.clone()));
                }
                _ if read.contains_key(&e.id) => {}
                _ => {
                    wanted.entry(e.id).or_insert((e.mode, path));
                }
            }
        }
        let wanted: Vec<(ObjectId, (EntryMode, &String))> = wanted.into_iter().collect();
        let fresh: Vec<(ObjectId, Summary)> = wanted
            .par_iter()
            .map_init(
                || (pool.take(), Vec::new()),
                |(objects, buf), (id, (mode, path))| {
                    let summary = if mode.is_link() {
                        Err("the file is a symbolic link in the repository: its history is not followed"
                            .to_string())
                    } else {
                        match objects.find_blob(id, buf) {
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
            .collect();
        read.extend(fresh);
        read.extend(known);
        read
    }

    /// A site-relative path as shown in messages (relative to the site's
    /// folder, as the loader shows document paths).
    pub(crate) fn root_rel(&self, site_rel: &str) -> std::path::PathBuf {
        std::path::PathBuf::from(site_rel)
    }
}

/// The old and new entries of every changed document file, with its path.
fn entries_of(changes: &[Vec<PathChange>]) -> impl Iterator<Item = (Entry, &String)> {
    changes
        .iter()
        .flatten()
        .flat_map(|c| [c.old.map(|e| (e, &c.path)), c.new.map(|e| (e, &c.path))])
        .flatten()
}

/// A warning about the repository as a whole, located at its `.git`.
pub(crate) fn repo_warning(site: &SiteRepo, message: String) -> Diagnostic {
    Diagnostic::warning(
        crate::base::diag::display_path(&site.root, site.repo.git_dir()),
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
    objects: &Objects,
    old: Option<ObjectId>,
    new: Option<ObjectId>,
) -> Result<DocumentDiff, String> {
    use gix::diff::tree::recorder::Change as R;
    let mut state = gix::diff::tree::State::default();
    let mut recorder = gix::diff::tree::Recorder::default();
    let mut b1 = Vec::new();
    let mut b2 = Vec::new();
    let hash = objects.repo.object_hash();
    let lhs = match old {
        Some(id) => objects
            .find_tree_iter(&id, &mut b1)
            .map_err(|e| describe(&e))?,
        None => gix::objs::TreeRefIter::from_bytes(&[], hash),
    };
    let rhs = match new {
        Some(id) => objects
            .find_tree_iter(&id, &mut b2)
            .map_err(|e| describe(&e))?,
        None => gix::objs::TreeRefIter::from_bytes(&[], hash),
    };
    gix::diff::tree(lhs, rhs, &mut state, objects, &mut recorder).map_err(|e| e.to_string())?;
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
