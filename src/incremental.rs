//! What a load of the site can reuse from the previous load of the same
//! site: `clausebook serve` keeps a [`SiteCache`] across rebuilds so that a
//! change to one document re-reads and re-renders that document only.
//!
//! Each cached result is kept with what it was computed from, and reused
//! only while that is unchanged:
//!
//! - a content file's parse: its modification time and length (and no
//!   change reported by the watcher, see [`SiteCache::invalidate`]);
//! - a document's resolved clause references: the very same parsed
//!   document, and the same configuration and catalogs (the *epoch*);
//! - a document's rendered body: the same parsed document, the same epoch,
//!   and the same answers to every link lookup it made (the target's id,
//!   path, page URL and publication), or, when a broken link suggested an
//!   id, the same set of ids.
//!
//! Whatever is not cached (ids, URLs, backlinks, coverage, checks) is
//! recomputed at every load from the cached parts, so a cached load gives
//! the same site as a fresh one; the rebuild tests compare the two outputs.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashSet, HashSetExt};
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::content::{self, Document};
use crate::diag::{Diagnostic, Diagnostics};
use crate::markdown::{self, Edge, LinkIndex, Rendered};
use crate::site::ResolvedRef;

/// A hasher for in-memory fingerprints (fast, not for security; fixed seed
/// so that fingerprints compare within and across loads).
pub fn hasher() -> impl Hasher {
    foldhash::fast::FixedState::with_seed(0x636c_6175_7365).build_hasher()
}

/// The fingerprint of a value.
pub fn fingerprint<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = hasher();
    v.hash(&mut h);
    h.finish()
}

/// A content file as last read.
struct CachedFile {
    /// Modification time and length when read; `None` never matches.
    stamp: Option<(SystemTime, u64)>,
    doc: Option<Arc<Document>>,
    diags: Vec<Diagnostic>,
}

/// A rendered body, with the ids its edges pointed to (edges hold indexes,
/// which shift when documents come and go).
struct CachedRender {
    doc: Arc<Document>,
    rendered: Arc<Rendered>,
    targets: Arc<[String]>,
}

/// What a link to a document resolves to.
#[derive(Debug, PartialEq)]
struct LinkFacts {
    content_path: String,
    url: String,
    published: bool,
}

/// Resolved clause references of one document and their findings.
pub(crate) type CachedRefs = (Arc<Document>, Arc<Vec<ResolvedRef>>, Vec<Diagnostic>);

/// The reusable results of the previous load of a site.
#[derive(Default)]
pub struct SiteCache {
    epoch: Option<u64>,
    /// The catalogs of this epoch, and their findings.
    pub(crate) standards: Option<(Arc<crate::standards::Standards>, Vec<Diagnostic>)>,
    /// Every content file, in path order (the order of discovery).
    files: BTreeMap<PathBuf, CachedFile>,
    /// Files to read again whatever their stamp says.
    dirty: HashSet<PathBuf>,
    /// Whether `dirty` lists every change since the last load (told by
    /// the watcher), so that the content folder need not be walked.
    complete: bool,
    pub(crate) resolved: HashMap<String, CachedRefs>,
    rendered: HashMap<String, CachedRender>,
    facts: HashMap<String, LinkFacts>,
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
            self.resolved.clear();
            self.rendered.clear();
            self.facts.clear();
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
        if std::mem::take(&mut self.complete) {
            // The watcher said what changed: read those files only.
            let fresh: Vec<(PathBuf, Option<CachedFile>)> = dirty
                .into_par_iter()
                .map(|file| {
                    let is_doc = std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file())
                        && content::is_document_name(&file);
                    let c = is_doc.then(|| read_file(root, &file));
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
            let files = match content::discover(root) {
                Ok(f) => f,
                Err(d) => {
                    diags.push(d);
                    self.files.clear();
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
                    let c = read_file(root, &file);
                    (file, c)
                })
                .collect();
            self.files = loaded.into_iter().collect();
        }
        let mut docs = Vec::with_capacity(self.files.len());
        for c in self.files.values() {
            diags.extend(c.diags.iter().cloned());
            docs.extend(c.doc.clone());
        }
        docs
    }

    /// The rendered bodies of `docs` (sorted, unique ids) and the edges
    /// between them, rendering again only what changed.
    pub(crate) fn render(
        &mut self,
        docs: &[Arc<Document>],
        urls: &[String],
        published: &[bool],
        links: &LinkIndex<'_>,
    ) -> (Vec<Arc<Rendered>>, Vec<Edge>) {
        let index: HashMap<&str, usize> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.meta.id.as_str(), i))
            .collect();
        // The lookup keys whose answer may differ from the last load, and
        // the link facts to keep for the next one.
        let mut changed: HashSet<String> = HashSet::new();
        let mut mark = |id: &str, f: &LinkFacts| {
            changed.insert(format!("id:{}", id.to_lowercase()));
            changed.insert(format!("path:{}", f.content_path));
        };
        let mut ids_changed = false;
        for (i, d) in docs.iter().enumerate() {
            let old = self.facts.get(&d.meta.id);
            let same = old.is_some_and(|f| {
                f.published == published[i] && f.url == urls[i] && f.content_path == d.content_path
            });
            if same {
                continue;
            }
            ids_changed |= old.is_none();
            let f = LinkFacts {
                content_path: d.content_path.clone(),
                url: urls[i].clone(),
                published: published[i],
            };
            if let Some(old) = old {
                mark(&d.meta.id, old);
            }
            mark(&d.meta.id, &f);
            self.facts.insert(d.meta.id.clone(), f);
        }
        if self.facts.len() > docs.len() {
            let gone: Vec<String> = self
                .facts
                .keys()
                .filter(|id| !index.contains_key(id.as_str()))
                .cloned()
                .collect();
            for id in gone {
                if let Some(f) = self.facts.remove(&id) {
                    mark(&id, &f);
                }
                self.rendered.remove(&id);
                ids_changed = true;
            }
        }

        let cached = &self.rendered;
        let results: Vec<(Arc<Rendered>, Arc<[String]>, bool)> = docs
            .par_iter()
            .enumerate()
            .map(|(i, d)| {
                if let Some(c) = cached.get(&d.meta.id)
                    && Arc::ptr_eq(&c.doc, d)
                    && !(c.rendered.suggests && ids_changed)
                    && (changed.is_empty()
                        || !c.rendered.lookups.iter().any(|k| changed.contains(k)))
                {
                    return (Arc::clone(&c.rendered), Arc::clone(&c.targets), false);
                }
                let r = markdown::render(i, links, "../../");
                let targets = r.edges.iter().map(|e| docs[e.to].meta.id.clone()).collect();
                (Arc::new(r), targets, true)
            })
            .collect();

        let mut rendered = Vec::with_capacity(docs.len());
        let mut edges = Vec::new();
        self.fresh_renders.clear();
        for (from, (r, targets, fresh)) in results.into_iter().enumerate() {
            for (e, target) in r.edges.iter().zip(targets.iter()) {
                // A reused rendering's targets all still exist (a change
                // to any of them would have rendered it again).
                if let Some(&to) = index.get(target.as_str()) {
                    edges.push(Edge {
                        from,
                        to,
                        anchor: e.anchor.clone(),
                        span: e.span,
                    });
                }
            }
            if fresh {
                let d = &docs[from];
                self.fresh_renders.push(d.meta.id.clone());
                let c = CachedRender {
                    doc: Arc::clone(d),
                    rendered: Arc::clone(&r),
                    targets,
                };
                self.rendered.insert(d.meta.id.clone(), c);
            }
            rendered.push(r);
        }
        (rendered, edges)
    }
}

/// A file's modification time and length.
fn stamp(file: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(file).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// Read and parse one content file. The stamp is taken before reading: a
/// write racing the read changes it, and the next load reads again.
fn read_file(root: &Path, file: &Path) -> CachedFile {
    let stamp = stamp(file);
    let (doc, diags) = content::read_document(root, file);
    CachedFile {
        stamp,
        doc: doc.map(Arc::new),
        diags,
    }
}

/// The fingerprint of what every resolved reference and rendered body
/// depends on besides the documents: the configuration file, the site's
/// catalog files and the load options.
pub(crate) fn epoch(root: &Path, config_source: &str, options: &crate::site::LoadOptions) -> u64 {
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
