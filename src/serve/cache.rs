//! What a load of the site can reuse from the previous load of the same
//! site: `clausebook serve` keeps a [`SiteCache`] across rebuilds so that a
//! change to one document re-reads and re-renders that document only.
//!
//! Each cached result is kept with what it was computed from, and reused
//! only while that is unchanged:
//!
//! - a content file's parse: its modification time and length (and no
//!   change reported by the watcher, see [`SiteCache::invalidate`]);
//! - the layout of the site (documents sorted by id, page URLs,
//!   publication, link tables): every document's id, path and publication,
//!   and no duplicate ids or shared pages;
//! - a document's resolved clause references: the very same parsed
//!   document, and the same configuration and catalogs (the *epoch*);
//! - a document's resolved `related` ids: the very same parsed document and
//!   the same layout;
//! - a document's rendered body: the same parsed document, the same epoch,
//!   and the same answers to every link lookup it made (the target's id,
//!   path, page URL and publication), or, when a broken link suggested an
//!   id, the same set of ids;
//! - the coverage: the same layout, and every changed document with the
//!   same status and the same clauses.
//!
//! Per-document results are kept in the order of the previous load's
//! documents and found again by id ([`Matching`]). Whatever is not cached
//! (edges, backlinks, checks) is recomputed at every load from the cached
//! parts, so a cached load gives the same site as a fresh one; the rebuild
//! tests compare the two outputs.

use std::collections::BTreeMap;

use foldhash::{HashSet, HashSetExt};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::load::content::{self, Document};
use crate::load::source::{FileSystem, Source, is_document_name};
use crate::resolve::ResolvedRef;
use crate::resolve::markdown::{self, Edge, LinkIndex, LinkMaps, Rendered};
use crate::resolve::trace::Trace;

/// A content file as last read.
struct CachedFile {
    /// Modification time and length when read; `None` never matches.
    stamp: Option<(SystemTime, u64)>,
    doc: Option<Arc<Document>>,
    diags: Vec<Diagnostic>,
}

/// What the previous load worked out from the documents' ids, paths and
/// statuses only: the order of the site's documents, their page URLs,
/// publication and link tables. A load whose documents all keep their id,
/// path and publication takes it as it is.
pub(crate) struct Layout {
    /// The documents loaded, in path order.
    pub files: Vec<Arc<Document>>,
    /// Index in `files` of each document of the site, sorted by id.
    pub order: Vec<usize>,
    /// Shared with the sites of this layout: the same allocation means the
    /// same layout.
    pub urls: Arc<[String]>,
    pub published: Vec<bool>,
    pub maps: Arc<LinkMaps>,
    /// Whether working it out found nothing to report (duplicate ids,
    /// shared pages): findings are located in the documents, so a layout
    /// with findings is worked out again.
    pub clean: bool,
}

impl Layout {
    /// Whether `loaded` (in path order) has the layout of this one.
    pub fn fits(&self, loaded: &[Arc<Document>]) -> bool {
        self.clean
            && self.files.len() == loaded.len()
            && self.files.iter().zip(loaded).all(|(old, new)| {
                Arc::ptr_eq(old, new)
                    || (old.path == new.path
                        && old.meta.id == new.meta.id
                        && old.content_path == new.content_path
                        && old.meta.status.is_unreleased() == new.meta.status.is_unreleased())
            })
    }
}

/// How the documents of a load match those of the previous load.
pub(crate) struct Matching {
    /// Position in the previous load of each document's id.
    pub prev: Vec<Option<usize>>,
    /// Whether the layout is the previous one: then `prev[i] == Some(i)`.
    pub same_layout: bool,
}

impl Matching {
    /// The position in the previous load of document `i` when it is the
    /// very same parsed document as then: the per-document results kept
    /// at that position hold for it.
    pub fn reused(&self, cache: &SiteCache, i: usize, doc: &Arc<Document>) -> Option<usize> {
        let j = self.prev[i]?;
        Arc::ptr_eq(cache.docs.get(j)?, doc).then_some(j)
    }

    /// The previous result for document `i` (one of `results`, which are
    /// in the order of the previous load), see [`Matching::reused`].
    pub fn reuse<'c, T>(
        &self,
        cache: &SiteCache,
        results: &'c [T],
        i: usize,
        doc: &Arc<Document>,
    ) -> Option<&'c T> {
        results.get(self.reused(cache, i, doc)?)
    }
}

/// A rendered body and its edges, which point to the documents of the
/// load that kept it.
struct CachedRender {
    rendered: Arc<Rendered>,
    edges: Vec<Edge>,
}

/// Resolved clause references of one document and their findings.
pub(crate) type CachedRefs = (Arc<Vec<ResolvedRef>>, Vec<Diagnostic>);

/// Resolved `related` ids of one document and their findings.
pub(crate) type CachedRelated = (Vec<usize>, Vec<Diagnostic>);

/// The reusable results of the previous load of a site.
#[derive(Default)]
pub struct SiteCache {
    epoch: Option<u64>,
    /// The catalogs of this epoch, and their findings.
    pub(crate) standards: Option<(Arc<crate::load::standards::Standards>, Vec<Diagnostic>)>,
    /// Every content file, in path order (the order of discovery).
    files: BTreeMap<PathBuf, CachedFile>,
    /// Files to read again whatever their stamp says.
    dirty: HashSet<PathBuf>,
    /// Whether `dirty` lists every change since the last load (told by
    /// the watcher), so that the content folder need not be walked.
    complete: bool,
    /// What the last walk of the content folder found to report
    /// (symbolic links not followed).
    walk: Vec<Diagnostic>,
    /// Whether the last walk followed a symbolic link: a change to a
    /// link's target is not seen as a change to the document, so every
    /// load walks the folder again and compares stamps.
    followed_links: bool,
    pub(crate) layout: Option<Layout>,
    /// The documents of the previous load, sorted by id; the per-document
    /// results below are in the same order.
    docs: Vec<Arc<Document>>,
    pub(crate) resolved: Vec<CachedRefs>,
    pub(crate) related: Vec<CachedRelated>,
    rendered: Vec<CachedRender>,
    /// Findings of the document-control rules of each document.
    pub(crate) control: Vec<Vec<Diagnostic>>,
    /// The coverage of the previous load.
    pub(crate) trace: Option<Arc<Trace>>,
    /// Documents whose body was rendered afresh by the last load.
    pub fresh_renders: Vec<String>,
}

impl SiteCache {
    /// Read these files again at the next load, whatever their stamps say
    /// (a file rewritten within the file system's clock resolution keeps
    /// its modification time).
    pub fn invalidate(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        self.dirty.extend(paths);
    }

    /// Like [`SiteCache::invalidate`], and these are all the files changed
    /// since the last load: the next load reads them without walking the
    /// content folder, unless one of them is not a Markdown file (a folder
    /// moved in or out is walked).
    pub fn changed(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        let before = self.dirty.is_empty();
        self.dirty.extend(paths);
        self.complete = before
            && !self.files.is_empty()
            && !self.followed_links
            && self.dirty.iter().all(|p| {
                p.extension().is_some_and(|e| e == "md")
                    && std::fs::symlink_metadata(p).map_or(true, |m| m.is_file())
            });
    }

    /// Begin a load whose configuration, catalogs and options have the
    /// fingerprint `epoch`: results that depend on them are dropped when
    /// it changed.
    pub(crate) fn start(&mut self, epoch: u64) {
        if self.epoch != Some(epoch) {
            self.standards = None;
            self.layout = None;
            self.docs.clear();
            self.resolved.clear();
            self.related.clear();
            self.rendered.clear();
            self.control.clear();
            self.trace = None;
            self.epoch = Some(epoch);
        }
    }

    /// Every document of the site, in path order, read again only when
    /// changed; their findings go to `diags`.
    pub(crate) fn load_files(
        &mut self,
        root: &Path,
        diags: &mut Diagnostics,
    ) -> Vec<Arc<Document>> {
        let dirty = std::mem::take(&mut self.dirty);
        let source = FileSystem::new(root);
        if std::mem::take(&mut self.complete) {
            // The watcher said what changed: read those files only.
            let fresh: Vec<(PathBuf, Option<CachedFile>)> = dirty
                .into_par_iter()
                .map(|file| {
                    let is_doc = std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file())
                        && is_document_name(&file);
                    let c = is_doc.then(|| read_file(&source, &file));
                    (file, c)
                })
                .collect();
            for (file, c) in fresh {
                match c {
                    Some(c) => self.files.insert(file, c),
                    None => self.files.remove(&file),
                };
            }
        } else {
            let files = match source.documents() {
                Ok(found) => {
                    self.walk = found.diags;
                    self.followed_links = found.followed_links;
                    found.files
                }
                Err(d) => {
                    diags.push(d);
                    self.files.clear();
                    self.walk.clear();
                    return Vec::new();
                }
            };
            let previous = std::mem::take(&mut self.files);
            let loaded: Vec<(PathBuf, CachedFile)> = files
                .into_par_iter()
                .map(|file| {
                    let stamp = stamp(&file);
                    if let Some(c) = previous.get(&file)
                        && stamp.is_some()
                        && c.stamp == stamp
                        && !dirty.contains(&file)
                    {
                        let again = CachedFile {
                            stamp,
                            doc: c.doc.clone(),
                            diags: c.diags.clone(),
                        };
                        return (file, again);
                    }
                    let c = read_file(&source, &file);
                    (file, c)
                })
                .collect();
            self.files = loaded.into_iter().collect();
        }
        diags.extend(self.walk.iter().cloned());
        let mut docs = Vec::with_capacity(self.files.len());
        for c in self.files.values() {
            diags.extend(c.diags.iter().cloned());
            docs.extend(c.doc.clone());
        }
        docs
    }

    /// Match the documents of this load (sorted, unique ids) with those of
    /// the previous one, by id.
    pub(crate) fn matching(&self, docs: &[Arc<Document>], same_layout: bool) -> Matching {
        if same_layout && self.docs.len() == docs.len() {
            let prev = (0..docs.len()).map(Some).collect();
            return Matching { prev, same_layout };
        }
        // Both lists are sorted by id: walk them together.
        let mut prev = Vec::with_capacity(docs.len());
        let mut j = 0;
        for d in docs {
            while j < self.docs.len() && self.docs[j].meta.id < d.meta.id {
                j += 1;
            }
            let hit = j < self.docs.len() && self.docs[j].meta.id == d.meta.id;
            prev.push(hit.then_some(j));
        }
        Matching {
            prev,
            same_layout: false,
        }
    }

    /// The rendered bodies of `docs` (sorted, unique ids) and the edges
    /// between them, rendering again only what changed. `old` is the
    /// layout of the previous load.
    pub(crate) fn render(
        &mut self,
        docs: &[Arc<Document>],
        m: &Matching,
        old: Option<&Layout>,
        links: &LinkIndex<'_>,
    ) -> (Vec<Arc<Rendered>>, Vec<Edge>) {
        // Position in this load of each document of the previous one.
        let mut now: Vec<Option<usize>> = vec![None; self.docs.len()];
        for (i, j) in m.prev.iter().enumerate() {
            if let Some(j) = *j {
                now[j] = Some(i);
            }
        }
        // The lookup keys whose answer may differ from the last load (with
        // the same layout, every lookup answers as before).
        let mut changed: HashSet<String> = HashSet::new();
        let mut ids_changed = false;
        if !m.same_layout {
            let mut mark = |d: &Document| {
                changed.insert(format!("id:{}", d.meta.id.to_lowercase()));
                changed.insert(format!("path:{}", d.content_path));
            };
            for (i, d) in docs.iter().enumerate() {
                let before = m.prev[i].map(|j| (j, &self.docs[j]));
                let same = before.zip(old).is_some_and(|((j, p), l)| {
                    l.published.get(j) == Some(&links.published(i))
                        && l.urls.get(j).map(String::as_str) == Some(links.url(i))
                        && p.content_path == d.content_path
                });
                if same {
                    continue;
                }
                match before {
                    Some((_, p)) => mark(p),
                    None => ids_changed = true,
                }
                mark(d);
            }
            for (j, p) in self.docs.iter().enumerate() {
                if now[j].is_none() {
                    mark(p);
                    ids_changed = true;
                }
            }
        }

        let fresh: Vec<Option<Rendered>> = docs
            .par_iter()
            .enumerate()
            .map(|(i, d)| {
                if let Some(c) = m.reuse(self, &self.rendered, i, d)
                    && !(c.rendered.suggests && ids_changed)
                    && (changed.is_empty()
                        || !c.rendered.lookups.iter().any(|k| changed.contains(k)))
                {
                    return None;
                }
                Some(markdown::render(i, links, "../../"))
            })
            .collect();

        let mut previous: Vec<Option<CachedRender>> = std::mem::take(&mut self.rendered)
            .into_iter()
            .map(Some)
            .collect();
        let mut rendered = Vec::with_capacity(docs.len());
        let mut edges = Vec::new();
        self.fresh_renders.clear();
        for (from, (r, d)) in fresh.into_iter().zip(docs).enumerate() {
            let c = match r {
                Some(r) => {
                    self.fresh_renders.push(d.meta.id.clone());
                    CachedRender {
                        edges: r.edges.clone(),
                        rendered: Arc::new(r),
                    }
                }
                None => {
                    let j = m.prev[from].expect("a reused rendering was kept");
                    let mut c = previous[j].take().expect("each rendering is kept once");
                    if !m.same_layout {
                        // A reused rendering's targets all still exist (a
                        // change to any of them would have rendered it
                        // again).
                        c.edges.retain_mut(|e| match now[e.to] {
                            Some(to) => {
                                e.from = from;
                                e.to = to;
                                true
                            }
                            None => false,
                        });
                    }
                    c
                }
            };
            edges.extend_from_slice(&c.edges);
            rendered.push(Arc::clone(&c.rendered));
            self.rendered.push(c);
        }
        (rendered, edges)
    }

    /// The documents of the previous load, sorted by id.
    pub(crate) fn previous(&self) -> &[Arc<Document>] {
        &self.docs
    }

    /// Keep the documents of this load and what was worked out from them
    /// (in their order) for the next one.
    pub(crate) fn finish(
        &mut self,
        docs: &[Arc<Document>],
        layout: Layout,
        resolved: Vec<CachedRefs>,
        related: Vec<CachedRelated>,
        control: Vec<Vec<Diagnostic>>,
        trace: Arc<Trace>,
    ) {
        self.docs = docs.to_vec();
        self.control = control;
        self.layout = Some(layout);
        self.resolved = resolved;
        self.related = related;
        self.trace = Some(trace);
    }
}

/// A file's modification time and length.
fn stamp(file: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(file).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// Read and parse one content file. The stamp is taken before reading: a
/// write racing the read changes it, and the next load reads again.
fn read_file(source: &FileSystem, file: &Path) -> CachedFile {
    let stamp = stamp(file);
    let (doc, diags) = content::read_document(source, file);
    CachedFile {
        stamp,
        doc: doc.map(Arc::new),
        diags,
    }
}

/// The fingerprint of what every resolved reference and rendered body
/// depends on besides the documents: the configuration file, the site's
/// catalog files and the load options.
pub(crate) fn epoch(
    root: &Path,
    config_source: &str,
    options: &crate::resolve::LoadOptions,
) -> u64 {
    let mut h = crate::base::fingerprint::hasher();
    config_source.hash(&mut h);
    options.drafts.hash(&mut h);
    options.today.to_string().hash(&mut h);
    let dir = root.join("standards");
    if dir.is_dir() {
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(walkdir::DirEntry::into_path)
            .collect();
        files.sort();
        for f in files {
            f.hash(&mut h);
            std::fs::read(&f).unwrap_or_default().hash(&mut h);
        }
    }
    h.finish()
}
