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
//! - a document's findings of the document-control rules: the very same
//!   parsed document and the same epoch (which holds the date).
//!
//! Per-document results are kept in the order of the previous load's
//! documents and found again by id ([`Matching`]). [`SiteCache::load`] runs
//! the steps of the plain load ([`Site::load_from`]) one by one, taking
//! over what still holds and working out the rest with the same functions;
//! whatever is not cached (edges, backlinks, checks) is recomputed at every
//! load from the cached parts, so a cached load gives the same site as a
//! fresh one; the rebuild tests compare the two outputs.

use std::collections::BTreeMap;

use foldhash::{HashSet, HashSetExt};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::fingerprint::hasher;
use crate::base::timing::Laps;
use crate::check::documents::DocumentRules;
use crate::load::config::Config;
use crate::load::content::{self, Document};
use crate::load::source::{FileSystem, Source, is_document_name};
use crate::load::standards::Standards;
use crate::resolve::clauses::{self, ResolvedRef};
use crate::resolve::layout::Layout;
use crate::resolve::links::{self, Edge, LinkIndex};
use crate::resolve::markdown::{self, Rendered};
use crate::resolve::trace::Trace;
use crate::resolve::{LoadOptions, Parts, Site, SiteError, scope};

/// A content file as last read.
struct CachedFile {
    /// Modification time and length when read; `None` never matches.
    stamp: Option<(SystemTime, u64)>,
    doc: Option<Arc<Document>>,
    diags: Vec<Diagnostic>,
}

/// How the documents of a load match those of the previous load.
struct Matching {
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
type CachedRefs = (Arc<Vec<ResolvedRef>>, Vec<Diagnostic>);

/// Resolved `related` ids of one document and their findings.
type CachedRelated = (Vec<usize>, Vec<Diagnostic>);

/// The reusable results of the previous load of a site.
#[derive(Default)]
pub struct SiteCache {
    epoch: Option<u64>,
    /// The catalogs of this epoch, and their findings.
    standards: Option<(Arc<Standards>, Vec<Diagnostic>)>,
    /// Every content file, in path order (the order of discovery).
    files: BTreeMap<PathBuf, CachedFile>,
    /// The fields and kinds the site declared when `files` were parsed.
    schema: crate::load::content::Schema,
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
    layout: Option<Layout>,
    /// The documents of the previous load, sorted by id; the per-document
    /// results below are in the same order.
    docs: Vec<Arc<Document>>,
    resolved: Vec<CachedRefs>,
    related: Vec<CachedRelated>,
    rendered: Vec<CachedRender>,
    /// Findings of the document-control rules of each document.
    control: Vec<Vec<Diagnostic>>,
    /// The coverage of the previous load.
    trace: Option<Arc<Trace>>,
    /// Documents whose body was rendered afresh by the last load.
    pub fresh_renders: Vec<String>,
}

impl SiteCache {
    /// Load the site at `root` as [`Site::load`] does, reusing what the
    /// previous load through this cache worked out and still holds.
    pub fn load(&mut self, root: &Path, options: LoadOptions) -> Result<Site, SiteError> {
        let mut laps = Laps::start();
        let mut diags = Diagnostics::default();
        let source = FileSystem::new(root);

        let config = Config::load_from(&source).map_err(SiteError::Config)?;
        self.start(epoch(root, &config.source, &options));
        let schema = crate::load::content::Schema::of(&config);
        if schema != self.schema {
            // Each parse checked the declared fields and kinds: read all.
            self.files.clear();
            self.complete = false;
            self.schema = schema;
        }
        let standards = self.standards(&source, &mut diags);
        scope::check(&config, &standards, &mut diags).map_err(SiteError::Scope)?;
        laps.lap("config");

        let loaded = self.load_files(&source, &mut diags);
        // The previous layout is kept for the comparisons of `render` when
        // this load works out a new one.
        let (layout, old) = match self.layout.take() {
            Some(mut l) if fits(&l, &loaded) => {
                l.files = loaded;
                (l, None)
            }
            old => (
                Layout::new(loaded, config.clean_links, options.drafts, &mut diags),
                old,
            ),
        };
        let same_layout = old.is_none() && !self.docs.is_empty();
        let docs = layout.docs();
        let m = self.matching(&docs, same_layout);
        laps.lap("load");

        let links = layout.links(&docs, config.markdown.raw_html);
        let related = self.related(&docs, &links, &m, &mut diags);
        let resolved = self.clauses(&docs, &config, &standards, &m, &mut diags);
        let clauses: Vec<Arc<Vec<ResolvedRef>>> =
            resolved.iter().map(|(r, _)| Arc::clone(r)).collect();
        laps.lap("resolve");

        let (rendered, edges) = self.render(&docs, &m, old.as_ref(), &links);
        laps.lap("markdown");

        let trace = match &self.trace {
            Some(t) if self.same_coverage(&docs, &resolved, &m) => Arc::clone(t),
            _ => Arc::new(Trace::compute(&config, &standards, &docs, &clauses)),
        };
        let control = self.control(&docs, &config, &options, &m);
        let parts = Parts {
            root: root.to_path_buf(),
            config,
            standards,
            options,
            docs,
            urls: Arc::clone(&layout.urls),
            published: layout.published.clone(),
            clauses,
            related: related.iter().map(|(r, _)| r.clone()).collect(),
            rendered,
            edges,
            trace: Arc::clone(&trace),
            diags,
        };
        self.finish(&parts.docs, layout, resolved, related, control, trace);
        Ok(Site::assemble(parts, laps))
    }

    /// The findings of every rule for `site`, the last site this cache
    /// loaded: [`crate::check::findings`] with the document-control
    /// findings the load kept.
    pub fn findings(&self, site: &Site) -> Diagnostics {
        crate::check::findings_with(site, &self.control)
    }

    /// The catalogs of this epoch, loaded when the epoch began; their
    /// findings go to `diags`.
    fn standards(&mut self, source: &FileSystem, diags: &mut Diagnostics) -> Arc<Standards> {
        let (s, ds) = self.standards.get_or_insert_with(|| {
            let (s, ds) = scope::load_standards(source);
            (Arc::new(s), ds)
        });
        diags.extend(ds.iter().cloned());
        Arc::clone(s)
    }

    /// The documents each document lists as `related` (same layout and same
    /// document: as in the previous load), with their findings.
    fn related(
        &mut self,
        docs: &[Arc<Document>],
        links: &LinkIndex<'_>,
        m: &Matching,
        diags: &mut Diagnostics,
    ) -> Vec<CachedRelated> {
        let mut previous = std::mem::take(&mut self.related);
        let out: Vec<CachedRelated> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                if m.same_layout
                    && let Some(j) = m.reused(self, i, d)
                {
                    return std::mem::take(&mut previous[j]);
                }
                links::related_of(d, links)
            })
            .collect();
        for (_, ds) in &out {
            diags.extend(ds.iter().cloned());
        }
        out
    }

    /// The clause references of each document (the very same document: as
    /// in the previous load), with their findings.
    fn clauses(
        &self,
        docs: &[Arc<Document>],
        config: &Config,
        standards: &Standards,
        m: &Matching,
        diags: &mut Diagnostics,
    ) -> Vec<CachedRefs> {
        let out: Vec<CachedRefs> = docs
            .par_iter()
            .enumerate()
            .map(|(i, d)| match m.reuse(self, &self.resolved, i, d) {
                Some((refs, ds)) => (Arc::clone(refs), ds.clone()),
                None => clauses::refs_of(d, config, standards),
            })
            .collect();
        for (_, ds) in &out {
            diags.extend(ds.iter().cloned());
        }
        out
    }

    /// The findings of the document-control rules for each document (the
    /// very same document: as in the previous load).
    fn control(
        &mut self,
        docs: &[Arc<Document>],
        config: &Config,
        options: &LoadOptions,
        m: &Matching,
    ) -> Vec<Vec<Diagnostic>> {
        let rules = DocumentRules::new(config, options.today);
        let mut previous = std::mem::take(&mut self.control);
        docs.iter()
            .enumerate()
            .map(|(i, d)| match m.reused(self, i, d) {
                Some(j) => std::mem::take(&mut previous[j]),
                None => rules.check(d),
            })
            .collect()
    }

    /// Whether the coverage of the previous load holds for these documents:
    /// the same layout, and every changed document has the same status and
    /// addresses the same clauses (where in its file does not matter).
    fn same_coverage(&self, docs: &[Arc<Document>], resolved: &[CachedRefs], m: &Matching) -> bool {
        m.same_layout
            && self.resolved.len() == docs.len()
            && docs
                .iter()
                .zip(&self.docs)
                .zip(resolved.iter().zip(&self.resolved))
                .all(|((d, p), ((refs, _), (old, _)))| {
                    Arc::ptr_eq(d, p)
                        || (d.meta.status == p.meta.status
                            && refs.len() == old.len()
                            && refs.iter().zip(old.iter()).all(|(a, b)| {
                                a.key == b.key && a.level == b.level && a.section == b.section
                            }))
                })
    }

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
    fn start(&mut self, epoch: u64) {
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
    fn load_files(&mut self, source: &FileSystem, diags: &mut Diagnostics) -> Vec<Arc<Document>> {
        let dirty = std::mem::take(&mut self.dirty);
        let schema = &self.schema;
        if std::mem::take(&mut self.complete) {
            // The watcher said what changed: read those files only.
            let fresh: Vec<(PathBuf, Option<CachedFile>)> = dirty
                .into_par_iter()
                .map(|file| {
                    let is_doc = std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file())
                        && is_document_name(&file);
                    let c = is_doc.then(|| read_file(source, &file, schema));
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
                    let c = read_file(source, &file, schema);
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
    fn matching(&self, docs: &[Arc<Document>], same_layout: bool) -> Matching {
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
    fn render(
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

    /// Keep the documents of this load and what was worked out from them
    /// (in their order) for the next one.
    fn finish(
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

/// Whether `loaded` (in path order) has the layout `layout` worked out:
/// the same documents by id, path and publication, and nothing reported.
fn fits(layout: &Layout, loaded: &[Arc<Document>]) -> bool {
    layout.clean
        && layout.files.len() == loaded.len()
        && layout.files.iter().zip(loaded).all(|(old, new)| {
            Arc::ptr_eq(old, new)
                || (old.path == new.path
                    && old.meta.id == new.meta.id
                    && old.content_path == new.content_path
                    && old.meta.status.is_unreleased() == new.meta.status.is_unreleased())
        })
}

/// A file's modification time and length.
fn stamp(file: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(file).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// Read and parse one content file. The stamp is taken before reading: a
/// write racing the read changes it, and the next load reads again.
fn read_file(
    source: &FileSystem,
    file: &Path,
    schema: &crate::load::content::Schema,
) -> CachedFile {
    let stamp = stamp(file);
    let (doc, diags) = content::read_document(source, file, schema);
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
    let mut h = hasher();
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
